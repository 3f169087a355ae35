/**
 * What the assess stage hands to the report stage: every figure with its judgement already made.
 * Templates never compute; they print these fields.
 */
import type { Problem } from '../core/errors.js';
import type { Period } from '../core/periods.js';
import type { IndicatorDef } from '../config/types.js';
import type { AssuranceType, VariationType } from './stats/spc.js';

export type Rag = 'red' | 'amber' | 'green' | 'blue' | 'grey';
export type Direction = 'improving' | 'deteriorating' | 'no_change' | 'no_judgement' | 'not_available';
export type Significance = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not_compared';
/**
 * How a change between two periods was judged: a significance test suited to the unit (two proportions, two
 * Poisson rates or counts), or, where no test applies (means, days, ratios, figures without counts), the
 * indicator's no-change band. Under a test, `no_change` means "no significant change".
 */
export type ChangeTest = 'two_proportions' | 'two_poisson_rates' | 'no_change_band';
/** What a part period lacks: the constituent periods that are not held yet. */
export interface PartialFigure { missing: string[]; missingLabels: string[] }
/** Why a figure has no plain value. */
/** `partial`: a year, year-to-date or rolling figure some of whose periods are not held yet; shown as partial, never rated. */
export type FigureStatus = 'ok' | 'suppressed' | 'awaiting_data' | 'failed' | 'marked' | 'partial';

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
  /** 99.8% interval (as Fingertips publishes beside the 95% one), where the unit has one. */
  ci998?: Interval | null;
  /** Why no RAG, arrow or SPC judgement is made although there is a figure: the denominator is under `min_denominator`. */
  tooFewToRate?: boolean;
  target: number | null;
  rag: Rag;
  /** Short reason, e.g. "2.1 points worse than target 60% (tolerance 5%)" or "no target set". */
  ragReason: string;
  /** The rule used, printed in the pack: "green at or above 60%; amber within 5% below; red otherwise". */
  ragRule: string;
  previousValue: number | null;
  direction: Direction;
  /** How `direction` was judged; under a test, a change that is not significant is `no_change`. */
  directionTest?: ChangeTest;
  sameLastYearValue: number | null;
  directionYoY: Direction;
  directionYoYTest?: ChangeTest;
  /** Consecutive periods moving the same way (including this one), 0 when none. */
  runLength: number;
  comparators: Array<ComparatorResult>;
  /** Plain-English status sentence; doubles as the accessible text for charts. */
  sentence: string;
  /**
   * A locality's figure against the partnership's for the same period (its 95% interval against the
   * partnership's value, as Fingertips compares an area with its benchmark); absent for the partnership itself.
   */
  vsPartnership?: Significance;
  /** Set when this figure differs from the one the previous run published: shown with the `r` marker. */
  revisedFrom?: number;
  /** For a `partial` figure: the constituent periods not held (ids and labels), e.g. "2016/17 Q4". */
  partial?: PartialFigure;
}

export interface SpcPoint {
  period: string;
  periodLabel?: string;
  value: number;
  specialCause: boolean;
  /** For the report's colours: improvement / concern by the better direction, neutral without one; null for common cause. */
  direction?: 'improvement' | 'concern' | 'neutral' | null;
  /** The rules the point takes part in: outside_limits, shift, trend, two_of_three. */
  rules?: string[];
  /** The limits of the point's own segment (they step at each recalculation point). */
  mean?: number;
  lowerLimit?: number;
  upperLimit?: number;
}

export interface SpcSummary {
  /** Mean and limits of the latest segment (the current process). */
  mean: number;
  lowerLimit: number;
  upperLimit: number;
  points: SpcPoint[];
  /** The Making Data Count variation icon: from the latest point. */
  variation: VariationType;
  /** The assurance icon: null without a target or a better direction, or while the limits span a trend (see `trends`). */
  assurance: AssuranceType | null;
  /** How the chart was made, in words, for the methods appendix. */
  method?: string;
  /** One entry per segment when the limits were recalculated, with the reason the config gives. */
  segments?: Array<{ from: string; to: string; mean: number; lowerLimit: number; upperLimit: number; baselinePoints: number; reason?: string }>;
  /** Every period the chart spans, oldest first (those left off are gaps), with the period's target. */
  periods?: Array<{ period: string; periodLabel: string; target: number | null }>;
  /**
   * Runs of 7 or more points rising or falling (the trend rule). When one lies in the latest segment the limits
   * are fitted across a changing process, and the chart and words say so.
   */
  trends?: Array<{ from: string; to: string; direction: 'rising' | 'falling'; inLatestSegment: boolean }>;
  /**
   * A run of 7 or more points on one side of the mean (the shift rule) that reaches the latest point: the
   * limits are fitted across a process that has moved, so, as with a trend, no assurance is claimed from them.
   */
  shift?: { from: string; to: string; side: 'above' | 'below' };
  /** Periods left off the chart: suppressed, marked, or too few to rate. */
  excluded?: string[];
  /** Recalculation points the config names that were not applied, each with why (too few points either side). */
  recalculationsNotApplied?: Array<{ period: string; why: string }>;
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
  /** The latest period of the indicator's own type with a figure, ended by the report period's end. */
  latestComplete?: string | null;
  /** Why the indicator needs the board's attention, strongest first; empty when it does not. */
  exceptions?: ExceptionReason[];
}

/**
 * One piece of evidence that makes an indicator an exception, strongest first: red against target, special
 * cause variation of concern, assurance that the target will be missed, significantly worse than a comparator,
 * a significant deterioration (never alone for a green or blue indicator).
 */
export type ExceptionReason =
  | { kind: 'red'; reason: string }
  | { kind: 'spc_concern'; variation: string }
  | { kind: 'assurance_fail' }
  | { kind: 'worse_than_comparator'; comparator: string; value: number | null }
  | { kind: 'significant_deterioration'; against: 'previous' | 'same_last_year'; earlier: number | null; test: ChangeTest; runLength: number };

export interface SuppressionRecord {
  indicator: string;
  period: string;
  area: string;
  reason: 'primary' | 'secondary' | 'derived' | 'input_marker';
  /** In words, e.g. "count 3 is under the threshold 10", "with Central, one hidden cell could be worked out from the total". */
  detail?: string;
  /** The input's own marker, for `input_marker`. */
  marker?: string;
}

/** A comparator's value and our figure's significance against it, with our rank among its peer group. */
export interface ComparatorResult {
  id: string;
  label: string;
  value: number | null;
  significance: Significance;
  /** Our rank among the peer group: 1 is the best by polarity. */
  rank?: { rank: number; of: number; quartile: 'A' | 'B' | 'C' | 'D'; text: string; group: string } | null;
}

/** One method the pack used, in words, for its methods appendix. */
export interface MethodNote { id: string; title: string; text: string }

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
  /** The methods behind every judgement, for the appendix. */
  methods?: MethodNote[];
  /** What changed since the previous run made from different inputs; absent on a first run. */
  changes?: ChangeSet;
  /** Per indicator, the loads (file, sha256, when) behind its latest figure; filled by the pipeline from the warehouse. */
  lineage?: Record<string, { period: string; loads: LoadBehind[] }>;
}

/** One partner file load behind a figure: "where did this number come from?". */
export interface LoadBehind {
  source: string;
  loadId: number;
  file: string;
  sha256: string;
  sheet: string | null;
  loadedAt: string;
  contractVersion: string;
  /** Rows of this load that the figure's table holds for the figure's period. */
  rows: number;
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
