/**
 * Issue #10, the XLSX inflated-size limit: every zip entry is inflated and counted before exceljs reads the
 * workbook, and a workbook expanding past BOARDPACK_XLSX_MAX_MB is refused with BP_INGEST_XLSX_TOO_LARGE, even
 * when its headers lie about the sizes. Small bombs and a lowered limit keep these fast; the full-size bomb
 * run through the CLI with its memory measured is in test/security/resource-limits.test.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { scanXlsxZip, XLSX_MAX_MB_DEFAULT, XLSX_MAX_MB_ENV, xlsxMaxBytes } from '../../src/ingest/read-xlsx.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ingestFolder } from '../helpers/ingest.js';
import { makeProject } from '../helpers/project.js';
import { SHEET_HEAD, SHEET_TAIL, sheetRow, tempDir, writeWorkbook, writeZip } from '../security/helpers/files.js';

const HEADER = sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight']);
/** A sheet of valid rows whose XML is about `mb` MB: the same East row repeated (compresses ~1000×). */
const bigSheet = (mb: number) => ({
  prefix: `${SHEET_HEAD}${HEADER}`,
  repeat: (i: number) => sheetRow(i + 2, ['2023-24 Q1', 'East', 100, 5]).padEnd(1000, ' '),
  times: mb * 1000, suffix: SHEET_TAIL,
});

async function refusal(p: Promise<unknown>): Promise<BoardpackError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(BoardpackError);
  return e as BoardpackError;
}

const savedEnv = process.env[XLSX_MAX_MB_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[XLSX_MAX_MB_ENV];
  else process.env[XLSX_MAX_MB_ENV] = savedEnv;
});

describe('XLSX inflated-size limit', () => {
  it('reads the limit from BOARDPACK_XLSX_MAX_MB (default 500 MB); a value that is not a positive number is a usage error', () => {
    expect(xlsxMaxBytes({})).toBe(XLSX_MAX_MB_DEFAULT * 1e6);
    expect(xlsxMaxBytes({ [XLSX_MAX_MB_ENV]: '2000' })).toBe(2e9);
    expect(xlsxMaxBytes({ [XLSX_MAX_MB_ENV]: ' 0.5 ' })).toBe(5e5);
    for (const bad of ['0', '-5', 'lots', '1e3', '500MB']) {
      let err: unknown;
      try { xlsxMaxBytes({ [XLSX_MAX_MB_ENV]: bad }); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(BoardpackError);
      expect((err as BoardpackError).code).toBe('BP_USAGE');
      expect((err as BoardpackError).message).toContain(XLSX_MAX_MB_ENV);
    }
  });

  it('counts what a real workbook inflates to and reads its index on the way', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Maternity').addRow(['Quarter', 'Locality']);
    const file = path.join(tempDir(), 'ok.xlsx');
    writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));
    const scan = await scanXlsxZip(file, 'ok.xlsx', 1e6);
    expect(scan.inflatedBytes).toBeGreaterThan(1000);
    expect(scan.indexParts.get('xl/workbook.xml')).toContain('name="Maternity"');
    expect(scan.indexParts.has('xl/_rels/workbook.xml.rels')).toBe(true);
  });

  it('refuses by the declared size before inflating anything, naming the file, the part and the limit', async () => {
    const file = path.join(tempDir(), 'declared.xlsx');
    await writeWorkbook(file, bigSheet(3));
    const e = await refusal(scanXlsxZip(file, 'extracts/declared.xlsx', 2e6));
    expect(e.code).toBe('BP_INGEST_XLSX_TOO_LARGE');
    const p = e.problems[0];
    expect(p.file).toBe('extracts/declared.xlsx');
    expect(p.value).toBe('xl/worksheets/sheet1.xml');
    expect(p.message).toContain('2 MB');
    expect(p.message).toMatch(/declares 3 MB/);
    expect(p.fix).toContain('CSV');
    expect(p.fix).toContain(XLSX_MAX_MB_ENV);
  });

  it('refuses a part that lies about its size once what it inflates to passes the limit', async () => {
    const file = path.join(tempDir(), 'liar.xlsx');
    await writeWorkbook(file, bigSheet(5), 'Births', { declaredSheetSize: 1000 });
    const e = await refusal(scanXlsxZip(file, 'liar.xlsx', 2e6));
    expect(e.code).toBe('BP_INGEST_XLSX_TOO_LARGE');
    expect(e.problems[0].message).toMatch(/inflates past the limit/);
    expect(e.problems[0].value).toBe('xl/worksheets/sheet1.xml');
  });

  it('a part whose size disagrees with its header, within the limit, is a damaged workbook', async () => {
    const file = path.join(tempDir(), 'mismatch.xlsx');
    await writeWorkbook(file, bigSheet(1), 'Births', { declaredSheetSize: 1000 });
    const e = await refusal(scanXlsxZip(file, 'mismatch.xlsx', 10e6));
    expect(e.code).toBe('BP_INGEST_XLSX_UNREADABLE');
    expect(e.problems[0].message).toMatch(/not the 1,000 its header declares/);
  });

  it('a part hidden from the zip directory (exceljs would still inflate it) makes the workbook unreadable', async () => {
    const file = path.join(tempDir(), 'hidden.xlsx');
    await writeZip(file, [
      { name: '[Content_Types].xml', content: '<Types/>' },
      { name: 'xl/worksheets/sheet1.xml', content: bigSheet(3), unlisted: true },
      { name: 'xl/workbook.xml', content: '<workbook/>' },
    ]);
    const e = await refusal(scanXlsxZip(file, 'hidden.xlsx', 2e6));
    expect(e.code).toBe('BP_INGEST_XLSX_UNREADABLE');
    expect(e.problems[0].message).toMatch(/data that its ZIP directory does not list/);
  });

  it('through ingest: over the limit the source fails with the code and keeps its data; a raised limit loads it', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root, { sources: ['health'] });
    const before = first.report.sources.find((s) => s.source === 'health')!;
    expect(before.status).toBe('loaded');
    const rows = async () => {
      const wh = await openWarehouse(first.config.warehousePath);
      try {
        return (await wh.all<{ n: number; births: number }>('SELECT count(*)::INTEGER AS n, sum(live_births)::INTEGER AS births FROM health'))[0];
      } finally {
        wh.close();
      }
    };
    const held = await rows();
    expect(held.n).toBe(before.rowsLoaded);

    await writeWorkbook(path.join(root, 'extracts/health.xlsx'), bigSheet(3));
    process.env[XLSX_MAX_MB_ENV] = '2';
    const refused = await ingestFolder(root, { sources: ['health'] });
    const r = refused.report.sources.find((s) => s.source === 'health')!;
    expect(r.status).toBe('failed');
    expect(r.problems.map((p) => p.code)).toContain('BP_INGEST_XLSX_TOO_LARGE');
    expect(r.problems.find((p) => p.code === 'BP_INGEST_XLSX_TOO_LARGE')!.file).toBe('extracts/health.xlsx');
    expect(await rows()).toEqual(held);

    process.env[XLSX_MAX_MB_ENV] = '4';
    const loaded = await ingestFolder(root, { sources: ['health'] });
    const l = loaded.report.sources.find((s) => s.source === 'health')!;
    expect(l.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(l.status).toBe('loaded');
    // 3,000 identical East rows for 2023-24 Q1: that period is replaced by them; the others are kept.
    const after = await rows();
    expect(after.n).toBe(held.n - 2 + 3000);
  }, 120_000);
});
