/**
 * What the user writes (snake_case YAML), as zod schemas. `normalize.ts` turns these into the camelCase
 * `Config` / `IndicatorDef` that cross stage boundaries. `boardpack schema` exports these as JSON Schema.
 */
import { z } from 'zod';
import { PERIOD_TYPES } from '../core/periods.js';
import { PERIOD_FORMATS } from '../core/published-periods.js';
import { PUBLISHED_FORMATS } from './published-formats.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ , starting with a letter');

export const POLARITIES = ['higher_is_better', 'lower_is_better', 'none'] as const;
export const UNITS = ['count', 'percent', 'rate_per_1000', 'rate_per_10000', 'rate_per_100000', 'mean', 'days', 'ratio'] as const;
export const OBA_KINDS = ['population_indicator', 'performance_measure'] as const;
export const OBA_QUESTIONS = ['how_much', 'how_well', 'better_off'] as const;
export const THRIVE_LEVELS = ['thriving', 'getting_advice', 'getting_help', 'getting_more_help', 'getting_risk_support'] as const;
export const FREQUENCIES = ['monthly', 'quarterly', 'termly', 'annual'] as const;
export const COLUMN_TYPES = ['integer', 'decimal', 'percent', 'date', 'text', 'code'] as const;
/** Column types whose cells are numbers (stored as DOUBLE, with a `<col>__marker` column for official markers). */
export const NUMERIC_COLUMN_TYPES: ReadonlySet<string> = new Set(['integer', 'decimal', 'percent']);

/** A history length: a number of the indicator's own periods, or whole years. */
export const HistorySpec = z.union([
  z.number().int().positive(),
  z.strictObject({ years: z.number().int().positive() }),
]);

/** Figures built from several periods of the indicator's type by the measures compiler (year to date, rolling 12 months, cumulative). */
export const AGGREGATES = ['ytd', 'rolling_12', 'cumulative'] as const;
/** Sections of the board pack, in their default order (report/README.md). */
export const REPORT_SECTIONS = ['cover', 'summary', 'scorecard', 'report_cards', 'turn_the_curve', 'localities', 'appendix'] as const;

/** One section of the pack: its name, or the name with the page orientation it prints on. */
export const ReportSectionSpec = z.union([
  z.enum(REPORT_SECTIONS),
  z.strictObject({ section: z.enum(REPORT_SECTIONS), orientation: z.enum(['portrait', 'landscape']).optional() }),
]);

export const AreaSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  name: z.string(),
  code: z.string().optional(),
  /** Names and codes under which partners' extracts may spell this area. */
  aliases: z.array(z.string()).optional().describe('Names and codes under which partners\' extracts may spell this area.'),
});

export const ColumnSpec = z.strictObject({
  type: z.enum(COLUMN_TYPES).default('text'),
  required: z.boolean().default(true),
  /** Header names this column has had in earlier extracts. */
  aliases: z.array(z.string()).optional().describe('Header names this column has had in earlier extracts.'),
  values: z.array(z.string()).optional(),
  /** Personal identifier: loaded for counting, never copied to any output. */
  identifier: z.boolean().optional().describe('Personal identifier: loaded for counting, never copied to any output.'),
  /**
   * For an identifier: a regular expression its values match (e.g. `^BF[0-9A-F]{8}$`). A value matching it is
   * withheld from every message and report whichever column it turns up in (a row with its columns swapped).
   */
  pattern: z.string().refine((p) => { try { new RegExp(p); return true; } catch { return false; } }, 'a valid regular expression').optional().describe('For an identifier: a regular expression its values match (e.g. `^BF[0-9A-F]{8}$`). A value matching it is withheld from every message and report whichever column it turns up in (a row with its columns swapped).'),
  description: z.string().optional(),
});

