/**
 * Measures: compile every indicator, check each binds against the warehouse (so a wrong column is reported
 * with the extract's real columns before anything is computed), then compute the ones that bind.
 * One bad indicator is reported and dropped; the others still compute.
 */
import { problem, BoardpackError, UsageError } from '../core/errors.js';
import { AGGREGATABLE, makePeriod, tryParsePeriodId, type Period } from '../core/periods.js';
import { missingPeriods, readHoldings } from './coverage.js';
import type { Config, IndicatorDef } from '../config/types.js';
import { enrichDuckDbError, type Warehouse } from '../warehouse/db.js';
import { hasPeriodDays, tableColumns } from '../warehouse/meta.js';
import { compileIndicator, UNIT_MULTIPLIER } from './compile.js';
import { checkIdentifierUse } from './identifiers.js';
import { checkFragment, checkStatement, confineWarehouse, isConfined, runChecked, TooManyRows, DEFAULT_QUERY_TIMEOUT_MS, type CheckedStatement } from './confine.js';
import type { MeasuresOutput, MeasureValue } from './types.js';

export * from './types.js';
export { compileIndicator, type CompileOptions } from './compile.js';
export { openMeasuresWarehouse, confineWarehouse, isConfined, statementKeywords, hasStatementSeparator, CONFINEMENT_SETTINGS } from './confine.js';

export interface ComputeOptions {
  /** Time limit for each indicator's query (default 120 s). */
  queryTimeoutMs?: number;
  /** The most rows one indicator's query may return (default: `BOARDPACK_MAX_INDICATOR_ROWS`, else `defaultMaxRows`). */
  maxRows?: number;
}

export const MAX_ROWS_ENV = 'BOARDPACK_MAX_INDICATOR_ROWS';
/** Rows below which no indicator is refused, whatever its periods and areas: a few tens of MB as JS values. */
export const MIN_MAX_ROWS = 100_000;
/** Years of periods an indicator's series may span, for the default row limit. */
const SPAN_YEARS = 200;

/**
 * The rows an indicator may return unless `BOARDPACK_MAX_INDICATOR_ROWS` says otherwise. A correct one returns
 * one row per period and area (there are no other breakdowns), so: every period of its type across two centuries
 * for the partnership and every area, and never less than 100,000. A definition that returns a row per child or
 * per episode (millions) is far past it, and is refused before its rows are converted, which would otherwise
 * exhaust Node's heap.
 */
export function defaultMaxRows(def: Pick<IndicatorDef, 'periodType'>, areaCount: number): number {
  return Math.max(MIN_MAX_ROWS, areaCount * makePeriod(def.periodType, 2024, 1).perYear * SPAN_YEARS);
}

