/**
 * XLSX through exceljs's streaming reader: values, never formulas (a formula cell gives its cached result),
 * dates as ISO text, rich text flattened. Rows go through DuckDB's appender into the same raw table as CSV.
 */
import { open } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';
import type { Warehouse } from '../warehouse/db.js';
import { detectHeaderRow, matchHeaders } from './headers.js';
import { RAW_TABLE } from './raw-table.js';

/** Text of a cell value as a person sees it (dates as ISO, formulas as their result). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const isoStr = v.toISOString();
    return isoStr.endsWith('T00:00:00.000Z') ? isoStr.slice(0, 10) : isoStr.slice(0, 19).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as Array<{ text: string }>).map((t) => t.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('formula' in o || 'sharedFormula' in o) return '';
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

async function signature(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(8);
    const { bytesRead } = await fh.read(b, 0, 8, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Worksheet file number (xl/worksheets/sheetN.xml) → sheet name, from the workbook's own index. exceljs's
 * streaming reader names a sheet only when xl/workbook.xml comes before the sheet in the zip; exceljs itself
 * writes it last, so without this every sheet of such a workbook would be called "SheetN".
 */
export async function readSheetNames(file: string): Promise<Map<string, string>> {
  const zip = await JSZip.loadAsync(await readFile(file));
  const wbXml = await zip.file('xl/workbook.xml')?.async('string');
  const relsXml = await zip.file('xl/_rels/workbook.xml.rels')?.async('string');
  const out = new Map<string, string>();
  if (!wbXml || !relsXml) return out;
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) targets.set(id, target);
  }
  for (const m of wbXml.matchAll(/<sheet\b[^>]*>/g)) {
    const name = attr(m[0], 'name');
    const rid = attr(m[0], 'r:id') ?? /\bid="([^"]*)"/.exec(m[0].replace(/\bsheetId="[^"]*"/, ''))?.[1];
    const target = rid ? targets.get(rid) : undefined;
    const n = target ? /sheet(\d+)\.xml$/.exec(target)?.[1] : undefined;
    if (name && n) out.set(n, unescapeXml(name));
  }
  return out;
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

export type RowProgress = (rows: number) => void;

