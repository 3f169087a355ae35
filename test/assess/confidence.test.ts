import { describe, expect, it } from 'vitest';
import {
  byarInterval,
  exactPoissonInterval,
  meanCI,
  proportionCI,
  rateCI,
  wilsonInterval,
} from '../../src/assess/stats/index.js';
import { expectPublished, expectRelative } from './helpers.js';

/*
 * Reference values: PHEindicatormethods, "Introduction to PHEindicatormethods" vignette as rendered in the package
 * repository (ukhsa-collaboration/PHEindicatormethods, vignettes/Introduction to PHEindicatormethods.html,
 * dated 2019-03-07, commit a59b7b39fbb0a31fd5b9a7eadc3c901ebee92e3e). The vignette prints the outputs of
 * phe_proportion, phe_rate and phe_mean for the data frame below (obs / pop for 4 areas x 2 years).
 * Numbers are kept as printed (strings) and compared to half a unit in the last printed digit; R prints them
 * to 7 significant figures, so 1e-8 relative is not available from this source.
 */
const VIGNETTE_DATA: Array<{ area: string; year: number; obs: number; pop: number }> = [
  { area: 'Area1', year: 2015, obs: 24, pop: 162 },
  { area: 'Area2', year: 2015, obs: 6, pop: 120 },
  { area: 'Area3', year: 2015, obs: 68, pop: 173 },
  { area: 'Area4', year: 2015, obs: 95, pop: 146 },
  { area: 'Area1', year: 2016, obs: 46, pop: 143 },
  { area: 'Area2', year: 2016, obs: 56, pop: 132 },
  { area: 'Area3', year: 2016, obs: 76, pop: 183 },
  { area: 'Area4', year: 2016, obs: 18, pop: 149 },
];

// phe_proportion(df, obs, pop): value, lowercl, uppercl (95%, proportion of 1)
const PROPORTION_95 = [
  ['0.1481481', '0.10162049', '0.2109760'],
  ['0.0500000', '0.02311436', '0.1048029'],
  ['0.3930636', '0.32336123', '0.4674118'],
  ['0.6506849', '0.57038874', '0.7232550'],
  ['0.3216783', '0.25064630', '0.4020403'],
  ['0.4242424', '0.34324611', '0.5095234'],
  ['0.4153005', '0.34636288', '0.4877211'],
  ['0.1208054', '0.07779726', '0.1828745'],
];
// phe_proportion(df, obs, pop, confidence = 99.8)
const PROPORTION_998 = [
  ['0.1481481', '0.08166047', '0.2538084'],
  ['0.0500000', '0.01533517', '0.1510069'],
  ['0.3930636', '0.28680466', '0.5105106'],
  ['0.6506849', '0.52294492', '0.7599232'],
  ['0.3216783', '0.21543623', '0.4502461'],
  ['0.4242424', '0.30088158', '0.5578251'],
  ['0.4153005', '0.30968023', '0.5293222'],
  ['0.1208054', '0.06046514', '0.2268239'],
];
// phe_proportion(df, obs, pop, multiplier = 100) (percentage, 95%)
const PERCENT_95 = [
  ['14.81481', '10.162049', '21.09760'],
  ['5.00000', '2.311436', '10.48029'],
  ['39.30636', '32.336123', '46.74118'],
  ['65.06849', '57.038874', '72.32550'],
  ['32.16783', '25.064630', '40.20403'],
  ['42.42424', '34.324611', '50.95234'],
  ['41.53005', '34.636288', '48.77211'],
  ['12.08054', '7.779726', '18.28745'],
];
// phe_proportion(df, obs, pop, confidence = 99.8, multiplier = 100)
const PERCENT_998 = [
  ['14.81481', '8.166047', '25.38084'],
  ['5.00000', '1.533517', '15.10069'],
  ['39.30636', '28.680466', '51.05106'],
  ['65.06849', '52.294492', '75.99232'],
  ['32.16783', '21.543623', '45.02461'],
  ['42.42424', '30.088158', '55.78251'],
  ['41.53005', '30.968023', '52.93222'],
  ['12.08054', '6.046514', '22.68239'],
];
// phe_rate(df, obs, pop): rate per 100000, 95%, with the method column (Byars for obs >= 10, Exact below)
const RATE_100000_95: Array<[string, string, string, 'byar' | 'exact_poisson']> = [
  ['14814.81', '9489.334', '22044.21', 'byar'],
  ['5000.00', '1834.912', '10882.90', 'exact_poisson'],
  ['39306.36', '30521.553', '49830.92', 'byar'],
  ['65068.49', '52642.965', '79543.66', 'byar'],
  ['32167.83', '23548.788', '42908.37', 'byar'],
  ['42424.24', '32044.793', '55092.43', 'byar'],
  ['41530.05', '32719.746', '51981.74', 'byar'],
  ['12080.54', '7156.037', '19093.45', 'byar'],
];
// phe_rate(df, obs, pop, confidence = 99.8, multiplier = 100)
const RATE_100_998 = [
  ['14.81481', '7.1693910', '26.77154'],
  ['5.00000', '0.9225872', '15.05136'],
  ['39.30636', '26.1925701', '56.39516'],
  ['65.06849', '46.3595418', '88.46988'],
  ['32.16783', '19.4573177', '49.71192'],
  ['42.42424', '27.0186592', '63.05222'],
  ['41.53005', '28.3382512', '58.47473'],
  ['12.08054', '5.1176169', '23.75627'],
];

