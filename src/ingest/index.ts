/**
 * Ingest: each source's files → its warehouse table. The periods a load brings replace the same periods of
 * that source as one unit inside one transaction (a source without a period is replaced whole); a source
 * whose files and contract are unchanged (same fingerprint) is skipped; a source with any error is not
 * loaded, and what was loaded before stays untouched. Every attempt is recorded in `bp_loads`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { expandFileGlob } from '../core/glob.js';
import { sha256File, sha256Text } from '../core/hash.js';
import type { Config, SourceDef } from '../config/types.js';
import { quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { nextLoadId, recordLoad, tableExists, type PeriodChange } from '../warehouse/meta.js';
import { createRawTable, RAW_TABLE } from './raw-table.js';
import { readCsvToRaw } from './read-csv.js';
import { readXlsxToRaw } from './read-xlsx.js';
import { dropTyped, stageSource, TYPED_TABLE, warehouseColumns, type Omitted } from './stage.js';
import { identifierMatcher, withholdIdentifiers } from './withhold.js';
import { checkHistory, checkMissingAreas, diffPeriods } from './compare.js';
import { applyRowFilters } from './row-filter.js';
import { applyReturnPrecedence, findReturns, readReturnToRaw, type FoundReturn } from '../request/read-return.js';
import { loadCsvTyped, typedReadable } from './load-typed.js';

export type { Omitted } from './stage.js';
export type { PeriodChange } from '../warehouse/meta.js';

export interface IngestedFile {
  path: string;
  sha256: string;
  size: number;
  /** Rows read from the file (a wide file counts one per unpivoted cell). */
  rows: number;
  rowsLoaded: number;
  /** XLSX: the sheets read. */
  sheets: string[];
}

export interface SourceIngest {
  source: string;
  status: 'loaded' | 'unchanged' | 'failed' | 'missing';
  files: IngestedFile[];
  rowsLoaded: number;
  periods: string[];
  problems: Problem[];
  /** Problems counted but not listed one by one. */
  omitted: Omitted[];
  loadId?: number;
  /** Per period replaced: rows before and after, added, removed, revised. */
  changes: PeriodChange[];
  /** Rows left out by the source's `where:` and `area_codes:` (other authorities, England, regions). */
  ignoredRows?: { where: number; otherAreas: number };
}

export interface IngestReport { sources: SourceIngest[]; problems: Problem[] }

export interface IngestProgress { source: string; file: string; fileIndex: number; files: number; rows: number; phase: 'reading' | 'checking' | 'loading' }

export interface IngestOptions {
  sources?: string[];
  /** Only these files (absolute paths); each goes to the source whose path it matches (or the one source chosen). */
  files?: string[];
  force?: boolean;
  /** How many problems of one check are listed (the rest are counted). */
  listLimit?: number;
  now?: () => string;
  log?: (line: string) => void;
  progress?: (p: IngestProgress) => void;
  /** Returned request workbooks for this source (found in the project's returns/ folder by ingestProject). */
  returns?: FoundReturn[];
}

