import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { numberFormat, renderXlsx, safeText, setZipTimestamps, uniqueSheetName } from '../../src/report/xlsx.js';
import { buildAssessment, META } from './xlsx-fixture.js';

let bytes: Uint8Array;
let wb: ExcelJS.Workbook;

beforeAll(async () => {
  bytes = await renderXlsx(buildAssessment(), META);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
});

/** Row as {header: value}, from a sheet whose first row holds the headers. */
function rowsOf(ws: ExcelJS.Worksheet): Array<Record<string, unknown>> {
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const out: Array<Record<string, unknown>> = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value ?? null])));
  }
  return out;
}

function cellByHeader(ws: ExcelJS.Worksheet, row: number, header: string): ExcelJS.Cell {
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no column ${header} in ${ws.name}: ${headers.join(', ')}`);
  return ws.getRow(row).getCell(i + 1);
}

describe('renderXlsx', () => {
  it('has the Scorecard first, one sheet per indicator, then Definitions', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Scorecard', 'School readiness', 'Referrals', 'Admissions A&E under 5s', 'Definitions']);
  });

  it('writes one Scorecard row per indicator with the latest figures and judgements', () => {
    const rows = rowsOf(wb.getWorksheet('Scorecard')!);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      'Indicator id': 'school_readiness',
      Indicator: 'Children achieving a good level of development',
      Priority: 'Best start in life',
      'OBA kind': 'Population indicator',
      'OBA question': 'Is anyone better off?',
      Period: '2024/25 Q3',
      'Latest value': 62.35,
      Unit: '%',
      Marker: null,
      Target: 60,
      RAG: 'Green',
      'Direction (previous period)': 'improving (not tested)',
      'Direction (same period last year)': 'improving (not tested)',
      Comparator: 'England: 67.7% (significantly worse)',
      Status: 'Children achieving a good level of development, 2024/25 Q3: 62.4%. Green: at or above target 60%.',
      'Series sheet': 'School readiness',
    });
    expect(rows[1]).toMatchObject({ 'Indicator id': 'referrals', 'Latest value': 1274, RAG: 'Not rated', 'Direction (previous period)': 'changed (not tested)', Priority: 'Safe at home' });
    expect(rows[2]).toMatchObject({ 'Indicator id': 'admissions', 'Latest value': null, Marker: 'awaiting data', RAG: 'Not rated', Priority: 'health' });
  });

  it('formats numbers by unit', () => {
    const ws = wb.getWorksheet('Scorecard')!;
    expect(cellByHeader(ws, 2, 'Latest value').numFmt).toBe('0.0"%"');
    expect(cellByHeader(ws, 2, 'Target').numFmt).toBe('0.0"%"');
    expect(cellByHeader(ws, 3, 'Latest value').numFmt).toBe('#,##0');
    expect(cellByHeader(ws, 4, 'Latest value').numFmt).toBe('#,##0.0');
    expect(typeof cellByHeader(ws, 2, 'Latest value').value).toBe('number');
    expect(numberFormat('percent', 0)).toBe('0"%"');
    expect(numberFormat('days', 2)).toBe('#,##0.00');
  });

  it('freezes the header row, filters every column, and colours RAG by conditional formatting', () => {
    const ws = wb.getWorksheet('Scorecard')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, xSplit: 2 });
    expect(ws.autoFilter).toBe('A1:P4');
    const cf = (ws as unknown as { conditionalFormattings: Array<{ ref: string; rules: Array<{ formulae: string[]; style: { fill: { bgColor: { argb: string } } } }> }> }).conditionalFormattings;
    expect(cf).toHaveLength(1);
    expect(cf[0].ref).toBe('K2:K4');
    const fills = Object.fromEntries(cf[0].rules.map((r) => [r.formulae[0], r.style.fill.bgColor.argb]));
    expect(fills).toMatchObject({ '"Red"': 'FFFFC7CE', '"Amber"': 'FFFFEB9C', '"Green"': 'FFC6EFCE', '"Not rated"': 'FFE7E6E6' });
    expect(ws.getColumn(2).width).toBe(40);
  });

  it('writes every period × area on the indicator sheet, in period then area order', () => {
    const ws = wb.getWorksheet('School readiness')!;
    const rows = rowsOf(ws);
    expect(rows.map((r) => `${r['Period id']}/${r['Area id']}`)).toEqual([
      '2024-25-Q1/all', '2024-25-Q1/north', '2024-25-Q1/south',
      '2024-25-Q2/all', '2024-25-Q2/north', '2024-25-Q2/south',
      '2024-25-Q3/all', '2024-25-Q3/north', '2024-25-Q3/south',
    ]);
    expect(rows[0]).toMatchObject({ Period: '2024/25 Q1', Area: 'Riverside', 'Value (%)': 58.2, 'Lower 95% CI': 55.1, 'Upper 95% CI': 61.3, Numerator: 582, Denominator: 1000, Target: 60, RAG: 'Amber', 'Direction (previous period)': 'not available' });
    expect(rows[1]).toMatchObject({ Area: 'North locality', 'Value (%)': 55 });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:N10');
    expect(cellByHeader(ws, 2, 'Value (%)').numFmt).toBe('0.0"%"');
    expect(cellByHeader(ws, 2, 'Numerator').numFmt).toBe('#,##0');
  });

  it('never shows a number for a suppressed figure, and says why', () => {
    const rows = rowsOf(wb.getWorksheet('School readiness')!);
    const north = rows.find((r) => r['Period id'] === '2024-25-Q3' && r['Area id'] === 'north')!;
    expect(north).toMatchObject({ 'Value (%)': null, Numerator: null, Denominator: null, Marker: 'c (suppressed: small numbers)', RAG: 'Not rated' });
  });

  it('stores a formula-like title as text, not a formula', () => {
    const ws = wb.getWorksheet('Scorecard')!;
    const cell = cellByHeader(ws, 4, 'Indicator');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(cell.value).toBe(`'=HYPERLINK("http://x","y")`);
    const defs = wb.getWorksheet('Definitions')!;
    expect(cellByHeader(defs, 4, 'Title').value).toBe(`'=HYPERLINK("http://x","y")`);
    expect(cellByHeader(defs, 4, 'Source notes').value).toBe(`'@SUM(A1:A2)`);
    expect(cellByHeader(defs, 4, 'Source notes').type).toBe(ExcelJS.ValueType.String);
  });

  it('lists every indicator in Definitions', () => {
    const rows = rowsOf(wb.getWorksheet('Definitions')!);
    expect(rows.map((r) => r['Indicator id'])).toEqual(['school_readiness', 'referrals', 'admissions']);
    expect(rows[0]).toMatchObject({ 'Series sheet': 'School readiness', Polarity: 'Higher is better', Baseline: '2023-24: 61.5%', Owner: 'Head of Early Years', 'RAG rule': 'green at or above 60%; amber within 5% below; red otherwise' });
  });

  it('sets deterministic workbook properties', () => {
    expect(wb.creator).toBe('boardpack');
    expect(wb.created.toISOString()).toBe(META.generatedAt);
    expect(wb.modified.toISOString()).toBe(META.generatedAt);
    expect(wb.company).toBe(META.partnership);
  });

  it('gives byte-identical files for the same inputs', async () => {
    // Every zip entry carries generatedAt, not the wall clock (JSZip's default), so runs seconds or years
    // apart agree; the back-to-back render then shows nothing else varies.
    const d = new Date(META.generatedAt);
    const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
    const day = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
    const stamps = zipEntryStamps(bytes);
    expect(stamps.length).toBeGreaterThan(5);
    for (const s of stamps) expect(s).toEqual({ time, day });
    const again = await renderXlsx(buildAssessment(), META);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });
});

