/** Config as written → config as used: one normalize* per kind of value, snake_case → camelCase only here. */
import path from 'node:path';
import type { IndicatorSpec, MeasurePartSpec, PresetSpec, ProjectSpec, SourceSpec, SpcOptionsSpec } from './schema.js';
import { pooledKind } from '../core/periods.js';
import type { ComparatorDef, Config, HistorySpan, IndicatorDef, MeasurePartDef, SourceDef, TargetRule } from './types.js';

/** `presets`: the preset.yaml of every preset the project names, which supply a missing title and priorities. */
export function normalizeConfig(spec: ProjectSpec, root: string, configFile: string, presets: PresetSpec[] = []): Config {
  const priorities = (spec.framework.priorities ?? []).map((p) => ({ ...p }));
  for (const preset of presets) for (const p of preset.priorities) if (!priorities.some((x) => x.id === p.id)) priorities.push({ ...p });
  const areas = spec.areas.map((a) => ({ id: a.id, name: a.name, code: a.code, aliases: a.aliases ?? [], isWhole: a.id === 'all' }));
  areas.sort((a, b) => Number(b.isWhole) - Number(a.isWhole));
  return {
    root,
    configFile,
    partnership: { name: spec.partnership.name, shortName: spec.partnership.short_name ?? spec.partnership.name },
    board: {
      name: spec.board.name,
      meeting: spec.board.meeting,
      meetingDate: spec.board.meeting_date,
      agendaItem: spec.board.agenda_item === undefined ? undefined : String(spec.board.agenda_item),
      author: spec.board.author,
      purpose: spec.board.purpose,
      recommendation: spec.board.recommendation,
      decision: spec.board.decision,
      protectiveMarking: spec.board.protective_marking,
    },
    framework: { title: spec.framework.title ?? presets[0]?.title ?? `${spec.partnership.name} outcomes framework`, priorities },
    areas,
    sources: Object.entries(spec.sources).map(([id, s]) => normalizeSource(id, s, root)),
    reporting: { periodType: spec.reporting.period_type, history: normalizeHistory(spec.reporting.history), spcHistory: spec.reporting.spc_history },
    disclosure: { ...spec.disclosure },
    ...(spec.direction_of_travel ? { noChange: noChangeBand(spec.direction_of_travel) } : {}),
    warehousePath: path.resolve(root, spec.warehouse),
    outputs: { dir: path.resolve(root, spec.outputs.dir), formats: spec.outputs.formats },
    commentaryPath: spec.commentary ? path.resolve(root, spec.commentary) : undefined,
    templatesDir: spec.templates ? path.resolve(root, spec.templates) : undefined,
    browser: spec.browser,
    ...(spec.report?.sections ? { report: { sections: spec.report.sections.map((x) => (typeof x === 'string' ? { id: x } : { id: x.section, orientation: x.orientation })) } } : {}),
  };
}

