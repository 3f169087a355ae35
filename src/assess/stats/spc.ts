/**
 * XmR (individuals) statistical process control chart with the NHS "Making Data Count" rules,
 * reproducing NHSRplotthedots (`ptd_spc_standard`, `ptd_calculate_point_type`, `ptd_calculate_assurance_type`
 * and the icon choice of `ptd_get_icons`) so that partners' NHS charts and the board pack agree point for point.
 */

export type ImprovementDirection = 'increase' | 'decrease' | 'neutral';
export type SpcRule = 'outside_limits' | 'shift' | 'trend' | 'two_of_three';
export type SpcPointDirection = 'improvement' | 'concern' | 'neutral' | null;
export type VariationType =
  | 'common_cause'
  | 'improvement_high'
  | 'improvement_low'
  | 'concern_high'
  | 'concern_low'
  | 'neutral_high'
  | 'neutral_low';
export type AssuranceType = 'pass' | 'fail' | 'hit_or_miss';

export interface XmrOptions {
  improvement: ImprovementDirection;
  /** Target for the assurance icon; null/undefined for none. */
  target?: number | null;
  /** Drop moving ranges >= 3.267 x their mean before recomputing it (NHSRplotthedots `screen_outliers`). Default true. */
  excludeLargeMovingRanges?: boolean;
  /** Compute mean and limits from the first n points only (NHSRplotthedots `fix_after_n_points`). */
  baselinePoints?: number;
}

export interface XmrPoint {
  value: number;
  specialCause: boolean;
  /** Every rule the point takes part in, in NHSRplotthedots' order of precedence. */
  rules: SpcRule[];
  /** improvement / concern by the improvement direction; 'neutral' when there is none; null for common cause. */
  direction: SpcPointDirection;
  /** Which way the signal points (above the mean / rising = 'high'); null for common cause. */
  side: 'high' | 'low' | null;
}

export interface XmrResult {
  mean: number;
  lowerLimit: number;
  upperLimit: number;
  movingRangeMean: number;
  points: XmrPoint[];
  variation: VariationType;
  assurance: AssuranceType | null;
}

/** Limits sit 2.66 mean moving ranges from the mean (3 sigma, sigma = MR-bar / 1.128). */
export const XMR_LIMIT = 2.66;
/** Moving ranges at or above 3.267 x their mean are screened out (the MR chart's upper limit). */
export const MOVING_RANGE_SCREEN = 3.267;
const RUN = 7;

// Arithmetic mean (NaN for an empty list, as R's mean(numeric(0)) gives); used for the centre line and
// for the mean moving range.
function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

// Points that belong to a 7-point run ending at a flagged point (NHSRplotthedots `ptd_part_of_seven_trend`):
// a point is part of a run when it or any of the next 6 points ends one, so every point of a run is flagged.
function partOfRun(ends: readonly number[]): boolean[] {
  return ends.map((_, i) => {
    for (let k = 0; k < RUN && i + k < ends.length; k += 1) if (ends[i + k] !== 0) return true;
    return false;
  });
}

/**
 * Computes the XmR chart and flags special causes: a point beyond a limit; 7 points in a row on one side of the
 * mean (a point exactly on the mean breaks the run); 7 points in a row each strictly above (or below) the one
 * before (ties break it); 2 of 3 consecutive points in the outer third (between 2 and 3 sigma) with all three on
 * the same side of the mean. Every point of a run is flagged. Variation comes from the last point; assurance
 * from where the target sits against the limits (a target exactly on a limit is hit-or-miss).
 */
