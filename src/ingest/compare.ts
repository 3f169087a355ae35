/**
 * A new load against what the warehouse already holds for the same source: values far outside their
 * history (a warning), localities missing from a period (a warning), and per period the rows added,
 * removed and revised (recorded in `bp_changes`, shown by `boardpack status`).
 */
import { problem, type Problem } from '../core/errors.js';
import type { Area, SourceDef } from '../config/types.js';
import { NUMERIC_COLUMN_TYPES } from '../config/schema.js';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import type { PeriodChange } from '../warehouse/meta.js';
import { LIST_LIMIT, TYPED_TABLE, typedColumn } from './stage.js';

const NUMERIC = NUMERIC_COLUMN_TYPES;
/** A value is "far outside its history" beyond mean ± K standard deviations of at least MIN_HISTORY earlier values. */
const K = 4;
const MIN_HISTORY = 4;

/** The columns that say which row is which: the declared key, else period, area and every text/code column. */
export function rowKey(source: SourceDef, present: Set<string>): string[] {
  const key = source.key?.length
    ? [...(source.period ? ['period'] : []), ...source.key.map((k) => typedColumn(source, k))]
    : [...(source.period ? ['period'] : []), ...(source.areaColumn ? ['area'] : []),
      ...source.columns.filter((c) => (c.type === 'text' || c.type === 'code') && c.name !== source.period?.column && c.name !== source.areaColumn).map((c) => c.name)];
  return [...new Set(key)].filter((k) => present.has(k));
}

async function columnsOf(wh: Warehouse, table: string): Promise<Set<string>> {
  return new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${table})`)).map((c) => c.column_name));
}

const same = (cols: string[], a: string, b: string) => cols.length ? cols.map((c) => `${a}.${q(c)} IS NOT DISTINCT FROM ${b}.${q(c)}`).join(' AND ') : 'TRUE';

export async function checkHistory(wh: Warehouse, source: SourceDef, newPeriods: string[], limit = LIST_LIMIT): Promise<Problem[]> {
  const table = q(source.table);
  const oldCols = await columnsOf(wh, table);
  const newCols = await columnsOf(wh, TYPED_TABLE);
  if (!oldCols.has('period') || !newPeriods.length) return [];
  const series = rowKey(source, newCols).filter((k) => k !== 'period' && oldCols.has(k));
  const out: Problem[] = [];
  const notNew = `period NOT IN (${newPeriods.map(quoteLiteral).join(', ')})`;
  for (const c of source.columns.filter((c) => NUMERIC.has(c.type) && !c.identifier && newCols.has(c.name) && oldCols.has(c.name) && !series.includes(c.name))) {
    const v = q(c.name);
    const rows = await wh.all<{ _file: string; _sheet: string | null; _row: number; v: number; m: number; sd: number; n: number }>(
      `WITH h AS (SELECT ${[...series.map(q), `avg(${v}) AS m`, `coalesce(stddev_samp(${v}), 0) AS sd`, `count(${v})::INTEGER AS n`].join(', ')}
                  FROM ${table} WHERE ${notNew} GROUP BY ALL)
       SELECT t._file, t._sheet, t._row, t.${v} AS v, h.m, h.sd, h.n FROM ${TYPED_TABLE} t JOIN h ON ${same(series, 't', 'h')}
       WHERE h.n >= ${MIN_HISTORY} AND t.${v} IS NOT NULL AND abs(t.${v} - h.m) > ${K} * greatest(h.sd, 0.05 * abs(h.m))
       ORDER BY t._file, t._sheet, t._row LIMIT ${limit}`);
    for (const r of rows) {
      const spread = K * Math.max(r.sd, 0.05 * Math.abs(r.m));
      const fmt = (x: number) => String(Math.round(x * 100) / 100);
      out.push(problem('BP_INGEST_OUTSIDE_HISTORY', `${fmt(r.v)} is far outside this series' history (mean ${fmt(r.m)} over ${r.n} earlier periods)`, {
        severity: 'warning', file: r._file, sheet: r._sheet ?? undefined, row: r._row, column: c.name, value: r.v,
        expected: `between ${fmt(r.m - spread)} and ${fmt(r.m + spread)}`,
        fix: 'check the value with the partner (a typo, a changed definition, or a real change); it has been loaded',
      }));
    }
  }
  return out;
}

