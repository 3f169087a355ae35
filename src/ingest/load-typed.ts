/**
 * Typed CSV loading: each file is read once by DuckDB's reader, typed while it is read, straight into the
 * source's next table inside the load's transaction, and one scan then tests every rule the text path tests.
 * Dates are typed by the reader; text is trimmed, and numbers and markers are typed by the same SQL as the text
 * path (`stage.ts`). A row the reader rejects, or any rule broken, rolls the attempt back and the caller reads
 * the source again through the text path, which reports each problem with its file, row, column and value
 * exactly as it always has. A clean extract, the common case and the large one, is read and written once.
 *
 * Contracts this path does not handle (a period column, wide layouts, percent columns whose scale depends on
 * the whole column, rows skipped by text, and any contract setting it does not know) always take the text path.
 */
import type { Area, Config, SourceDef } from '../config/types.js';
import { BoardpackError } from '../core/errors.js';
import { warehouseSchema } from './stage.js';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { nextLoadId, recordLoad, tableExists } from '../warehouse/meta.js';
import { checkHistory, checkMissingAreas, diffPeriods } from './compare.js';
import { canonical } from './headers.js';
import { openCsv, REJECTS_TABLE, typedCsvReader, type CsvFile } from './read-csv.js';
import { periodIdOf } from './period-formats.js';
import { areaLookupOf, checkDuplicateKeys, isTotalArea, markerExpr, numberExpr, periodTextFromFileName, TYPED_TABLE } from './stage.js';
import type { IngestOptions, SourceIngest } from './index.js';

/** The SourceDef settings this path knows; a contract using any other falls back to the text path. */
const KNOWN_SETTINGS = new Set(['id', 'title', 'path', 'relativePath', 'format', 'partner', 'frequency', 'latenessDays', 'dueRule', 'contact', 'table', 'sheets', 'headerRow',
  'skipRowsMatching', 'period', 'areaColumn', 'columns', 'encoding', 'contractVersion', 'skipRows', 'wide', 'key', 'historyCheck', 'expectAllAreas']);
const KNOWN_PERIOD = new Set(['column', 'sheetName', 'fixed', 'fileName', 'type']);
const KNOWN_COLUMN = new Set(['name', 'type', 'required', 'aliases', 'values', 'identifier', 'description', 'pattern']);
const set = (v: unknown) => v !== undefined && v !== null && v !== false && !(Array.isArray(v) && !v.length);

/** Whether a source can be read by the typed path (otherwise it is read as text, as always). */
export function typedReadable(source: SourceDef): boolean {
  if (source.format !== 'csv' || source.wide || source.skipRowsMatching.length) return false;
  if (Object.entries(source).some(([k, v]) => !KNOWN_SETTINGS.has(k) && set(v))) return false;
  if (source.period && (source.period.column !== undefined || source.period.sheetName || Object.entries(source.period).some(([k, v]) => !KNOWN_PERIOD.has(k) && set(v)))) return false;
  if (source.columns.some((c) => c.type === 'percent' || Object.entries(c).some(([k, v]) => !KNOWN_COLUMN.has(k) && set(v)))) return false;
  // The typed period and area columns replace a contract column of the same name (see `stageSource`).
  return !source.columns.some((c) => (c.name === 'period' && source.period) || (c.name === 'area' && source.areaColumn));
}

/** Thrown inside the transaction to roll the attempt back; the caller then reads the source as text. */
class UseTextPath extends Error {}

const BAD = '\u0001bad';
const NUMERIC = new Set(['integer', 'decimal']);

/** Written area → area id for every spelling the partnership's areas are known by (lower-cased; totals too). */
function areaCase(areas: Area[], column: string): string {
  const lookup = areaLookupOf(areas);
  const keys = new Map<string, string>();
  for (const a of areas) for (const k of [a.id, a.name, a.code, ...a.aliases]) if (k) keys.set(k.trim().toLowerCase(), a.id);
  for (const t of ['total', 'all', 'grand total']) if (!lookup.has(canonical(t)) && !keys.has(t)) keys.set(t, '__total__');
  const v = `lower(trim(${q(column)}))`;
  return keys.size ? `CASE ${v} ${[...keys].map(([k, id]) => `WHEN ${quoteLiteral(k)} THEN ${quoteLiteral(id)}`).join(' ')} END` : 'NULL';
}

