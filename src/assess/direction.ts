/**
 * Direction of travel with polarity: improving / deteriorating / no change within a threshold. The
 * threshold is a fraction of the earlier value (default 1%) and/or an absolute band in the figure's own
 * units (e.g. 0.5 percentage points); an indicator sets them with `direction_of_travel` (#6).
 */
import type { Polarity } from '../config/types.js';
import type { Direction } from './types.js';

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