export async function ingestProject(wh: Warehouse, config: Config, options: IngestOptions = {}): Promise<IngestReport> {
  const out: SourceIngest[] = [];
  const chosen = config.sources.filter((s) => !options.sources || options.sources.includes(s.id));
  const unknown = (options.sources ?? []).filter((id) => !config.sources.some((s) => s.id === id));
  const extra: Problem[] = unknown.map((id) => problem('BP_INGEST_UNKNOWN_SOURCE', `no source "${id}" in boardpack.yaml`, {
    value: id, expected: config.sources.map((s) => s.id).join(', '), fix: 'use one of the source ids under `sources:` in boardpack.yaml',
  }));
  const fileFor = new Map<string, string[]>();
  if (options.files) {
    for (const f of options.files.map((x) => path.resolve(x))) {
      const owners = chosen.length === 1 ? chosen : chosen.filter((s) => expandFileGlob(s.path).map((p) => path.resolve(p)).includes(f));
      if (!owners.length) {
        extra.push(problem('BP_INGEST_FILE_NO_SOURCE', 'the file matches no source\'s `path:`', {
          file: f, fix: 'name the source with --source ID, or put the file where a source\'s `path:` points',
        }));
      }
      for (const o of owners) fileFor.set(o.id, [...(fileFor.get(o.id) ?? []), f]);
    }
  }
  // Filled-in request workbooks dropped into returns/ load with their source's own files (not with --file).
  const returns = options.files ? undefined : await findReturns(config);
  extra.push(...(returns?.problems ?? []));
  for (const source of chosen) {
    if (options.files && !fileFor.has(source.id)) continue;
    const res = await ingestSource(wh, config, source, { ...options, files: fileFor.get(source.id), returns: returns?.bySource.get(source.id) });
    const errors = res.problems.filter((p) => p.severity === 'error').length + res.omitted.filter((o) => o.severity === 'error').reduce((a, o) => a + o.count, 0);
    const warnings = res.problems.filter((p) => p.severity === 'warning').length;
    options.log?.(`${source.id}: ${res.status}${res.status === 'loaded' ? ` ${res.rowsLoaded} rows from ${res.files.length} file(s)` : ''}${errors || warnings ? ` (${errors} errors, ${warnings} warnings)` : ''}`);
    out.push(res);
  }
  return { sources: out, problems: [...extra, ...out.flatMap((s) => s.problems)] };
}

