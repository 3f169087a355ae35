/**
 * Figures are formatted on their digits, not through Intl, for speed; they must read exactly as en-GB
 * Intl.NumberFormat writes them, whatever the value: halves, carries across the decimal point and the
 * thousands, negatives that round to zero, the largest and smallest numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBare, formatNumber, formatValue } from '../../src/core/format.js';

const formatters = new Map<number, Intl.NumberFormat>();
const intl = (value: number, decimals: number) => {
  if (!formatters.has(decimals)) formatters.set(decimals, new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }));
  return formatters.get(decimals)!.format(value);
};

describe('number formatting', () => {
  it('writes what Intl.NumberFormat writes for any number and number of decimals', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), fc.integer({ min: 0, max: 6 }), (v, d) => formatBare({ decimals: d }, v) === (Number.isFinite(v) ? intl(v, d) : '–')), { numRuns: 20_000 });
    // Most figures: rates, percentages and counts.
    fc.assert(fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 4 }), (v, d) => formatBare({ decimals: d }, v) === intl(v, d)), { numRuns: 20_000 });
  });
  it('rounds halves, carries and groups as Intl does', () => {
    // Halves of every position (1.005, 0.125, 2.5), carries through nines and into a new thousands group.
    const halves = fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }))
      .map(([n, k, d]) => [n / 10 ** k + Math.sign(n || 1) * 5 / 10 ** (k + 1), d] as const);
    fc.assert(fc.property(halves, ([v, d]) => formatBare({ decimals: d }, v) === intl(v, d)), { numRuns: 20_000 });
    const cases: Array<[number, number]> = [
      [1.005, 2], [0.125, 2], [2.5, 0], [-2.5, 0], [999.96, 1], [999_999.5, 0], [9.999, 2], [-9.995, 2], [0, 0], [-0, 1], [-0.001, 2],
      [1234567.891, 1], [1e21, 0], [1e-7, 2], [123456789012345680000, 0], [0.000001, 7], [Number.MAX_VALUE, 1], [Number.MIN_VALUE, 3], [100, 0], [1000, 0],
    ];
    for (const [v, d] of cases) expect(`${v} ${d} ${formatBare({ decimals: d }, v)}`).toBe(`${v} ${d} ${intl(v, d)}`);
  });
  it('adds the unit and writes a missing value as a dash', () => {
    expect(formatNumber(62.25, 'percent', 1)).toBe('62.3%');
    expect(formatNumber(1234.5, 'rate_per_10000', 1)).toBe('1,234.5 per 10,000');
    expect(formatValue({ unit: 'count', decimals: 0 }, 1234)).toBe('1,234');
    expect(formatValue({ unit: 'count', decimals: 0 }, null)).toBe('–');
    expect(formatValue({ unit: 'count', decimals: 0 }, Number.NaN)).toBe('–');
  });
});
