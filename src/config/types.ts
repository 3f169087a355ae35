/**
 * Config as used: every default filled in, camelCase, paths absolute. Only these types cross stage boundaries.
 */
import type { AggregateKind, PeriodType } from '../core/periods.js';
import type { PeriodFormat } from '../core/published-periods.js';
import type { PublishedFormat } from './published-formats.js';
import type { COMPARATOR_PERIOD_FORMATS, COLUMN_TYPES, FREQUENCIES, OBA_KINDS, OBA_QUESTIONS, POLARITIES, REPORT_SECTIONS, THRIVE_LEVELS, UNITS } from './schema.js';

export type Polarity = (typeof POLARITIES)[number];
export type Unit = (typeof UNITS)[number];
export type ObaKind = (typeof OBA_KINDS)[number];
export type ObaQuestion = (typeof OBA_QUESTIONS)[number];
export type ThriveLevel = (typeof THRIVE_LEVELS)[number];
export type Frequency = (typeof FREQUENCIES)[number];
export type ColumnType = (typeof COLUMN_TYPES)[number];
export type ReportSectionId = (typeof REPORT_SECTIONS)[number];
export interface ReportSection { id: ReportSectionId; orientation?: 'portrait' | 'landscape' }

export interface Area {
  id: string;
  name: string;
  code?: string;
  aliases: string[];
  /** True for the partnership as a whole (area id `all`). */
  isWhole: boolean;
}

export interface ColumnContract {
  name: string;
  type: ColumnType;
  required: boolean;
  aliases: string[];
  values?: string[];
  identifier: boolean;
  description?: string;
  /** Regular expression an identifier's values match: any value matching it is withheld wherever it appears. */
  pattern?: string;
}

/** When a period's data is due after the period ends: calendar days, or working days (England and Wales). */
export type DueRule = { days: number } | { workingDays: number };

export interface SourceDef {
  id: string;
  title: string;
  /** Absolute glob/path. */
  path: string;
  /** Path as written, relative to the project. */
  relativePath: string;
  format: 'csv' | 'xlsx';
  /** The published layout the source was declared with (`format: dfe_ees`…), whose rules are already filled in. */
  published?: PublishedFormat;
  partner: string;
  frequency: Frequency;
  latenessDays: number;
  /** When each period's data is due (from `due_rule:`, else `lateness_days` calendar days). */
  dueRule: DueRule;
  contact?: { name: string; email: string; phone?: string };
  table: string;
  sheets?: string[];
  headerRow: number | 'auto';
  skipRowsMatching: string[];
  period?: { column?: string; sheetName?: boolean; fixed?: string; fileName?: true | string; type: PeriodType; format?: PeriodFormat };
  areaColumn?: string;
  /** Columns holding authority codes: only the partnership's (or, with `areaColumn`, its localities') rows are kept. */
  areaCodes?: string[];
  /** Keep only rows whose column equals one of the values ('' for a blank cell). */
  where?: Record<string, string[]>;
  columns: ColumnContract[];
  encoding: 'utf-8' | 'windows-1252';
  contractVersion: string;
  /** Rows at the top of each file or sheet ignored before the header is looked for. */
  skipRows?: number;
  /** Wide layout: these headers (a list, or a regular expression) are unpivoted into namesTo / valuesTo. */
  wide?: { columns: string[] | string; namesTo: string; valuesTo: string };
  /** Columns identifying one row (duplicates are errors). */
  key?: string[];
  /** Warn on values far outside the series' loaded history (default true). */
  historyCheck?: boolean;
  /** Warn when a locality is missing from a loaded period (default true with an area column). */
  expectAllAreas?: boolean;
}

export interface Priority { id: string; title: string; description?: string }

export interface TargetRule {
  value: number;
  tolerancePct?: number;
  toleranceAbs?: number;
  amberValue?: number;
  blueMarginPct?: number;
}

export interface MeasurePartDef {
  from: string;
  expr: string;
  where?: string;
  period: { kind: 'column'; column: string } | { kind: 'event'; column: string } | { kind: 'snapshot'; start: string; end: string };
  /** null: partnership-wide only. */
  area: string | null;
}

