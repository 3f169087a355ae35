/**
 * What the XLSX reader puts into the raw table, cell by cell: worksheet row numbers, sheet names from the
 * workbook's index (exceljs writes workbook.xml last), the title block above the header skipped, dates as ISO
 * text, a formula's cached result, rich text flattened, a merged range's value in its top-left cell only,
 * `skip_rows_matching` case-insensitive, empty and blank rows dropped. Real exceljs workbooks, real DuckDB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { SourceDef } from '../../src/config/types.js';
import { readXlsxToRaw } from '../../src/ingest/read-xlsx.js';
import { createRawTable, RAW_TABLE } from '../../src/ingest/raw-table.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { BoardpackError } from '../../src/core/errors.js';
import { makeProject } from '../helpers/project.js';
import { tempDir, writeZip } from '../security/helpers/files.js';

async function healthSource(): Promise<SourceDef> {
  const res = await loadProject(await makeProject());
  return res.config!.sources.find((s) => s.id === 'health')!;
}

async function readRaw(wb: ExcelJS.Workbook, source: SourceDef) {
  const dir = tempDir('bp-xlsx-');
  const file = path.join(dir, 'health.xlsx');
  writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));
  const wh = await openWarehouse(path.join(dir, 'wh.duckdb'));
  try {
    const cols = await createRawTable(wh, source);
    const progress: number[] = [];
    const out = await readXlsxToRaw(wh, file, 'extracts/health.xlsx', source, cols, (n) => progress.push(n));
    const rows = await wh.all<Record<string, string | number | null>>(`SELECT * FROM ${RAW_TABLE} ORDER BY _sheet, _row, quarter`);
    return { ...out, raw: rows, progress };
  } finally {
    wh.close();
  }
}

/** A one-sheet workbook as exceljs writes it, opened as a zip: a header and one row whose first cell is a date. */
async function oneDatedRowZip(): Promise<JSZip> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Births Q1');
  ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
  ws.addRow([new Date(Date.UTC(2023, 5, 30)), 'West', 90, 3]);
  return JSZip.loadAsync(await wb.xlsx.writeBuffer());
}