export async function readXlsxToRaw(wh: Warehouse, file: string, relFile: string, source: SourceDef, cols: string[], progress?: RowProgress): Promise<{ rows: number; problems: Problem[]; sheets: string[] }> {
  const sig = await signature(file);
  if (sig.length === 0) throw new BoardpackError(problem('BP_INGEST_EMPTY_FILE', 'the file is empty', { file: relFile, fix: 'ask the partner to send the workbook again' }));
  if (sig[0] === 0xd0 && sig[1] === 0xcf && sig[2] === 0x11 && sig[3] === 0xe0) {
    throw new BoardpackError(problem('BP_INGEST_XLSX_ENCRYPTED', 'the workbook is password-protected (or an old .xls file)', {
      file: relFile, fix: 'ask the partner to remove the password, or open it and save it as .xlsx without one',
    }));
  }
  if (!(sig[0] === 0x50 && sig[1] === 0x4b)) {
    throw new BoardpackError(problem('BP_INGEST_WRONG_FORMAT', 'the file is not an XLSX workbook (it is not a ZIP archive)', {
      file: relFile, fix: 'if it is a CSV, rename it to .csv and set `format: csv`',
    }));
  }
  const problems: Problem[] = [];
  const appender = await wh.conn.createAppender(RAW_TABLE, 'main', 'temp');
  let rows = 0;
  const seenSheets: string[] = [];
  const readSheets: string[] = [];
  try {
    const needNames = Boolean(source.sheets || source.period?.sheetName);
    const names = needNames ? await readSheetNames(file) : new Map<string, string>();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    for await (const ws of reader) {
      const w = ws as unknown as { name: string; id: number | string };
      const sheetName = w.name === `Sheet${w.id}` && names.get(String(w.id)) ? names.get(String(w.id))! : w.name;
      seenSheets.push(sheetName);
      if (source.sheets && !source.sheets.some((s) => s.trim().toLowerCase() === sheetName.trim().toLowerCase())) continue;
      readSheets.push(sheetName);
      const buffered: string[][] = [];
      const rowNumbers: number[] = [];
      let headerIdx = 0;
      let index: Map<string, number> | undefined;
      let wide: number[] = [];
      let headerRow: string[] = [];
      const emit = (values: string[], rowNumber: number) => {
        if (values.every((v) => v.trim() === '')) return;
        if (source.skipRowsMatching.some((m) => (values[0] ?? '').toLowerCase().includes(m.toLowerCase()))) return;
        const put = (v: string | undefined) => { if (v === undefined || v === '') appender.appendNull(); else appender.appendVarchar(v); };
        if (source.wide) {
          // Wide layout: one raw row per unpivoted header that has a value in this row.
          for (const w of wide) {
            const cell = values[w] ?? '';
            if (cell === '') continue;
            appender.appendVarchar(relFile);
            appender.appendVarchar(sheetName);
            appender.appendInteger(rowNumber);
            for (const c of cols) {
              if (c === source.wide.namesTo) put(headerRow[w]);
              else if (c === source.wide.valuesTo) put(cell);
              else { const i = index!.get(c); put(i === undefined ? undefined : values[i]); }
            }
            appender.endRow();
            rows++;
            if (progress && rows % 5000 === 0) progress(rows);
          }
          return;
        }
        appender.appendVarchar(relFile);
        appender.appendVarchar(sheetName);
        appender.appendInteger(rowNumber);
        for (const c of cols) {
          const i = index!.get(c);
          put(i === undefined ? undefined : values[i]);
        }
        appender.endRow();
        rows++;
        if (progress && rows % 5000 === 0) progress(rows);
      };
      const settleHeader = () => {
        // An explicit header row is a worksheet row number; empty rows are not streamed, so look it up.
        if (source.headerRow !== 'auto') headerIdx = Math.max(0, rowNumbers.indexOf(source.headerRow));
        else headerIdx = detectHeaderRow(buffered, source);
        headerRow = buffered[headerIdx] ?? [];
        const m = matchHeaders(headerRow, source, { file: relFile, sheet: sheetName, row: rowNumbers[headerIdx] });
        problems.push(...m.problems);
        index = m.index;
        wide = m.wide;
        if (m.problems.some((p) => p.severity === 'error')) return false;
        for (let i = headerIdx + 1; i < buffered.length; i++) emit(buffered[i], rowNumbers[i]);
        return true;
      };
      let ok = true;
      for await (const row of ws) {
        const r = row as ExcelJS.Row;
        const values: string[] = [];
        r.eachCell({ includeEmpty: false }, (cell, col) => { values[col - 1] = cellText(cell.value).trim(); });
        for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
        if (r.number <= (source.skipRows ?? 0)) continue;
        if (!index) {
          // Rows before the header is known are kept, so a title block above the header can be skipped.
          buffered.push(values);
          rowNumbers.push(r.number);
          if (buffered.length >= 30 || (source.headerRow !== 'auto' && r.number > source.headerRow)) {
            ok = settleHeader();
            if (!ok) break;
          }
        } else if (ok) emit(values, r.number);
      }
      if (!index && ok && buffered.length) settleHeader();
    }
  } catch (e) {
    if (e instanceof BoardpackError) throw e;
    throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: ${(e as Error).message?.split('\n')[0]}`, {
      file: relFile, fix: 'the file may be truncated or damaged: open it in Excel, save it again, and resend',
    }), { cause: e });
  } finally {
    appender.closeSync();
  }
  if (source.sheets) {
    for (const s of source.sheets) {
      if (!seenSheets.some((x) => x.trim().toLowerCase() === s.trim().toLowerCase())) {
        problems.push(problem('BP_INGEST_SHEET_MISSING', `sheet "${s}" is not in the workbook`, { file: relFile, sheet: s, value: s, expected: `one of ${seenSheets.join(', ')}`, fix: 'correct `sheets:` in the source contract, or ask the partner which sheet holds the data' }));
      }
    }
  }
  if (rows === 0 && !problems.some((p) => p.severity === 'error')) {
    problems.push(problem('BP_INGEST_NO_ROWS', 'the workbook has no data rows', { file: relFile, fix: 'check the sheet names and the header row' }));
  }
  return { rows, problems, sheets: readSheets };
}
