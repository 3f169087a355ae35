/**
 * XLSX through exceljs's streaming reader: values, never formulas (a formula cell gives its cached result),
 * dates as ISO text, rich text flattened. Rows go through DuckDB's row appender into the same raw table as CSV
 * (measured: @duckdb/node-api 1.5.6's DuckDBDataChunk + appendDataChunk is slower here, as each VARCHAR still
 * costs one N-API call and the vector wrappers add their own bookkeeping).
 *
 * Every zip entry is inflated once and counted (nothing kept but the small workbook index): a workbook that
 * expands past BOARDPACK_XLSX_MAX_MB (default 500 MB) — a zip bomb, or a workbook too big for this reader — is
 * refused with BP_INGEST_XLSX_TOO_LARGE. The count is of bytes actually inflated, not the sizes the zip
 * declares (which can lie). The scan runs beside exceljs's read (zlib inflates on libuv's threads), ahead of
 * it: exceljs (whose unzipper has no limit, and which writes a sheet to a temp file when it precedes the
 * shared strings) reads the file through a gate that releases only bytes whose inflated output the scan has
 * already counted, so it never inflates more than the limit either, and a refusal is the scan's problem.
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BoardpackError, UsageError, fromThreadError, problem, type Problem, type ThreadError } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';
import { quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { detectHeaderRow, matchHeaders } from './headers.js';
import { RAW_TABLE } from './raw-table.js';
import { unpackRows, xlsxEvents, xlsxMaxBytes, type PackedRows, type XlsxEvent, type XlsxReadOptions, type ZipScan } from './xlsx-stream.js';

export { cellText, gatedFile, readSheetNames, scanXlsxZip, ScanGate, sheetNamesFromIndex, startXlsxScan, XLSX_MAX_MB_DEFAULT, XLSX_MAX_MB_ENV, xlsxEvents, xlsxMaxBytes } from './xlsx-stream.js';
export type { ScanRun, XlsxEvent, XlsxReadOptions, ZipScan } from './xlsx-stream.js';

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

export type RowProgress = (rows: number) => void;

/**
 * Where a workbook's data rows go: one call per row (per unpivoted cell in a wide layout) with the contract
 * columns' text in `cols` order (undefined: not in the file, or empty). `flush` is awaited after a row when it
 * says so; `discard` drops what one read wrote, so a read that fell short can be done again.
 */
export interface RowSink {
  open(): Promise<void>;
  row(sheet: string, rowNumber: number, cells: Array<string | undefined>): boolean;
  flush(): Promise<void>;
  close(): void;
  discard(): Promise<void>;
}

/** The text sink: every row into the raw table `bp_raw`, as text, through DuckDB's row appender. */
export function rawSink(wh: Warehouse, relFile: string): RowSink {
  let appender: Awaited<ReturnType<Warehouse['conn']['createAppender']>> | undefined;
  return {
    async open() { appender = await wh.conn.createAppender(RAW_TABLE, 'main', 'temp'); },
    row(sheet, rowNumber, cells) {
      const a = appender!;
      a.appendVarchar(relFile);
      a.appendVarchar(sheet);
      a.appendInteger(rowNumber);
      for (const v of cells) { if (v === undefined || v === '') a.appendNull(); else a.appendVarchar(v); }
      a.endRow();
      return false;
    },
    async flush() { /* rows go straight to the appender */ },
    close() { appender?.closeSync(); appender = undefined; },
    async discard() { await wh.run(`DELETE FROM temp.${RAW_TABLE} WHERE _file = ${quoteLiteral(relFile)}`); },
  };
}

export async function readXlsxToRaw(wh: Warehouse, file: string, relFile: string, source: SourceDef, cols: string[], progress?: RowProgress): Promise<{ rows: number; problems: Problem[]; sheets: string[] }> {
  return readXlsx(file, relFile, source, cols, rawSink(wh, relFile), progress);
}

export const XLSX_THREAD_MB_ENV = 'BOARDPACK_XLSX_THREAD_MB';

/**
 * The file size from which a workbook is parsed on a worker thread while this thread types and appends its
 * rows: BOARDPACK_XLSX_THREAD_MB if set (megabytes as stored; 0 for every workbook), else never. Off by
 * default because it has not been measured to help: on this two-core machine, shared, the thread was slower
 * every time (500,000 rows: 17-18 s against 15 s at load 1.8, 30-40 s against 21-24 s at load 6-8; the thread
 * spends about 60% more CPU on the same parse than the main thread does, much of it in V8's GC helper threads).
 */
export function xlsxThreadBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[XLSX_THREAD_MB_ENV]?.trim();
  if (!raw) return Infinity;
  if (!/^\d+(\.\d+)?$/.test(raw)) {
    throw new UsageError(`${XLSX_THREAD_MB_ENV}="${raw}" is not a number of megabytes`, 'set it to a number such as 8 (0: every workbook on a worker thread), or unset it to read every workbook on the main thread');
  }
  return Number(raw) * 1e6;
}