export function normalizeSource(id: string, s: SourceSpec, root: string): SourceDef {
  // A published layout (dfe_ees…) says how the rows are laid out, not the file format: that follows the extension.
  const format = s.format === 'csv' || s.format === 'xlsx' ? s.format : /\.xlsx$/i.test(s.path) ? 'xlsx' : 'csv';
  return {
    id,
    title: s.title ?? id,
    path: path.resolve(root, s.path),
    relativePath: s.path,
    format,
    ...(s.format && s.format !== 'csv' && s.format !== 'xlsx' ? { published: s.format } : {}),
    partner: s.partner ?? '',
    frequency: s.frequency,
    latenessDays: s.lateness_days,
    dueRule: s.due_rule ? ('days' in s.due_rule ? { days: s.due_rule.days } : { workingDays: s.due_rule.working_days }) : { days: s.lateness_days },
    ...(s.contact ? { contact: { name: s.contact.name, email: s.contact.email, ...(s.contact.phone ? { phone: s.contact.phone } : {}) } } : {}),
    table: s.table ?? id,
    sheets: s.sheets,
    headerRow: s.header_row,
    skipRowsMatching: s.skip_rows_matching ?? [],
    period: s.period ? { column: s.period.column, sheetName: s.period.sheet_name, fixed: s.period.fixed, fileName: s.period.file_name, type: s.period.type, ...(s.period.format ? { format: s.period.format } : {}) } : undefined,
    areaColumn: s.area_column,
    ...(s.area_codes ? { areaCodes: typeof s.area_codes === 'string' ? [s.area_codes] : s.area_codes } : {}),
    ...(s.where ? { where: Object.fromEntries(Object.entries(s.where).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)])) } : {}),
    columns: Object.entries(s.columns ?? {}).map(([name, c]) => ({
      name,
      type: c.type,
      required: c.required,
      aliases: c.aliases ?? [],
      values: c.values,
      identifier: c.identifier ?? false,
      ...(c.description ? { description: c.description } : {}),
      pattern: c.pattern,
    })),
    encoding: s.encoding,
    contractVersion: String(s.contract_version ?? 1),
    skipRows: s.skip_rows,
    wide: s.wide ? { columns: s.wide.columns, namesTo: s.wide.names_to, valuesTo: s.wide.values_to } : undefined,
    key: s.key,
    historyCheck: s.history_check,
    expectAllAreas: s.expect_all_areas,
  };
}

function normalizePart(p: MeasurePartSpec, config: Config): MeasurePartDef {
  const source = config.sources.find((s) => s.id === p.from);
  const period: MeasurePartDef['period'] = !p.period || 'column' in p.period
    ? { kind: 'column', column: (p.period && 'column' in p.period ? p.period.column : undefined) ?? 'period' }
    : 'event' in p.period
      ? { kind: 'event', column: p.period.event }
      : { kind: 'snapshot', start: p.period.snapshot[0], end: p.period.snapshot[1] };
  const area = p.area === undefined ? (source?.areaColumn ? 'area' : null) : p.area;
  return { from: p.from, expr: p.expr, where: p.where, period, area };
}

function normalizeTarget(t: IndicatorSpec['targets'] extends Record<string, infer V> | undefined ? V : never, spec: IndicatorSpec): TargetRule {
  const base = typeof t === 'number' ? { value: t } : { value: t.value, tolerancePct: t.tolerance_pct, toleranceAbs: t.tolerance_abs, amberValue: t.amber_value, blueMarginPct: t.blue_margin_pct };
  return {
    ...base,
    tolerancePct: base.tolerancePct ?? spec.tolerance_pct,
    toleranceAbs: base.toleranceAbs ?? spec.tolerance_abs,
    blueMarginPct: base.blueMarginPct ?? spec.blue_margin_pct,
  };
}

/** `direction_of_travel:` as written (per cent, points) → the band assess uses (fraction, points). */
/** `spc:` / `spc_options:` as used: recalculation points as ids, with the reasons given for them. */
function normalizeSpcOptions(o: SpcOptionsSpec | undefined): { spcOptions?: NonNullable<IndicatorDef['spcOptions']> } {
  if (!o) return {};
  const at = (o.recalculate_at ?? []).map((x) => (typeof x === 'string' ? { period: x, reason: undefined } : x));
  const reasons = Object.fromEntries(at.filter((x) => x.reason).map((x) => [x.period, x.reason!]));
  return { spcOptions: {
    baselinePeriods: o.baseline_periods,
    recalculateAt: at.map((x) => x.period),
    ...(Object.keys(reasons).length ? { recalculateReasons: reasons } : {}),
    excludeLargeMovingRanges: o.exclude_large_moving_ranges ?? true,
  } };
}

function noChangeBand(d: { no_change_pct?: number; no_change_abs?: number }): { relative?: number; absolute?: number } {
  return { relative: d.no_change_pct === undefined ? undefined : d.no_change_pct / 100, absolute: d.no_change_abs };
}

