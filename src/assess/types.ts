/**
 * What the assess stage hands to the report stage: every figure with its judgement already made.
 * Templates never compute; they print these fields.
 */
import type { Problem } from '../core/errors.js';
import type { Period } from '../core/periods.js';
import type { IndicatorDef } from '../config/types.js';

export type Rag = 'red' | 'amber' | 'green' | 'blue' | 'grey';
export type Direction = 'improving' | 'deteriorating' | 'no_change' | 'no_judgement' | 'not_available';
export type Significance = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not_compared';
/** Why a figure has no plain value. */
export type FigureStatus = 'ok' | 'suppressed' | 'awaiting_data' | 'failed' | 'marked';

export interface Interval { lower: number; upper: number; method: string; level: number }

export interface AssessedValue {
  indicator: string;
  period: string;
  periodLabel: string;
  area: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Official marker shown instead of a value (`c` suppressed, `x`, `z`, `u`, `low`), or null. */
  marker: string | null;
  status: FigureStatus;
  /** 95% interval where the unit has one. */
  ci: Interval | null;
  target: number | null;
  rag: Rag;
  /** Short reason, e.g. "2.1 points worse than target 60% (tolerance 5%)" or "no target set". */
  ragReason: string;
  /** The rule used, printed in the pack: "green at or above 60%; amber within 5% below; red otherwise". */
  ragRule: string;
  previousValue: number | null;
  direction: Direction;
  sameLastYearValue: number | null;
  directionYoY: Direction;
  /** Consecutive periods moving the same way (including this one), 0 when none. */
  runLength: number;
  comparators: Array<{ id: string; label: string; value: number | null; significance: Significance }>;
  /** Plain-English status sentence; doubles as the accessible text for charts. */
  sentence: string;
  /** Set when this figure differs from the one the previous run published (issue #8): shown with the `r` marker. */
  revisedFrom?: number;
}

export interface SpcSummary {
  mean: number;
  lowerLimit: number;
  upperLimit: number;
  points: Array<{ period: string; value: number; specialCause: boolean }>;
  variation: string;
  assurance: string | null;
}

export interface ForecastSummary {
  method: string;
  baselinePeriods: string[];
  points: Array<{ period: string; value: number; lower: number; upper: number }>;
  status: 'turning' | 'turned' | 'not_turning' | 'no_judgement';
  explanation: string;
}

export interface IndicatorAssessment {
  indicator: IndicatorDef;
  /** The partnership's figure for the report period. */
  latest: AssessedValue;
  /** The partnership's history, oldest first, ending at the report period. */
  series: AssessedValue[];
  /** Every locality for the report period (in config order, without `all`). */
  byArea: AssessedValue[];
  spc?: SpcSummary;
  forecast?: ForecastSummary;
  /** Set when the indicator could not be computed at all. */
  failure?: Problem;
}

export interface SuppressionRecord { indicator: string; period: string; area: string; reason: 'primary' | 'secondary' | 'derived' | 'input_marker' }

export interface Assessment {
  period: Period;
  /** Every period shown in the history, oldest first. */
  periods: Period[];
  indicators: IndicatorAssessment[];
  /** Every figure of every period and area (what results.json lists). */
  results: AssessedValue[];
  suppressions: SuppressionRecord[];
  /** Data-quality notes: late/missing returns, validation problems, failed indicators. */
  dataQuality: Problem[];
  counts: Record<Rag, number> & { total: number; onTarget: number; rated: number };
  /** What changed since the previous run made from different inputs (issue #8); absent on a first run. */
  changes?: ChangeSet;
}

/** An indicator whose rating moved into red, or into green/blue, since the previous run. */
export interface RagChange { indicator: string; title: string; period: string; periodLabel: string; from: Rag | null; to: Rag }

/** A figure for a period both runs show whose value changed: printed with the official `r` (revised) marker. */
export interface Revision { indicator: string; title: string; period: string; periodLabel: string; area: string; previous: number; current: number; marker: 'r' }

/** "What changed" since the previous pack (the pipeline fills it from the warehouse's run history). */
export interface ChangeSet {
  since: { runId: string; period: string; periodLabel: string; generatedAt: string };
  newlyRed: RagChange[];
  newlyGreen: RagChange[];
  revised: Revision[];
  added: Array<{ indicator: string; title: string }>;
  removed: Array<{ indicator: string; title: string }>;
  /** True when nothing above changed. */
  none: boolean;
}
