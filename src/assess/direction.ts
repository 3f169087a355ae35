/** Direction of travel with polarity: improving / deteriorating / no change within a threshold. */
import type { Polarity } from '../config/types.js';
import type { Direction } from './types.js';

/** Changes smaller than this fraction of the earlier value count as "no change". */
export const NO_CHANGE_RELATIVE = 0.01;

export function directionOf(current: number | null, earlier: number | null, polarity: Polarity, threshold = NO_CHANGE_RELATIVE): Direction {
  if (current === null || earlier === null) return 'not_available';
  const diff = current - earlier;
  if (Math.abs(diff) <= Math.abs(earlier) * threshold) return 'no_change';
  if (polarity === 'none') return 'no_judgement';
  return (diff > 0) === (polarity === 'higher_is_better') ? 'improving' : 'deteriorating';
}

/** How many consecutive periods (ending at the last) moved the same way as the last move. */
export function runLength(values: Array<number | null>, polarity: Polarity): number {
  let n = 0;
  let dir: Direction | undefined;
  for (let i = values.length - 1; i > 0; i--) {
    const d = directionOf(values[i], values[i - 1], polarity === 'none' ? 'higher_is_better' : polarity);
    if (d === 'not_available' || d === 'no_change') break;
    if (dir && d !== dir) break;
    dir = d;
    n++;
  }
  return n;
}
