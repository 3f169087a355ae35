/**
 * Typed loading. Each CSV file is read once by DuckDB's reader, typed while it is read, straight into the
 * source's next table (created by that first write) inside the load's transaction, testing every rule the text
 * path tests as it writes (the sign of `_row`), and one scan then counts the rows per file, period and area and
 * the rows breaking a rule. Dates are typed by the reader; text
 * is trimmed, and numbers and markers are typed by the same SQL as the text path (`stage.ts`).
 *
 * A line the reader rejects (`store_rejects`: a cell it cannot type) and a row whose typed cells break a rule are
 * read again as text, those lines alone, and go through the text path's own checks (`stageSource`): a row they
 * find fine is loaded from its text (a UK date, say); otherwise the load fails with their problems, each with its
 * file, row, column and value exactly as the text path reports them, and the previous load stays as it was.
 * Only a file the reader cannot split (a ragged row, bad encoding) is read again whole, by the text path.
 *
 * A workbook is typed in JS while it is streamed, into the same next table (`xlsx-typed.ts`); its rows that need
 * judging go to the raw table as rejected CSV lines do, and everything after the reading is shared.
 *
 * Contracts this path does not handle (a period column, wide layouts, percent columns whose scale depends on
 * the whole column, rows skipped by text, and any contract setting it does not know) always take the text path.
 */
import type { Area, Config, SourceDef } from '../config/types.js';
import { BoardpackError } from '../core/errors.js';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { nextLoadId, recordLoad, tableExists } from '../warehouse/meta.js';
import { checkHistory, checkMissingAreas, diffPeriods } from './compare.js';
import { canonical } from './headers.js';
import { openCsv, readCsvRowsToRaw, readRejectedToRaw, REJECTS_TABLE, typedCsvReader, type CsvFile } from './read-csv.js';
import { periodIdOf } from './period-formats.js';
import { createRawTable, RAW_TABLE } from './raw-table.js';
import { readXlsxTyped, type ScanCount } from './xlsx-typed.js';
import type { Problem } from '../core/errors.js';
import { areaLookupOf, areaSpellings, checkDuplicateKeys, dropTyped, isTotalArea, LIST_LIMIT, markerExpr, numberExpr, periodTextFromFileName, stageSource, TOTAL_SPELLINGS, TYPED_TABLE, warehouseSchema, type Omitted } from './stage.js';
import type { IngestOptions, SourceIngest } from './index.js';

/** The SourceDef settings this path knows; a contract using any other falls back to the text path. */
const KNOWN_SETTINGS = new Set(['id', 'title', 'path', 'relativePath', 'format', 'partner', 'frequency', 'latenessDays', 'dueRule', 'contact', 'table', 'sheets', 'headerRow',
  'skipRowsMatching', 'period', 'areaColumn', 'columns', 'encoding', 'contractVersion', 'skipRows', 'wide', 'key', 'historyCheck', 'expectAllAreas']);
const KNOWN_PERIOD = new Set(['column', 'sheetName', 'fixed', 'fileName', 'type']);
const KNOWN_COLUMN = new Set(['name', 'type', 'required', 'aliases', 'values', 'identifier', 'description', 'pattern']);
const set = (v: unknown) => v !== undefined && v !== null && v !== false && !(Array.isArray(v) && !v.length);

/** Whether a source can be read by the typed path (otherwise it is read as text, as always). */
export function typedReadable(source: SourceDef): boolean {
  if ((source.format !== 'csv' && source.format !== 'xlsx') || source.wide || source.skipRowsMatching.length) return false;
  if (Object.entries(source).some(([k, v]) => !KNOWN_SETTINGS.has(k) && set(v))) return false;
  if (source.period && (source.period.column !== undefined || source.period.sheetName || Object.entries(source.period).some(([k, v]) => !KNOWN_PERIOD.has(k) && set(v)))) return false;
  if (source.columns.some((c) => c.type === 'percent' || Object.entries(c).some(([k, v]) => !KNOWN_COLUMN.has(k) && set(v)))) return false;
  // The typed period and area columns replace a contract column of the same name (see `stageSource`).
  return !source.columns.some((c) => (c.name === 'period' && source.period) || (c.name === 'area' && source.areaColumn));
}