export const PeriodFrom = z.strictObject({
  /** A column holding the period (id, label or date), the sheet name, the file name, or fixed. */
  column: z.string().optional().describe('A column holding the period (id, label or date), the sheet name, the file name, or fixed.'),
  sheet_name: z.boolean().optional(),
  fixed: z.string().optional(),
  /** The file name holds the period (`true`), or a regular expression finds it there (its match, or its group named `period`). */
  file_name: z.union([z.literal(true), z.string()]).optional().describe('The file name holds the period (`true`), or a regular expression finds it there (its match, or its group named `period`).'),
  type: z.enum(PERIOD_TYPES),
  /**
   * How the period is written: `label` (default: any common way, or a date; a 31 March snapshot date is the
   * financial year it ends), `fy_end_year` (2025 → 2024-25), `fy_start_year`, `ay_start_year`, `ay_end_year`,
   * `dfe_year` (202425), `dfe_ees` (DfE time_period read with its time_identifier: "Reporting year" 2025 is
   * the year to 31 March 2025) or `fingertips` (2023/24, pooled 2021 - 23 keyed by its last year).
   */
  format: z.enum(PERIOD_FORMATS).optional().describe('How the period is written: `label` (default: any common way, or a date; a 31 March snapshot date is the financial year it ends), `fy_end_year` (2025 → 2024-25), `fy_start_year`, `ay_start_year`, `ay_end_year`, `dfe_year` (202425), `dfe_ees` (DfE time_period read with its time_identifier: "Reporting year" 2025 is the year to 31 March 2025) or `fingertips` (2023/24, pooled 2021 - 23 keyed by its last year).'),
});

