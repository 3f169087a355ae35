import { describe, expect, it } from 'vitest';
import { xmr, type SpcRule } from '../../src/assess/stats/index.js';
import { expectPublished } from './helpers.js';

/*
 * References: NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots).
 * - tests/testthat/test-ptd_spc.R + _snaps/ptd_spc.md: summary() of ptd_spc on set.seed(123); rnorm(20), whole
 *   series and two facets of 10 (mean_col, lpl, upl printed to 3 significant figures; all points common cause).
 * - tests/testthat/test-ptd_spc_standard.R + _snaps/ptd_spc_standard.md: same data, y[15] <- 10 with and without
 *   screen_outliers; the 2-of-3 test on symmetrical data.
 * - tests/testthat/test-ptd_calculate_point_type.R: the 7-point trend / one-side-of-mean cases.
 * - tests/testthat/test-ptd_calculate_assurance_type.R and test-geom_ptd_icon.R: assurance and variation icons.
 * - R/ptd_spc_standard.R, R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R and the current
 *   ptd_get_icons for behaviour the tests pin only indirectly.
 */

// R: set.seed(123); rnorm(20) -- printed by R to 8 decimals (the snapshot shows the same values to 3 s.f.).
const RNORM_123 = [
  -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123, -0.68685285,
  -0.44566197, 1.2240818, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
  0.7013559, -0.47279141,
];

const indicesWith = (r: ReturnType<typeof xmr>, rule: SpcRule): number[] =>
  r.points.flatMap((p, i) => (p.rules.includes(rule) ? [i] : []));

describe('xmr limits reproduce NHSRplotthedots snapshots', () => {
  it('rnorm(20), seed 123: mean 0.142, limits -3.01 / 3.29, 20 common-cause points', () => {
    const r = xmr(RNORM_123, { improvement: 'increase' });
    expectPublished(r.mean, '0.142', 'mean');
    expectPublished(r.lowerLimit, '-3.01', 'lpl');
    expectPublished(r.upperLimit, '3.29', 'upl');
    expect(r.points.filter((p) => !p.specialCause)).toHaveLength(20);
    expect(r.variation).toBe('common_cause');
    expect(r.assurance).toBeNull();
  });

  it('facets of 10: (0.0746, -2.60, 2.75) and (0.209, -3.28, 3.70)', () => {
    const a = xmr(RNORM_123.slice(0, 10), { improvement: 'increase' });
    expectPublished(a.mean, '0.0746');
    expectPublished(a.lowerLimit, '-2.60');
    expectPublished(a.upperLimit, '2.75');
    const b = xmr(RNORM_123.slice(10), { improvement: 'increase' });
    expectPublished(b.mean, '0.209');
    expectPublished(b.lowerLimit, '-3.28');
    expectPublished(b.upperLimit, '3.70');
    expect([...a.points, ...b.points].every((p) => !p.specialCause)).toBe(true);
  });

  it('limits are mean +/- 2.66 x mean moving range', () => {
    const r = xmr(RNORM_123, { improvement: 'neutral' });
    expect(r.upperLimit - r.mean).toBeCloseTo(2.66 * r.movingRangeMean, 12);
    expect(r.mean - r.lowerLimit).toBeCloseTo(2.66 * r.movingRangeMean, 12);
  });

  it('screens moving ranges >= 3.267 x their mean (y[15] <- 10), and can be told not to', () => {
    const y = [...RNORM_123];
    y[14] = 10;
    const screened = xmr(y, { improvement: 'increase' });
    const unscreened = xmr(y, { improvement: 'increase', excludeLargeMovingRanges: false });
    // The two ranges either side of the 10 are the only ones excluded.
    const ranges = y.slice(1).map((v, i) => Math.abs(v - y[i]));
    const big = [Math.abs(y[14] - y[13]), Math.abs(y[15] - y[14])];
    const rest = ranges.filter((r) => !big.includes(r));
    expect(rest).toHaveLength(17);
    expect(screened.movingRangeMean).toBeCloseTo(rest.reduce((s, v) => s + v, 0) / 17, 12);
    expect(unscreened.movingRangeMean).toBeCloseTo(ranges.reduce((s, v) => s + v, 0) / 19, 12);
    // As in the NHSRplotthedots test: all three sets of limits differ and screening narrows them.
    const plain = xmr(RNORM_123, { improvement: 'increase' });
    expect(new Set([plain.lowerLimit, screened.lowerLimit, unscreened.lowerLimit]).size).toBe(3);
    expect(unscreened.upperLimit - unscreened.lowerLimit).toBeGreaterThan(screened.upperLimit - screened.lowerLimit);
    expect(screened.points[14].rules).toContain('outside_limits');
    expect(unscreened.upperLimit).toBeLessThan(10);
  });

  it('baselinePoints fixes the mean and limits on the first n points (fix_after_n_points)', () => {
    // 12 points alternating +/-0.2 (mean 0, every moving range 0.4, limits +/-1.064), then three at 1.1.
    const values = [...Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 0.2 : -0.2)), 1.1, 1.1, 1.1];
    const fixed = xmr(values, { improvement: 'increase', baselinePoints: 12 });
    expect(fixed.mean).toBe(0);
    expect(fixed.movingRangeMean).toBeCloseTo(0.4, 12);
    expect(fixed.upperLimit).toBeCloseTo(1.064, 12);
    expect(indicesWith(fixed, 'outside_limits')).toEqual([12, 13, 14]);
    // Computed over all 15 points instead, the mean (0.22) and MR-bar (0.407) move: upper limit 1.303.
    const all = xmr(values, { improvement: 'increase' });
    expect(all.mean).toBeCloseTo(0.22, 12);
    expect(all.upperLimit).toBeCloseTo(0.22 + (2.66 * 5.7) / 14, 12);
    expect(indicesWith(all, 'outside_limits')).toEqual([]);
  });
});

