/**
 * Definition → one SQL statement yielding the indicator for every period and area at once (see README.md).
 * Pure: takes the definition and the warehouse's table/column list, returns text. The compiled SQL is
 * written to `out/target/compiled/<id>.sql` so anyone can inspect and re-run it.
 */
import { AGGREGATE_SUFFIX, poolYearsOf, type PeriodType } from '../core/periods.js';
import type { Config, IndicatorDef, MeasurePartDef } from '../config/types.js';
import { quoteIdent as q, quoteLiteral } from '../warehouse/db.js';

import { UNIT_MULTIPLIER } from './units.js';

export { UNIT_MULTIPLIER };

export type TableColumns = Record<string, string[]>;

function referencedMarkers(expr: string, columns: string[]): string[] {
  return columns.filter((c) => c.endsWith('__marker') && new RegExp(`\\b${c.slice(0, -'__marker'.length)}\\b`).test(expr));
}

export interface CompileOptions {
  /**
   * Join event dates through the day calendar `bp_period_days` (an equality hash join) rather than with a range
   * join on `bp_periods` (default true). False only for a warehouse without the day calendar (one made before
   * an earlier version and opened read-only): the results are the same, only slower.
   */
  periodDays?: boolean;
}

function compilePart(name: string, part: MeasurePartDef, periodType: PeriodType, config: Config, tables: TableColumns, options: CompileOptions): string {
  const source = config.sources.find((s) => s.id === part.from);
  const table = source?.table ?? part.from;
  const cols = tables[table] ?? [];
  const markers = referencedMarkers(part.expr, cols);
  const marker = markers.length ? `COALESCE(${markers.map((m) => `max(s.${q(m)})`).join(', ')})` : 'NULL::VARCHAR';
  const pt = quoteLiteral(periodType);
  let join: string;
  let bound = '';
  switch (part.period.kind) {
    case 'column': {
      const sourceType = source?.period?.type ?? periodType;
      join = sourceType === periodType
        ? `JOIN bp_periods p ON p.period_type = ${pt} AND p.period_id = s.${q(part.period.column)}`
        // A yearly denominator serves each quarter inside its year; monthly rows add up into their quarter.
        : `JOIN bp_periods sp ON sp.period_type = ${quoteLiteral(sourceType)} AND sp.period_id = s.${q(part.period.column)}
    JOIN bp_periods p ON p.period_type = ${pt} AND ((p.start_date >= sp.start_date AND p.end_date <= sp.end_date) OR (sp.start_date >= p.start_date AND sp.end_date <= p.end_date))`;
      break;
    }
    case 'event': {
      const col = `s.${q(part.period.column)}`;
      // The day's period by an equality on the day calendar (a hash join) instead of a range join
      // on bp_periods (several times slower at 1M rows). The BETWEEN kept on the period keeps the rule exactly
      // as before whatever the column's type (a timestamp after midnight on a period's last day stays out).
      // A NULL date, or one outside the calendar, has no day row: excluded, as before.
      join = options.periodDays ?? true
        ? `JOIN (SELECT day AS bp_day, period_id AS bp_period_id FROM bp_period_days WHERE period_type = ${pt}) d ON d.bp_day = ${col}::DATE
    JOIN bp_periods p ON p.period_type = ${pt} AND p.period_id = d.bp_period_id AND ${col} BETWEEN p.start_date AND p.end_date`
        : `JOIN bp_periods p ON p.period_type = ${pt} AND ${col} BETWEEN p.start_date AND p.end_date`;
      break;
    }
    case 'snapshot': {
      const [st, en] = [q(part.period.start), q(part.period.end)];
      // A range join still: each row yields one row per period it is open at the end of, so the join's
      // output, not its matching, is the cost; `coalesce(end, 'infinity')` in place of the OR gives DuckDB the same
      // piecewise merge join plan and no gain.
      join = `JOIN bp_periods p ON p.period_type = ${pt} AND s.${st} <= p.end_date AND (s.${en} IS NULL OR s.${en} > p.end_date)`;
      // Only periods the extract covers: up to its latest start or end date.
      bound = `AND p.start_date <= (SELECT greatest(max(${st}), max(${en})) FROM ${q(table)})`;
      break;
    }
  }
  const area = part.area ? `s.${q(part.area)}` : null;
  const groupBy = area ? `GROUP BY GROUPING SETS ((p.period_id, ${area}), (p.period_id))` : 'GROUP BY p.period_id';
  const areaSel = area ? `CASE WHEN GROUPING(${area}) = 1 THEN 'all' ELSE ${area} END` : `'all'`;
  const body = `SELECT p.period_id AS period, ${areaSel} AS area, (${part.expr})::DOUBLE AS v, ${marker} AS marker
  FROM ${q(table)} s
    ${join}
  WHERE (${part.where ?? 'TRUE'}) ${bound}
  ${groupBy}`;
  if (part.period.kind === 'column') return `${name} AS (\n  ${body}\n)`;
  // Record-level: an area with no matching records in a covered period has a count of zero, not a gap.
  const areaIds = part.area ? config.areas.map((a) => a.id) : ['all'];
  return `${name}_rows AS (
  ${body}
),
${name} AS (
  SELECT per.period, a.area, COALESCE(r.v, 0) AS v, r.marker
  FROM (SELECT DISTINCT period FROM ${name}_rows) per
    CROSS JOIN (VALUES ${areaIds.map((id) => `(${quoteLiteral(id)})`).join(', ')}) a(area)
    LEFT JOIN ${name}_rows r ON r.period = per.period AND r.area = a.area
)`;
}