const sourceFields = {
  title: z.string().optional(),
  /**
   * Take the rest of this contract from a preset or a contracts file: `preset:NAME` (the source of the same id
   * in that preset's sources.yaml), `preset:NAME#other_id`, or a path relative to the project. Keys written
   * here win over the contract's.
   */
  contract: z.string().optional().describe('Take the rest of this contract from a preset or a contracts file: `preset:NAME` (the source of the same id in that preset\'s sources.yaml), `preset:NAME#other_id`, or a path relative to the project. Keys written here win over the contract\'s.'),
  /** File path or glob, relative to the project folder. */
  path: z.string().describe('File path or glob, relative to the project folder.'),
  /**
   * The file's format (`csv`, `xlsx`; default from its extension), or the layout of a published CSV that fills
   * in the period, area and geography rules: `dfe_ees` (Explore Education Statistics), `fingertips` (OHID), `lait`.
   */
  format: z.enum(['csv', 'xlsx', ...PUBLISHED_FORMATS]).optional().describe('The file\'s format (`csv`, `xlsx`; default from its extension), or the layout of a published CSV that fills in the period, area and geography rules: `dfe_ees` (Explore Education Statistics), `fingertips` (OHID), `lait`.'),
  /** The partner that sends this extract (shown in the data-quality appendix). */
  partner: z.string().optional().describe('The partner that sends this extract (shown in the data-quality appendix).'),
  frequency: z.enum(FREQUENCIES).default('quarterly'),
  /** Days after a period's end before its data counts as late. */
  lateness_days: z.number().int().nonnegative().default(45).describe('Days after a period\'s end before its data counts as late.'),
  /** Who at the partner sends this extract: named on request workbooks and the chase list. */
  contact: z.strictObject({
    name: z.string().min(1),
    email: z.string().regex(/^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/, 'an e-mail address such as data.team@example.gov.uk'),
    phone: z.string().optional(),
  }).optional().describe('Who at the partner sends this extract: named on request workbooks and the chase list.'),
  /** When a period's data is due: so many days, or working days (England and Wales), after the period ends; replaces `lateness_days`. */
  due_rule: z.union([
    z.strictObject({ days: z.number().int().nonnegative() }),
    z.strictObject({ working_days: z.number().int().nonnegative() }),
  ]).optional().describe('When a period\'s data is due: so many days, or working days (England and Wales), after the period ends; replaces `lateness_days`.'),
  /** Warehouse table name; defaults to the source id. */
  table: id.optional().describe('Warehouse table name; defaults to the source id.'),
  /** XLSX: sheet names to read (default: all); header row number (1-based) or `auto`. */
  sheets: z.array(z.string()).optional().describe('XLSX: sheet names to read (default: all); header row number (1-based) or `auto`.'),
  header_row: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  /** Text in the first column that marks rows to skip (totals, notes). */
  skip_rows_matching: z.array(z.string()).optional().describe('Text in the first column that marks rows to skip (totals, notes).'),
  period: PeriodFrom.optional(),
  /** Column holding the locality (code, id, name or alias); omit for partnership-wide figures. */
  area_column: z.string().optional().describe('Column holding the locality (code, id, name or alias); omit for partnership-wide figures.'),
  /**
   * Columns holding an authority's code (ONS `E06000021` or DfE `861`): only rows whose code is the
   * partnership's (`areas` entry `all`: its code and aliases) are loaded, or with `area_column` the
   * localities'; every other authority's, region's and England's rows are ignored and counted once.
   */
  area_codes: z.union([z.string(), z.array(z.string()).min(1)]).optional().describe('Columns holding an authority\'s code (ONS `E06000021` or DfE `861`): only rows whose code is the partnership\'s (`areas` entry `all`: its code and aliases) are loaded, or with `area_column` the localities\'; every other authority\'s, region\'s and England\'s rows are ignored and counted once.'),
  /** Keep only rows whose columns equal these values (a list: any of them; '' a blank cell), e.g. `{population_type: Children looked after on 31 March each year}`. */
  where: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).min(1)])).optional().describe('Keep only rows whose columns equal these values (a list: any of them; \'\' a blank cell), e.g. `{population_type: Children looked after on 31 March each year}`.'),
  /** The columns the extract must have (required unless the source names a `contract:` that has them). */
  columns: z.record(z.string(), ColumnSpec).optional().describe('The columns the extract must have (required unless the source names a `contract:` that has them).'),
  encoding: z.enum(['utf-8', 'windows-1252']).default('utf-8'),
  contract_version: z.union([z.string(), z.number()]).optional(),
  /** Rows at the top of each file (or sheet) to ignore before the header is looked for: a title block. */
  skip_rows: z.number().int().nonnegative().optional().describe('Rows at the top of each file (or sheet) to ignore before the header is looked for: a title block.'),
  /**
   * Wide layout: the headers listed (or matching the regular expression) are unpivoted into two columns,
   * `names_to` (the header, e.g. a period) and `values_to` (the cell), both declared under `columns:`.
   */
  wide: z.strictObject({
    columns: z.union([z.array(z.string()).min(1), z.string()]),
    names_to: z.string(),
    values_to: z.string(),
  }).optional().describe('Wide layout: the headers listed (or matching the regular expression) are unpivoted into two columns, `names_to` (the header, e.g. a period) and `values_to` (the cell), both declared under `columns:`.'),
  /** Columns that identify one row within a period; two rows with the same key are an error (BP_INGEST_DUPLICATE_KEY). */
  key: z.array(z.string()).min(1).optional().describe('Columns that identify one row within a period; two rows with the same key are an error (BP_INGEST_DUPLICATE_KEY).'),
  /** Warn when a value is far outside the history already loaded for the same series (default: on). */
  history_check: z.boolean().optional().describe('Warn when a value is far outside the history already loaded for the same series (default: on).'),
  /** Warn when a locality has no rows in a period loaded (default: on when `area_column` is set). */
  expect_all_areas: z.boolean().optional().describe('Warn when a locality has no rows in a period loaded (default: on when `area_column` is set).'),
};

/** A source as written in boardpack.yaml (after its `contract:` has been merged in). */
export const SourceSpec = z.strictObject(sourceFields);

/** A source contract as a preset ships it: everything but where the files are (the project says that). */
export const SourceContractSpec = z.strictObject({ ...sourceFields, path: z.string().optional(), contract: z.never().optional() });

/** A preset's (or any shared) `sources.yaml`: the extracts its indicators expect, by source id. */
export const SourceContractsFile = z.strictObject({
  $schema: z.string().optional(),
  sources: z.record(id, SourceContractSpec),
});

export const PrioritySpec = z.strictObject({ id, title: z.string(), description: z.string().optional() });

/** `preset.yaml` of a preset folder: the framework it comes from, its priorities (results) and the document. */
export const PresetSpec = z.strictObject({
  $schema: z.string().optional(),
  title: z.string(),
  description: z.string().optional(),
  /** The published document the preset transcribes (title, body, year). */
  document: z.string().optional().describe('The published document the preset transcribes (title, body, year).'),
  priorities: z.array(PrioritySpec).min(1),
});

