/**
 * Significance of an area's value against a comparator (England, region, statistical neighbours),
 * the Fingertips / PHOF convention boards are used to reading.
 */

export type Polarity = 'higher_is_better' | 'lower_is_better' | 'none';
export type ComparisonVerdict = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not_compared';

export interface ValueWithInterval {
  value: number | null | undefined;
  lower: number | null | undefined;
  upper: number | null | undefined;
}

// A figure is missing when absent or NaN (e.g. suppressed or not yet published); such comparisons are
// reported as not_compared instead of being guessed.
function missing(x: number | null | undefined): boolean {
  return x === null || x === undefined || Number.isNaN(x);
}

/**
 * Compares an area's value with a benchmark using the area's confidence interval: benchmark inside the interval
 * (bounds inclusive) is 'similar'; otherwise 'better'/'worse' by polarity, or 'higher'/'lower' when polarity is
 * 'none'. Any missing input (null, undefined, NaN) gives 'not_compared' rather than a guess.
 */
export function compareWithBenchmark(
  area: ValueWithInterval,
  benchmarkValue: number | null | undefined,
  polarity: Polarity,
): ComparisonVerdict {
  if (polarity !== 'higher_is_better' && polarity !== 'lower_is_better' && polarity !== 'none') {
    throw new TypeError(`unknown polarity: ${String(polarity)}`);
  }
  const { value, lower, upper } = area;
  if (missing(value) || missing(lower) || missing(upper) || missing(benchmarkValue)) return 'not_compared';
  const lo = Math.min(lower as number, upper as number);
  const hi = Math.max(lower as number, upper as number);
  const b = benchmarkValue as number;
  if (b >= lo && b <= hi) return 'similar';
  const areaHigher = b < lo;
  if (polarity === 'none') return areaHigher ? 'higher' : 'lower';
  const higherIsBetter = polarity === 'higher_is_better';
  return areaHigher === higherIsBetter ? 'better' : 'worse';
}