/**
 * Loads a source's CSV files by the typed path into `result`; false when the source must be read as text
 * (nothing is then left behind: the attempt is rolled back).
 */
export async function loadCsvTyped(wh: Warehouse, config: Config, source: SourceDef, files: string[], result: SourceIngest,
  ctx: { fingerprint: string; loadedAt: string; exists: boolean; options: IngestOptions; withhold: () => void }): Promise<boolean> {
  const csvs: CsvFile[] = [];
  const problemsBefore = result.problems.length;
  try {
    const periods: Array<string | undefined> = [];
    for (const [i, f] of files.entries()) {
      let csv: CsvFile;
      try {
        csv = await openCsv(wh, f, result.files[i].path, source);
      } catch (e) {
        if (e instanceof BoardpackError) return false;
        throw e;
      }
      csvs.push(csv);
      if (csv.match.problems.length) return false;
      const written = source.period?.fixed !== undefined ? source.period.fixed.trim() : source.period?.fileName !== undefined ? csv.relFile : null;
      const text = written !== null && source.period?.fileName !== undefined ? periodTextFromFileName(written, source.period.fileName) : written;
      const period = source.period && text ? periodIdOf(text, source.period) : undefined;
      if (source.period && !period) return false;
      periods.push(period);
    }
    const schema = warehouseSchema(source);
    const table = q(source.table);
    const next = q(`${source.table}__bp_next`);
    const newPeriods = [...new Set(periods.filter((p): p is string => p !== undefined))].sort();
    const keepOld = ctx.exists && Boolean(source.period);
    if (keepOld) {
      // Older periods are copied into the next table as they are: only when their columns are the same.
      const old = await wh.all<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE ${table})`);
      const want = [...schema, ['_load_id', 'INTEGER']];
      if (old.length !== want.length || old.some((c, i) => c.column_name !== want[i][0] || c.column_type !== want[i][1])) return false;
    }
    const loadId = await nextLoadId(wh);
    try {
      await wh.transaction(async () => {
        await wh.run(`DROP TABLE IF EXISTS ${next}`);
        await wh.run(`CREATE TABLE ${next} (${[...schema, ['_load_id', 'INTEGER']].map(([n, t]) => `${q(n)} ${t}`).join(', ')})`);
        if (keepOld) await wh.run(`INSERT INTO ${next} SELECT * FROM ${table} WHERE period IS NULL OR period NOT IN (${newPeriods.map(quoteLiteral).join(', ')})`);
        const fresh = `_load_id = ${loadId}`;
        for (const [i, csv] of csvs.entries()) {
          ctx.options.progress?.({ source: source.id, file: csv.relFile, fileIndex: i + 1, files: files.length, rows: 0, phase: 'reading' });
          const rows = await insertFile(wh, next, source, config.areas, csv, periods[i], loadId);
          if (!rows) throw new UseTextPath();
          result.files[i].rows = rows;
          ctx.options.progress?.({ source: source.id, file: csv.relFile, fileIndex: i + 1, files: files.length, rows, phase: 'reading' });
        }
        ctx.options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: result.files.reduce((a, f) => a + f.rows, 0), phase: 'checking' });
        if (source.areaColumn) await mapAreas(wh, next, source, config.areas, fresh);
        // One scan: the rows per file and period, and every rule of the text path as a count of rows breaking it.
        const rules = ruleSql(source);
        const counts = await wh.all<{ f: string; p: string | null; a: string | null; n: number; bad: number }>(
          `SELECT _file AS f, ${source.period ? 'period' : "''"} AS p, ${source.areaColumn ? 'area' : 'NULL'} AS a, count(*)::INTEGER AS n,
             ${rules.length ? `count(*) FILTER (WHERE ${rules.join(' OR ')})` : '0'}::INTEGER AS bad
           FROM ${next} WHERE ${fresh} GROUP BY ALL ORDER BY f`);
        if (counts.some((c) => c.bad > 0)) throw new UseTextPath();
        await wh.run(`CREATE OR REPLACE TEMP VIEW ${TYPED_TABLE} AS SELECT * FROM ${next} WHERE ${fresh}`);
        if (source.key?.length && (await checkDuplicateKeys(wh, source, 1)).problems.length) throw new UseTextPath();

        // Warnings, reported and loaded: values far outside their history, localities missing from a period.
        if (ctx.exists && source.period && source.historyCheck !== false) result.problems.push(...(await checkHistory(wh, source, newPeriods, ctx.options.listLimit)));
        if (source.areaColumn && source.expectAllAreas !== false) {
          const seen = new Map<string, { p: string | null; a: string; f: string }>();
          for (const c of counts) if (!seen.has(`${c.p}\u0000${c.a}`)) seen.set(`${c.p}\u0000${c.a}`, { p: source.period ? c.p : null, a: c.a!, f: c.f });
          result.problems.push(...(await checkMissingAreas(wh, source, config.areas, [...seen.values()])));
        }
        for (const f of result.files) f.rowsLoaded = counts.filter((x) => x.f === f.path).reduce((a, x) => a + x.n, 0);
        const perPeriod = new Map<string, number>();
        for (const c of counts) perPeriod.set(c.p ?? '', (perPeriod.get(c.p ?? '') ?? 0) + c.n);
        const keep = [...schema.map(([n]) => n), '_load_id'];
        result.changes = ctx.exists ? await diffPeriods(wh, source, keep)
          : [...perPeriod].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => ({ period: p, rowsBefore: 0, rowsAfter: n, added: n, removed: 0, revised: 0 }));
        await wh.run(`DROP VIEW ${TYPED_TABLE}`);
        ctx.options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: counts.reduce((a, c) => a + c.n, 0), phase: 'loading' });
        result.periods = newPeriods;
        result.rowsLoaded = counts.reduce((a, c) => a + c.n, 0);
        await wh.run(`DROP TABLE IF EXISTS ${table}`);
        await wh.run(`ALTER TABLE ${next} RENAME TO ${table}`);
        const all = source.period
          ? (await wh.all<{ p: string }>(`SELECT DISTINCT period AS p FROM ${table} WHERE period IS NOT NULL ORDER BY 1`)).map((r) => r.p)
          : [];
        ctx.withhold();
        await recordLoad(wh, { loadId, source, fingerprint: ctx.fingerprint, loadedAt: ctx.loadedAt, status: 'loaded', files: result.files, periods: newPeriods, allPeriods: all, problems: result.problems, omitted: result.omitted, changes: result.changes });
      });
    } catch (e) {
      // A rule broken, a row rejected, or the reader failing (a row it cannot split, quoted line breaks): the
      // text path reads the source again and reports exactly what is wrong, or fails as it always has.
      await wh.run(`DROP VIEW IF EXISTS ${TYPED_TABLE}`);
      for (const f of result.files) f.rows = f.rowsLoaded = 0;
      result.problems.length = problemsBefore;
      result.changes = [];
      return false;
    }
    result.status = 'loaded';
    result.loadId = loadId;
    return true;
  } finally {
    for (const c of csvs) c.cleanup();
  }
}

/** Appends one file's typed rows with their spreadsheet row numbers; returns the rows read (0: read it as text). */
async function insertFile(wh: Warehouse, next: string, source: SourceDef, areas: Area[], csv: CsvFile, period: string | undefined, loadId: number): Promise<number> {
  const cols: string[] = [`${quoteLiteral(csv.relFile)} AS _file`, 'NULL AS _sheet', 'NULL AS _row'];
  if (source.period) cols.push(`${quoteLiteral(period!)} AS period`);
  if (source.areaColumn) cols.push(`${csv.match.index.has(source.areaColumn) ? areaCase(areas, source.areaColumn) : 'NULL'} AS area`);
  for (const c of source.columns) {
    if (!csv.match.index.has(c.name)) continue;
    const col = q(c.name);
    if (NUMERIC.has(c.type)) {
      // A cell that is neither a number nor a marker is flagged in the marker column; any flag sends the source to the text path.
      const num = numberExpr(c.name, c.type);
      cols.push(`${num} AS ${col}`, `CASE WHEN ${num} IS NULL AND trim(${col}) <> '' THEN coalesce(${markerExpr(c.name)}, '${BAD}') END AS ${q(`${c.name}__marker`)}`);
    } else if (c.type === 'date') {
      cols.push(col);
    } else {
      cols.push(`NULLIF(trim(${col}), '') AS ${col}`);
    }
  }
  cols.push(`${loadId} AS _load_id`);
  await wh.run(`DROP TABLE IF EXISTS ${REJECTS_TABLE}`);
  await wh.run(`DROP TABLE IF EXISTS ${REJECTS_TABLE}_scan`);
  const rows = (await wh.conn.run(`INSERT INTO ${next} BY NAME SELECT ${cols.join(', ')} FROM ${typedCsvReader(csv, source)}`)).rowsChanged;
  const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${REJECTS_TABLE}`);
  if (n > 0 || rows === 0) return 0;
  // The row a person sees in a spreadsheet: the record's position after the header plus the header's own row.
  // The rows were appended in the file's order (DuckDB keeps insertion order), so the position is the row id's offset.
  const mine = `_load_id = ${loadId} AND _file = ${quoteLiteral(csv.relFile)}`;
  await wh.run(`UPDATE ${next} SET _row = (rowid - (SELECT min(rowid) FROM ${next} WHERE ${mine}) + ${csv.headerIdx + 2})::INTEGER WHERE ${mine}`);
  return rows;
}