export const ProjectSpec = z.strictObject({
  $schema: z.string().optional(),
  partnership: z.strictObject({
    name: z.string(),
    short_name: z.string().optional(),
  }),
  board: z.strictObject({
    name: z.string(),
    meeting: z.string().optional(),
    meeting_date: z.string().optional(),
    agenda_item: z.union([z.string(), z.number()]).optional(),
    author: z.string().optional(),
    purpose: z.string().optional(),
    recommendation: z.string().optional(),
    decision: z.enum(['assurance', 'decision', 'information']).default('assurance'),
    protective_marking: z.string().default('OFFICIAL'),
  }),
  /**
   * The framework's title and priorities. Either may be left out when the indicators come from a preset: the
   * preset's `preset.yaml` supplies them (priorities written here are kept and come first).
   */
  framework: z.strictObject({
    title: z.string().optional(),
    priorities: z.array(PrioritySpec).optional(),
  }).default({}).describe('The framework\'s title and priorities. Either may be left out when the indicators come from a preset: the preset\'s `preset.yaml` supplies them (priorities written here are kept and come first).'),
  areas: z.array(AreaSpec).min(1),
  /** Indicator files or folders, relative to the project; `preset:NAME` names a bundled framework. */
  indicators: z.array(z.string()).min(1).describe('Indicator files or folders, relative to the project; `preset:NAME` names a bundled framework.'),
  sources: z.record(id, SourceSpec),
  reporting: z.strictObject({
    /** Period type the pack reports on (its columns and "latest period"). */
    period_type: z.enum(PERIOD_TYPES).default('fy_quarter').describe('Period type the pack reports on (its columns and "latest period").'),
    /**
     * How much history the charts and series show, in each indicator's own periods: a number (`20`: 20 quarters
     * of a quarterly indicator, 20 years of an annual one) or `{years: 5}` (20 quarters, 15 terms, 5 years).
     * An indicator's own `history:` wins. Default: 3 years.
     */
    history: HistorySpec.default({ years: 3 }).describe('How much history the charts and series show, in each indicator\'s own periods: a number (`20`: 20 quarters of a quarterly indicator, 20 years of an annual one) or `{years: 5}` (20 quarters, 15 terms, 5 years). An indicator\'s own `history:` wins. Default: 3 years.'),
    /**
     * How many periods of its own type an indicator's SPC chart uses: `all` (the default) every period held,
     * or a number (at least 8) for the latest that many. The XmR limits need a long run of the process.
     */
    spc_history: z.union([z.literal('all'), z.number().int().min(8)]).default('all').describe('How many periods of its own type an indicator\'s SPC chart uses: `all` (the default) every period held, or a number (at least 8) for the latest that many. The XmR limits need a long run of the process.'),
  }).default({ period_type: 'fy_quarter', history: { years: 3 }, spc_history: 'all' }),
  disclosure: z.strictObject({
    threshold: z.number().int().min(1).default(10),
    marker: z.string().default('c'),
  }).default({ threshold: 10, marker: 'c' }),
  /** The project's "no change" band for direction of travel; an indicator's own `direction_of_travel` wins. */
  direction_of_travel: z.strictObject({
    no_change_pct: z.number().nonnegative().optional(),
    no_change_abs: z.number().nonnegative().optional(),
  }).optional().describe('The project\'s "no change" band for direction of travel; an indicator\'s own `direction_of_travel` wins.'),
  warehouse: z.string().default('.boardpack/warehouse.duckdb'),
  outputs: z.strictObject({
    dir: z.string().default('out'),
    formats: z.array(z.enum(['html', 'pdf', 'xlsx', 'json'])).default(['html', 'pdf', 'xlsx', 'json']),
  }).default({ dir: 'out', formats: ['html', 'pdf', 'xlsx', 'json'] }),
  commentary: z.string().optional(),
  templates: z.string().optional(),
  browser: z.string().optional(),
  /** Which sections the pack has and in what order (default: all, in REPORT_SECTIONS order). */
  report: z.strictObject({
    sections: z.array(ReportSectionSpec).min(1).optional(),
  }).optional().describe('Which sections the pack has and in what order (default: all, in REPORT_SECTIONS order).'),
});