/** BOARDPACK_MAX_INDICATOR_ROWS (a positive whole number), or undefined for the default. */
export function maxRowsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[MAX_ROWS_ENV]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${MAX_ROWS_ENV}="${raw.slice(0, 40)}" is not a positive whole number of rows`, `set it to a number such as 1000000, or unset it for the default (one row per period and area over two centuries, at least ${MIN_MAX_ROWS.toLocaleString('en-GB')})`);
  }
  return Number(raw);
}

/**
 * Computes every indicator on `wh`. The instance is confined first if it is not already (external access and
 * extensions off, configuration locked: see confine.ts), so indicator SQL can never reach a file, URL or other
 * database whoever calls this; the pipeline passes a read-only instance opened by `openMeasuresWarehouse`.
 */
export async function computeMeasures(wh: Warehouse, config: Config, indicators: IndicatorDef[], options: ComputeOptions = {}): Promise<MeasuresOutput> {
  const maxRowsSet = options.maxRows ?? maxRowsFromEnv();
  await confineWarehouse(wh);
  const tables = await tableColumns(wh);
  const holdings = await readHoldings(wh, config, indicators);
  // The day calendar for event dates; a warehouse without a current one keeps the range join.
  const periodDays = await hasPeriodDays(wh).catch(() => false);
  const areaIds = new Set(['all', ...config.areas.map((a) => a.id)]);
  const shared: Shared = { config, tables, holdings, periodDays, areaIds, maxRowsSet, options };
  // Two connections, each binding then running every other indicator: the statements are small, so most of
  // their time is the round trip to DuckDB's threads and back, which two lanes overlap. A connection shares
  // the instance's settings, so the second is as confined as the first; checked before any SQL runs on it.
  const second = indicators.length > 1 ? await wh.connect() : undefined;
  try {
    if (second && !(await isConfined(second))) throw new BoardpackError(problem('BP_SQL_CONFINEMENT_FAILED', 'a second connection to the database that runs indicator SQL is not confined', { file: wh.path, fix: 'this is a bug in boardpack: please report it with the output of --debug' }));
    const lanes = second ? [wh, second] : [wh];
    const byLane = await Promise.all(lanes.map((conn, lane) => computeLane(conn, indicators.filter((_, i) => i % lanes.length === lane), shared)));
    // In the indicators' order, as one connection gives them: compiled SQL and binding failures, then the figures and running failures.
    const of = (def: IndicatorDef) => byLane[indicators.indexOf(def) % lanes.length].get(def.id)!;
    return {
      compiled: indicators.flatMap((d) => of(d).compiled),
      values: indicators.flatMap((d) => of(d).values),
      failures: [...indicators.flatMap((d) => of(d).bindFailures), ...indicators.flatMap((d) => of(d).runFailures)],
    };
  } finally {
    second?.close();
  }
}

interface Shared {
  config: Config;
  tables: Awaited<ReturnType<typeof tableColumns>>;
  holdings: Awaited<ReturnType<typeof readHoldings>>;
  periodDays: boolean;
  areaIds: Set<string>;
  maxRowsSet: number | undefined;
  options: ComputeOptions;
}

interface LaneResult { compiled: MeasuresOutput['compiled']; values: MeasuresOutput['values']; bindFailures: MeasuresOutput['failures']; runFailures: MeasuresOutput['failures'] }

/** Bind every indicator of a lane on its connection, then run the ones that bound: each indicator's outputs. */
async function computeLane(wh: Warehouse, indicators: IndicatorDef[], shared: Shared): Promise<Map<string, LaneResult>> {
  const { config, tables, holdings, periodDays, areaIds, maxRowsSet, options } = shared;
  const results = new Map<string, LaneResult>(indicators.map((d) => [d.id, { compiled: [], values: [], bindFailures: [], runFailures: [] }]));
  const checked = new Map<string, CheckedStatement>();
  for (const def of indicators) {
    const out = results.get(def.id)!;
    if (def.aggregate && !AGGREGATABLE[def.aggregate].includes(def.periodType)) {
      out.bindFailures.push({ indicator: def.id, problem: aggregateProblem(def) });
      continue;
    }
    const sql = compileIndicator(def, config, tables, { periodDays });
    out.compiled.push({ indicator: def.id, sql });
    const used = [def.numerator?.from, def.denominator?.from].filter(Boolean) as string[];
    const missing = used.map((s) => config.sources.find((x) => x.id === s)?.table ?? s).filter((t) => !tables[t]);
    if (missing.length) {
      out.bindFailures.push({ indicator: def.id, problem: problem('BP_MEASURE_NO_DATA', `indicator ${def.id}: source table ${missing.join(', ')} has not been loaded`, {
        file: def.file, yamlPath: `indicators.${def.id}.numerator.from`, fix: 'fix the ingest errors reported for that source, or supply its extract',
      }) });
      continue;
    }
    const context = { what: `indicator ${def.id}`, file: def.file, yamlPath: `indicators.${def.id}.${def.sql ? 'sql' : 'numerator.expr'}`, tables: Object.fromEntries(used.map((s) => { const t = config.sources.find((x) => x.id === s)?.table ?? s; return [t, (tables[t] ?? []).filter((c) => !c.startsWith('_'))]; })) };
    try {
      // A hand-written `sql:` is checked on its own first, so "COPY …" is named as such rather than reported
      // as a syntax error inside the compiled wrapper. Then the compiled statement: exactly one query, bound
      // (no rows computed) so unknown tables/columns are reported before any computation runs.
      for (const [part, key] of [[def.numerator, 'numerator'], [def.denominator, 'denominator']] as const) {
        checkFragment(part?.expr, { ...context, yamlPath: `indicators.${def.id}.${key}.expr` });
        checkFragment(part?.where, { ...context, yamlPath: `indicators.${def.id}.${key}.where` });
      }
      await checkIdentifierUse(wh, def, config);
      if (def.sql) (await checkStatement(wh, def.sql.trim().replace(/;\s*$/, ''), context)).prepared.destroySync();
      checked.set(def.id, await checkStatement(wh, sql, context, maxRowsSet ?? defaultMaxRows(def, areaIds.size)));
    } catch (e) {
      out.bindFailures.push({ indicator: def.id, problem: (e instanceof BoardpackError ? e : enrichDuckDbError(e, context)).problems[0] });
      continue;
    }
  }
  for (const def of indicators) {
    const out = results.get(def.id)!;
    if (out.bindFailures.length) continue;
    const ctx = { what: `indicator ${def.id}`, file: def.file, yamlPath: `indicators.${def.id}` };
    try {
      const rows = await runChecked<{ period: string; area: string; numerator: number | null; denominator: number | null; value?: number | null; marker: string | null }>(
        wh, checked.get(def.id)!, ctx, options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
      // Only rows for the project's areas and real periods of the indicator's type reach the pack: an indicator
      // (hand-written `sql:` above all) that returned, say, child_id as its area would otherwise publish
      // personal identifiers. The rejected values are never echoed, since they may be exactly that.
      const strays = rows.filter((r) => !areaIds.has(String(r.area)) || !tryParsePeriodId(String(r.period)));
      const values = rows.filter((r) => !strays.includes(r)).map((r) => toMeasureValue(def, r));
      // A figure some of whose periods are not held is a part figure: never shown or rated as a whole one.
      const seriesStart = values.map((v) => tryParsePeriodId(v.period)).filter((p): p is Period => Boolean(p)).sort((a, b) => a.start.localeCompare(b.start))[0];
      for (const v of values) {
        if (v.value === null || v.marker) continue;
        const missing = missingPeriods(def, v, holdings, seriesStart);
        if (missing) v.partial = { missing: missing.map((p) => p.id), missingLabels: missing.map((p) => p.label) };
      }
      out.values.push(...values);
      if (strays.length) {
        out.runFailures.push({ indicator: def.id, problem: problem('BP_MEASURE_STRAY_ROWS', `indicator ${def.id}: ${strays.length} row(s) have an area that is not one of the project's areas or a period that is not a period id; they were left out (their values are not shown, as they may be personal data)`, {
          file: def.file, yamlPath: `indicators.${def.id}${def.sql ? '.sql' : ''}`,
          expected: `area one of ${[...areaIds].join(', ')}; period a ${def.periodType} id such as ${makePeriod(def.periodType, 2024, 1).id}`,
          fix: 'return the normalised `period` and `area` columns of the source tables, grouped by them',
        }) });
      }
    } catch (e) {
      const err = e instanceof TooManyRows ? tooManyRows(def, e, areaIds.size, maxRowsSet !== undefined) : e instanceof BoardpackError ? e : enrichDuckDbError(e, ctx);
      out.runFailures.push({ indicator: def.id, problem: err.problems[0] });
    } finally {
      checked.get(def.id)!.prepared.destroySync();
    }
  }
  return results;
}