function checkTable(
  table: string[][],
  compute: (obs: number, pop: number) => { value: number; lower: number; upper: number },
  label: string,
): void {
  VIGNETTE_DATA.forEach((row, i) => {
    const r = compute(row.obs, row.pop);
    const [value, lower, upper] = table[i];
    const where = `${label} ${row.area} ${row.year} (${row.obs}/${row.pop})`;
    expectPublished(r.value, value, `${where} value`);
    expectPublished(r.lower, lower, `${where} lower`);
    expectPublished(r.upper, upper, `${where} upper`);
  });
}

describe('proportionCI reproduces PHEindicatormethods phe_proportion (vignette)', () => {
  it('95%, proportion of 1', () => {
    checkTable(PROPORTION_95, (x, n) => proportionCI(x, n), 'phe_proportion 95%');
  });
  it('99.8%, proportion of 1', () => {
    checkTable(PROPORTION_998, (x, n) => proportionCI(x, n, { confidence: 0.998 }), 'phe_proportion 99.8%');
  });
  it('95%, percentage (multiplier 100)', () => {
    checkTable(PERCENT_95, (x, n) => proportionCI(x, n, { multiplier: 100 }), 'phe_proportion % 95%');
  });
  it('99.8%, percentage; confidence may be given as 99.8 like PHEindicatormethods', () => {
    checkTable(PERCENT_998, (x, n) => proportionCI(x, n, { multiplier: 100, confidence: 99.8 }), 'phe_proportion % 99.8');
  });
  it('grouped totals 193/601 and 196/607 (tibble print, 3 significant figures)', () => {
    // df %>% group_by(year) %>% phe_proportion(obs, pop)
    const a = proportionCI(193, 601);
    expectPublished(a.value, '0.321');
    expectPublished(a.lower, '0.285');
    expectPublished(a.upper, '0.359');
    const b = proportionCI(196, 607);
    expectPublished(b.value, '0.323');
    expectPublished(b.lower, '0.287');
    expectPublished(b.upper, '0.361');
    expect(a.method).toBe('wilson');
  });
  it('wilsonInterval is the 0-1 scale interval behind proportionCI', () => {
    const w = wilsonInterval(24, 162, 0.95);
    expectPublished(w.lower, '0.10162049');
    expectPublished(w.upper, '0.2109760');
  });
});

describe('rateCI reproduces PHEindicatormethods phe_rate (vignette)', () => {
  it('95% per 100,000 with exact below 10 and Byar from 10', () => {
    VIGNETTE_DATA.forEach((row, i) => {
      const r = rateCI(row.obs, row.pop);
      const [value, lower, upper, method] = RATE_100000_95[i];
      const where = `phe_rate ${row.area} ${row.year}`;
      expectPublished(r.value, value, `${where} value`);
      expectPublished(r.lower, lower, `${where} lower`);
      expectPublished(r.upper, upper, `${where} upper`);
      expect(r.method, where).toBe(method);
    });
  });
  it('99.8% per 100', () => {
    checkTable(RATE_100_998, (x, n) => rateCI(x, n, { multiplier: 100, confidence: 0.998 }), 'phe_rate 99.8% per 100');
  });
  it('grouped totals (tibble print): 193/601 -> 32113. 27742. 36977.', () => {
    const a = rateCI(193, 601);
    expectPublished(a.value, '32113');
    expectPublished(a.lower, '27742');
    expectPublished(a.upper, '36977');
    const b = rateCI(196, 607);
    expectPublished(b.value, '32290');
    expectPublished(b.lower, '27927');
    expectPublished(b.upper, '37141');
  });
  it('the switch is at 10: 9 is exact, 10 is Byar', () => {
    expect(rateCI(9, 1000).method).toBe('exact_poisson');
    expect(rateCI(10, 1000).method).toBe('byar');
    expect(rateCI(0, 1000).method).toBe('exact_poisson');
  });
  it('the count-scale intervals are the rate intervals before scaling', () => {
    // 6 events in 120: exact 95% limits 1834.912 and 10882.90 per 100,000 (vignette) => count limits x 120 / 1e5
    const e = exactPoissonInterval(6, 0.95);
    expectPublished((e.lower / 120) * 1e5, '1834.912');
    expectPublished((e.upper / 120) * 1e5, '10882.90');
    const b = byarInterval(24, 0.95);
    expectPublished((b.lower / 162) * 1e5, '9489.334');
    expectPublished((b.upper / 162) * 1e5, '22044.21');
  });
});