export function xmr(values: readonly number[], options: XmrOptions): XmrResult {
  const { improvement } = options;
  if (improvement !== 'increase' && improvement !== 'decrease' && improvement !== 'neutral') {
    throw new TypeError(`unknown improvement direction: ${String(improvement)}`);
  }
  const n = values.length;
  if (n < 2) throw new RangeError(`an XmR chart needs at least 2 values (got ${n})`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`XmR values must be finite numbers (got ${v})`);
  const baseline = options.baselinePoints ?? n;
  if (!Number.isInteger(baseline) || baseline < 2) {
    throw new RangeError(`baselinePoints must be an integer >= 2 (got ${options.baselinePoints})`);
  }
  const base = values.slice(0, Math.min(baseline, n));

  // Mean and mean moving range from the baseline points.
  const centre = mean(base);
  let ranges: number[] = [];
  for (let i = 1; i < base.length; i += 1) ranges.push(Math.abs(base[i] - base[i - 1]));
  let mrBar = mean(ranges);
  if ((options.excludeLargeMovingRanges ?? true) && mrBar > 0) {
    ranges = ranges.filter((r) => r < MOVING_RANGE_SCREEN * mrBar);
    mrBar = mean(ranges);
  }
  const upperLimit = centre + XMR_LIMIT * mrBar;
  const lowerLimit = centre - XMR_LIMIT * mrBar;
  const nearUpper = centre + ((2 * XMR_LIMIT) / 3) * mrBar;
  const nearLower = centre - ((2 * XMR_LIMIT) / 3) * mrBar;

  const outside = values.map((y) => y > upperLimit || y < lowerLimit);
  const side = values.map((y) => Math.sign(y - centre));
  const close = values.map((y, i) => !outside[i] && (y < nearLower || y > nearUpper));

  // Shift: the point ends a run of 7 with the same non-zero side of the mean.
  const shiftEnds = values.map((_, i) => {
    if (i < RUN - 1 || side[i] === 0) return 0;
    for (let k = 1; k < RUN; k += 1) if (side[i - k] !== side[i]) return 0;
    return 1;
  });
  // Trend: the point ends 7 points each strictly higher (+1) or lower (-1) than the one before.
  const trendEnds = values.map((_, i) => {
    if (i < RUN - 1) return 0;
    let up = true;
    let down = true;
    for (let k = 0; k < RUN - 1; k += 1) {
      const d = Math.sign(values[i - k] - values[i - k - 1]);
      if (d !== 1) up = false;
      if (d !== -1) down = false;
    }
    return up ? 1 : down ? -1 : 0;
  });
  const inShift = partOfRun(shiftEnds);
  const inTrend = partOfRun(trendEnds);
  // Two in three: some window of 3 consecutive points containing this one has >= 2 points in the outer third and
  // all 3 on the same side of the mean; the point itself must be in the outer third.
  const inTwoOfThree = values.map((_, i) => {
    if (!close[i]) return false;
    for (let start = i - 2; start <= i; start += 1) {
      if (start < 0 || start + 2 >= n) continue;
      let nClose = 0;
      let sideSum = 0;
      for (let j = start; j < start + 3; j += 1) {
        if (close[j]) nClose += 1;
        sideSum += side[j];
      }
      if (nClose >= 2 && Math.abs(sideSum) === 3) return true;
    }
    return false;
  });

  const sign = improvement === 'increase' ? 1 : improvement === 'decrease' ? -1 : 0;
  const points: XmrPoint[] = values.map((value, i) => {
    const rules: SpcRule[] = [];
    if (outside[i]) rules.push('outside_limits');
    if (inTrend[i]) rules.push('trend');
    if (inTwoOfThree[i]) rules.push('two_of_three');
    if (inShift[i]) rules.push('shift');
    if (rules.length === 0) return { value, specialCause: false, rules, direction: null, side: null };
    // Which way the signal points, taken from the highest-precedence rule as NHSRplotthedots does.
    let v: number;
    if (rules[0] === 'trend') {
      // Direction of the trend: use the step to the right when the next point is in the trend too.
      const useRight = i + 1 < n && inTrend[i + 1];
      const d = useRight ? Math.sign(values[i + 1] - value) : i > 0 ? Math.sign(value - values[i - 1]) : 0;
      v = d === 1 ? 1 : -1;
    } else {
      v = side[i] > 0 ? 1 : -1;
    }
    const direction: SpcPointDirection = sign === 0 ? 'neutral' : v * sign > 0 ? 'improvement' : 'concern';
    return { value, specialCause: true, rules, direction, side: v > 0 ? 'high' : 'low' };
  });

  const last = points[n - 1];
  let variation: VariationType = 'common_cause';
  if (last.specialCause) {
    const hl = last.side === 'high' ? 'high' : 'low';
    variation =
      last.direction === 'neutral' ? `neutral_${hl}` : last.direction === 'improvement' ? `improvement_${hl}` : `concern_${hl}`;
  }

  let assurance: AssuranceType | null = null;
  const target = options.target;
  if (target !== null && target !== undefined && !Number.isNaN(target) && sign !== 0) {
    if (target > upperLimit) assurance = sign > 0 ? 'fail' : 'pass';
    else if (target < lowerLimit) assurance = sign > 0 ? 'pass' : 'fail';
    else assurance = 'hit_or_miss';
  }

  return { mean: centre, lowerLimit, upperLimit, movingRangeMean: mrBar, points, variation, assurance };
}
