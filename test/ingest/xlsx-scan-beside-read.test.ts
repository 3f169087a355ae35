/**
 * The zip scan runs beside exceljs's read rather than before it: exceljs reads the file through a gate that
 * never runs ahead of what the scan has inflated and counted, so a workbook that inflates past the limit is
 * still refused with BP_INGEST_XLSX_TOO_LARGE (the scan's own problem, not exceljs's), exceljs never reads past
 * the part that broke the limit, and a load the refusal interrupts leaves nothing behind. Real files, real DuckDB.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { BoardpackError } from '../../src/core/errors.js';
import { gatedFile, readXlsx, startXlsxScan, XLSX_MAX_MB_ENV, type RowSink } from '../../src/ingest/read-xlsx.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ingestFolder } from '../helpers/ingest.js';
import { makeProject } from '../helpers/project.js';
import { SHEET_HEAD, SHEET_TAIL, sheetRow, tempDir, writeWorkbook, writeZip } from '../security/helpers/files.js';

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const WORKBOOK = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Births" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets></workbook>';
const WB_RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>';

/**
 * Two sheets: "Births", good rows first in the file (exceljs reads them while the scan goes on), then "Notes",
 * whose header says 1 KB but which inflates to 10 MB of text (past the limits set in these tests).
 */