describe('exact Poisson limits against closed forms (1e-12)', () => {
  // For x = 0 the upper limit solves exp(-U) = alpha/2, so U = -ln(alpha/2); for x = 1 the lower limit solves
  // 1 - exp(-L) = alpha/2, so L = -ln(1 - alpha/2) (chi-square with 2 df is exponential).
  it('x = 0: lower 0, upper -ln(0.025) at 95% and -ln(0.001) at 99.8%', () => {
    const a = exactPoissonInterval(0, 0.95);
    expect(a.lower).toBe(0);
    expectRelative(a.upper, -Math.log(0.025), 1e-12, 'x=0 95%');
    expectRelative(a.upper, 3.6888794541139363, 1e-12, 'x=0 95% literal');
    expectRelative(exactPoissonInterval(0, 0.998).upper, -Math.log(0.001), 1e-12, 'x=0 99.8%');
  });
  it('x = 1: lower -ln(0.975) at 95% and -ln(0.999) at 99.8%', () => {
    expectRelative(exactPoissonInterval(1, 0.95).lower, -Math.log(0.975), 1e-12, 'x=1 95%');
    expectRelative(exactPoissonInterval(1, 0.998).lower, -Math.log(0.999), 1e-12, 'x=1 99.8%');
  });
  it('every limit for x = 0..60 satisfies its defining Poisson tail equation to 1e-11', () => {
    // Upper U: P(X <= x | U) = alpha/2. Lower L (x >= 1): P(X >= x | L) = alpha/2. Summed directly from the pmf,
    // independently of the gamma-quantile route the implementation takes.
    const poissonCdf = (k: number, mu: number): number => {
      let term = Math.exp(-mu);
      let sum = term;
      for (let i = 1; i <= k; i += 1) {
        term *= mu / i;
        sum += term;
      }
      return sum;
    };
    for (const conf of [0.95, 0.998]) {
      const half = (1 - conf) / 2;
      for (let x = 0; x <= 60; x += 1) {
        const { lower, upper } = exactPoissonInterval(x, conf);
        expectRelative(poissonCdf(x, upper), half, 1e-11, `upper x=${x} conf=${conf}`);
        if (x > 0) expectRelative(1 - poissonCdf(x - 1, lower), half, 1e-9, `lower x=${x} conf=${conf}`);
      }
    }
  });
});

describe('meanCI reproduces PHEindicatormethods phe_mean (vignette)', () => {
  it('phe_mean(df, obs): 48.625 (22.76452, 74.48548), stdev 30.93282', () => {
    const m = meanCI(VIGNETTE_DATA.map((r) => r.obs));
    expectPublished(m.value, '48.625');
    expectPublished(m.lower, '22.76452');
    expectPublished(m.upper, '74.48548');
    expectPublished(m.standardDeviation, '30.93282');
    expect(m.n).toBe(8);
    expect(m.method).toBe('student_t');
  });
  it('grouped by year at 99.8% (tibble print, 3 significant figures)', () => {
    const y2015 = meanCI([24, 6, 68, 95], 0.998);
    expectPublished(y2015.value, '48.2');
    expectPublished(y2015.standardDeviation, '40.6');
    expectPublished(y2015.lower, '-159');
    expectPublished(y2015.upper, '256');
    const y2016 = meanCI([46, 56, 76, 18], 0.998);
    expectPublished(y2016.value, '49');
    expectPublished(y2016.standardDeviation, '24.1');
    expectPublished(y2016.lower, '-74.3');
    expectPublished(y2016.upper, '172');
  });
});

describe('input checks', () => {
  it('rejects impossible inputs rather than returning a misleading interval', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => proportionCI(1, 0)).toThrow(RangeError);
    expect(() => rateCI(1, 0)).toThrow(RangeError);
    expect(() => rateCI(Number.NaN, 10)).toThrow(RangeError);
    expect(() => exactPoissonInterval(3, 1)).toThrow(RangeError);
    expect(() => byarInterval(30, 0)).toThrow(RangeError);
    expect(() => meanCI([3])).toThrow(RangeError);
  });
});