function tooManyRows(def: IndicatorDef, e: TooManyRows, areaCount: number, fromEnv: boolean): BoardpackError {
  const n = (x: number) => x.toLocaleString('en-GB');
  const count = e.complete ? n(e.count) : `more than ${n(e.count)}`;
  return new BoardpackError(problem('BP_MEASURE_TOO_MANY_ROWS', `indicator ${def.id}: the query returned ${count} rows, more than the ${n(e.limit)} an indicator may return${fromEnv ? ` (${MAX_ROWS_ENV})` : ''}; none were used`, {
    file: def.file, yamlPath: `indicators.${def.id}${def.sql ? '.sql' : ''}`, value: e.count,
    expected: `one row per period and area (${n(areaCount)} areas including the partnership)`,
    fix: `group the rows by period and area (GROUP BY period, area) and count or add up within each; if the indicator really needs more rows, set ${MAX_ROWS_ENV}`,
  }));
}

function toMeasureValue(def: IndicatorDef, r: { period: string; area: string; numerator: number | null; denominator: number | null; value?: number | null; marker: string | null }): MeasureValue {
  const mult = UNIT_MULTIPLIER[def.unit];
  let value = r.value ?? null;
  if (r.value === undefined) {
    value = mult === null || r.denominator === null ? r.numerator : r.denominator === 0 ? null : (r.numerator! / r.denominator) * mult;
  }
  const marker = r.marker ?? null;
  return {
    indicator: def.id,
    period: r.period,
    area: r.area,
    numerator: marker ? null : r.numerator,
    denominator: marker ? null : r.denominator,
    value: marker || value === null || !Number.isFinite(value) ? null : value,
    marker,
  };
}

/** An aggregate that cannot be made of the indicator's periods (a year to date of a year). */
export function aggregateProblem(def: IndicatorDef) {
  return problem('BP_AGGREGATE_PERIOD_TYPE', `indicator ${def.id}: aggregate ${def.aggregate} cannot be made of ${def.periodType} periods`, {
    file: def.file, yamlPath: `indicators.${def.id}.aggregate`, value: def.aggregate,
    expected: `period_type one of ${AGGREGATABLE[def.aggregate!].join(', ')}`,
    fix: 'set period_type to the periods the figure adds up (fy_quarter for a financial year to date), or remove aggregate:',
  });
}