export async function ingestSource(wh: Warehouse, config: Config, source: SourceDef, options: IngestOptions = {}): Promise<SourceIngest> {
  const rel = (f: string) => path.relative(config.root, f) || f;
  const returned = new Map((options.returns ?? []).map((r) => [r.file, r]));
  const files = [...(options.files ?? expandFileGlob(source.path)), ...returned.keys()];
  const result: SourceIngest = { source: source.id, status: 'failed', files: [], rowsLoaded: 0, periods: [], problems: [], omitted: [], changes: [] };
  if (!files.length) {
    result.status = 'missing';
    result.problems.push(problem('BP_INGEST_FILE_MISSING', `no file matches ${source.relativePath}`, {
      file: source.relativePath, severity: 'error',
      fix: `put ${source.partner}'s extract at ${source.relativePath}, or correct \`sources.${source.id}.path\` in boardpack.yaml`,
    }));
    return result;
  }
  for (const f of files) result.files.push({ path: rel(f), sha256: '', size: statSync(f).size, rows: 0, rowsLoaded: 0, sheets: [] });
  const hashAll = () => Promise.all(files.map(async (f, i) => { result.files[i].sha256 = await sha256File(f); }));
  const fingerprintOf = () => sha256Text(JSON.stringify({ contract: { ...source, path: source.relativePath }, areas: config.areas, files: result.files.map((f) => [f.path, f.sha256]) }));
  const prev = await wh.all<{ fingerprint: string; periods: string; last_load_id: number | null }>(`SELECT fingerprint, periods, last_load_id FROM bp_sources WHERE source = ?`, [source.id]);
  const exists = await tableExists(wh, source.table);
  // The files' hashes decide whether the source is unchanged. When it cannot be (a forced load, a first load, a
  // file whose size differs from the last load's), they are computed while the typed load reads the files.
  let maybeUnchanged = !options.force && exists && prev[0] !== undefined;
  if (maybeUnchanged) {
    const last = await wh.all<{ file: string; size: number }>(`SELECT file, size::BIGINT AS size FROM bp_loads WHERE source = ? AND status = 'loaded' AND load_id = ?`, [source.id, prev[0].last_load_id ?? -1]);
    maybeUnchanged = last.length === result.files.length && result.files.every((f) => last.some((l) => l.file === f.path && Number(l.size) === f.size));
  }
  let hashing: Promise<unknown> = maybeUnchanged ? hashAll() : Promise.resolve();
  await hashing;
  if (maybeUnchanged && prev[0]?.fingerprint === fingerprintOf()) {
    result.status = 'unchanged';
    const loads = await wh.all<{ file: string; rows_read: number; rows_loaded: number; sheet: string | null }>(
      `SELECT file, rows_read, rows_loaded, sheet FROM bp_loads WHERE source = ? AND status = 'loaded' AND load_id = ?`, [source.id, prev[0].last_load_id ?? -1]);
    for (const f of result.files) {
      const l = loads.find((x) => x.file === f.path);
      f.rows = l?.rows_read ?? 0;
      f.rowsLoaded = l?.rows_loaded ?? 0;
      f.sheets = l?.sheet ? l.sheet.split(',') : [];
    }
    result.loadId = prev[0].last_load_id ?? undefined;
    result.periods = prev[0].periods ? prev[0].periods.split(',') : [];
    const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(source.table)}`);
    result.rowsLoaded = n;
    return result;
  }

  const loadedAt = options.now?.() ?? new Date().toISOString();
  // Identifier-like values are withheld before any problem is recorded, printed or reported.
  const matcher = identifierMatcher(config.sources);
  const withhold = () => { result.problems = withholdIdentifiers(result.problems, matcher); };
  if (!maybeUnchanged) {
    hashing = hashAll();
    // Awaited before the load is recorded; a file that cannot be read fails the read itself first.
    hashing.catch(() => {});
  }
  const fingerprint = async () => { await hashing; return fingerprintOf(); };
  if (typedReadable(source) && !returned.size && await loadCsvTyped(wh, config, source, files, result, { fingerprint, loadedAt, exists, options, withhold })) return result;
  await hashing;

  const cols = await createRawTable(wh, source);
  for (const [i, f] of files.entries()) {
    const progress = (rows: number) => options.progress?.({ source: source.id, file: result.files[i].path, fileIndex: i + 1, files: files.length, rows, phase: 'reading' });
    progress(0);
    try {
      const r = returned.has(f)
        ? await readReturnToRaw(wh, returned.get(f)!, result.files[i].path, source, cols)
        : source.format === 'xlsx'
        ? await readXlsxToRaw(wh, f, result.files[i].path, source, cols, progress)
        : await readCsvToRaw(wh, f, result.files[i].path, source);
      result.files[i].rows = r.rows;
      result.files[i].sheets = 'sheets' in r ? (r.sheets as string[]) : [];
      result.problems.push(...r.problems);
      progress(r.rows);
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      result.problems.push(...e.problems);
    }
  }
  const dropStaging = async () => {
    await dropTyped(wh);
    await wh.run(`DROP TABLE IF EXISTS ${RAW_TABLE}`);
  };
  const failed = async () => {
    withhold();
    await dropStaging();
    const loadId = await nextLoadId(wh);
    await recordLoad(wh, { loadId, source, fingerprint: await fingerprint(), loadedAt, status: 'failed', files: result.files, periods: result.periods, problems: result.problems, omitted: result.omitted });
    result.loadId = loadId;
    return result;
  };
  const hasError = () => result.problems.some((p) => p.severity === 'error');
  if (hasError()) return failed();

  options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: result.files.reduce((a, f) => a + f.rows, 0), phase: 'checking' });
  await applyReturnPrecedence(wh, source, config.areas, files.map((f, i) => (returned.has(f) ? result.files[i].path : '')).filter(Boolean));
  // A national file filtered to the partnership: other authorities' rows are counted, not reported row by row.
  const filtered = await applyRowFilters(wh, source, config.areas);
  result.problems.push(...filtered.problems);
  if (filtered.summary) {
    result.ignoredRows = filtered.ignored;
    options.log?.(`${source.id}: ${filtered.summary}`);
  }
  if (hasError()) return failed();
  const staged = await stageSource(wh, source, config.areas, options.listLimit);
  result.problems.push(...staged.problems);
  result.omitted.push(...staged.omitted);
  result.periods = staged.periods;
  if (hasError()) return failed();

  // Warnings, reported and loaded: values far outside their history, localities missing from a period.
  if (exists && source.period && source.historyCheck !== false) result.problems.push(...(await checkHistory(wh, source, staged.periods, options.listLimit)));
  if (source.areaColumn && source.expectAllAreas !== false) result.problems.push(...(await checkMissingAreas(wh, source, config.areas)));

  const present = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${TYPED_TABLE})`)).map((c) => c.column_name));
  const keep = warehouseColumns(source, present).filter((c) => present.has(c));
  // Rows per file and per period in one scan (the typed rows are a view over the raw table).
  const counts = await wh.all<{ f: string; p: string | null; n: number }>(`SELECT _file AS f, ${source.period ? 'period' : "''"} AS p, count(*)::INTEGER AS n FROM ${TYPED_TABLE} GROUP BY ALL`);
  for (const f of result.files) f.rowsLoaded = counts.filter((x) => x.f === f.path).reduce((a, x) => a + x.n, 0);
  const perPeriod = new Map<string | null, number>();
  for (const c of counts) perPeriod.set(c.p, (perPeriod.get(c.p) ?? 0) + c.n);
  result.changes = exists ? await diffPeriods(wh, source, keep)
    : [...perPeriod].sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')).map(([p, n]) => ({ period: p ?? '', rowsBefore: 0, rowsAfter: n, added: n, removed: 0, revised: 0 }));
  const newPeriods = [...perPeriod.keys()].filter((p): p is string => p !== null);

  options.progress?.({ source: source.id, file: '', fileIndex: files.length, files: files.length, rows: staged.rows, phase: 'loading' });
  withhold();
  const loadId = await nextLoadId(wh);
  const table = quoteIdent(source.table);
  const next = quoteIdent(`${source.table}__bp_next`);
  const oldCols = exists ? new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${table})`)).map((c) => c.column_name)) : new Set<string>();
  const fresh = `SELECT ${keep.map(quoteIdent).join(', ')}, ${loadId}::INTEGER AS _load_id FROM ${TYPED_TABLE}`;
  // One transaction: build the next table (older periods kept, the loaded periods replaced), swap it in,
  // and record the load. A crash anywhere before COMMIT leaves the previous table and lineage as they were.
  await wh.transaction(async () => {
    await wh.run(`DROP TABLE IF EXISTS ${next}`);
    if (exists && source.period && oldCols.has('period')) {
      const replacedPeriods = newPeriods.length ? ` OR period NOT IN (${newPeriods.map(quoteLiteral).join(', ')})` : ' OR TRUE';
      await wh.run(`CREATE TABLE ${next} AS SELECT * FROM ${table} WHERE period IS NULL${replacedPeriods}
        UNION ALL BY NAME ${fresh}`);
    } else {
      await wh.run(`CREATE TABLE ${next} AS ${fresh}`);
    }
    await wh.run(`DROP TABLE IF EXISTS ${table}`);
    await wh.run(`ALTER TABLE ${next} RENAME TO ${table}`);
    const all = source.period
      ? (await wh.all<{ p: string }>(`SELECT DISTINCT period AS p FROM ${table} WHERE period IS NOT NULL ORDER BY 1`)).map((r) => r.p)
      : [];
    await recordLoad(wh, { loadId, source, fingerprint: await fingerprint(), loadedAt, status: 'loaded', files: result.files, periods: staged.periods, allPeriods: all, problems: result.problems, omitted: result.omitted, changes: result.changes });
  });
  await dropStaging();
  result.status = 'loaded';
  result.loadId = loadId;
  result.rowsLoaded = staged.rows;
  return result;
}