/** One side of a ratio, compiled per period and area (see measures/compile.ts). */
export const MeasurePart = z.strictObject({
  /** Source id (warehouse table). */
  from: id,
  /** An aggregate SQL expression over the source's columns, e.g. `sum(live_births)` or `count(*)`. */
  expr: z.string().describe('An aggregate SQL expression over the source\'s columns, e.g. `sum(live_births)` or `count(*)`.'),
  where: z.string().optional(),
  /**
   * How a row falls in a period: `column` (the source's period column, the default), `event` (a date column
   * falls inside the period) or `snapshot` (open at the period's end: start ≤ end of period and no end date
   * or end date after it).
   */
  period: z.union([
    z.strictObject({ column: z.string().default('period') }),
    z.strictObject({ event: z.string() }),
    z.strictObject({ snapshot: z.tuple([z.string(), z.string()]) }),
  ]).optional().describe('How a row falls in a period: `column` (the source\'s period column, the default), `event` (a date column falls inside the period) or `snapshot` (open at the period\'s end: start ≤ end of period and no end date or end date after it).'),
  /** Area column; `null` for partnership-wide only. Defaults to the source's area column. */
  area: z.string().nullable().optional().describe('Area column; `null` for partnership-wide only. Defaults to the source\'s area column.'),
});

export const TargetValue = z.union([
  z.number(),
  z.strictObject({
    value: z.number(),
    tolerance_pct: z.number().nonnegative().optional(),
    tolerance_abs: z.number().nonnegative().optional(),
    amber_value: z.number().optional(),
    blue_margin_pct: z.number().nonnegative().optional(),
  }),
]);

export const COMPARATOR_PERIOD_FORMATS = ['id', 'fy_end_year', 'fy_start_year', 'academic_start_year', 'ay_start_year', 'ay_end_year', 'calendar_year', 'dfe_year', 'dfe_ees', 'fingertips', 'label'] as const;

/** A published table of every authority's values (e.g. a DfE or Fingertips CSV), read by the assess stage. */
export const ComparatorTableSpec = z.strictObject({
  /** CSV file, relative to the project folder. */
  path: z.string().describe('CSV file, relative to the project folder.'),
  period_column: z.string().default('period'),
  /**
   * How the period column is written: a period id (default), a year (`fy_end_year`: 2025 is the year to 31 March
   * 2025; `fy_start_year`, `ay_start_year` (or `academic_start_year`), `ay_end_year`, `calendar_year`), DfE's
   * `202425` (`dfe_year`), a DfE tidy file's time_period with its time_identifier (`dfe_ees`), a Fingertips time
   * period (`fingertips`) or any common way (`label`).
   */
  period_format: z.enum(COMPARATOR_PERIOD_FORMATS).default('id').describe('How the period column is written: a period id (default), a year (`fy_end_year`: 2025 is the year to 31 March 2025; `fy_start_year`, `ay_start_year` (or `academic_start_year`), `ay_end_year`, `calendar_year`), DfE\'s `202425` (`dfe_year`), a DfE tidy file\'s time_period with its time_identifier (`dfe_ees`), a Fingertips time period (`fingertips`) or any common way (`label`).'),
  area_column: z.string().default('area_code'),
  value_column: z.string().default('value'),
  /** Keep only rows whose columns equal these values, e.g. `{ geographic_level: Local authority }`. */
  where: z.record(z.string(), z.string()).optional().describe('Keep only rows whose columns equal these values, e.g. `{ geographic_level: Local authority }`.'),
});

export const COMPARATOR_STATISTICS = ['value', 'neighbours_mean', 'neighbours_weighted', 'rank'] as const;