const DEFAULT_DECIMALS: Record<IndicatorDef['unit'], number> = {
  count: 0, percent: 1, rate_per_1000: 1, rate_per_10000: 1, rate_per_100000: 1, mean: 1, days: 1, ratio: 2,
};

export function normalizeIndicator(spec: IndicatorSpec, file: string, config: Config): IndicatorDef {
  return {
    id: spec.id,
    title: spec.title,
    shortTitle: spec.short_title ?? spec.title,
    description: spec.description ?? '',
    kind: spec.kind,
    question: spec.question,
    priority: spec.priority,
    result: spec.result,
    thrive: spec.thrive,
    polarity: spec.polarity,
    unit: spec.unit,
    decimals: spec.decimals ?? DEFAULT_DECIMALS[spec.unit],
    frequency: spec.frequency,
    periodType: spec.period_type,
    numerator: spec.numerator ? normalizePart(spec.numerator, config) : undefined,
    denominator: spec.denominator ? normalizePart(spec.denominator, config) : undefined,
    sql: spec.sql,
    baseline: spec.baseline,
    targets: Object.fromEntries(Object.entries(spec.targets ?? {}).map(([k, v]) => [k, normalizeTarget(v, spec)])),
    minDenominator: spec.min_denominator ?? 0,
    disclosure: spec.disclosure,
    comparators: (spec.comparators ?? []).map((c) => normalizeComparator(c, config)),
    // Pooled windows overlap, so their figures are not independent points for an XmR chart: none unless asked.
    spc: typeof spec.spc === 'object' ? true : spec.spc ?? (!spec.pool && spec.period_type === 'fy_quarter'),
    ...normalizeSpcOptions(typeof spec.spc === 'object' ? { ...spec.spc, ...spec.spc_options } : spec.spc_options),
    ...(spec.direction_of_travel ? { noChange: noChangeBand(spec.direction_of_travel) } : config.noChange ? { noChange: { ...config.noChange } } : {}),
    ...(spec.history !== undefined ? { history: normalizeHistory(spec.history) } : {}),
    ...(spec.aggregate ? { aggregate: spec.aggregate, aggregateDenominator: spec.aggregate_denominator ?? (spec.unit.startsWith('rate_per') ? 'last' : 'sum') } : {}),
    // Pooled events are over pooled denominators (births, or person-years for a rate per population): summed.
    ...(spec.pool ? { pool: { years: spec.pool.years }, ...(spec.aggregate ? {} : { aggregate: pooledKind(spec.pool.years), aggregateDenominator: spec.aggregate_denominator ?? 'sum' }) } : {}),
    owner: spec.owner,
    dataProvider: spec.data_provider,
    sourceNotes: spec.source_notes,
    definitionVersion: String(spec.definition_version),
    file,
  };
}

/** Comparator as written → as used: table paths and the neighbour model resolved against the project. */
function normalizeComparator(c: NonNullable<IndicatorSpec['comparators']>[number], config: Config): ComparatorDef {
  const out: ComparatorDef = { id: c.id, label: c.label, values: { ...(c.values ?? {}) } };
  if (c.source !== undefined) out.source = c.source;
  if (c.table) {
    out.table = {
      path: path.resolve(config.root, c.table.path),
      periodColumn: c.table.period_column,
      periodFormat: c.table.period_format,
      areaColumn: c.table.area_column,
      valueColumn: c.table.value_column,
      where: { ...(c.table.where ?? {}) },
    };
  }
  if (c.statistic) out.statistic = c.statistic;
  if (c.area_code) out.areaCode = c.area_code;
  if (c.neighbours_model) out.neighboursModel = path.resolve(config.root, c.neighbours_model);
  return out;
}

/** `history: 20` (the indicator's own periods) or `history: {years: 5}`. */
function normalizeHistory(h: number | { years: number }): HistorySpan {
  return typeof h === 'number' ? { periods: h } : { years: h.years };
}
