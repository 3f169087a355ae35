/**
 * Benchmark data, generated with a fixed seed (never committed): a record-level social-care extract in the
 * sample partnership's contract (`social_care_episodes`), as CSV and as an XLSX workbook, at any size; and a
 * copy of `sample-data/` whose boardpack.yaml gains one source per generated file (`csv_<rows>`,
 * `xlsx_<rows>`, clones of the social-care contract), so boardpack ingests them exactly as a user's project.
 * Same seed, same bytes: the CSV is byte-identical on every run; every value passes the contract.
 */
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { mulberry32 } from '../../src/core/random.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SAMPLE_DIR = path.join(REPO_ROOT, 'sample-data');
export const BASE_SOURCE = 'social_care_episodes';
export const SEED = 20260930;

export const COLUMNS = ['child_id', 'locality', 'episode_type', 'start_date', 'end_date', 'factor_parental_substance_misuse', 'factor_parental_conflict_da', 'parent_confidence_improved'] as const;
const LOCALITIES = ['BKF-L1', 'BKF-L2', 'BKF-L3', 'BKF-L4'];
const FIRST_DAY = Date.UTC(2016, 3, 1);
const LAST_DAY = Date.UTC(2026, 8, 30);
const DAY_MS = 86_400_000;
const N_DAYS = (LAST_DAY - FIRST_DAY) / DAY_MS + 1;
const DAY_TEXT: string[] = Array.from({ length: N_DAYS }, (_, i) => new Date(FIRST_DAY + i * DAY_MS).toISOString().slice(0, 10));

export type EpisodeRow = [string, string, string, number, number | null, string, string, string];

/** Rows of the record-level extract; day numbers are offsets from 2016-04-01. */
export function* episodes(rows: number, seed = SEED): Generator<EpisodeRow> {
  const r = mulberry32(seed);
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)];
  const children = Math.max(10, Math.floor(rows / 1.6));
  for (let i = 0; i < rows; i++) {
    const child = Math.floor(r() * children);
    const id = 'BF' + (child * 2654435761 >>> 0).toString(16).toUpperCase().padStart(8, '0');
    const u = r();
    const type = u < 0.45 ? 'EHA' : u < 0.75 ? 'CIN' : u < 0.87 ? 'CP' : 'CLA';
    const start = Math.floor(r() * N_DAYS);
    const len = Math.floor(30 + r() * (type === 'CLA' ? 1400 : 420));
    const end = start + len < N_DAYS ? start + len : null;
    const eha = type === 'EHA';
    const yn = () => (r() < 0.3 ? 'Y' : 'N');
    yield [id, pick(LOCALITIES), type, start, end, eha ? yn() : '', eha ? yn() : '', eha && end !== null && r() < 0.8 ? yn() : ''];
  }
}

/** Writes the CSV extract; returns its size in bytes. */
export function writeEpisodesCsv(file: string, rows: number, seed = SEED): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    let chunk = COLUMNS.join(',') + '\n';
    let n = 0;
    for (const e of episodes(rows, seed)) {
      chunk += `${e[0]},${e[1]},${e[2]},${DAY_TEXT[e[3]]},${e[4] === null ? '' : DAY_TEXT[e[4]]},${e[5]},${e[6]},${e[7]}\n`;
      if (++n % 50_000 === 0) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Writes the same rows as an XLSX workbook (one sheet, dates as real date cells), with exceljs's streaming writer. */
export async function writeEpisodesXlsx(file: string, rows: number, seed = SEED): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('episodes');
  ws.columns = COLUMNS.map((c) => ({ header: c, key: c, width: 14, style: c.endsWith('_date') ? { numFmt: 'yyyy-mm-dd' } : {} }));
  for (const e of episodes(rows, seed)) {
    ws.addRow([e[0], e[1], e[2], new Date(FIRST_DAY + e[3] * DAY_MS), e[4] === null ? null : new Date(FIRST_DAY + e[4] * DAY_MS), e[5] || null, e[6] || null, e[7] || null]).commit();
  }
  ws.commit();
  await wb.commit();
}

export interface BenchProject { root: string; csv: Record<number, string>; xlsx: Record<number, string> }

/** A copy of sample-data with one extra source per generated file. Files are written once and reused. */
export async function prepareProject(root: string, csvRows: number[], xlsxRows: number[], log: (s: string) => void): Promise<BenchProject> {
  // The project's files only: not a warehouse or pack a run may have left in sample-data/.
  if (!existsSync(path.join(root, 'boardpack.yaml'))) {
    cpSync(SAMPLE_DIR, root, { recursive: true, filter: (src) => !/[\\/](\.boardpack|out)$/.test(src) });
  }
  mkdirSync(path.join(root, 'extracts'), { recursive: true });
  const spec = parse(readFileSync(path.join(SAMPLE_DIR, 'boardpack.yaml'), 'utf8')) as { sources: Record<string, Record<string, unknown>> };
  const base = spec.sources[BASE_SOURCE];
  const out: BenchProject = { root, csv: {}, xlsx: {} };
  for (const n of csvRows) {
    const rel = `extracts/bench_episodes_${n}.csv`;
    const file = path.join(root, rel);
    if (!existsSync(file)) {
      const t = performance.now();
      const bytes = writeEpisodesCsv(file, n);
      log(`generated ${rel}: ${n.toLocaleString('en-GB')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    spec.sources[`csv_${n}`] = { ...base, title: `bench CSV ${n}`, path: rel, format: 'csv' };
    out.csv[n] = file;
  }
  for (const n of xlsxRows) {
    const rel = `extracts/bench_episodes_${n}.xlsx`;
    const file = path.join(root, rel);
    if (!existsSync(file)) {
      const t = performance.now();
      await writeEpisodesXlsx(file, n);
      log(`generated ${rel}: ${n.toLocaleString('en-GB')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    spec.sources[`xlsx_${n}`] = { ...base, title: `bench XLSX ${n}`, path: rel, format: 'xlsx' };
    out.xlsx[n] = file;
  }
  writeFileSync(path.join(root, 'boardpack.yaml'), stringify(spec));
  return out;
}

/**
 * A copy of the sample project (its own files only) whose framework is the sample's indicators `copies` times
 * over: each copy a distinct indicator (id and titles suffixed) over the same extracts, so a framework of 96 costs
 * what 96 real indicators would. `copies = 1` is the sample itself.
 */
export function prepareFramework(root: string, copies: number): string {
  if (existsSync(path.join(root, 'boardpack.yaml'))) return root;
  cpSync(SAMPLE_DIR, root, { recursive: true, filter: (src) => !/[\\/](\.boardpack|out)$/.test(src) });
  const dir = path.join(root, 'indicators');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const doc = parse(readFileSync(path.join(dir, f), 'utf8')) as { id?: string; title?: string; short_title?: string; numerator?: { expr?: string } };
    if (!doc.id) continue;
    for (let k = 2; k <= copies; k++) {
      const copy = structuredClone(doc);
      copy.id = `${doc.id}_${k}`;
      if (copy.title) copy.title = `${copy.title} (${k})`;
      if (copy.short_title) copy.short_title = `${copy.short_title} (${k})`;
      // The same figure under another id is refused (BP_INDICATOR_SAME_MEASURE): the numerator written differently.
      if (copy.numerator?.expr) copy.numerator.expr = `${copy.numerator.expr} + 0 * ${k}`;
      writeFileSync(path.join(dir, `${copy.id}.yaml`), stringify(copy));
    }
  }
  return root;
}