export const ComparatorSpec = z.strictObject({
  id,
  label: z.string(),
  /** Values by period id (or a year containing the period). Optional when a `table` supplies them. */
  values: z.record(z.string(), z.number()).optional().describe('Values by period id (or a year containing the period). Optional when a `table` supplies them.'),
  source: z.string().optional(),
  /** Read the comparator from a table of all authorities instead of typing values. */
  table: ComparatorTableSpec.optional().describe('Read the comparator from a table of all authorities instead of typing values.'),
  /** From the table: one area's `value` (e.g. England), the statistical neighbours' mean or closeness-weighted mean, or only our `rank` among all areas. */
  statistic: z.enum(COMPARATOR_STATISTICS).optional().describe('From the table: one area\'s `value` (e.g. England), the statistical neighbours\' mean or closeness-weighted mean, or only our `rank` among all areas.'),
  /** The area code to read (`value`), or our own LA code in the neighbour model; default: the partnership's code. */
  area_code: z.string().optional().describe('The area code to read (`value`), or our own LA code in the neighbour model; default: the partnership\'s code.'),
  /** The DfE statistical neighbour model (wide CSV), relative to the project folder. */
  neighbours_model: z.string().optional().describe('The DfE statistical neighbour model (wide CSV), relative to the project folder.'),
});

/** SPC chart settings: limits from the first n points, recalculation points, screening of large moving ranges. */
export const SpcOptionsSpec = z.strictObject({
  baseline_periods: z.number().int().min(2).optional(),
  /** Periods from which the limits are recalculated (a declared change of process), each an id or `{period, reason}`; the reason is printed on the chart. */
  recalculate_at: z.array(z.union([z.string(), z.strictObject({ period: z.string(), reason: z.string().min(1) })])).optional().describe('Periods from which the limits are recalculated (a declared change of process), each an id or `{period, reason}`; the reason is printed on the chart.'),
  exclude_large_moving_ranges: z.boolean().optional(),
});

const indicatorFields = {
  $schema: z.string().optional(),
  id,
  title: z.string(),
  short_title: z.string().optional(),
  description: z.string().optional(),
  kind: z.enum(OBA_KINDS),
  question: z.enum(OBA_QUESTIONS).optional(),
  priority: id,
  result: z.string().optional(),
  thrive: z.enum(THRIVE_LEVELS).optional(),
  polarity: z.enum(POLARITIES),
  unit: z.enum(UNITS),
  decimals: z.number().int().min(0).max(4).optional(),
  frequency: z.enum(FREQUENCIES).default('quarterly'),
  period_type: z.enum(PERIOD_TYPES).default('fy_quarter'),
  numerator: MeasurePart.optional(),
  denominator: MeasurePart.optional(),
  /** Escape hatch: a SELECT returning period, area, numerator[, denominator] (see measures/README.md). */
  sql: z.string().optional().describe('Escape hatch: a SELECT returning period, area, numerator[, denominator] (see measures/README.md).'),
  baseline: z.strictObject({ period: z.string(), value: z.number(), source: z.string().optional() }).optional(),
  targets: z.record(z.string(), TargetValue).optional(),
  tolerance_pct: z.number().nonnegative().optional(),
  tolerance_abs: z.number().nonnegative().optional(),
  blue_margin_pct: z.number().nonnegative().optional(),
  /** Minimum denominator (or count) to rate; below it the status is grey "too few to rate". */
  min_denominator: z.number().int().nonnegative().optional().describe('Minimum denominator (or count) to rate; below it the status is grey "too few to rate".'),
  /** Counts that are not about individual children (e.g. a population) need no disclosure control. */
  disclosure: z.boolean().default(true).describe('Counts that are not about individual children (e.g. a population) need no disclosure control.'),
  comparators: z.array(ComparatorSpec).optional(),
  /** An SPC chart (true / false), or its settings, which also switch it on: `spc: {recalculate_at: [2024-25-Q1]}`. */
  spc: z.union([z.boolean(), SpcOptionsSpec]).optional().describe('An SPC chart (true / false), or its settings, which also switch it on: `spc: {recalculate_at: [2024-25-Q1]}`.'),
  /** SPC chart settings, the same as an `spc:` object. */
  spc_options: SpcOptionsSpec.optional().describe('SPC chart settings, the same as an `spc:` object.'),
  /** Direction of travel: a change within this % of the earlier value (or these points) is "no change". */
  direction_of_travel: z.strictObject({
    no_change_pct: z.number().nonnegative().optional(),
    no_change_abs: z.number().nonnegative().optional(),
  }).optional().describe('Direction of travel: a change within this % of the earlier value (or these points) is "no change".'),
  /** How much history this indicator's charts show (a number of its own periods, or `{years: n}`); default `reporting.history`. */
  history: HistorySpec.optional().describe('How much history this indicator\'s charts show (a number of its own periods, or `{years: n}`); default `reporting.history`.'),
  /**
   * Report the figure added up over several periods of `period_type`: `ytd` (year to date: Q1–Q3 of the
   * financial year, or the terms of the academic year so far), `rolling_12` (the 12 months to the period's end),
   * `cumulative` (every period since the series starts). Each has its own period ids (`2016-17-Q3-YTD`,
   * `2016-17-Q3-R12`, `2016-17-Q3-CUM`); a figure missing any constituent period is marked partial, not rated.
   */
  aggregate: z.enum(AGGREGATES).optional().describe('Report the figure added up over several periods of `period_type`: `ytd` (year to date: Q1–Q3 of the financial year, or the terms of the academic year so far), `rolling_12` (the 12 months to the period\'s end), `cumulative` (every period since the series starts). Each has its own period ids (`2016-17-Q3-YTD`, `2016-17-Q3-R12`, `2016-17-Q3-CUM`); a figure missing any constituent period is marked partial, not rated.'),
  /**
   * Rare events: every figure pooled over the `years` ending with its period, as Fingertips pools them (three
   * years of infant deaths over three years of live births: "2023 - 25"). Numerator and denominator are added up
   * in SQL, so the headline, interval, rating, direction and chart all use the pooled figures; no SPC chart is
   * drawn (overlapping windows are not independent). Not with `aggregate:`.
   */
  pool: z.strictObject({
    years: z.number().int().min(2).max(5).describe('How many years each figure pools (2 to 5; Fingertips uses 3).'),
  }).optional().describe('Rare events: every figure pooled over the `years` ending with its period, as Fingertips pools them (`{years: 3}`: three years of infant deaths over three years of live births, printed "2023 - 25"). The headline, interval, rating, direction and chart use the pooled numerator and denominator; no SPC chart is drawn (overlapping windows are not independent). Not with `aggregate:`.'),
  /** How the denominator of an `aggregate` adds up: `sum` (flows, the default) or `last` / `mean` (a population; the default for rates per population). */
  aggregate_denominator: z.enum(['sum', 'last', 'mean']).optional().describe('How the denominator of an `aggregate` adds up: `sum` (flows, the default) or `last` / `mean` (a population; the default for rates per population).'),
  owner: z.string().optional(),
  data_provider: z.string().optional(),
  source_notes: z.string().optional(),
  definition_version: z.union([z.string(), z.number()]).default(1),
};