/**
 * A worker thread running `xlsx-thread`: the compiled module beside this one, or, running from the TypeScript
 * sources (tests, the benchmark), the source module through tsx's loader registered in the thread.
 */
function startXlsxThread(data: unknown): Worker | undefined {
  try {
    const compiled = new URL('./xlsx-thread.js', import.meta.url);
    if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: data });
    const source = new URL('./xlsx-thread.ts', import.meta.url);
    if (!existsSync(fileURLToPath(source))) return undefined;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`, { eval: true, workerData: data });
  } catch {
    return undefined;
  }
}

/**
 * `xlsxEvents` run on a worker thread (`xlsx-thread.ts`), its events taken here as they come; the same events
 * and the same errors (a coded problem with its problems, anything else by its message). Without a thread
 * (none can start) the read is done on this one.
 */
export async function* threadEvents(file: string, relFile: string, opts: XlsxReadOptions, scanned?: ZipScan): AsyncGenerator<XlsxEvent> {
  const worker = startXlsxThread({ file, relFile, opts, scanned });
  if (!worker) {
    yield* xlsxEvents(file, relFile, opts, scanned);
    return;
  }
  const queue: Array<XlsxEvent | PackedRows | ({ k: 'error' } & ThreadError)> = [];
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  let received = 0;
  worker.on('message', (m) => { received++; queue.push(m); poke(); });
  worker.on('error', (e) => { failure ??= e; poke(); });
  worker.on('exit', (code) => { if (!ended) failure ??= new Error(`the workbook reader thread stopped (exit code ${code})`); poke(); });
  try {
    for (let at = 0; ;) {
      while (at < queue.length) {
        const ev = queue[at++];
        if (at > 64) { queue.splice(0, at); at = 0; }
        if (ev.k === 'error') {
          ended = true;
          throw fromThreadError(ev);
        }
        if (ev.k === 'packed') {
          // The thread may parse the next batch while this one is typed and appended.
          worker.postMessage(1);
          yield unpackRows(ev);
          continue;
        }
        yield ev;
        if (ev.k === 'end') { ended = true; return; }
      }
      if (failure) {
        // A thread that could not even start its read (its module not loadable here, say): the read is done on
        // this thread instead, so what is reported is about the workbook, never the thread.
        if (received === 0) break;
        throw failure;
      }
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    ended = true;
    void worker.terminate();
  }
  yield* xlsxEvents(file, relFile, opts, scanned);
}

/**
 * Reads a workbook's data rows into `sink`: the file's signature, then the zip scan (size limits) and
 * exceljs's streaming reader side by side (`xlsxEvents`), the read checked against the zip's own parts (a
 * short read is done again).
 */
export async function readXlsx(file: string, relFile: string, source: SourceDef, cols: string[], sink: RowSink, progress?: RowProgress): Promise<{ rows: number; problems: Problem[]; sheets: string[] }> {
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
  const opts: XlsxReadOptions = { sheets: source.sheets, skipRows: source.skipRows ?? 0, batchRows: 1000, maxBytes: xlsxMaxBytes() };
  const threaded = (await stat(file)).size >= xlsxThreadBytes();
  // exceljs's unzip loop now and then ends before the last parts under load (seen about once in a thousand
  // reads): the shared strings or a later sheet are then never read, and cells come back as bare string
  // indexes. Every read is checked against the zip's own list of parts and done again when it fell short,
  // so a workbook is never loaded with text or sheets missing.
  let scanned: ZipScan | undefined;
  for (let attempt = 1; ; attempt++) {
    const read = await readOnce(threaded ? threadEvents(file, relFile, opts, scanned) : xlsxEvents(file, relFile, opts, scanned));
    scanned = read.end.scan;
    const { parts } = scanned;
    const sheetParts = parts.filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).length;
    const hasSharedStrings = parts.includes('xl/sharedStrings.xml');
    // Without the styles a dated cell reads as its serial number (45107 for 30 June 2023): a sheet parsed before
    // them is a short read too.
    const hasStyles = parts.includes('xl/styles.xml');
    const { sheetsSeen, sharedStringsRead, sheetBeforeStyles } = read.end;
    if (sheetsSeen >= sheetParts && (sharedStringsRead || !hasSharedStrings) && (!sheetBeforeStyles || !hasStyles)) return read.result;
    await sink.discard();
    if (attempt === 3) {
      throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: three reads in a row stopped before its last part (${sheetsSeen} of ${sheetParts} sheets${hasSharedStrings && !sharedStringsRead ? ', shared strings not reached' : ''}${hasStyles && sheetBeforeStyles ? ', a sheet read before the cell styles' : ''})`, {
        file: relFile, fix: 'run again; if it happens every time, open the workbook in Excel, save it again, and resend',
      }));
    }
  }

  async function readOnce(events: AsyncIterable<XlsxEvent>): Promise<{ result: { rows: number; problems: Problem[]; sheets: string[] }; end: Extract<XlsxEvent, { k: 'end' }> }> {
    const problems: Problem[] = [];
    await sink.open();
    let rows = 0;
    // A sink that buffers (rows it sends elsewhere) asks to be flushed before the next row.
    let flush = false;
    const seenSheets: string[] = [];
    const readSheets: string[] = [];
    let end: Extract<XlsxEvent, { k: 'end' }> | undefined;
    // Lower-cased once: the first cell of every row is tested against them.
    const skipMatching = source.skipRowsMatching.map((m) => m.toLowerCase());
    try {
      let sheetName = '';
      let reading = false;
      const buffered: string[][] = [];
      const rowNumbers: number[] = [];
      let headerIdx = 0;
      let index: Map<string, number> | undefined;
      // Contract column position → worksheet column index (or -1), fixed once the header is matched.
      let colIdx: number[] = [];
      let wide: number[] = [];
      let namesToAt = -1;
      let valuesToAt = -1;
      let headerRow: string[] = [];
      let ok = true;
      const emit = (values: string[], rowNumber: number) => {
        if (skipMatching.length) {
          const first = (values[0] ?? '').toLowerCase();
          if (skipMatching.some((m) => first.includes(m))) return;
        }
        if (source.wide) {
          // Wide layout: one raw row per unpivoted header that has a value in this row.
          for (const wc of wide) {
            const cell = values[wc] ?? '';
            if (cell === '') continue;
            const cells = colIdx.map((at, c) => (c === namesToAt ? headerRow[wc] : c === valuesToAt ? cell : at >= 0 ? values[at] : undefined));
            if (sink.row(sheetName, rowNumber, cells)) flush = true;
            rows++;
            if (progress && rows % 5000 === 0) progress(rows);
          }
          return;
        }
        const cells = new Array<string | undefined>(colIdx.length);
        for (let c = 0; c < colIdx.length; c++) cells[c] = colIdx[c] >= 0 ? values[colIdx[c]] : undefined;
        if (sink.row(sheetName, rowNumber, cells)) flush = true;
        rows++;
        if (progress && rows % 5000 === 0) progress(rows);
      };
      const settleHeader = () => {
        // An explicit header row is a worksheet row number; empty rows are not streamed, so look it up.
        if (source.headerRow !== 'auto') headerIdx = Math.max(0, rowNumbers.indexOf(source.headerRow));
        else headerIdx = detectHeaderRow(buffered, source);
        headerRow = buffered[headerIdx] ?? [];
        const where = { file: relFile, sheet: sheetName, row: rowNumbers[headerIdx] };
        const m = matchHeaders(headerRow, source, where);
        problems.push(...m.problems);
        index = m.index;
        wide = m.wide;
        colIdx = cols.map((c) => m.index.get(c) ?? -1);
        namesToAt = source.wide ? cols.indexOf(source.wide.namesTo) : -1;
        valuesToAt = source.wide ? cols.indexOf(source.wide.valuesTo) : -1;
        if (m.problems.some((p) => p.severity === 'error')) return false;
        for (let i = headerIdx + 1; i < buffered.length; i++) {
          if (!buffered[i].every((v) => v === '')) emit(buffered[i], rowNumbers[i]);
        }
        return true;
      };
      const endSheet = async () => {
        if (!reading) return;
        reading = false;
        if (!index && ok && buffered.length) settleHeader();
        if (flush) { flush = false; await sink.flush(); }
      };
      for await (const ev of events) {
        if (ev.k === 'rows') {
          if (!reading || !ok) continue;
          const { numbers, values: batch } = ev;
          for (let b = 0; b < numbers.length; b++) {
            const values = batch[b];
            if (!index) {
              for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
              // Rows before the header is known are kept, so a title block above the header can be skipped.
              buffered.push(values);
              rowNumbers.push(numbers[b]);
              if (buffered.length >= 30 || (source.headerRow !== 'auto' && numbers[b] > source.headerRow)) {
                ok = settleHeader();
                if (!ok) break;
              }
            } else if (values.some((v) => v !== '')) emit(values, numbers[b]);
            if (flush) { flush = false; await sink.flush(); }
          }
        } else if (ev.k === 'sheet') {
          await endSheet();
          seenSheets.push(ev.name);
          if (!ev.read) continue;
          readSheets.push(ev.name);
          sheetName = ev.name;
          reading = true;
          ok = true;
          buffered.length = 0;
          rowNumbers.length = 0;
          headerIdx = 0;
          index = undefined;
          colIdx = [];
          wide = [];
          headerRow = [];
        } else {
          await endSheet();
          end = ev;
        }
      }
    } catch (e) {
      if (e instanceof BoardpackError) throw e;
      throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: ${(e as Error).message?.split('\n')[0]}`, {
        file: relFile, fix: 'the file may be truncated or damaged: open it in Excel, save it again, and resend',
      }), { cause: e });
    } finally {
      sink.close();
    }
    if (!end) throw new Error('the workbook reader ended without its last event');
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
    return { result: { rows, problems, sheets: readSheets }, end };
  }
}
