/**
 * Assessment a board can trust: the statistics, judgements and periods the pipeline uses, for people
 * scripting. Confidence levels are fractions (0.95, 0.998); polarity uses the indicator file's words.
 */
export {
  wilsonInterval, byarInterval, exactPoissonInterval, proportionCI, rateCI, meanCI,
  compareWithBenchmark, xmr, linearForecast, turningTheCurve,
  type CountInterval, type Estimate, type ProportionEstimate, type RateEstimate, type MeanEstimate,
  type ComparisonVerdict, type ValueWithInterval, type XmrOptions, type XmrResult, type XmrPoint, type VariationType, type AssuranceType,
} from './assess/stats/index.js';
export { assess, ciFor, isTooFew, latestReportPeriod, type AssessOptions } from './assess/index.js';
export type { Assessment, AssessedValue, IndicatorAssessment, SpcSummary, ForecastSummary, SuppressionRecord, ComparatorResult, MethodNote, Rag, Direction, Significance } from './assess/types.js';
export { rateRag, targetFor, amberThreshold } from './assess/rag.js';
export { directionOf, runLength, type NoChangeBand } from './assess/direction.js';
export { applyDisclosureControl } from './assess/disclosure.js';
export { statusSentence } from './assess/sentence.js';
export { parseStatNeighbourModel, neighbourAverage, rankAmong, DEFAULT_CLOSENESS_WEIGHTS, type StatNeighbourModel, type Closeness, type RankResult } from './assess/comparators.js';
export { loadComparatorTables, parseComparatorTable, resolveComparator } from './assess/comparator-tables.js';
export {
  parsePeriodId, tryParsePeriodId, makePeriod, shiftPeriod, samePeriodLastYear, containingYear, periodsBetween, periodOfDate,
  aggregateToPeriodType, rollingYear, yearToDate, cumulative, latestCompletePeriod,
  workingDaysBetween, addWorkingDays, isWorkingDay, bankHolidays,
  type Period, type PeriodType, type AggregationRule, type AggregatedFigure, type PeriodFigure,
} from './core/periods.js';

/**
 * Projects as code: load a project folder into typed `Config` and `IndicatorDef`s with every problem
 * collected, or validate it fully (SQL bound against the source contracts, no data needed).
 */
export { loadProject, listPresets, type LoadResult } from './config/load.js';
export { validateProject, type ValidateResult } from './pipeline/validate.js';
export type { Problem, Severity } from './core/errors.js';
export { formatProblem, BoardpackError } from './core/errors.js';
export type {
  Config, IndicatorDef, SourceDef, ColumnContract, Area, Priority, TargetRule, MeasurePartDef, ComparatorDef, Project,
  Polarity, Unit, ObaKind, ObaQuestion, ThriveLevel, Frequency,
} from './config/types.js';
export { ProjectSpec, IndicatorSpec, IndicatorFile, SourceSpec, SourceContractsFile, PresetSpec } from './config/schema.js';
export { jsonSchemas } from './config/json-schemas.js';
export { resultsJsonSchema, RESULTS_SCHEMA_VERSION, type ResultsDocument } from './pipeline/results-schema.js';

/**
 * Compute a pack without writing it: every figure and judgement `boardpack run` writes (assessment, what
 * changed, lineage, freshness gates), for people scripting around the CLI.
 */
export { computePack, type ComputeOptions, type PackResult, type RunInput } from './pipeline/compute.js';
export type { Gate, FreshnessReport, SourceFreshness } from './pipeline/freshness.js';
export type { ChangeSet, LoadBehind } from './assess/types.js';
