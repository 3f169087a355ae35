import type { Problem } from '../core/errors.js';

/** One computed figure before assessment: an indicator for one period and one area (`all` = the partnership). */
export interface MeasureValue {
  indicator: string;
  period: string;
  area: string;
  numerator: number | null;
  denominator: number | null;
  /** numerator ÷ denominator × unit multiplier, or the numerator for counts; null when missing or marked. */
  value: number | null;
  /** Official marker carried from the inputs (`c`, `x`, `z`, `u`, `low`) or null. */
  marker: string | null;
  /**
   * Set when the figure covers periods the warehouse does not hold yet (a year with its fourth quarter missing,
   * a year to date or rolling year with a gap): it is a part figure, shown as partial and never rated.
   */
  partial?: { missing: string[]; missingLabels: string[] };
}

export interface CompiledIndicator {
  indicator: string;
  sql: string;
}

export interface MeasuresOutput {
  values: MeasureValue[];
  compiled: CompiledIndicator[];
  /** Indicators that could not be computed, each with why; the others still compute. */
  failures: Array<{ indicator: string; problem: Problem }>;
}