/** `seen`: the (period, area, first file) triples of the new rows when already counted (else one scan of the typed rows). */
export async function checkMissingAreas(wh: Warehouse, source: SourceDef, areas: Area[], seen?: Array<{ p: string | null; a: string; f: string }>): Promise<Problem[]> {
  const localities = areas.filter((a) => !a.isWhole);
  if (!localities.length) return [];
  const rows = seen ?? await wh.all<{ p: string | null; a: string; f: string }>(
    `SELECT ${source.period ? 'period' : 'NULL'} AS p, area AS a, min(_file) AS f FROM ${TYPED_TABLE} GROUP BY ALL`);
  const byPeriod = new Map<string, { areas: Set<string>; file: string }>();
  for (const r of rows) {
    const k = r.p ?? '';
    const e = byPeriod.get(k) ?? { areas: new Set<string>(), file: r.f };
    e.areas.add(r.a);
    byPeriod.set(k, e);
  }
  const out: Problem[] = [];
  for (const [p, e] of [...byPeriod].sort()) {
    // A partnership-wide file (only the whole area) is not missing its localities.
    if (![...e.areas].some((a) => localities.some((l) => l.id === a))) continue;
    for (const l of localities.filter((l) => !e.areas.has(l.id))) {
      out.push(problem('BP_INGEST_AREA_MISSING', `locality ${l.name} has no rows${p ? ` for ${p}` : ''}`, {
        severity: 'warning', file: e.file, column: source.areaColumn, value: l.name,
        expected: `a row for every locality: ${localities.map((x) => x.name).join(', ')}`,
        fix: 'ask the partner whether the locality was left out; its figures show as missing until it is supplied',
      }));
    }
  }
  return out;
}

/** Rows added, removed and revised per period, comparing the new rows with the rows they replace. */
export async function diffPeriods(wh: Warehouse, source: SourceDef, keep: string[]): Promise<PeriodChange[]> {
  const table = q(source.table);
  const oldCols = await columnsOf(wh, table);
  const newCols = new Set(keep);
  const byPeriod = Boolean(source.period) && oldCols.has('period');
  const meta = new Set(['_file', '_sheet', '_row', '_load_id']);
  const key = rowKey(source, newCols).filter((k) => oldCols.has(k));
  const values = keep.filter((c) => !meta.has(c) && !key.includes(c) && oldCols.has(c));
  const struct = (cols: string[]) => cols.length ? `{${cols.map((c, i) => `'c${i}': ${q(c)}`).join(', ')}}` : 'NULL';
  const p = byPeriod ? 'period' : "''";
  const oldRows = `SELECT ${p} AS p, ${struct(key)} AS k, ${struct(values)} AS v FROM ${table}${byPeriod ? ` WHERE period IN (SELECT DISTINCT period FROM ${TYPED_TABLE})` : ''}`;
  const newRows = `SELECT ${p} AS p, ${struct(key)} AS k, ${struct(values)} AS v FROM ${TYPED_TABLE}`;
  const [u] = await wh.all<{ o: boolean; n: boolean }>(
    `SELECT (SELECT count(*) = count(DISTINCT k) FROM (${oldRows})) AS o, (SELECT count(*) = count(DISTINCT k) FROM (${newRows})) AS n`);
  const sql = key.length && u.o && u.n
    ? `WITH o AS (${oldRows}), n AS (${newRows})
       SELECT coalesce(n.p, o.p) AS period, count(o.k)::INTEGER AS before, count(n.k)::INTEGER AS after,
         count(*) FILTER (WHERE o.k IS NULL)::INTEGER AS added, count(*) FILTER (WHERE n.k IS NULL)::INTEGER AS removed,
         count(*) FILTER (WHERE o.k IS NOT NULL AND n.k IS NOT NULL AND o.v IS DISTINCT FROM n.v)::INTEGER AS revised
       FROM o FULL OUTER JOIN n ON o.p IS NOT DISTINCT FROM n.p AND o.k IS NOT DISTINCT FROM n.k GROUP BY 1 ORDER BY 1`
    // No key that identifies rows: whole rows are compared, so a changed row counts as one removed and one added.
    : `WITH o AS (SELECT p, {'k': k, 'v': v} AS r FROM (${oldRows})), n AS (SELECT p, {'k': k, 'v': v} AS r FROM (${newRows})),
         a AS (SELECT p, r FROM n EXCEPT ALL SELECT p, r FROM o), d AS (SELECT p, r FROM o EXCEPT ALL SELECT p, r FROM n),
         ps AS (SELECT p FROM o UNION SELECT p FROM n)
       SELECT ps.p AS period, (SELECT count(*) FROM o WHERE o.p = ps.p)::INTEGER AS before, (SELECT count(*) FROM n WHERE n.p = ps.p)::INTEGER AS after,
         (SELECT count(*) FROM a WHERE a.p = ps.p)::INTEGER AS added, (SELECT count(*) FROM d WHERE d.p = ps.p)::INTEGER AS removed, 0 AS revised
       FROM ps ORDER BY 1`;
  const rows = await wh.all<{ period: string | null; before: number; after: number; added: number; removed: number; revised: number }>(sql);
  return rows.map((r) => ({ period: r.period ?? '', rowsBefore: r.before, rowsAfter: r.after, added: r.added, removed: r.removed, revised: r.revised }));
}