describe('XLSX reader → raw table', () => {
  it('keeps worksheet row numbers and sheet names, skips the title block, totals and blank rows, and reads cells as a person sees them', async () => {
    const wb = new ExcelJS.Workbook();
    const q1 = wb.addWorksheet('Births Q1');
    q1.addRow(['Example NHS Trust']);
    q1.addRow(['Quarterly maternity return']);
    q1.addRow([]);
    q1.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
    q1.addRow(['2023-24 Q1', { richText: [{ text: 'Ea' }, { font: { bold: true }, text: 'st' }] }, { formula: '60+40', result: 100 }, 5]);
    q1.addRow([new Date(Date.UTC(2023, 5, 30)), '  West  ', 90, { formula: 'C6/30', result: 3 }]);
    q1.addRow([new Date(Date.UTC(2023, 5, 30, 14, 30, 0)), 'North', 80, 2]);
    q1.addRow(['2023-24 Q1', 'South', 70, 1]);
    q1.mergeCells('A8:A9');
    q1.getCell('B9').value = 'Central';
    q1.getCell('C9').value = 60;
    q1.addRow(['TOTAL for the trust', '', 400, 11]);
    const blank = q1.addRow(['', '  ', null, '']);
    blank.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
    q1.addRow(['2023-24 Q1', 'Coast', 50, 0]);
    const q2 = wb.addWorksheet('Births Q2');
    q2.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
    q2.addRow(['2023-24 Q2', 'East', 101, 6]);
    wb.addWorksheet('Notes').addRow(['Figures are provisional']);

    const source = { ...(await healthSource()), sheets: ['births q1', 'Births Q2'], skipRowsMatching: ['Total'] };
    const out = await readRaw(wb, source);
    expect(out.problems).toEqual([]);
    expect(out.sheets).toEqual(['Births Q1', 'Births Q2']);
    expect(out.rows).toBe(7);
    // The contract's optional columns this workbook lacks read as empty.
    const absent = { reviews_6_8_weeks: null, breastfed_6_8_weeks: null };
    expect(out.raw).toEqual([
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 5, quarter: '2023-24 Q1', locality: 'East', live_births: '100', low_birth_weight: '5' , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 6, quarter: '2023-06-30', locality: 'West', live_births: '90', low_birth_weight: '3' , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 7, quarter: '2023-06-30 14:30:00', locality: 'North', live_births: '80', low_birth_weight: '2' , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 8, quarter: '2023-24 Q1', locality: 'South', live_births: '70', low_birth_weight: '1' , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 9, quarter: null, locality: 'Central', live_births: '60', low_birth_weight: null , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q1', _row: 12, quarter: '2023-24 Q1', locality: 'Coast', live_births: '50', low_birth_weight: '0' , ...absent },
      { _file: 'extracts/health.xlsx', _sheet: 'Births Q2', _row: 2, quarter: '2023-24 Q2', locality: 'East', live_births: '101', low_birth_weight: '6' , ...absent },
    ]);
  });

  it('appends every row of a long sheet, in order, and reports progress every 5,000 rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Births');
    ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
    const n = 12_345;
    for (let i = 0; i < n; i++) ws.addRow(['2023-24 Q1', `L${i}`, i, i % 3 === 0 ? null : i % 7]);
    const out = await readRaw(wb, await healthSource());
    expect(out.problems).toEqual([]);
    expect(out.rows).toBe(n);
    expect(out.progress).toEqual([5000, 10000]);
    expect(out.raw).toHaveLength(n);
    const byRow = out.raw.sort((a, b) => Number(a._row) - Number(b._row));
    byRow.forEach((r, i) => {
      expect(r._row).toBe(i + 2);
      expect(r.locality).toBe(`L${i}`);
      expect(r.live_births).toBe(String(i));
      expect(r.low_birth_weight).toBe(i % 3 === 0 ? null : String(i % 7));
    });
  });

  it('drains a sheet it does not read, so exceljs never deletes that sheet\'s temp file under an unopened stream', async () => {
    // exceljs writes a sheet that comes before the shared strings (as in every workbook it writes) to a temp
    // file, and deletes it when the next sheet is asked for; an unread sheet's lazily opened stream then failed
    // with an uncaught ENOENT, about one read in a hundred. Many reads in one process make that visible.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['Figures are provisional']);
    const births = wb.addWorksheet('Births');
    births.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
    births.addRow(['2023-24 Q1', 'East', 100, 5]);
    const dir = tempDir('bp-xlsx-');
    const file = path.join(dir, 'health.xlsx');
    writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));
    const source = { ...(await healthSource()), sheets: ['Births'] };
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    const wh = await openWarehouse(path.join(dir, 'wh.duckdb'));
    try {
      const cols = await createRawTable(wh, source);
      for (let i = 0; i < 300; i++) {
        const out = await readXlsxToRaw(wh, file, 'extracts/health.xlsx', source, cols);
        expect(out.sheets).toEqual(['Births']);
        expect(out.rows).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      wh.close();
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  }, 120_000);

  it('reads every part of a workbook whatever TMPDIR is: a deep temp folder no longer ends the read before the styles and workbook.xml', async () => {
    // exceljs writes the sheets that precede the shared strings to temp files, and its temp-file library resolves
    // TMPDIR one folder at a time: the deeper TMPDIR, the longer each sheet waits, and the further the unzip
    // stream runs ahead and ends before exceljs has taken the parts still queued (here the styles, so dates
    // would read as serial numbers, and workbook.xml). macOS's own TMPDIR is five folders deep; this one is
    // deeper so that every read shows it.
    const wb = new ExcelJS.Workbook();
    for (const name of ['Births Q1', 'Births Q2', 'Births Q3']) {
      const ws = wb.addWorksheet(name);
      ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
      ws.addRow([new Date(Date.UTC(2023, 5, 30)), name, 90, 3]);
    }
    const deep = path.join(tempDir('bp-xlsx-deep-'), ...'abcdefghijklmnop'.split(''));
    mkdirSync(deep, { recursive: true });
    const source = await healthSource();
    const before = process.env.TMPDIR;
    process.env.TMPDIR = deep;
    try {
      for (let i = 0; i < 5; i++) {
        const out = await readRaw(wb, source);
        expect(out.problems).toEqual([]);
        expect(out.sheets).toEqual(['Births Q1', 'Births Q2', 'Births Q3']);
        expect(out.raw.map((r) => [r._sheet, r.quarter])).toEqual([
          ['Births Q1', '2023-06-30'], ['Births Q2', '2023-06-30'], ['Births Q3', '2023-06-30'],
        ]);
      }
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('reads a workbook written by a streaming zip writer (sizes after each part): whole, or, without the descriptors\' signature, refused rather than waiting for ever', async () => {
    const zip = await oneDatedRowZip();
    const parts = await Promise.all(Object.keys(zip.files).filter((n) => !zip.files[n].dir).map(async (name) => ({ name, content: Buffer.from(await zip.file(name)!.async('uint8array')) })));
    const dir = tempDir('bp-xlsx-');
    const source = { ...(await healthSource()), sheets: ['Births Q1'] };
    const wh = await openWarehouse(path.join(dir, 'wh.duckdb'));
    try {
      const cols = await createRawTable(wh, source);
      // The sheet comes before the shared strings, styles and workbook.xml, as exceljs writes it: exceljs keeps it
      // in a temp file while the unzip stream runs on through the parts after it.
      const signed = path.join(dir, 'signed.xlsx');
      await writeZip(signed, parts.map((p) => ({ ...p, descriptor: 'signed' as const })));
      const out = await readXlsxToRaw(wh, signed, 'extracts/health.xlsx', source, cols);
      expect(out.problems).toEqual([]);
      expect((await wh.all<{ quarter: string }>(`SELECT quarter FROM ${RAW_TABLE}`)).map((r) => r.quarter)).toEqual(['2023-06-30']);
      await wh.run(`DELETE FROM ${RAW_TABLE}`);
      // Without the signature the unzip stream can find a part's end only by reading on into the zip directory.
      const unsigned = path.join(dir, 'unsigned.xlsx');
      await writeZip(unsigned, parts.map((p) => ({ ...p, descriptor: 'unsigned' as const })));
      const e = await readXlsxToRaw(wh, unsigned, 'extracts/health.xlsx', source, cols).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BoardpackError);
      expect((e as BoardpackError).problems[0]).toMatchObject({ code: 'BP_INGEST_XLSX_UNREADABLE', file: 'extracts/health.xlsx' });
      expect(await wh.all(`SELECT * FROM ${RAW_TABLE}`)).toEqual([]);
    } finally {
      wh.close();
    }
  }, 30_000);

  it('never loads a dated cell as its serial number: a sheet reached before the cell styles is a short read, refused with a coded error', async () => {
    // The same parts with the styles moved to the end of the zip: the shared strings and relationships come
    // first, so exceljs reads the sheet as soon as it reaches it, before it knows which cells are dates.
    const zip = await oneDatedRowZip();
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir);
    const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml'].filter((n) => names.includes(n));
    const reordered = new JSZip();
    for (const n of [...first, ...names.filter((n) => !first.includes(n) && n !== 'xl/styles.xml'), 'xl/styles.xml']) {
      reordered.file(n, await zip.file(n)!.async('uint8array'));
    }
    const dir = tempDir('bp-xlsx-');
    const file = path.join(dir, 'health.xlsx');
    writeFileSync(file, await reordered.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    const wh = await openWarehouse(path.join(dir, 'wh.duckdb'));
    try {
      const source = { ...(await healthSource()), sheets: ['Births Q1'] };
      const cols = await createRawTable(wh, source);
      const e = await readXlsxToRaw(wh, file, 'extracts/health.xlsx', source, cols).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BoardpackError);
      const p = (e as BoardpackError).problems[0];
      expect(p.code).toBe('BP_INGEST_XLSX_UNREADABLE');
      expect(p.message).toContain('a sheet read before the cell styles');
      expect(p.file).toBe('extracts/health.xlsx');
      expect(await wh.all(`SELECT * FROM ${RAW_TABLE}`)).toEqual([]);
    } finally {
      wh.close();
    }
  });
});