/** The period of a file whose period is fixed or in its name (undefined without a period; null when it cannot be read). */
function filePeriod(source: SourceDef, relFile: string): string | undefined | null {
  const written = source.period?.fixed !== undefined ? source.period.fixed.trim() : source.period?.fileName !== undefined ? relFile : null;
  const text = written !== null && source.period?.fileName !== undefined ? periodTextFromFileName(written, source.period.fileName) : written;
  const period = source.period && text ? periodIdOf(text, source.period) : undefined;
  return source.period && !period ? null : period;
}

/** Thrown inside the transaction to roll the attempt back; the caller then reads the source as text. */
class UseTextPath extends Error {}

const BAD = '\u0001bad';
/** Loads up to this size (CSV bytes, plus older periods kept) are built in memory: about 1.6× their size at peak. */
const IN_MEMORY_BYTES = 192 * 1024 * 1024;
const BYTES_PER_OLD_ROW = 64;
const NUMERIC = new Set(['integer', 'decimal']);

/** Written area → area id for every spelling the partnership's areas are known by (lower-cased; totals too). */
function areaCase(areas: Area[], column: string): string {
  const lookup = areaLookupOf(areas);
  const keys = new Map<string, string>();
  for (const a of areas) for (const k of areaSpellings(a)) keys.set(k.trim().toLowerCase(), a.id);
  for (const t of TOTAL_SPELLINGS) if (!lookup.has(canonical(t)) && !keys.has(t)) keys.set(t, '__total__');
  if (!keys.size) return 'NULL';
  const folded = `CASE lower(trim(${q(column)})) ${[...keys].map(([k, id]) => `WHEN ${quoteLiteral(k)} THEN ${quoteLiteral(id)}`).join(' ')} END`;
  // Most cells are written exactly as one of the spellings: matched as written first, they skip lowering and
  // trimming (a third of the cost). Only spellings the folded lookup maps to the same area are matched so.
  const exact = new Map<string, string>();
  for (const a of areas) for (const k of areaSpellings(a)) if (keys.get(k.trim().toLowerCase()) === a.id) exact.set(k, a.id);
  return exact.size ? `CASE ${q(column)} ${[...exact].map(([k, id]) => `WHEN ${quoteLiteral(k)} THEN ${quoteLiteral(id)}`).join(' ')} ELSE ${folded} END` : folded;
}

/**
 * `NULLIF(trim(x), '')`, trimming only the cells it would change: `trim` removes Unicode space separators, of
 * which ASCII has only the space, so a non-empty ASCII cell not starting or ending with a space is kept as it is
 * (about a quarter of the cost of trimming every cell).
 */
function trimmedText(column: string): string {
  const c = q(column);
  return `CASE WHEN ${c} = '' OR prefix(${c}, ' ') OR suffix(${c}, ' ') OR strlen(${c}) <> length(${c}) THEN NULLIF(trim(${c}), '') ELSE ${c} END`;
}

/** The load cannot go ahead: the problems found in the rows re-read as text (the attempt is rolled back). */
class Rejected extends Error {
  constructor(readonly problems: Problem[], readonly omitted: Omitted[]) { super('rejected'); }
}

/**
 * Loads a source's CSV files by the typed path into `result`; false when the source must be read as text
 * (nothing is then left behind: the attempt is rolled back). A row the reader rejects, or whose typed cells
 * break a rule, is read again as text, alone, and checked by the text path's own checks: a row they find fine
 * is loaded from its text; otherwise the load fails with their problems (file, row, column, value), as the
 * text path would report them, and what was loaded before stays as it was.
 */