/** The SQL for one indicator: columns period, area, numerator, denominator, value, marker. */
export function compileIndicator(def: IndicatorDef, config: Config, tables: TableColumns, options: CompileOptions = {}): string {
  const mult = UNIT_MULTIPLIER[def.unit];
  const header = `-- boardpack compiled SQL for indicator.${def.id} (definition version ${def.definitionVersion})\n-- ${def.title}\n`;
  if (def.sql) {
    const user = `user_sql AS (\n${def.sql.trim().replace(/;\s*$/, '')}\n)`;
    const select = `SELECT period::VARCHAR AS period, area::VARCHAR AS area, numerator::DOUBLE AS numerator, ${def.unit === 'count' ? 'NULL::DOUBLE' : 'denominator::DOUBLE'} AS denominator, NULL::VARCHAR AS marker FROM user_sql`;
    if (!def.aggregate) return `${header}WITH ${user}\n${select} ORDER BY period, area`;
    return `${header}WITH ${user},\nbase AS (\n  ${select}\n),\n${aggregateCte(def)}\n${finalSelect(def, 'agg')}`;
  }
  const parts = [compilePart('num', def.numerator!, def.periodType, config, tables, options)];
  if (def.denominator) parts.push(compilePart('den', def.denominator, def.periodType, config, tables, options));
  const joined = `SELECT num.period, num.area, num.v AS numerator, ${def.denominator ? 'den.v' : 'NULL::DOUBLE'} AS denominator,
  ${def.denominator ? 'COALESCE(num.marker, den.marker)' : 'num.marker'} AS marker
FROM num${def.denominator ? '\n  LEFT JOIN den ON den.period = num.period AND den.area = num.area' : ''}`;
  if (def.aggregate) return `${header}WITH ${parts.join(',\n')},\nbase AS (\n${joined}\n),\n${aggregateCte(def)}\n${finalSelect(def, 'agg')}`;
  const valueExpr = mult === null || !def.denominator
    ? 'num.v'
    : `CASE WHEN den.v IS NULL OR den.v = 0 THEN NULL ELSE num.v / den.v * ${mult} END`;
  return `${header}WITH ${parts.join(',\n')}
SELECT num.period, num.area, num.v AS numerator, ${def.denominator ? 'den.v' : 'NULL::DOUBLE'} AS denominator,
  ${valueExpr} AS value,
  ${def.denominator ? 'COALESCE(num.marker, den.marker)' : 'num.marker'} AS marker
FROM num${def.denominator ? '\n  LEFT JOIN den ON den.period = num.period AND den.area = num.area' : ''}
ORDER BY num.period, num.area`;
}

/** The year a year to date runs within: financial for quarters and months, academic for terms. */
const YEAR_OF: Partial<Record<PeriodType, PeriodType>> = { fy_quarter: 'fy', month: 'fy', term: 'academic_year' };

/**
 * Year to date, rolling 12 months, cumulative or pooled over several years: each period of the indicator's type that has figures ends a
 * window, and the window's figures are added up (the numerator summed; the denominator summed, or its last or
 * mean value for a population). The window's id is the end period's with a suffix (`2016-17-Q3-YTD`), so these
 * figures are never mixed with the single periods'. Whether every period of a window is held is checked after
 * (measures/coverage.ts): a window with a gap is a partial figure.
 */
function aggregateCte(def: IndicatorDef): string {
  const kind = def.aggregate!;
  const pt = quoteLiteral(def.periodType);
  const yearType = YEAR_OF[def.periodType];
  let window: string;
  let yearJoin = '';
  if (kind === 'ytd') {
    if (!yearType) throw new Error(`aggregate ytd needs a sub-year period type, not ${def.periodType}`);
    yearJoin = `\n    JOIN bp_periods y ON y.period_type = ${quoteLiteral(yearType)} AND y.start_date <= e.start_date AND e.end_date <= y.end_date`;
    window = 'w.start_date >= y.start_date AND w.end_date <= e.end_date';
  } else if (kind === 'rolling_12') {
    window = "w.start_date > e.end_date - INTERVAL 12 MONTH AND w.end_date <= e.end_date";
  } else if (poolYearsOf(kind)) {
    window = `w.start_date > e.end_date - INTERVAL ${12 * poolYearsOf(kind)!} MONTH AND w.end_date <= e.end_date`;
  } else {
    window = 'w.end_date <= e.end_date';
  }
  const den = def.aggregateDenominator === 'last' ? 'arg_max(b.denominator, w.end_date)' : def.aggregateDenominator === 'mean' ? 'avg(b.denominator)' : 'sum(b.denominator)';
  return `agg AS (
  SELECT e.period_id || ${quoteLiteral(`-${AGGREGATE_SUFFIX[kind]}`)} AS period, b.area, sum(b.numerator) AS numerator, ${den} AS denominator, max(b.marker) AS marker
  FROM (SELECT DISTINCT period FROM base) ends
    JOIN bp_periods e ON e.period_type = ${pt} AND e.period_id = ends.period${yearJoin}
    JOIN bp_periods w ON w.period_type = ${pt} AND ${window}
    JOIN base b ON b.period = w.period_id
  GROUP BY e.period_id, b.area
)`;
}

function finalSelect(def: IndicatorDef, from: string): string {
  const mult = UNIT_MULTIPLIER[def.unit];
  const hasDen = Boolean(def.denominator) || (def.sql !== undefined && def.unit !== 'count');
  const valueExpr = mult === null || !hasDen ? 'numerator' : `CASE WHEN denominator IS NULL OR denominator = 0 THEN NULL ELSE numerator / denominator * ${mult} END`;
  return `SELECT period, area, numerator, denominator, ${valueExpr} AS value, marker
FROM ${from}
ORDER BY period, area`;
}
