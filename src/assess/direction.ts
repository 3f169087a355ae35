/**
 * Direction of travel with polarity: improving / deteriorating / no change. Where the unit has counts behind it
 * (percentages, rates, counts) a change counts only when it is statistically significant; elsewhere a change
 * within the no-change band is no change. The band is a fraction of the earlier value (default 1%) and/or an
 * absolute band in the figure's own units (e.g. 0.5 percentage points); an indicator sets it with
 * `direction_of_travel`.
 */
import type { Polarity } from '../config/types.js';
import type { ChangeTest, Direction } from './types.js';
import { regularizedBeta } from './stats/distributions.js';

/** Changes smaller than this fraction of the earlier value count as "no change". */
export const NO_CHANGE_RELATIVE = 0.01;

export interface NoChangeBand {
  /** Fraction of the earlier value (0.01 = 1%). */
  relative?: number;
  /** In the figure's units; when both are set, a change within either counts as no change. */
  absolute?: number;
}

function band(threshold: number | NoChangeBand | undefined, earlier: number): number {
  if (threshold === undefined) return Math.abs(earlier) * NO_CHANGE_RELATIVE;
  if (typeof threshold === 'number') return Math.abs(earlier) * threshold;
  const rel = threshold.relative === undefined ? (threshold.absolute === undefined ? NO_CHANGE_RELATIVE : 0) : threshold.relative;
  return Math.max(Math.abs(earlier) * rel, threshold.absolute ?? 0);
}

/** `threshold`: a fraction of the earlier value, or a relative/absolute band. */
export function directionOf(current: number | null, earlier: number | null, polarity: Polarity, threshold?: number | NoChangeBand): Direction {
  if (current === null || earlier === null) return 'not_available';
  const diff = current - earlier;
  if (Math.abs(diff) <= band(threshold, earlier)) return 'no_change';
  if (polarity === 'none') return 'no_judgement';
  return (diff > 0) === (polarity === 'higher_is_better') ? 'improving' : 'deteriorating';
}

/** How many consecutive periods (ending at the last) moved the same way as the last move. */
export function runLength(values: Array<number | null>, polarity: Polarity, threshold?: number | NoChangeBand): number {
  let n = 0;
  let dir: Direction | undefined;
  for (let i = values.length - 1; i > 0; i--) {
    const d = directionOf(values[i], values[i - 1], polarity === 'none' ? 'higher_is_better' : polarity, threshold);
    if (d === 'not_available' || d === 'no_change') break;
    if (dir && d !== dir) break;
    dir = d;
    n++;
  }
  return n;
}

/** The band in words, for the methods appendix: "within 1% of the earlier value". */
export function describeNoChange(threshold?: NoChangeBand, fmt: (n: number) => string = String): string {
  if (!threshold || (threshold.relative === undefined && threshold.absolute === undefined)) return `within ${NO_CHANGE_RELATIVE * 100}% of the earlier value`;
  const parts: string[] = [];
  if (threshold.relative !== undefined) parts.push(`${Number((threshold.relative * 100).toPrecision(6))}% of the earlier value`);
  if (threshold.absolute !== undefined) parts.push(fmt(threshold.absolute));
  return `within ${parts.join(' or ')}`;
}

/** The counts behind a figure, as far as a change test needs them. */
export interface CountsOf { value: number | null; numerator: number | null; denominator: number | null }

const isCount = (x: number | null): x is number => x !== null && Number.isInteger(x) && x >= 0;

/** Which test suits a change of this unit between these two figures, or the no-change band where none does. */
export function changeTestFor(unit: string, a: CountsOf, b: CountsOf): ChangeTest {
  if (!isCount(a.numerator) || !isCount(b.numerator)) return 'no_change_band';
  if (unit === 'percent') return a.denominator && b.denominator && a.numerator <= a.denominator && b.numerator <= b.denominator ? 'two_proportions' : 'no_change_band';
  if (unit.startsWith('rate_per')) return a.denominator && b.denominator ? 'two_poisson_rates' : 'no_change_band';
  if (unit === 'count') return 'two_poisson_rates';
  return 'no_change_band';
}

/** Two-sided 5% level. */
const Z95 = 1.959963984540054;

/**
 * Is the change from `earlier` to `current` statistically significant at the 5% level (two-sided)?
 * Two proportions: the pooled z-test. Two Poisson rates (counts over a population, or plain counts with equal
 * exposure): the exact conditional binomial test (given the total of both counts, the later count is binomial
 * with p = its share of the exposure), with the normal approximation once the total passes 1,000.
 */
export function isSignificantChange(test: ChangeTest, earlier: CountsOf, current: CountsOf): boolean {
  const x1 = earlier.numerator!;
  const x2 = current.numerator!;
  if (test === 'two_proportions') {
    const n1 = earlier.denominator!;
    const n2 = current.denominator!;
    const p = (x1 + x2) / (n1 + n2);
    const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
    if (se === 0) return false;
    return Math.abs(x2 / n2 - x1 / n1) / se > Z95;
  }
  if (test === 'two_poisson_rates') {
    // Plain counts have no denominator: equal exposure.
    const e1 = earlier.denominator ?? 1;
    const e2 = current.denominator ?? 1;
    const n = x1 + x2;
    if (n === 0) return false;
    const p = e2 / (e1 + e2);
    if (n > 1000) {
      const z = (x2 - n * p) / Math.sqrt(n * p * (1 - p));
      return Math.abs(z) > Z95;
    }
    // P(X ≤ x2) and P(X ≥ x2) for X ~ Bin(n, p), by the incomplete beta; two-sided p-value is twice the smaller.
    const lowerTail = x2 >= n ? 1 : 1 - regularizedBeta(p, x2 + 1, n - x2);
    const upperTail = x2 <= 0 ? 1 : regularizedBeta(p, x2, n - x2 + 1);
    return Math.min(1, 2 * Math.min(lowerTail, upperTail)) < 0.05;
  }
  return true;
}

/**
 * Direction of travel where a test applies: no change unless the change is significant; elsewhere the no-change
 * band. Returns the direction and how it was judged.
 */
export function judgedDirection(
  unit: string, current: CountsOf, earlier: CountsOf | null, polarity: Polarity, threshold?: number | NoChangeBand,
): { direction: Direction; test: ChangeTest } {
  if (!earlier || current.value === null || earlier.value === null) return { direction: 'not_available', test: earlier ? changeTestFor(unit, earlier, current) : 'no_change_band' };
  const test = changeTestFor(unit, earlier, current);
  if (test === 'no_change_band') return { direction: directionOf(current.value, earlier.value, polarity, threshold), test };
  if (current.value === earlier.value || !isSignificantChange(test, earlier, current)) return { direction: 'no_change', test };
  return { direction: directionOf(current.value, earlier.value, polarity, 0), test };
}
