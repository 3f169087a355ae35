/**
 * Direction of travel rests on evidence: a change between two periods counts only when a test suited to the unit
 * finds it significant (two proportions, two Poisson rates), or, where no test applies, when it leaves the
 * no-change band; exceptions are made only on evidence, and never on direction alone for a green indicator.
 */
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assess/index.js';
import { changeTestFor, isSignificantChange, judgedDirection } from '../../src/assess/direction.js';
import { exceptionReasons } from '../../src/assess/exceptions.js';
import { makePeriod, shiftPeriod } from '../../src/core/periods.js';
import type { Config, IndicatorDef } from '../../src/config/types.js';
import type { MeasureValue } from '../../src/measures/types.js';
import { directionText, exceptionReasonText } from '../../src/report/words.js';

const fig = (numerator: number, denominator: number | null, mult = 1) => ({ numerator, denominator, value: denominator ? (numerator / denominator) * mult : numerator });

describe('significance of a change', () => {
  it('two proportions: the pooled z-test (50/100 → 70/100 is significant, z = 2.89; 50/100 → 60/100 is not, z = 1.42)', () => {
    expect(changeTestFor('percent', fig(50, 100), fig(70, 100))).toBe('two_proportions');
    expect(isSignificantChange('two_proportions', fig(50, 100), fig(70, 100))).toBe(true);
    expect(isSignificantChange('two_proportions', fig(50, 100), fig(60, 100))).toBe(false);
    expect(isSignificantChange('two_proportions', fig(0, 100), fig(0, 120))).toBe(false);
  });

  it('two Poisson rates: exact conditional binomial (2 → 9 events: p = 0.065, not significant; 1 → 10: p = 0.012, significant)', () => {
    expect(changeTestFor('count', fig(2, null), fig(9, null))).toBe('two_poisson_rates');
    expect(isSignificantChange('two_poisson_rates', fig(2, null), fig(9, null))).toBe(false);
    expect(isSignificantChange('two_poisson_rates', fig(1, null), fig(10, null))).toBe(true);
    // 21 → 22 conceptions over the same population: nowhere near significant.
    expect(isSignificantChange('two_poisson_rates', fig(21, 3000), fig(22, 3000))).toBe(false);
    // Large counts use the normal approximation: 10,000 → 10,500 over equal exposure is significant.
    expect(isSignificantChange('two_poisson_rates', fig(10000, 1e6), fig(10500, 1e6))).toBe(true);
  });

  it('no test for averages, days, ratios or figures without whole counts: the no-change band judges them', () => {
    expect(changeTestFor('mean', fig(10, 2), fig(12, 2))).toBe('no_change_band');
    expect(changeTestFor('percent', { numerator: 10.5, denominator: 20, value: 52.5 }, fig(12, 20))).toBe('no_change_band');
    expect(judgedDirection('days', { numerator: null, denominator: null, value: 20 }, { numerator: null, denominator: null, value: 25 }, 'lower_is_better')).toEqual({ direction: 'improving', test: 'no_change_band' });
  });

  it('a non-significant change is "no significant change", whatever its size beside the band', () => {
    const r = judgedDirection('rate_per_1000', fig(22, 3000, 1000), fig(21, 3000, 1000), 'lower_is_better');
    expect(r).toEqual({ direction: 'no_change', test: 'two_poisson_rates' });
  });
});

const config = {
  root: '/p', areas: [{ id: 'all', name: 'Us', aliases: [], isWhole: true }],
  reporting: { periodType: 'fy_quarter', history: { periods: 8 } }, disclosure: { threshold: 5, marker: 'c' },
} as unknown as Config;
const Q = (i: number) => shiftPeriod(makePeriod('fy_quarter', 2025, 1), i).id;
function def(over: Partial<IndicatorDef> = {}): IndicatorDef {
  return {
    id: 'conceptions', title: 'Under-18 conceptions', shortTitle: 'Conceptions', description: '', kind: 'population_indicator', priority: 'p', polarity: 'lower_is_better',
    unit: 'rate_per_1000', decimals: 1, frequency: 'quarterly', periodType: 'fy_quarter', targets: {}, minDenominator: 0, disclosure: true, comparators: [], spc: false,
    definitionVersion: '1', file: '/p/indicators/c.yaml', ...over,
  };
}
function series(id: string, nums: number[], den: number, mult: number): MeasureValue[] {
  return nums.map((n, i) => ({ indicator: id, period: Q(i), area: 'all', numerator: n, denominator: den, value: (n / den) * mult, marker: null }));
}

describe('exceptions rest on evidence', () => {
  it('21 → 22 conceptions is "no significant change" and no exception', () => {
    const a = assess(config, [def()], { values: series('conceptions', [20, 19, 21, 20, 21, 22], 3000, 1000), compiled: [], failures: [] }, { period: Q(5) });
    const ia = a.indicators[0];
    expect(ia.latest).toMatchObject({ previousValue: 7, direction: 'no_change', directionTest: 'two_poisson_rates' });
    expect(directionText(ia.latest)).toBe('no significant change');
    expect(ia.latest.sentence).toContain('Against the previous quarter (7.0 per 1,000): no significant change');
    expect(ia.exceptions).toEqual([]);
  });

  it('a significant deterioration makes an amber indicator an exception, and is said to be significant', () => {
    const d = def({ kind: 'performance_measure', id: 'x', targets: { default: { value: 10, tolerancePct: 50 } } });
    const a = assess(config, [d], { values: series('x', [20, 21, 20, 21, 20, 40], 3000, 1000), compiled: [], failures: [] }, { period: Q(5) });
    const ia = a.indicators[0];
    expect(ia.latest).toMatchObject({ rag: 'amber', direction: 'deteriorating', directionTest: 'two_poisson_rates' });
    expect(ia.exceptions!.map((r) => r.kind)).toEqual(['significant_deterioration', 'significant_deterioration']);
    expect(exceptionReasonText(d, ia.exceptions![0], { previous: '2026/27 Q1' })).toBe('Significant deterioration against 2026/27 Q1 (6.7 per 1,000)');
  });

  it('a green indicator is never an exception through direction alone; red is, with its reason first', () => {
    const d = def({ kind: 'performance_measure', id: 'x', targets: { default: { value: 20 } } });
    const green = assess(config, [d], { values: series('x', [20, 21, 20, 21, 20, 40], 3000, 1000), compiled: [], failures: [] }, { period: Q(5) }).indicators[0];
    expect(green.latest).toMatchObject({ rag: 'green', direction: 'deteriorating' });
    expect(green.exceptions).toEqual([]);
    const red = assess(config, [def({ kind: 'performance_measure', id: 'x', targets: { default: { value: 5 } } })], { values: series('x', [20, 21, 20, 21, 20, 40], 3000, 1000), compiled: [], failures: [] }, { period: Q(5) }).indicators[0];
    expect(red.exceptions!.map((r) => r.kind)).toEqual(['red', 'significant_deterioration', 'significant_deterioration']);
    expect(exceptionReasons(red)[0]).toMatchObject({ kind: 'red', reason: '8.3 per 1,000 above target 5.0 per 1,000 (no amber band)' });
  });
});