export async function loadCsvTyped(wh: Warehouse, config: Config, source: SourceDef, files: string[], result: SourceIngest,
  ctx: { fingerprint: () => Promise<string>; loadedAt: string; exists: boolean; options: IngestOptions; withhold: () => void }): Promise<boolean> {
  const csvs: CsvFile[] = [];
  const problemsBefore = result.problems.length;
  let inMemory = false;
  try {
    const periods: Array<string | undefined> = [];
    for (const [i, f] of files.entries()) {
      if (source.format === 'xlsx') {
        // A workbook's header is found while it is read (see `readXlsxTyped`).
        const period = filePeriod(source, result.files[i].path);
        if (period === null) return false;
        periods.push(period);
        continue;
      }
      let csv: CsvFile;
      try {
        csv = await openCsv(wh, f, result.files[i].path, source, false, true);
      } catch (e) {
        if (e instanceof BoardpackError) return false;
        throw e;
      }
      csvs.push(csv);
      if (csv.match.problems.length) return false;
      const period = filePeriod(source, csv.relFile);
      if (period === null) return false;
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
    const fresh = `_load_id = ${loadId}`;
    // A next table that fits in memory is built there and written to the file once, at COMMIT: DuckDB otherwise
    // writes large appends to disk as they come, and numbering `_row` afterwards then rewrites that column at
    // COMMIT (about a third of a 1M-row load). Larger loads keep DuckDB's default to bound memory.
    const oldRows = keepOld ? (await wh.all<{ n: number }>(`SELECT estimated_size::BIGINT AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?`, [source.table]))[0]?.n ?? 0 : 0;
    inMemory = result.files.reduce((a, f) => a + f.size, 0) + Number(oldRows) * BYTES_PER_OLD_ROW <= IN_MEMORY_BYTES;
    if (inMemory) await wh.run('SET enable_optimistic_write = false');
    try {
      await wh.transaction(async () => {
        await wh.run(`DROP TABLE IF EXISTS ${next}`);
        // The next table is created by its first write (CREATE TABLE … AS), not created empty and then filled.
        let created = false;
        if (keepOld) {
          await wh.run(`CREATE TABLE ${next} AS SELECT * FROM ${table} WHERE period IS NULL OR period NOT IN (${newPeriods.map(quoteLiteral).join(', ')})`);
          created = true;
        }
        // Rows read again as text go to the raw table, made when the first is found.
        let asText = 0;
        let raw = false;
        // A workbook's rows are counted while they are typed (see `readXlsxTyped`).
        const typedCounts: ScanCount[] = [];
        const rawTable = async () => { if (!raw) await createRawTable(wh, source); raw = true; };
        for (const [i, f] of files.entries()) {
          const relFile = result.files[i].path;
          const progress = (rows: number) => ctx.options.progress?.({ source: source.id, file: relFile, fileIndex: i + 1, files: files.length, rows, phase: 'reading' });
          progress(0);
          let read: { rows: number; rejected: number; sheets?: string[] } | undefined;
          if (source.format === 'xlsx') {
            const typed = await readXlsxTyped(wh, `${source.table}__bp_next`, created, schema, source, config.areas, f, relFile, periods[i], loadId, rawTable, progress);
            if (!typed) throw new UseTextPath();
            typedCounts.push(...typed.counts);
            read = typed;
          } else {
            read = await readFile(wh, next, created, schema, source, config.areas, csvs[i], periods[i], loadId, rawTable);
          }
          created = true;
          asText += read.rejected;
          result.files[i].rows = read.rows + read.rejected;
          result.files[i].sheets = read.sheets ?? [];
          progress(result.files[i].rows);
        }
        ctx.options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: result.files.reduce((a, f) => a + f.rows, 0), phase: 'checking' });
        // One scan: the rows per file, period and area, and the rows breaking a rule (a CSV's rows were tested as
        // they were written: a negative `_row`, see `readFile`; a workbook's, should it be scanned, are tested here).
        const rules = ruleSql(source);
        const broken = source.format !== 'xlsx' ? '_row < 0' : rules.length ? `(${rules.join(' OR ')})` : 'false';
        const scan = () => wh.all<{ f: string; p: string | null; a: string | null; n: number; bad: number }>(
          `SELECT _file AS f, ${source.period ? 'period' : "''"} AS p, ${source.areaColumn ? 'area' : 'NULL'} AS a, count(*)::INTEGER AS n,
             count(*) FILTER (WHERE ${broken})::INTEGER AS bad
           FROM ${next} WHERE ${fresh} GROUP BY ALL ORDER BY f`);
        // A workbook's typed rows were counted, and checked against these rules, as they were typed.
        let counts = source.format === 'xlsx' ? typedCounts.sort((x, y) => (x.f < y.f ? -1 : x.f > y.f ? 1 : 0)) : await scan();
        if (source.areaColumn && counts.some((c) => c.a === null || c.a === '__total__')) {
          await mapAreas(wh, next, source, config.areas, fresh);
          // The areas just mapped no longer break the area rule: every row is tested again.
          if (rules.length && source.format !== 'xlsx') await wh.run(`UPDATE ${next} SET _row = CASE WHEN ${rules.join(' OR ')} THEN -abs(_row) ELSE abs(_row) END WHERE ${fresh}`);
          counts = await scan();
        }
        if (counts.some((c) => c.bad > 0)) {
          // Typed rows that break a rule are read again as text beside the rejected ones, and take their place.
          // A workbook's typed rows are typed only when certain to pass (see `readXlsxTyped`): it is read again whole.
          if (source.format === 'xlsx') throw new UseTextPath();
          const bad = await wh.all<{ f: string; r: number }>(`SELECT _file AS f, -_row AS r FROM ${next} WHERE ${fresh} AND _row < 0 ORDER BY 1, 2`);
          await rawTable();
          for (const csv of csvs) await readCsvRowsToRaw(wh, csv, source, bad.filter((b) => b.f === csv.relFile).map((b) => b.r));
          await wh.run(`DELETE FROM ${next} WHERE ${fresh} AND _row < 0`);
          asText += bad.length;
        }
        if (asText) {
          // The text path's own checks on those rows alone (the key is checked below, on every row).
          const staged = await stageSource(wh, { ...source, key: undefined }, config.areas, ctx.options.listLimit);
          const errors = staged.problems.some((p) => p.severity === 'error') || staged.omitted.some((o) => o.severity === 'error');
          if (errors) {
            if (source.key?.length) {
              // The key across every row: the typed rows and those read as text (a bad cell is NULL there, as in the text path).
              const cols = schema.map(([n]) => q(n)).join(', ');
              await wh.run(`ALTER VIEW ${TYPED_TABLE} RENAME TO bp_text_rows`);
              await wh.run(`CREATE TEMP VIEW ${TYPED_TABLE} AS SELECT ${cols} FROM ${next} WHERE ${fresh} UNION ALL SELECT ${cols} FROM bp_text_rows`);
              const dup = await checkDuplicateKeys(wh, source, ctx.options.listLimit ?? LIST_LIMIT);
              staged.problems.push(...dup.problems);
              staged.omitted.push(...dup.omitted);
            }
            throw new Rejected(staged.problems, staged.omitted);
          }
          if (staged.problems.length) throw new UseTextPath();
          const keep = [...schema.map(([n]) => n)];
          await wh.run(`INSERT INTO ${next} BY NAME SELECT ${keep.map(q).join(', ')}, ${loadId}::INTEGER AS _load_id FROM ${TYPED_TABLE}`);
          await dropTyped(wh);
          counts = await scan();
        }
        if (raw) await wh.run(`DROP TABLE ${RAW_TABLE}`);
        const needView = Boolean(source.key?.length) || ctx.exists;
        if (needView) await wh.run(`CREATE OR REPLACE TEMP VIEW ${TYPED_TABLE} AS SELECT * FROM ${next} WHERE ${fresh}`);
        if (source.key?.length) {
          const dup = await checkDuplicateKeys(wh, source, ctx.options.listLimit ?? LIST_LIMIT);
          if (dup.problems.length) throw new Rejected(dup.problems, dup.omitted);
        }

        // Warnings, reported and loaded: values far outside their history, localities missing from a period.
        if (ctx.exists && source.period && source.historyCheck !== false) result.problems.push(...(await checkHistory(wh, source, newPeriods, ctx.options.listLimit)));
        if (source.areaColumn && source.expectAllAreas !== false) {
          const seen = new Map<string, { p: string | null; a: string; f: string }>();
          for (const c of counts) if (!seen.has(`${c.p}\u0000${c.a}`)) seen.set(`${c.p}\u0000${c.a}`, { p: source.period ? c.p : null, a: c.a!, f: c.f });
          result.problems.push(...(await checkMissingAreas(wh, source, config.areas, [...seen.values()])));
        }
        for (const f of result.files) f.rowsLoaded = counts.filter((x) => x.f === f.path).reduce((a, x) => a + x.n, 0);
        if (result.files.some((f) => f.rowsLoaded === 0)) throw new UseTextPath();
        const perPeriod = new Map<string, number>();
        for (const c of counts) perPeriod.set(c.p ?? '', (perPeriod.get(c.p ?? '') ?? 0) + c.n);
        const keep = [...schema.map(([n]) => n), '_load_id'];
        result.changes = ctx.exists ? await diffPeriods(wh, source, keep)
          : [...perPeriod].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => ({ period: p, rowsBefore: 0, rowsAfter: n, added: n, removed: 0, revised: 0 }));
        if (needView) await wh.run(`DROP VIEW ${TYPED_TABLE}`);
        ctx.options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: counts.reduce((a, c) => a + c.n, 0), phase: 'loading' });
        result.periods = newPeriods;
        result.rowsLoaded = counts.reduce((a, c) => a + c.n, 0);
        await wh.run(`DROP TABLE IF EXISTS ${table}`);
        await wh.run(`ALTER TABLE ${next} RENAME TO ${table}`);
        // The periods after this load: the ones kept from before and the new ones (no scan of the table).
        const all = source.period
          ? keepOld ? (await wh.all<{ p: string }>(`SELECT DISTINCT period AS p FROM ${table} WHERE period IS NOT NULL ORDER BY 1`)).map((r) => r.p) : newPeriods
          : [];
        ctx.withhold();
        await recordLoad(wh, { loadId, source, fingerprint: await ctx.fingerprint(), loadedAt: ctx.loadedAt, status: 'loaded', files: result.files, periods: newPeriods, allPeriods: all, problems: result.problems, omitted: result.omitted, changes: result.changes });
      });
    } catch (e) {
      await dropTyped(wh);
      await wh.run(`DROP VIEW IF EXISTS bp_text_rows`);
      await wh.run(`DROP TABLE IF EXISTS ${RAW_TABLE}`);
      for (const f of result.files) f.rowsLoaded = 0;
      result.problems.length = problemsBefore;
      result.changes = [];
      if (e instanceof Rejected) {
        // The problems of the rows read as text: the load fails, as the text path's would, and is recorded.
        result.problems.push(...e.problems);
        result.omitted.push(...e.omitted);
        result.periods = newPeriods;
        ctx.withhold();
        await recordLoad(wh, { loadId, source, fingerprint: await ctx.fingerprint(), loadedAt: ctx.loadedAt, status: 'failed', files: result.files, periods: result.periods, problems: result.problems, omitted: result.omitted });
        result.loadId = loadId;
        return true;
      }
      // The reader failing (a row it cannot split, quoted line breaks, bad encoding) or a case this path leaves
      // to the text path: the text path reads the source again and reports exactly what is wrong.
      for (const f of result.files) f.rows = 0;
      return false;
    }
    result.status = 'loaded';
    result.loadId = loadId;
    return true;
  } finally {
    if (inMemory) await wh.run('RESET enable_optimistic_write');
    for (const c of csvs) c.cleanup();
  }
}