/**
 * Areas written in a spelling the CASE of `areaCase` does not know (other punctuation or spacing) are mapped by
 * their canonical form, as the text path maps them; "Total" rows are dropped. An area left unknown or empty sends
 * the source to the text path, which reports it.
 */
async function mapAreas(wh: Warehouse, next: string, source: SourceDef, areas: Area[], fresh: string): Promise<void> {
  const text = source.columns.some((c) => c.name === source.areaColumn) ? q(source.areaColumn!) : null;
  const unmapped = await wh.all<{ v: string | null }>(`SELECT DISTINCT ${text ?? 'NULL'} AS v FROM ${next} WHERE ${fresh} AND area IS NULL`);
  if (unmapped.length) {
    const lookup = areaLookupOf(areas);
    for (const { v } of unmapped) {
      const id = v ? lookup.get(canonical(v)) ?? (isTotalArea(v) ? '__total__' : undefined) : undefined;
      if (!id || !text) throw new UseTextPath();
      await wh.run(`UPDATE ${next} SET area = ? WHERE ${fresh} AND area IS NULL AND ${text} = ?`, [id, v]);
    }
  }
  await wh.run(`DELETE FROM ${next} WHERE ${fresh} AND area = '__total__'`);
}

/** The text path's error rules as conditions on the typed rows (each true for a row that breaks it). */
function ruleSql(source: SourceDef): string[] {
  const out: string[] = [];
  if (source.areaColumn) out.push('area IS NULL');
  for (const c of source.columns) {
    const col = q(c.name);
    const marker = q(`${c.name}__marker`);
    if (NUMERIC.has(c.type)) {
      out.push(`${marker} = '${BAD}'`);
      if (c.required) out.push(`(${col} IS NULL AND ${marker} IS NULL)`);
      if (c.type === 'integer') out.push(`${col} <> round(${col})`, `${col} < 0`);
    } else if (c.type === 'date') {
      // Year 0000 and earlier is read by the reader but is not a date anyone means (the text path rejects it);
      // the reader also reads "epoch" and "infinity" as 1900-01-01, so that day is left to the text path to judge.
      out.push(`${col} < DATE '0001-01-01'`, `${col} = DATE '1900-01-01'`, `NOT isfinite(${col})`);
      if (c.required) out.push(`${col} IS NULL`);
    } else {
      if (c.required) out.push(`${col} IS NULL`);
      if (c.values?.length) out.push(`${col} NOT IN (${c.values.map(quoteLiteral).join(', ')})`);
    }
  }
  return out;
}