/** One indicator, as validated (after any `extends:` has been merged in). */
export const IndicatorSpec = z.strictObject(indicatorFields);

/**
 * An indicator written as changes to another: `extends: <file>[#id]` or `preset:NAME/<file>[#id]`. The base's
 * keys are taken, keys written here replace them whole, and a key set to `null` removes the base's value.
 */
export const IndicatorOverride = z.strictObject({
  ...Object.fromEntries(Object.entries(indicatorFields).map(([k, v]) => [k, (v as z.ZodType).nullable().optional()])) as { [K in keyof typeof indicatorFields]: z.ZodOptional<z.ZodNullable<(typeof indicatorFields)[K]>> },
  extends: z.string(),
});

/** What an indicator file may hold: one indicator, one override, or a set of them under `indicators:`. */
export const IndicatorFile = z.union([
  IndicatorSpec,
  IndicatorOverride,
  z.strictObject({
    $schema: z.string().optional(),
    /** A title for the set, e.g. the priority or document section these indicators come from. */
    title: z.string().optional().describe('A title for the set, e.g. the priority or document section these indicators come from.'),
    indicators: z.array(z.union([IndicatorSpec, IndicatorOverride])).min(1),
  }),
]);

export type ProjectSpec = z.infer<typeof ProjectSpec>;
export type IndicatorSpec = z.infer<typeof IndicatorSpec>;
export type SourceSpec = z.infer<typeof SourceSpec>;
export type PresetSpec = z.infer<typeof PresetSpec>;
export type MeasurePartSpec = z.infer<typeof MeasurePart>;
export type SpcOptionsSpec = z.infer<typeof SpcOptionsSpec>;
