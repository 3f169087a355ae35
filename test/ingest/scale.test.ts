/**
 * Size: a 200 MB extract with one bad cell near its end is checked in full (the catalogue's "a 200 MB file");
 * 1 million CSV rows and 100,000 XLSX rows load within memory, with progress reported. The files are generated
 * in a temp folder and never committed. Speed is measured by `npm run bench`, not here: no timing assertions.
 */
import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { IngestProgress } from '../../src/ingest/index.js';
import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';
import { editFile, makeProject } from '../helpers/project.js';

const TERMS = ['Autumn 2023/24', 'Spring 2023/24', 'Summer 2023/24'];

async function writeLines(file: string, header: string, rows: number, line: (i: number) => string): Promise<void> {
  const ws = createWriteStream(file);
  ws.write(`${header}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
      buf = '';
    }
  }
  ws.write(buf);
  await new Promise((r) => ws.end(r));
}

async function ingest(root: string, sources: string[]) {
  const res = await loadProject(root);
  const config = res.config!;
  const events: IngestProgress[] = [];
  const wh = await openWarehouse(config.warehousePath);
  try {
    await ensureMeta(wh);
    const report = await ingestProject(wh, config, { sources, progress: (p) => events.push(p) });
    const table = config.sources.find((s) => s.id === sources[0])!.table;
    const exists = (await wh.all(`SELECT 1 FROM information_schema.tables WHERE table_name = ?`, [table])).length > 0;
    const n = exists ? (await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n : 0;
    return { report, events, n, rss: process.memoryUsage().rss };
  } finally {
    wh.close();
  }
}

describe('large extracts', () => {
  it('a 200 MB CSV with text in a number on its last row → BP_INGEST_BAD_NUMBER at that row and column', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', '      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      note: { type: text, required: false }\n');
    const file = path.join(root, 'extracts', 'schools.csv');
    const note = 'n'.repeat(440);
    const rows = 450_000;
    await writeLines(file, 'term,locality,eligible_2yo,taking_place,note', rows, (i) => `${TERMS[i % 3]},${i % 2 ? 'East' : 'West'},${i === rows - 3 ? 'n/a' : 200},150,${note}`);
    expect(statSync(file).size).toBeGreaterThan(200_000_000);
    const { report } = await ingest(root, ['schools']);
    const s = report.sources[0];
    expect(s.status).toBe('failed');
    expect(s.problems.map((p) => [p.code, p.row, p.column, p.value])).toEqual([['BP_INGEST_BAD_NUMBER', rows - 1, 'eligible_2yo', 'n/a']]);
  }, 300_000);

  it('1 million CSV rows load within memory, with progress', async () => {
    const root = await makeProject();
    await writeLines(path.join(root, 'extracts', 'schools.csv'), 'term,locality,eligible_2yo,taking_place', 1_000_000, (i) => `${TERMS[i % 3]},${i % 2 ? 'East' : 'West'},${i % 500},${i % 300}`);
    const { report, events, n, rss } = await ingest(root, ['schools']);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(n).toBe(1_000_000);
    expect(events.some((e) => e.phase === 'reading' && e.rows === 1_000_000)).toBe(true);
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['reading', 'checking', 'loading']));
    expect(rss).toBeLessThan(2_000_000_000);
  }, 300_000);

  it('100,000 XLSX rows stream into the warehouse, with progress every 5,000 rows', async () => {
    const root = await makeProject();
    const file = path.join(root, 'extracts', 'health.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
    const ws = wb.addWorksheet('Births');
    ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']).commit();
    const quarters = ['2023/24 Q1', '2023/24 Q2', '2023/24 Q3', '2023/24 Q4'];
    for (let i = 0; i < 100_000; i++) ws.addRow([quarters[i % 4], i % 2 ? 'East' : 'West', 300 + (i % 50), 20 + (i % 7)]).commit();
    ws.commit();
    await wb.commit();
    const { report, events, n, rss } = await ingest(root, ['health']);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(n).toBe(100_000);
    const reading = events.filter((e) => e.phase === 'reading').map((e) => e.rows);
    expect(reading).toEqual(expect.arrayContaining([5_000, 50_000, 100_000]));
    expect(rss).toBeLessThan(2_000_000_000);
  }, 300_000);
});