describe('special-cause rules (NHSRplotthedots test-ptd_calculate_point_type.R cases)', () => {
  it('7 points rising is a trend and every point of it is flagged', () => {
    const r = xmr([1, 2, 3, 4, 5, 6, 7], { improvement: 'increase' });
    expect(indicesWith(r, 'trend')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Limits are 4 +/- 2.66, so 1 and 7 are also beyond them; that rule takes precedence for their direction.
    expect(r.points[0].rules).toEqual(['outside_limits', 'trend']);
    expect([r.points[0].side, r.points[0].direction]).toEqual(['low', 'concern']);
    expect(r.points.slice(1).every((p) => p.side === 'high' && p.direction === 'improvement')).toBe(true);
  });

  it('an equal consecutive value breaks a trend: c(1:3, 3:6)', () => {
    expect(indicesWith(xmr([1, 2, 3, 3, 4, 5, 6], { improvement: 'increase' }), 'trend')).toEqual([]);
  });

  it('c(2, 1:7, 3): the trend is points 2..8, not the first or last', () => {
    const r = xmr([2, 1, 2, 3, 4, 5, 6, 7, 3], { improvement: 'increase' });
    expect(indicesWith(r, 'trend')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('7:1 is a falling trend; with improvement "decrease" it is improvement, low', () => {
    const r = xmr([7, 6, 5, 4, 3, 2, 1], { improvement: 'decrease' });
    expect(indicesWith(r, 'trend')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.points.slice(1).every((p) => p.side === 'low' && p.direction === 'improvement')).toBe(true);
    expect([r.points[0].side, r.points[0].direction]).toEqual(['high', 'concern']); // 7 is above the upper limit
    expect(r.variation).toBe('improvement_low');
    expect(xmr([7, 6, 5, 4, 3, 2, 1], { improvement: 'increase' }).variation).toBe('concern_low');
  });

  it('8 points on one side then 1 on the other: the 8 are a shift, the ninth is not', () => {
    // Mean 0.789; the screened mean moving range (0.271) puts the limits at 0.067 / 1.511, so -1 is outside.
    const r = xmr([1.2, 0.8, 1.1, 0.9, 1.0, 1.2, 0.8, 1.1, -1.0], { improvement: 'increase' });
    expect(indicesWith(r, 'shift')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(indicesWith(r, 'outside_limits')).toEqual([8]);
    expect(r.variation).toBe('concern_low');
  });

  it('six on one side is not a shift', () => {
    const r = xmr([2, 1, 3, 2, 1, 3, -2, -1, -3, -2, -1, -3], { improvement: 'increase' });
    expect(indicesWith(r, 'shift')).toEqual([]);
  });

  it('a point exactly on the mean breaks a run', () => {
    // Mean is exactly 0: three above, one on the mean, three above, six below -> no run of 7.
    const onMean = xmr([2, 1, 3, 0, 2, 1, 3, -2, -1, -3, -2, -1, -3], { improvement: 'increase' });
    expect(onMean.mean).toBe(0);
    expect(indicesWith(onMean, 'shift')).toEqual([]);
    // Nudge that point just above the mean and the first seven become a shift.
    const above = xmr([2, 1, 3, 0.5, 2, 1, 3, -2, -1, -3, -2, -1, -3], { improvement: 'increase' });
    expect(indicesWith(above, 'shift')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('2 of 3 in the outer third, all three on the same side of the mean', () => {
    // 12 points +/-0.2, then 1.5, 0.3, 1.5: mean 0.22, MR-bar 0.607, 2-sigma line 1.297, upper limit 1.835.
    const base = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 0.2 : -0.2));
    const r = xmr([...base, 1.5, 0.3, 1.5], { improvement: 'increase' });
    expect(indicesWith(r, 'two_of_three')).toEqual([12, 14]);
    expect(indicesWith(r, 'outside_limits')).toEqual([]);
    expect(r.points[13].specialCause).toBe(false); // 0.3 is above the mean but not in the outer third
    expect(r.variation).toBe('improvement_high');
  });

  it('2 of 3 does not fire when the middle point crosses the mean (NHSRplotthedots needs all 3 on one side)', () => {
    const base = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 0.2 : -0.2));
    const r = xmr([...base, 1.5, -0.3, 1.5], { improvement: 'increase' });
    expect(r.points[12].value).toBeGreaterThan(r.mean + ((2 * 2.66) / 3) * r.movingRangeMean);
    expect(indicesWith(r, 'two_of_three')).toEqual([]);
    expect(r.variation).toBe('common_cause');
  });

  it('test-ptd_spc_standard.R: two successive near-limit points on opposite sides are common cause', () => {
    const data: number[] = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    data[14] = 5.5;
    data[15] = -5.5;
    const r = xmr(data, { improvement: 'increase' });
    expect(r.points.slice(-2).map((p) => p.specialCause)).toEqual([false, false]);
  });

  it('the highest-precedence rule sets the direction: a rising trend below the mean is an upward signal', () => {
    // Current NHSRplotthedots (ptd_special_cause_type): outside limits > trend > 2 of 3 > shift, and a trend
    // points the way it moves. Last 7 points rise from 0 to 6, all below the mean of 6.73.
    const r = xmr([10, 10, 10, 10, 10, 10, 10, 10, 0, 1, 2, 3, 4, 5, 6], { improvement: 'increase' });
    const last = r.points[14];
    expect(last.rules).toEqual(['trend', 'shift']);
    expect(last.side).toBe('high');
    expect(last.direction).toBe('improvement');
    expect(r.variation).toBe('improvement_high');
    // The 10s are above the upper limit (7.96) and, with 8 above the mean, also a shift.
    expect(r.points[0].rules).toEqual(['outside_limits', 'shift']);
  });
});

describe('variation and assurance icons (test-geom_ptd_icon.R s5-s9, test-ptd_calculate_assurance_type.R)', () => {
  // Deterministic stand-in for the R test's rnorm() halves: 12 points around 0 then 12 around +5 (or -5).
  const NOISE = [0.3, -0.5, 0.8, -0.2, 0.1, -0.9, 0.6, -0.4, 0.2, -0.7, 0.5, -0.1];
  const up = [...NOISE, ...NOISE.map((v) => v + 5)];
  const down = [...NOISE, ...NOISE.map((v) => v - 5)];

  it('shift up, target -3 below the limits: increase -> improvement_high + pass; decrease -> concern_high + fail', () => {
    const inc = xmr(up, { improvement: 'increase', target: -3 });
    expect(inc.lowerLimit).toBeGreaterThan(-3);
    expect([inc.variation, inc.assurance]).toEqual(['improvement_high', 'pass']);
    const dec = xmr(up, { improvement: 'decrease', target: -3 });
    expect([dec.variation, dec.assurance]).toEqual(['concern_high', 'fail']);
  });

  it('shift down, target 3 above the limits: increase -> concern_low + fail; decrease -> improvement_low + pass', () => {
    const inc = xmr(down, { improvement: 'increase', target: 3 });
    expect(inc.upperLimit).toBeLessThan(3);
    expect([inc.variation, inc.assurance]).toEqual(['concern_low', 'fail']);
    const dec = xmr(down, { improvement: 'decrease', target: 3 });
    expect([dec.variation, dec.assurance]).toEqual(['improvement_low', 'pass']);
  });

  it('neutral direction: neutral_low / neutral_high and no assurance even with a target', () => {
    // (The 2021 test expected neutral_high for a downward shift, from a since-fixed ifelse on -1; the current
    // ptd_point_type gives neutral_low.)
    expect([xmr(down, { improvement: 'neutral', target: 3 }).variation, xmr(down, { improvement: 'neutral', target: 3 }).assurance]).toEqual([
      'neutral_low',
      null,
    ]);
    expect(xmr(up, { improvement: 'neutral' }).variation).toBe('neutral_high');
  });

  it('target inside the limits is hit-or-miss, including exactly on a limit; no target gives null', () => {
    // Alternating 1.5 / 2.5: mean 2, every moving range 1, limits -0.66 and 4.66.
    const alt = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 1.5 : 2.5));
    const base = xmr(alt, { improvement: 'increase' });
    expect(base.assurance).toBeNull();
    expect(xmr(alt, { improvement: 'increase', target: 4 }).assurance).toBe('hit_or_miss');
    expect(xmr(alt, { improvement: 'increase', target: base.upperLimit }).assurance).toBe('hit_or_miss');
    expect(xmr(alt, { improvement: 'decrease', target: base.lowerLimit }).assurance).toBe('hit_or_miss');
    expect(xmr(alt, { improvement: 'increase', target: 5 }).assurance).toBe('fail');
    expect(xmr(alt, { improvement: 'decrease', target: 5 }).assurance).toBe('pass');
    expect(xmr(alt, { improvement: 'increase', target: -1 }).assurance).toBe('pass');
    expect(xmr(alt, { improvement: 'decrease', target: -1 }).assurance).toBe('fail');
  });
});

describe('xmr input checks', () => {
  it('rejects too few, non-finite or badly specified inputs', () => {
    expect(() => xmr([1], { improvement: 'increase' })).toThrow(RangeError);
    expect(() => xmr([1, Number.NaN, 2], { improvement: 'increase' })).toThrow(RangeError);
    expect(() => xmr([1, 2, 3], { improvement: 'increase', baselinePoints: 1 })).toThrow(RangeError);
    expect(() => xmr([1, 2, 3], { improvement: 'up' as unknown as 'increase' })).toThrow(TypeError);
  });
});