export interface ComparatorTableDef {
  /** Absolute path. */
  path: string;
  periodColumn: string;
  periodFormat: (typeof COMPARATOR_PERIOD_FORMATS)[number];
  areaColumn: string;
  valueColumn: string;
  where: Record<string, string>;
}

export interface ComparatorDef {
  id: string;
  label: string;
  values: Record<string, number>;
  source?: string;
  /** Where `values` (and `peers`) come from when read from a table; filled by the assess stage. */
  table?: ComparatorTableDef;
  statistic?: 'value' | 'neighbours_mean' | 'neighbours_weighted' | 'rank';
  areaCode?: string;
  /** Absolute path of the statistical neighbour model. */
  neighboursModel?: string;
  /** The peer group's values by period, to rank our figure among ("8th of 11 among statistical neighbours"). */
  peers?: Record<string, number[]>;
  /** "statistical neighbours", "all authorities". */
  peerGroup?: string;
}

export interface IndicatorDef {
  id: string;
  title: string;
  shortTitle: string;
  description: string;
  kind: ObaKind;
  question?: ObaQuestion;
  priority: string;
  result?: string;
  thrive?: ThriveLevel;
  polarity: Polarity;
  unit: Unit;
  decimals: number;
  frequency: Frequency;
  periodType: PeriodType;
  numerator?: MeasurePartDef;
  denominator?: MeasurePartDef;
  sql?: string;
  baseline?: { period: string; value: number; source?: string };
  targets: Record<string, TargetRule>;
  minDenominator: number;
  disclosure: boolean;
  comparators: ComparatorDef[];
  spc: boolean;
  /** SPC settings; absent: limits from every point, large moving ranges screened out. */
  spcOptions?: { baselinePeriods?: number; recalculateAt: string[]; recalculateReasons?: Record<string, string>; excludeLargeMovingRanges: boolean };
  /** Direction of travel's "no change" band; absent: 1% of the earlier value. */
  noChange?: { relative?: number; absolute?: number };
  /** The history its charts show; absent: the project's `reporting.history`. */
  history?: HistorySpan;
  /** Year to date, rolling 12 months or cumulative figures of its period type, computed by the measures compiler. */
  aggregate?: Aggregate;
  /** How the denominator adds up over an aggregate's periods. */
  aggregateDenominator?: 'sum' | 'last' | 'mean';
  /** Rare events pooled over several years (`aggregate` is then the pooled kind, `pooled_3y`). */
  pool?: { years: number };
  owner?: string;
  dataProvider?: string;
  sourceNotes?: string;
  definitionVersion: string;
  /** Absolute path of the YAML file it came from, for messages. */
  file: string;
}

/** A history length: a number of the indicator's own periods, or whole years. */
export type HistorySpan = { periods: number } | { years: number };

export type Aggregate = AggregateKind;

export interface BoardInfo {
  name: string;
  meeting?: string;
  meetingDate?: string;
  agendaItem?: string;
  author?: string;
  purpose?: string;
  recommendation?: string;
  decision: 'assurance' | 'decision' | 'information';
  protectiveMarking: string;
}

export interface Config {
  /** Absolute project folder. */
  root: string;
  configFile: string;
  partnership: { name: string; shortName: string };
  board: BoardInfo;
  framework: { title: string; priorities: Priority[] };
  /** The whole partnership (`all`) first, then localities. */
  areas: Area[];
  sources: SourceDef[];
  reporting: { periodType: PeriodType; history: HistorySpan; spcHistory: number | 'all' };
  disclosure: { threshold: number; marker: string };
  /** The project's default "no change" band (fractions / points); an indicator's own band replaces it. */
  noChange?: { relative?: number; absolute?: number };
  warehousePath: string;
  outputs: { dir: string; formats: Array<'html' | 'pdf' | 'xlsx' | 'json'> };
  commentaryPath?: string;
  /** The pack's sections in order (absent: all, in the default order). */
  report?: { sections?: ReportSection[] };
  templatesDir?: string;
  browser?: string;
}

export interface Project {
  config: Config;
  indicators: IndicatorDef[];
}
