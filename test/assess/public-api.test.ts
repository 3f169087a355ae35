/** The package root exports the documented API, with its documented signatures. */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('public API (#6)', () => {
  it('exports the named functions with the documented shapes', () => {
    const w = api.wilsonInterval(30, 100, 0.95);
    expect(w.lower).toBeGreaterThan(0.2);
    expect(w.upper).toBeLessThan(0.4);
    expect(Object.keys(api.byarInterval(50, 0.998)).sort()).toEqual(['lower', 'upper']);
    expect(Object.keys(api.exactPoissonInterval(3, 0.95)).sort()).toEqual(['lower', 'upper']);
    expect(api.proportionCI(30, 100, { multiplier: 100, confidence: 0.95 })).toMatchObject({ value: 30, method: 'wilson' });
    expect(api.rateCI(5, 10000, { multiplier: 10000, confidence: 0.998 })).toMatchObject({ value: 5, method: 'exact_poisson' });
    expect(api.meanCI([1, 2, 3], 0.95)).toMatchObject({ value: 2, method: 'student_t' });
    expect(api.compareWithBenchmark({ value: 30, lower: 25, upper: 35 }, 40, 'higher_is_better')).toBe('worse');
    const x = api.xmr([1, 2, 3, 2, 1, 2, 3, 2], { improvement: 'increase', target: 10, excludeLargeMovingRanges: true });
    expect(Object.keys(x)).toEqual(expect.arrayContaining(['mean', 'lowerLimit', 'upperLimit', 'points', 'variation', 'assurance']));
    expect(x.assurance).toBe('fail');
    expect(api.workingDaysBetween('2025-12-24', '2026-01-02')).toBe(4);
    expect(typeof api.assess).toBe('function');
    expect(typeof api.applyDisclosureControl).toBe('function');
    expect(typeof api.rollingYear).toBe('function');
  });
});