/** DOS time/date of every local file header and central directory entry. */
function zipEntryStamps(zip: Uint8Array): Array<{ time: number; day: number }> {
  const buf = Buffer.from(zip);
  const out: Array<{ time: number; day: number }> = [];
  for (let i = 0; i + 16 <= buf.length; i++) {
    const sig = buf.readUInt32LE(i);
    if (sig === 0x04034b50) out.push({ time: buf.readUInt16LE(i + 10), day: buf.readUInt16LE(i + 12) });
    else if (sig === 0x02014b50) out.push({ time: buf.readUInt16LE(i + 12), day: buf.readUInt16LE(i + 14) });
  }
  return out;
}

describe('safeText', () => {
  it('prefixes every formula starter with an apostrophe and leaves other text alone', () => {
    for (const s of ['=1+1', '+44 20', '-2 points', '@cmd', '\tx', '\rx']) expect(safeText(s)).toBe(`'${s}`);
    expect(safeText('Children in need')).toBe('Children in need');
    expect(safeText('a\u0000b\u0007c')).toBe('abc');
  });
});

describe('uniqueSheetName', () => {
  it('keeps names legal and unique', () => {
    const used = new Set(['scorecard', 'definitions']);
    expect(uniqueSheetName('Rate: per [10,000] / *?\\', used)).toBe('Rate per 10,000');
    expect(uniqueSheetName('Scorecard', used)).toBe('Scorecard (2)');
    expect(uniqueSheetName('history', used, 'history_ind')).toBe('history_ind');
    const long = 'An indicator title that is far too long for Excel';
    const a = uniqueSheetName(long, used);
    const b = uniqueSheetName(long, used);
    expect(a).toBe('An indicator title that is far'); // 31 characters, trailing space trimmed
    expect(b.length).toBeLessThanOrEqual(31);
    expect(b.endsWith(' (2)')).toBe(true);
    expect(uniqueSheetName("'quoted'", used)).toBe('quoted');
  });
});

describe('setZipTimestamps', () => {
  it('leaves bytes that are not a zip unchanged', () => {
    const x = new Uint8Array([1, 2, 3]);
    expect(setZipTimestamps(x, new Date())).toBe(x);
  });
});
