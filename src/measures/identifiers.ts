/**
 * Personal identifiers (`identifier: true` in a source contract) may be counted and nothing else: in indicator
 * SQL an identifier column may appear only as the argument of `count(…)` / `count(DISTINCT …)`. Any other use
 * (`max(child_id)`, a cast, a comparison, `SELECT *`, a whole row as a struct) could publish the value as a
 * figure. The check walks DuckDB's own parse tree (`json_serialize_sql`), so spelling tricks (quotes, case,
 * table prefixes, comments) are seen as the engine sees them. It runs on the same connection kind at
 * `validate` and at `run`, so both give the same answer.
 */
import { BoardpackError, problem } from '../core/errors.js';
import type { Config, IndicatorDef, SourceDef } from '../config/types.js';
import { quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';

export interface IdentifierUse { column: string; source: string; at: number }

/** Identifier columns of each warehouse table (lower-cased), for the sources that declare any. */
function identifierColumns(sources: SourceDef[]): Map<string, { source: string; columns: Set<string> }> {
  const out = new Map<string, { source: string; columns: Set<string> }>();
  for (const s of sources) {
    const cols = s.columns.filter((c) => c.identifier).map((c) => c.name.toLowerCase());
    if (cols.length) out.set(s.table.toLowerCase(), { source: s.id, columns: new Set(cols) });
  }
  return out;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every table the parse tree names (BASE_TABLE), with the aliases it is given. */
function tablesIn(tree: unknown, out: Array<{ table: string; alias: string }> = []): Array<{ table: string; alias: string }> {
  if (Array.isArray(tree)) for (const x of tree) tablesIn(x, out);
  else if (isNode(tree)) {
    if (tree.type === 'BASE_TABLE' && typeof tree.table_name === 'string') out.push({ table: tree.table_name.toLowerCase(), alias: String(tree.alias ?? '').toLowerCase() });
    for (const v of Object.values(tree)) tablesIn(v, out);
  }
  return out;
}

/**
 * The uses of identifier columns in `sql` other than as the argument of count(): empty when the SQL only
 * counts them. `undefined` when DuckDB cannot parse the SQL (the binder then reports the syntax error).
 */
export async function identifierMisuse(wh: Warehouse, sql: string, sources: SourceDef[]): Promise<IdentifierUse[] | undefined> {
  const byTable = identifierColumns(sources);
  if (!byTable.size) return [];
  const [row] = await wh.all<{ j: string }>(`SELECT json_serialize_sql(${quoteLiteral(sql)}) AS j`);
  const parsed = JSON.parse(row.j) as { error?: boolean; statements?: unknown[] };
  if (parsed.error || !parsed.statements) return undefined;
  const tables = tablesIn(parsed.statements);
  // Unqualified names cannot be traced to one table without binding, so every identifier column of every
  // table the SQL names counts (an unknown table is reported by the binder anyway).
  const named = tables.map((t) => byTable.get(t.table)).filter((x) => x !== undefined);
  if (!named.length) return [];
  const idCols = new Map<string, string>();
  for (const n of named) for (const c of n.columns) idCols.set(c, n.source);
  // A table's name or alias used as a column is the whole row as a struct, identifiers included.
  const rowNames = new Set(tables.filter((t) => byTable.has(t.table)).flatMap((t) => [t.table, t.alias]).filter(Boolean));
  const out: IdentifierUse[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { for (const x of v) walk(x); return; }
    if (!isNode(v)) return;
    const at = Number(v.query_location ?? 0);
    if (v.class === 'COLUMN_REF' && Array.isArray(v.column_names)) {
      const names = (v.column_names as string[]).map((n) => n.toLowerCase());
      const last = names[names.length - 1];
      if (idCols.has(last)) out.push({ column: last, source: idCols.get(last)!, at });
      else if (names.length === 1 && rowNames.has(last)) out.push({ column: `${last} (the whole row)`, source: named[0].source, at });
      return;
    }
    if (v.class === 'STAR') {
      out.push({ column: '*', source: named[0].source, at });
      return;
    }
    if (v.class === 'FUNCTION' && String(v.function_name).toLowerCase() === 'count' && Array.isArray(v.children)) {
      // count(x) and count(DISTINCT x) of a bare column or *: only the number of values leaves the query.
      for (const c of v.children) if (!(isNode(c) && (c.class === 'COLUMN_REF' || c.class === 'STAR'))) walk(c);
      for (const [k, x] of Object.entries(v)) if (k !== 'children') walk(x);
      return;
    }
    for (const x of Object.values(v)) walk(x);
  };
  walk(parsed.statements);
  return out;
}

/**
 * Refuses an indicator whose own SQL (`sql:`, or the `expr:`/`where:` of its numerator and denominator) uses
 * an identifier column other than inside count(). Throws BP_SQL_IDENTIFIER naming the column and the part.
 */
export async function checkIdentifierUse(wh: Warehouse, def: IndicatorDef, config: Config): Promise<void> {
  const parts: Array<{ yamlPath: string; sql: string; text: string; sources: SourceDef[] }> = [];
  if (def.sql) parts.push({ yamlPath: 'sql', sql: def.sql.trim().replace(/;\s*$/, ''), text: def.sql, sources: config.sources });
  for (const key of ['numerator', 'denominator'] as const) {
    const part = def[key];
    if (!part) continue;
    const source = config.sources.find((s) => s.id === part.from);
    if (!source) continue;
    const from = ` FROM ${quoteIdent(source.table)}`;
    parts.push({ yamlPath: `${key}.expr`, sql: `SELECT ${part.expr}${from}`, text: part.expr, sources: [source] });
    if (part.where) parts.push({ yamlPath: `${key}.where`, sql: `SELECT 1${from} WHERE ${part.where}`, text: part.where, sources: [source] });
  }
  for (const p of parts) {
    const misuse = await identifierMisuse(wh, p.sql, p.sources);
    if (!misuse?.length) continue;
    const m = misuse[0];
    const what = m.column === '*'
      ? `selects * from a table with a personal identifier column`
      : `uses ${m.column} of source ${m.source}, a personal identifier (identifier: true), other than to count it`;
    throw new BoardpackError(problem('BP_SQL_IDENTIFIER', `indicator ${def.id}: the SQL ${what}; identifiers may only be counted, so their values can never become a figure`, {
      file: def.file, yamlPath: `indicators.${def.id}.${p.yamlPath}`, value: excerpt(p.text),
      expected: 'an identifier column only as count(column) or count(DISTINCT column)',
      fix: m.column === '*' ? 'name the columns you need instead of *' : `count it (count(DISTINCT ${m.column.split(' ')[0]})), or use a column that is not an identifier`,
    }));
  }
}

function excerpt(s: string, n = 200) {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}