/**
 * Writes one file's typed rows into the next table (creating it on the first write) with their spreadsheet row
 * numbers, and its rejected lines, as text, into the raw table. Returns the rows written and the lines rejected.
 */
async function readFile(wh: Warehouse, next: string, created: boolean, schema: Array<[string, string]>, source: SourceDef, areas: Area[], csv: CsvFile,
  period: string | undefined, loadId: number, rawTable: () => Promise<void>): Promise<{ rows: number; rejected: number }> {
  const present = new Set(csv.match.index.keys());
  const contract = new Map(source.columns.map((c) => [c.name, c]));
  // Every column of the warehouse table, in its order and type (a contract column absent from the file is NULL).
  const cols = schema.map(([name, type]) => {
    const as = `::${type} AS ${q(name)}`;
    if (name === '_file') return `${quoteLiteral(csv.relFile)}${as}`;
    if (name === '_sheet' || name === '_row') return `NULL${as}`;
    if (name === 'period' && source.period) return `${quoteLiteral(period!)}${as}`;
    if (name === 'area' && source.areaColumn) return `${present.has(source.areaColumn) ? areaCase(areas, source.areaColumn) : 'NULL'}${as}`;
    const marker = name.endsWith('__marker') ? contract.get(name.slice(0, -'__marker'.length)) : undefined;
    const c = marker ?? contract.get(name)!;
    if (!present.has(c.name)) return `NULL${as}`;
    if (NUMERIC.has(c.type)) {
      const num = numberExpr(c.name, c.type);
      // A cell that is neither a number nor a marker is flagged in the marker column: a rule reads it again as text.
      return marker ? `CASE WHEN ${num} IS NULL AND trim(${q(c.name)}) <> '' THEN coalesce(${markerExpr(c.name)}, '${BAD}') END${as}` : `${num}${as}`;
    }
    if (c.type === 'date') return `${q(c.name)}${as}`;
    // A cell of a listed-values column is kept as read (empty is already NULL): one with spaces around it is not
    // in the list, so it breaks a rule and is judged by the text path, which trims it. Trimming every cell costs more.
    return c.values?.length && c.values.every((v) => v !== '' && v === v.trim()) ? `${q(c.name)}${as}` : `${trimmedText(c.name)}${as}`;
  });
  cols.push(`${loadId}::INTEGER AS _load_id`);
  // Every rule is tested as the rows are written: `_row` holds -1 for a row that breaks one, 1 otherwise, and
  // numbering keeps that sign, so the checking scan reads `_row` alone rather than every column again.
  const rules = ruleSql(source);
  await wh.run(`DROP TABLE IF EXISTS ${REJECTS_TABLE}`);
  await wh.run(`DROP TABLE IF EXISTS ${REJECTS_TABLE}_scan`);
  const select = `SELECT * REPLACE (${rules.length ? `CASE WHEN ${rules.join(' OR ')} THEN -1 ELSE 1 END` : '1'}::INTEGER AS _row) FROM (SELECT ${cols.join(', ')} FROM ${typedCsvReader(csv, source)})`;
  await wh.run(created ? `INSERT INTO ${next} ${select}` : `CREATE TABLE ${next} AS ${select}`);
  // One row per rejected line (a line can break several cells); any error but a cell's type is the text path's to report.
  const rejected = await wh.all<{ line: number; cast: boolean; text: string }>(
    `SELECT line::INTEGER AS line, bool_and(error_type = 'CAST') AS cast, any_value(csv_line) AS text FROM ${REJECTS_TABLE} GROUP BY 1 ORDER BY 1`);
  if (rejected.some((r) => !r.cast)) throw new UseTextPath();
  // The row a person sees in a spreadsheet: the record's position after the header plus the header's own row, plus
  // the rejected lines before it. The rows were appended in the file's order (DuckDB keeps insertion order), so
  // the position is the row id's offset.
  const mine = `_load_id = ${loadId} AND _file = ${quoteLiteral(csv.relFile)}`;
  const first = created ? `(SELECT min(rowid) FROM ${next} WHERE ${mine})` : `(SELECT min(rowid) FROM ${next})`;
  // With rejected lines r₀ < r₁ < …, the row at position b (counted as if none were rejected) is b plus the
  // number of k with r_k − k ≤ b.
  const skipped = rejected.length ? ` + (SELECT count(*) FROM (SELECT unnest([${rejected.map((r, k) => r.line - k).join(', ')}]) AS s) WHERE s <= rowid - ${first} + ${csv.headerIdx + 2})` : '';
  const numbered = await wh.conn.run(`UPDATE ${next} SET _row = (_row * (rowid - ${first} + ${csv.headerIdx + 2}${skipped}))::INTEGER WHERE ${mine}`);
  if (rejected.length) {
    await rawTable();
    await readRejectedToRaw(wh, csv, source, rejected);
  }
  return { rows: numbered.rowsChanged, rejected: rejected.length };
}

/**
 * Areas written in a spelling the CASE of `areaCase` does not know (other punctuation or spacing) are mapped by
 * their canonical form, as the text path maps them; "Total" rows are dropped. An area left unknown or empty breaks
 * a rule: its row is read again as text, and reported as the text path reports it.
 */
async function mapAreas(wh: Warehouse, next: string, source: SourceDef, areas: Area[], fresh: string): Promise<void> {
  const text = source.columns.some((c) => c.name === source.areaColumn) ? q(source.areaColumn!) : null;
  const unmapped = await wh.all<{ v: string | null }>(`SELECT DISTINCT ${text ?? 'NULL'} AS v FROM ${next} WHERE ${fresh} AND area IS NULL`);
  if (unmapped.length) {
    const lookup = areaLookupOf(areas);
    for (const { v } of unmapped) {
      const id = v ? lookup.get(canonical(v)) ?? (isTotalArea(v) ? '__total__' : undefined) : undefined;
      if (!id || !text) continue;
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
      // list_contains rather than NOT IN: the same answer (NULL for a NULL cell), in about half the time.
      if (c.values?.length) out.push(`NOT list_contains([${c.values.map(quoteLiteral).join(', ')}], ${col})`);
    }
  }
  return out;
}