async function lyingSecondSheet(file: string, rows = 2000, pad = 0): Promise<void> {
  const localities = ['East', 'West', 'North', 'South'];
  await writeZip(file, [
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: '_rels/.rels', content: RELS },
    { name: 'xl/workbook.xml', content: WORKBOOK },
    { name: 'xl/_rels/workbook.xml.rels', content: WB_RELS },
    // Shared strings before the sheets: exceljs then parses a sheet as it inflates it (not from a temp file at the end).
    { name: 'xl/sharedStrings.xml', content: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>' },
    { name: 'xl/worksheets/sheet1.xml', content: { prefix: `${SHEET_HEAD}${sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight'])}`, repeat: (i) => sheetRow(i + 2, ['2023-24 Q1', localities[i % 4], 100 + (i % 7), i % 5]).padEnd(i < 1000 ? 0 : pad, ' '), times: rows, suffix: SHEET_TAIL } },
    { name: 'xl/worksheets/sheet2.xml', content: { prefix: `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, repeat: 'A'.repeat(1000), times: 10_000, suffix: `</t></is></c></row>${SHEET_TAIL}` }, declaredSize: 1000 },
  ]);
}

const savedEnv = process.env[XLSX_MAX_MB_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[XLSX_MAX_MB_ENV];
  else process.env[XLSX_MAX_MB_ENV] = savedEnv;
});

describe('XLSX zip scan beside the read', () => {
  it('the gated file stops where the scan refused: exceljs is never given the rest of the part past the limit', async () => {
    const file = path.join(tempDir(), 'liar.xlsx');
    await lyingSecondSheet(file);
    const run = await startXlsxScan(file, 'liar.xlsx', 2e6);
    let given = 0;
    const reading = (async () => { for await (const chunk of gatedFile(file, run.gate, run)) given += (chunk as Buffer).length; })();
    const e = await run.done.then(() => undefined, (x: unknown) => x);
    // The gated file fails where the scan stopped (exceljs's streams with it).
    expect(await reading.then(() => undefined, (x: Error) => x.message)).toMatch(/refused/);
    expect(e).toBeInstanceOf(BoardpackError);
    expect((e as BoardpackError).code).toBe('BP_INGEST_XLSX_TOO_LARGE');
    expect((e as BoardpackError).problems[0].value).toBe('xl/worksheets/sheet2.xml');
    // The lying part is about 10 KB of deflated data; its first 2 MB inflate from a fraction of it.
    expect(given).toBeLessThan(statSync(file).size - 1000);
    expect(run.gate.failed).toBe(true);
  });

  it('a workbook refused while exceljs is already reading its rows gives the scan\'s coded problem, not a read error', async () => {
    const root = await makeProject();
    const source = (await loadProject(root)).config!.sources.find((s) => s.id === 'health')!;
    const file = path.join(tempDir(), 'health.xlsx');
    // 1,000 short rows (a batch for exceljs to give out quickly), then 40 MB of good rows (padded with spaces) for
    // the scan to count while exceljs reads them, then the lie.
    await lyingSecondSheet(file, 3000, 20_000);
    process.env[XLSX_MAX_MB_ENV] = '45';
    const seen: number[] = [];
    let waited = false;
    // The first row waits (flush) long enough for the scan to have reached the lying part and refused it.
    const sink: RowSink = {
      async open() {},
      row(_sheet, rowNumber) { seen.push(rowNumber); return !waited; },
      async flush() { if (!waited) { waited = true; await new Promise((r) => setTimeout(r, 500)); } },
      close() {},
      async discard() {},
    };
    const e = await readXlsx(file, 'extracts/health.xlsx', { ...source, sheets: undefined }, ['quarter', 'locality', 'live_births', 'low_birth_weight'], sink).then(() => undefined, (x: unknown) => x);
    expect(seen.length).toBeGreaterThan(0);
    expect(e).toBeInstanceOf(BoardpackError);
    const p = (e as BoardpackError).problems[0];
    expect(p.code).toBe('BP_INGEST_XLSX_TOO_LARGE');
    expect(p.file).toBe('extracts/health.xlsx');
    expect(p.value).toBe('xl/worksheets/sheet2.xml');
    expect(p.message).toMatch(/inflates past the limit/);
  });

  it('the sheet exceljs is parsing is the one that lies: the read stops with the scan\'s problem, it does not wait for bytes that never come', async () => {
    const source = (await loadProject(await makeProject())).config!.sources.find((s) => s.id === 'health')!;
    const file = path.join(tempDir(), 'health.xlsx');
    // Good rows, then 10 MB of padding inside the same sheet, its header saying 1 KB.
    await writeWorkbook(file, { prefix: `${SHEET_HEAD}${sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight'])}`, repeat: (i) => sheetRow(i + 2, ['2023-24 Q1', 'East', 100, 5]).padEnd(1000, ' '), times: 10_000, suffix: SHEET_TAIL }, 'Births', { declaredSheetSize: 1000 });
    let rows = 0;
    const sink: RowSink = { async open() {}, row() { rows++; return false; }, async flush() {}, close() {}, async discard() {} };
    process.env[XLSX_MAX_MB_ENV] = '2';
    const e = await readXlsx(file, 'extracts/health.xlsx', { ...source, sheets: undefined }, ['quarter', 'locality', 'live_births', 'low_birth_weight'], sink).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(BoardpackError);
    expect((e as BoardpackError).problems[0].code).toBe('BP_INGEST_XLSX_TOO_LARGE');
    expect((e as BoardpackError).problems[0].value).toBe('xl/worksheets/sheet1.xml');
    // At most the rows within the first 2 MB were parsed.
    expect(rows).toBeLessThan(2100);
  }, 60_000);

  it('through ingest: the refusal fails the source with the code and leaves what it held untouched', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root, { sources: ['health'] });
    expect(first.report.sources.find((s) => s.source === 'health')!.status).toBe('loaded');
    const rows = async () => {
      const wh = await openWarehouse(first.config.warehousePath);
      try {
        return await wh.all<{ quarter: string; n: number }>('SELECT period AS quarter, count(*)::INTEGER AS n FROM health GROUP BY 1 ORDER BY 1');
      } finally {
        wh.close();
      }
    };
    const held = await rows();
    // About 3 MB of good rows, read by exceljs while the scan inflates them, then the lying part.
    await lyingSecondSheet(path.join(root, 'extracts/health.xlsx'), 20_000);
    process.env[XLSX_MAX_MB_ENV] = '8';
    const refused = await ingestFolder(root, { sources: ['health'] });
    const r = refused.report.sources.find((s) => s.source === 'health')!;
    expect(r.status).toBe('failed');
    const p = r.problems.find((x) => x.code === 'BP_INGEST_XLSX_TOO_LARGE');
    expect(p?.file).toBe('extracts/health.xlsx');
    expect(p?.value).toBe('xl/worksheets/sheet2.xml');
    expect(await rows()).toEqual(held);
  }, 120_000);
});
