/**
 * XLSX through exceljs's streaming reader: values, never formulas (a formula cell gives its cached result),
 * dates as ISO text, rich text flattened. Rows go through DuckDB's appender into the same raw table as CSV.
 */
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
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

export async function readXlsxToRaw(wh: Warehouse, file: string, relFile: string, source: SourceDef, cols: string[]): Promise<{ rows: number; problems: Problem[] }> {
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
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    for await (const ws of reader) {
      const sheetName = (ws as unknown as { name: string }).name;
      seenSheets.push(sheetName);
      if (source.sheets && !source.sheets.includes(sheetName)) continue;
      const buffered: string[][] = [];
      const rowNumbers: number[] = [];
      let headerIdx = 0;
      let index: Map<string, number> | undefined;
      const emit = (values: string[], rowNumber: number) => {
        if (values.every((v) => v.trim() === '')) return;
        if (source.skipRowsMatching.some((m) => (values[0] ?? '').toLowerCase().includes(m.toLowerCase()))) return;
        appender.appendVarchar(relFile);
        appender.appendVarchar(sheetName);
        appender.appendInteger(rowNumber);
        for (const c of cols) {
          const i = index!.get(c);
          const v = i === undefined ? undefined : values[i];
          if (v === undefined || v === '') appender.appendNull(); else appender.appendVarchar(v);
        }
        appender.endRow();
        rows++;
      };
      const settleHeader = () => {
        // An explicit header row is a worksheet row number; empty rows are not streamed, so look it up.
        if (source.headerRow !== 'auto') headerIdx = Math.max(0, rowNumbers.indexOf(source.headerRow));
        else headerIdx = detectHeaderRow(buffered, source);
        const m = matchHeaders(buffered[headerIdx] ?? [], source, { file: relFile, sheet: sheetName, row: rowNumbers[headerIdx] });
        problems.push(...m.problems);
        index = m.index;
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
      if (!seenSheets.includes(s)) problems.push(problem('BP_INGEST_SHEET_MISSING', `sheet "${s}" is not in the workbook`, { file: relFile, value: s, expected: `one of ${seenSheets.join(', ')}`, fix: 'correct `sheets:` in the source contract' }));
    }
  }
  if (rows === 0 && !problems.some((p) => p.severity === 'error')) {
    problems.push(problem('BP_INGEST_NO_ROWS', 'the workbook has no data rows', { file: relFile, fix: 'check the sheet names and the header row' }));
  }
  return { rows, problems };
}
