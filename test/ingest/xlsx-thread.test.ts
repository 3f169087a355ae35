/**
 * With BOARDPACK_XLSX_THREAD_MB set (0 here, so small workbooks take that path) a workbook is parsed on a worker
 * thread while the main thread types and appends its rows: the rows, row numbers, sheet names, dates,
 * rich text, merged cells and every coded problem are exactly those of a read on the main thread. Real
 * workbooks, a real worker thread, real DuckDB.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { SourceDef } from '../../src/config/types.js';
import { BoardpackError } from '../../src/core/errors.js';
import { createRawTable, RAW_TABLE } from '../../src/ingest/raw-table.js';
import { readXlsxToRaw, threadEvents, XLSX_MAX_MB_ENV, XLSX_THREAD_MB_ENV, xlsxThreadBytes } from '../../src/ingest/read-xlsx.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ingestFolder } from '../helpers/ingest.js';
import { makeProject } from '../helpers/project.js';
import { SHEET_HEAD, SHEET_TAIL, sheetRow, tempDir, writeWorkbook } from '../security/helpers/files.js';

const saved = { [XLSX_THREAD_MB_ENV]: process.env[XLSX_THREAD_MB_ENV], [XLSX_MAX_MB_ENV]: process.env[XLSX_MAX_MB_ENV] };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

async function healthSource(): Promise<SourceDef> {
  return (await loadProject(await makeProject())).config!.sources.find((s) => s.id === 'health')!;
}

/** The raw rows and the result of reading `file`, on a worker thread or not. */
async function readRaw(file: string, source: SourceDef, thread: boolean) {
  process.env[XLSX_THREAD_MB_ENV] = thread ? '0' : '100000';
  const wh = await openWarehouse(path.join(tempDir('bp-xlsx-'), 'wh.duckdb'));
  try {
    const cols = await createRawTable(wh, source);
    const progress: number[] = [];
    const out = await readXlsxToRaw(wh, file, 'extracts/health.xlsx', source, cols, (n) => progress.push(n)).then((r) => r, (e: unknown) => e);
    const raw = await wh.all(`SELECT * FROM ${RAW_TABLE} ORDER BY _sheet, _row`);
    return { out, raw, progress };
  } finally {
    wh.close();
  }
}

async function richWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const q1 = wb.addWorksheet('Births Q1');
  q1.addRow(['Example NHS Trust']);
  q1.addRow([]);
  q1.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
  q1.addRow(['2023-24 Q1', { richText: [{ text: 'Ea' }, { font: { bold: true }, text: 'st' }] }, { formula: '60+40', result: 100 }, 5]);
  q1.addRow([new Date(Date.UTC(2023, 5, 30)), '  West  ', 90, { formula: 'C5/30', result: 3 }]);
  q1.addRow([new Date(Date.UTC(2023, 5, 30, 14, 30, 0)), 'North', 80, 2]);
  q1.addRow(['2023-24 Q1', 'South', 70, 1]);
  q1.mergeCells('A7:A8');
  q1.getCell('B8').value = 'Central';
  q1.getCell('C8').value = 60;
  q1.addRow(['TOTAL for the trust', '', 400, 11]);
  q1.addRow(['', '  ', null, '']);
  for (let i = 0; i < 6000; i++) q1.addRow(['2023-24 Q1', `L${i}`, i, i % 3 === 0 ? null : 'x']);
  wb.addWorksheet('Notes').addRow(['Figures are provisional']);
  const q2 = wb.addWorksheet('Births Q2');
  q2.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
  q2.addRow(['2023-24 Q2', 'East', 101, 6]);
  writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));
}

