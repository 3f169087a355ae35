/**
 * Ingest: every source's files → one warehouse table per source, replaced as a unit inside a transaction.
 * A source whose files and contract are unchanged (same fingerprint) is skipped; a source with any error
 * is not loaded and its previous good data stays untouched.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { expandFileGlob } from '../core/glob.js';
import { sha256File, sha256Text } from '../core/hash.js';
import type { Config, SourceDef } from '../config/types.js';
import { quoteIdent, type Warehouse } from '../warehouse/db.js';
import { createRawTable } from './raw-table.js';
import { readCsvToRaw } from './read-csv.js';
import { readXlsxToRaw } from './read-xlsx.js';
import { stageSource, TYPED_TABLE, warehouseColumns } from './stage.js';

export interface IngestedFile { path: string; sha256: string; size: number; rows: number }

export interface SourceIngest {
  source: string;
  status: 'loaded' | 'unchanged' | 'failed' | 'missing';
  files: IngestedFile[];
  rowsLoaded: number;
  periods: string[];
  problems: Problem[];
}

export interface IngestReport { sources: SourceIngest[]; problems: Problem[] }

export interface IngestOptions {
  sources?: string[];
  force?: boolean;
  maxErrors?: number;
  now?: () => string;
  log?: (line: string) => void;
}

export async function ingestProject(wh: Warehouse, config: Config, options: IngestOptions = {}): Promise<IngestReport> {
  const out: SourceIngest[] = [];
  for (const source of config.sources) {
    if (options.sources && !options.sources.includes(source.id)) continue;
    const res = await ingestSource(wh, config, source, options);
    options.log?.(`${source.id}: ${res.status}${res.status === 'loaded' ? ` ${res.rowsLoaded} rows from ${res.files.length} file(s)` : ''}${res.problems.length ? ` (${res.problems.filter((p) => p.severity === 'error').length} errors, ${res.problems.filter((p) => p.severity === 'warning').length} warnings)` : ''}`);
    out.push(res);
  }
  return { sources: out, problems: out.flatMap((s) => s.problems) };
}

export async function ingestSource(wh: Warehouse, config: Config, source: SourceDef, options: IngestOptions = {}): Promise<SourceIngest> {
  const rel = (f: string) => path.relative(config.root, f) || f;
  const files = expandFileGlob(source.path);
  const result: SourceIngest = { source: source.id, status: 'failed', files: [], rowsLoaded: 0, periods: [], problems: [] };
  if (!files.length) {
    result.status = 'missing';
    result.problems.push(problem('BP_INGEST_FILE_MISSING', `no file matches ${source.relativePath}`, {
      file: source.relativePath, severity: 'error',
      fix: `put ${source.partner}'s extract at ${source.relativePath}, or correct \`sources.${source.id}.path\` in boardpack.yaml`,
    }));
    return result;
  }
  for (const f of files) result.files.push({ path: rel(f), sha256: await sha256File(f), size: statSync(f).size, rows: 0 });
  const fingerprint = sha256Text(JSON.stringify({ contract: { ...source, path: source.relativePath }, areas: config.areas, files: result.files.map((f) => [f.path, f.sha256]) }));
  const prev = await wh.all<{ fingerprint: string; periods: string }>(`SELECT fingerprint, periods FROM bp_sources WHERE source = ?`, [source.id]);
  const tableExists = (await wh.all(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?`, [source.table])).length > 0;
  if (!options.force && tableExists && prev[0]?.fingerprint === fingerprint) {
    result.status = 'unchanged';
    const loads = await wh.all<{ file: string; rows_read: number }>(`SELECT file, rows_read FROM bp_loads WHERE source = ?`, [source.id]);
    for (const f of result.files) f.rows = loads.find((l) => l.file === f.path)?.rows_read ?? 0;
    result.periods = prev[0].periods ? prev[0].periods.split(',') : [];
    const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(source.table)}`);
    result.rowsLoaded = n;
    return result;
  }

  const cols = await createRawTable(wh, source);
  for (const [i, f] of files.entries()) {
    try {
      const r = source.format === 'xlsx'
        ? await readXlsxToRaw(wh, f, result.files[i].path, source, cols)
        : await readCsvToRaw(wh, f, result.files[i].path, source);
      result.files[i].rows = r.rows;
      result.problems.push(...r.problems);
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      result.problems.push(...e.problems);
    }
  }
  if (result.problems.some((p) => p.severity === 'error')) return result;

  const staged = await stageSource(wh, source, config.areas, options.maxErrors);
  result.problems.push(...staged.problems);
  result.periods = staged.periods;
  if (result.problems.some((p) => p.severity === 'error')) return result;

  const present = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${TYPED_TABLE})`)).map((c) => c.column_name));
  const keep = warehouseColumns(source, present).filter((c) => present.has(c));
  const loadedAt = options.now?.() ?? new Date().toISOString();
  await wh.transaction(async () => {
    await wh.run(`CREATE OR REPLACE TABLE ${quoteIdent(source.table)} AS SELECT ${keep.map(quoteIdent).join(', ')} FROM ${TYPED_TABLE}`);
    await wh.run(`DELETE FROM bp_loads WHERE source = ?`, [source.id]);
    for (const f of result.files) {
      await wh.run(`INSERT INTO bp_loads VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
        [source.id, f.path, f.sha256, f.size, f.rows, f.rows, staged.periods.join(','), loadedAt, source.contractVersion, fingerprint]);
    }
    await wh.run(`INSERT OR REPLACE INTO bp_sources VALUES (?, ?, ?, ?, ?)`, [source.id, source.table, fingerprint, loadedAt, staged.periods.join(',')]);
  });
  await wh.run(`DROP TABLE IF EXISTS ${TYPED_TABLE}`);
  result.status = 'loaded';
  result.rowsLoaded = staged.rows;
  return result;
}