describe('XLSX read on a worker thread', () => {
  it('reads the threshold from BOARDPACK_XLSX_THREAD_MB (unset: never; 0: every workbook); anything else is a usage error', () => {
    expect(xlsxThreadBytes({})).toBe(Infinity);
    expect(xlsxThreadBytes({ [XLSX_THREAD_MB_ENV]: '0' })).toBe(0);
    expect(xlsxThreadBytes({ [XLSX_THREAD_MB_ENV]: ' 2.5 ' })).toBe(2.5e6);
    for (const bad of ['-1', 'big', '8MB']) expect(() => xlsxThreadBytes({ [XLSX_THREAD_MB_ENV]: bad })).toThrow(BoardpackError);
  });

  it('runs on another thread and gives the same rows, row numbers, sheets, dates, rich text and merged cells as this one', async () => {
    const file = path.join(tempDir('bp-xlsx-'), 'health.xlsx');
    await richWorkbook(file);
    const source = { ...(await healthSource()), sheets: ['births q1', 'Births Q2'], skipRowsMatching: ['Total'] };
    let end: { thread: number } | undefined;
    for await (const ev of threadEvents(file, 'extracts/health.xlsx', { skipRows: 0, batchRows: 1000, maxBytes: 1e9 })) if (ev.k === 'end') end = ev;
    expect(end!.thread).toBeGreaterThan(0);
    const here = await readRaw(file, source, false);
    const there = await readRaw(file, source, true);
    expect(here.out).toMatchObject({ problems: [], sheets: ['Births Q1', 'Births Q2'], rows: 6006 });
    expect(there.out).toEqual(here.out);
    expect(there.progress).toEqual(here.progress);
    expect(there.raw).toHaveLength(6006);
    expect(there.raw).toEqual(here.raw);
    expect(there.raw.slice(0, 3)).toMatchObject([
      { _sheet: 'Births Q1', _row: 4, quarter: '2023-24 Q1', locality: 'East', live_births: '100' },
      { _sheet: 'Births Q1', _row: 5, quarter: '2023-06-30', locality: 'West', low_birth_weight: '3' },
      { _sheet: 'Births Q1', _row: 6, quarter: '2023-06-30 14:30:00' },
    ]);
  }, 120_000);

  it('a workbook refused or damaged gives the same coded problem from the thread', async () => {
    const dir = tempDir('bp-xlsx-');
    const source = await healthSource();
    const liar = path.join(dir, 'liar.xlsx');
    await writeWorkbook(liar, { prefix: `${SHEET_HEAD}${sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight'])}`, repeat: (i) => sheetRow(i + 2, ['2023-24 Q1', 'East', 100, 5]).padEnd(1000, ' '), times: 5000, suffix: SHEET_TAIL }, 'Births', { declaredSheetSize: 1000 });
    const good = path.join(dir, 'good.xlsx');
    await richWorkbook(good);
    const truncated = path.join(dir, 'truncated.xlsx');
    const bytes = readFileSync(good);
    writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
    process.env[XLSX_MAX_MB_ENV] = '2';
    for (const file of [liar, truncated]) {
      const here = (await readRaw(file, source, false)).out;
      const there = (await readRaw(file, source, true)).out;
      expect(here).toBeInstanceOf(BoardpackError);
      expect(there).toBeInstanceOf(BoardpackError);
      expect((there as BoardpackError).problems).toEqual((here as BoardpackError).problems);
    }
  }, 120_000);

  it('through ingest: the typed load from the thread is the same table', async () => {
    const tables: unknown[] = [];
    for (const thread of [false, true]) {
      const root = await makeProject();
      const file = path.join(root, 'extracts/health.xlsx');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Births');
      ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
      for (let i = 0; i < 3000; i++) ws.addRow([`2023-24 Q${1 + (i % 4)}`, ['East', 'West'][i % 2], 100 + (i % 50), i % 7 === 0 ? 'c' : i % 9]);
      // Thousands separators: typing not certain, so the row goes through the text path's checks (and loads).
      ws.addRow(['2023-24 Q1', 'East', '1,234', 1]);
      writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));
      process.env[XLSX_THREAD_MB_ENV] = thread ? '0' : '100000';
      const { report, config } = await ingestFolder(root, { sources: ['health'] });
      const s = report.sources.find((x) => x.source === 'health')!;
      const wh = await openWarehouse(config.warehousePath);
      try {
        tables.push({ status: s.status, problems: s.problems.map((p) => [p.code, p.row, p.column, p.value]), rows: await wh.all('SELECT * EXCLUDE (_load_id) FROM health ORDER BY _row') });
      } finally {
        wh.close();
      }
    }
    expect(tables[0]).toMatchObject({ status: 'loaded' });
    expect((tables[0] as { rows: unknown[] }).rows).toHaveLength(3001);
    expect((tables[0] as { rows: Array<{ live_births: number }> }).rows.some((r) => r.live_births === 1234)).toBe(true);
    expect(tables[1]).toEqual(tables[0]);
  }, 120_000);
});
