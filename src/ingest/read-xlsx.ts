/**
 * XLSX through exceljs's streaming reader: values, never formulas (a formula cell gives its cached result),
 * dates as ISO text, rich text flattened. Rows go through DuckDB's row appender into the same raw table as CSV
 * (measured: @duckdb/node-api 1.5.6's DuckDBDataChunk + appendDataChunk is slower here, as each VARCHAR still
 * costs one N-API call and the vector wrappers add their own bookkeeping).
 *
 * Before exceljs sees the file, every zip entry is inflated once and counted (nothing kept but the small
 * workbook index): a workbook that expands past BOARDPACK_XLSX_MAX_MB (default 500 MB) — a zip bomb, or a
 * workbook too big for this reader — is refused with BP_INGEST_XLSX_TOO_LARGE. The count is of bytes actually
 * inflated, not the sizes the zip declares (which can lie), so exceljs (whose unzipper has no limit, and which
 * writes a sheet to a temp file when it precedes the shared strings) never inflates more than that.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
// exceljs (and its zip and CSV libraries, about 0.9 s of CPU to load) only when a workbook is read.
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { BoardpackError, UsageError, problem, type Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';
import { quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { detectHeaderRow, matchHeaders } from './headers.js';
import { RAW_TABLE } from './raw-table.js';

/**
 * Text of a date cell: ISO date, or date and time. Extracts repeat the same days many times, so a whole day's
 * text is cached by day number (a small integer key; bounded, cleared when full).
 */
const dayTexts = new Map<number, string>();
function dateText(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) return '';
  const day = t / 86_400_000;
  if (day >= 0 && day < 1e6 && Number.isInteger(day)) {
    let s = dayTexts.get(day | 0);
    if (s === undefined) {
      s = d.toISOString().slice(0, 10);
      if (dayTexts.size >= 50_000) dayTexts.clear();
      dayTexts.set(day | 0, s);
    }
    return s;
  }
  const isoStr = d.toISOString();
  return isoStr.endsWith('T00:00:00.000Z') ? isoStr.slice(0, 10) : isoStr.slice(0, 19).replace('T', ' ');
}

/** Text of a cell value as a person sees it (dates as ISO, formulas as their result). */
export function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
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

/** Megabytes (10^6 bytes) a workbook may expand to when unzipped, all its parts together. */
export const XLSX_MAX_MB_DEFAULT = 500;
export const XLSX_MAX_MB_ENV = 'BOARDPACK_XLSX_MAX_MB';

/** The limit in bytes: BOARDPACK_XLSX_MAX_MB if set (a positive number of megabytes), else 500 MB. */
export function xlsxMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[XLSX_MAX_MB_ENV]?.trim();
  if (!raw) return XLSX_MAX_MB_DEFAULT * 1e6;
  const mb = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(mb > 0)) {
    throw new UsageError(`${XLSX_MAX_MB_ENV}="${raw}" is not a positive number of megabytes`, `set it to a number such as ${XLSX_MAX_MB_DEFAULT * 4}, or unset it for the default of ${XLSX_MAX_MB_DEFAULT} MB`);
  }
  return mb * 1e6;
}

const mbText = (bytes: number) => bytes < 1e6
  ? `${bytes.toLocaleString('en-GB')} bytes`
  : `${(bytes / 1e6).toLocaleString('en-GB', { maximumFractionDigits: bytes < 10e6 ? 1 : 0 })} MB`;

/** The parts exceljs holds whole in memory and we read for sheet names: kept as text when they are this small. */
const INDEX_PARTS = new Set(['xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
const INDEX_PART_MAX = 5e6;

export interface ZipScan {
  /** Bytes inflated, all entries together. */
  inflatedBytes: number;
  /** `xl/workbook.xml` and its relationships, as text (when present and under 5 MB). */
  indexParts: Map<string, string>;
  /** Every part's name, in the zip's order. */
  parts: string[];
  /** Where the zip directory starts: the parts lie back to back before it (checked). */
  directoryOffset: number;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false: part names are ASCII, and yauzl's name validation is not ours to enforce here.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }, (e, zip) => (e || !zip ? reject(e ?? new Error('cannot open the zip archive')) : resolve(zip)));
  });
}

/** The zip's entries one at a time (central directory order), then undefined. */
function entries(zip: yauzl.ZipFile): () => Promise<yauzl.Entry | undefined> {
  let waiting: { resolve: (e: yauzl.Entry | undefined) => void; reject: (e: Error) => void } | undefined;
  let failed: Error | undefined;
  let ended = false;
  zip.on('entry', (e: yauzl.Entry) => { const w = waiting; waiting = undefined; w?.resolve(e); });
  zip.on('end', () => { ended = true; const w = waiting; waiting = undefined; w?.resolve(undefined); });
  zip.on('error', (e: Error) => { failed = e; const w = waiting; waiting = undefined; w?.reject(e); });
  return () => new Promise((resolve, reject) => {
    if (failed) return reject(failed);
    if (ended) return resolve(undefined);
    waiting = { resolve, reject };
    zip.readEntry();
  });
}

function rawStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const done = (e: Error | null, s?: Readable) => (e || !s ? reject(e ?? new Error('cannot read a zip entry')) : resolve(s));
    if (entry.compressionMethod === 8) zip.openReadStream(entry, { decompress: false } as yauzl.ZipFileOptions, done);
    else zip.openReadStream(entry, done);
  });
}

/**
 * Inflates every entry of the workbook once, counting the bytes (nothing is kept but the small workbook index),
 * and refuses with BP_INGEST_XLSX_TOO_LARGE as soon as the declared or the inflated total passes `maxBytes`.
 * A damaged archive is BP_INGEST_XLSX_UNREADABLE. Memory stays at one inflate window whatever the input.
 */
export async function scanXlsxZip(file: string, relFile: string, maxBytes = xlsxMaxBytes()): Promise<ZipScan> {
  const tooLarge = (entryName: string, how: string) => new BoardpackError(problem('BP_INGEST_XLSX_TOO_LARGE',
    `the workbook expands to more than ${mbText(maxBytes)} when unzipped (part ${entryName} ${how}): it is too large for the XLSX reader, or a zip bomb`, {
      file: relFile, value: entryName, expected: `at most ${mbText(maxBytes)} unzipped`,
      fix: `save the sheet as CSV (CSV UTF-8) or split the workbook into smaller ones; if it really is this large, raise the limit with ${XLSX_MAX_MB_ENV} (megabytes; now ${maxBytes / 1e6})`,
    }));
  const unreadable = (why: string, cause?: unknown) => new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: ${why}`, {
    file: relFile, fix: 'the file may be truncated or damaged: open it in Excel, save it again, and resend',
  }), cause ? { cause } : undefined);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    throw unreadable(`it is not a complete ZIP archive (${(e as Error).message})`, e);
  }
  const next = entries(zip);
  const indexParts = new Map<string, string>();
  const spans: EntrySpan[] = [];
  let declared = 0;
  let inflated = 0;
  try {
    for (;;) {
      let entry: yauzl.Entry | undefined;
      try {
        entry = await next();
      } catch (e) {
        throw unreadable(`its ZIP directory is damaged (${(e as Error).message})`, e);
      }
      if (!entry) break;
      const name = Buffer.isBuffer(entry.fileName) ? (entry.fileName as Buffer).toString('utf8') : String(entry.fileName);
      spans.push({ name, offset: entry.relativeOffsetOfLocalHeader, compressedSize: entry.compressedSize, method: entry.compressionMethod, flags: entry.generalPurposeBitFlag, zip64: entry.extraFields.some((f) => f.id === 1) });
      if (name.endsWith('/')) continue;
      declared += entry.uncompressedSize;
      if (entry.uncompressedSize > maxBytes || declared > maxBytes) throw tooLarge(name, `declares ${mbText(entry.uncompressedSize)}${entry.uncompressedSize <= maxBytes ? `, ${mbText(declared)} with the parts before it` : ''}`);
      if (entry.isEncrypted()) throw unreadable(`part ${name} is encrypted`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw unreadable(`part ${name} uses an unsupported compression method (${entry.compressionMethod})`);
      const keep = INDEX_PARTS.has(name) && entry.uncompressedSize <= INDEX_PART_MAX;
      const kept: Buffer[] = [];
      let n = 0;
      let stream: Readable;
      try {
        stream = await rawStream(zip, entry);
      } catch (e) {
        throw unreadable(`part ${name} cannot be read (${(e as Error).message})`, e);
      }
      let refusal: BoardpackError | undefined;
      const count = async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          n += chunk.length;
          inflated += chunk.length;
          // The sizes a zip declares can lie: what counts is what inflates.
          if (inflated > maxBytes) throw (refusal = tooLarge(name, `inflates past the limit, though its header declares ${mbText(entry!.uncompressedSize)}`));
          if (keep && n <= INDEX_PART_MAX) kept.push(chunk);
        }
      };
      try {
        if (entry.compressionMethod === 8) await pipeline(stream, createInflateRaw({ chunkSize: 1 << 20 }), count);
        else await pipeline(stream, count);
      } catch (e) {
        // pipeline() reports a sink's own error as an AbortError: the refusal is kept aside.
        if (refusal) throw refusal;
        if (e instanceof BoardpackError) throw e;
        throw unreadable(`part ${name} is damaged (${(e as Error).message})`, e);
      }
      if (n !== entry.uncompressedSize) throw unreadable(`part ${name} inflates to ${n.toLocaleString('en-GB')} bytes, not the ${entry.uncompressedSize.toLocaleString('en-GB')} its header declares`);
      if (keep) indexParts.set(name, Buffer.concat(kept).toString('utf8'));
    }
  } finally {
    zip.close();
  }
  const directoryOffset = await checkLayout(file, spans, unreadable);
  return { inflatedBytes: inflated, indexParts, parts: spans.map((e) => e.name), directoryOffset };
}

interface EntrySpan { name: string; offset: number; compressedSize: number; method: number; flags: number; zip64: boolean }

/**
 * exceljs's unzipper reads the local headers one after another, not the zip directory yauzl reads; so the file
 * must be exactly the listed entries, back to back, then the directory: an entry hidden between them (or a
 * local header that claims another compression method) would be inflated by exceljs without being counted.
 * Returns where the directory starts.
 */
async function checkLayout(file: string, spans: EntrySpan[], unreadable: (why: string) => BoardpackError): Promise<number> {
  spans.sort((a, b) => a.offset - b.offset);
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(30);
    const readAt = async (pos: number, n: number) => (await fh.read(b, 0, n, pos)).bytesRead === n;
    let pos = 0;
    for (const s of spans) {
      if (s.offset !== pos) throw unreadable(`it holds data that its ZIP directory does not list (at byte ${pos.toLocaleString('en-GB')}, before part ${s.name})`);
      if (!(await readAt(pos, 30)) || b.readUInt32LE(0) !== 0x04034b50) throw unreadable(`part ${s.name} has no local header where its ZIP directory says`);
      if (b.readUInt16LE(8) !== s.method) throw unreadable(`part ${s.name} claims two compression methods`);
      let end = pos + 30 + b.readUInt16LE(26) + b.readUInt16LE(28) + s.compressedSize;
      if (s.flags & 0x8) {
        // A data descriptor follows the data: an optional signature, the CRC and the two sizes.
        const signed = (await readAt(end, 4)) && b.readUInt32LE(0) === 0x08074b50;
        end += (signed ? 4 : 0) + (s.zip64 ? 20 : 12);
      }
      pos = end;
    }
    const sig = (await readAt(pos, 4)) ? b.readUInt32LE(0) : 0;
    if (sig !== 0x02014b50 && sig !== 0x06064b50 && sig !== 0x06054b50) {
      throw unreadable(`it holds data that its ZIP directory does not list (at byte ${pos.toLocaleString('en-GB')}, after the last part)`);
    }
    return pos;
  } finally {
    await fh.close();
  }
}

/**
 * Worksheet file number (xl/worksheets/sheetN.xml) → sheet name, from the workbook's own index. exceljs's
 * streaming reader names a sheet only when xl/workbook.xml comes before the sheet in the zip; exceljs itself
 * writes it last, so without this every sheet of such a workbook would be called "SheetN".
 */
export function sheetNamesFromIndex(wbXml: string | undefined, relsXml: string | undefined): Map<string, string> {
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

/** The sheet names of a workbook file (see `sheetNamesFromIndex`), read within the inflated-size limit. */
export async function readSheetNames(file: string): Promise<Map<string, string>> {
  const { indexParts } = await scanXlsxZip(file, file);
  return sheetNamesFromIndex(indexParts.get('xl/workbook.xml'), indexParts.get('xl/_rels/workbook.xml.rels'));
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * The workbook as exceljs's streaming reader is fed it. Its unzip stream (unzipper 0.10) says 'end' as soon as
 * it has parsed the archive's last byte, not once its reader has taken the last part, and exceljs's loop stops
 * at that 'end': parts still queued are never read. The parser runs ahead whenever exceljs is slow to take a
 * part (small parts need no reader to be parsed) — while exceljs writes a sheet that precedes the shared
 * strings to a temp file (slower the deeper TMPDIR: its temp-file library resolves TMPDIR one folder at a
 * time), or under load — and the parts lost are the last ones: the cell styles, workbook.xml, later sheets.
 * So the zip directory (everything after the last part, which checkLayout has checked) is held back until the
 * unzip stream has handed every part to exceljs; its 'end' can then come only after them.
 */
function zipFeed(file: string, scan: ZipScan): { input: Readable; close(): void } {
  let release!: () => void;
  const handedOver = new Promise<void>((resolve) => { release = resolve; });
  if (scan.parts.length === 0) release();
  let unzip: Duplex | undefined;
  let poll: NodeJS.Timeout | undefined;
  const input = Readable.from((async function* () {
    if (scan.directoryOffset > 0) yield* createReadStream(file, { end: scan.directoryOffset - 1 });
    // A part whose end the unzip stream finds only by a signature (a data descriptor written without one) has it
    // search on into the directory: held back, that would wait for ever. So once the unzip stream has taken every
    // byte given and has no part queued, twice in a row, nothing more can come without the directory, and it is
    // given (the read then fails or falls short as it did before, and is judged as before).
    let idle = 0;
    poll = setInterval(() => {
      idle = unzip && input.readableLength === 0 && unzip.writableLength === 0 && unzip.readableLength === 0 ? idle + 1 : 0;
      if (idle >= 2) release();
    }, 100);
    await handedOver;
    clearInterval(poll);
    yield* createReadStream(file, { start: scan.directoryOffset });
  })(), { objectMode: false });
  // exceljs pipes the input into the unzip stream it makes: the parts are counted as that stream gives them out.
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(dest: T, opts?: { end?: boolean }): T => {
    const u = (unzip = dest as unknown as Duplex);
    let parts = 0;
    u.on('data', () => { if (++parts === scan.parts.length) release(); });
    // A read error would otherwise leave the unzip stream waiting for bytes that never come.
    input.on('error', (e) => u.destroy(e));
    return pipe(dest, opts);
  };
  return { input, close() { clearInterval(poll); release(); input.destroy(); } };
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

/**
 * Reads a workbook's data rows into `sink`: the file's signature, the zip scan (size limits), then exceljs's
 * streaming reader, checked against the zip's own parts (a short read is done again).
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
  // Before exceljs inflates anything: the whole workbook within the limit (and its sheet names on the way).
  const scan = await scanXlsxZip(file, relFile);
  const names = sheetNamesFromIndex(scan.indexParts.get('xl/workbook.xml'), scan.indexParts.get('xl/_rels/workbook.xml.rels'));
  // Every read is checked against the zip's own list of parts and done again when it fell short, so a workbook
  // is never loaded with text or sheets missing (cells as bare string indexes). zipFeed keeps exceljs's unzip
  // loop from ending early, which is what once made reads fall short; the check stays as the guard.
  const sheetParts = scan.parts.filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).length;
  const hasSharedStrings = scan.parts.includes('xl/sharedStrings.xml');
  // Without the styles a dated cell reads as its serial number (45107 for 30 June 2023): a sheet parsed before
  // them is a short read too.
  const hasStyles = scan.parts.includes('xl/styles.xml');
  for (let attempt = 1; ; attempt++) {
    const read = await readOnce();
    if (read.sheetsRead >= sheetParts && (read.sharedStringsRead || !hasSharedStrings) && (!read.sheetBeforeStyles || !hasStyles)) return read.result;
    await sink.discard();
    if (attempt === 3) {
      throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: three reads in a row stopped before its last part (${read.sheetsRead} of ${sheetParts} sheets${hasSharedStrings && !read.sharedStringsRead ? ', shared strings not reached' : ''}${hasStyles && read.sheetBeforeStyles ? ', a sheet read before the cell styles' : ''})`, {
        file: relFile, fix: 'run again; if it happens every time, open the workbook in Excel, save it again, and resend',
      }));
    }
  }

  async function readOnce(): Promise<{ result: { rows: number; problems: Problem[]; sheets: string[] }; sheetsRead: number; sharedStringsRead: boolean; sheetBeforeStyles: boolean }> {
    const problems: Problem[] = [];
    await sink.open();
    let rows = 0;
    // A sink that buffers (rows it sends elsewhere) asks to be flushed before the next row.
    let flush = false;
    const seenSheets: string[] = [];
    let stylesRead = false;
    let sheetBeforeStyles = false;
    const readSheets: string[] = [];
    let reader: ExcelJS.stream.xlsx.WorkbookReader | undefined;
    const feed = zipFeed(file, scan);
    // Lower-cased once: the first cell of every row is tested against them.
    const skipMatching = source.skipRowsMatching.map((m) => m.toLowerCase());
    const skipRows = source.skipRows ?? 0;
    try {
      const { default: Excel } = await import('exceljs');
      reader = new Excel.stream.xlsx.WorkbookReader(feed.input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
      (reader as unknown as NodeJS.EventEmitter).on('entry', (e: { type?: string }) => {
        if (e.type === 'styles') stylesRead = true;
        else if (e.type === 'worksheet' && !stylesRead) sheetBeforeStyles = true;
      });
      // exceljs names a sheet from its parsed workbook.xml and throws ("reading 'sheets'") when it reads a sheet
      // before that model exists (a zip with the shared strings before the sheets and workbook.xml after them).
      // The names come from our own scan of the index instead (below), so an absent model only means an unnamed
      // sheet here.
      let model: { sheets?: unknown[] } | undefined;
      Object.defineProperty(reader, 'model', { get: () => model ?? { sheets: [] }, set: (m) => { model = m; }, configurable: true });
      for await (const ws of reader) {
        const w = ws as unknown as { name: string; id: number | string };
        const sheetName = w.name === `Sheet${w.id}` && names.get(String(w.id)) ? names.get(String(w.id))! : w.name;
        seenSheets.push(sheetName);
        if (source.sheets && !source.sheets.some((s) => s.trim().toLowerCase() === sheetName.trim().toLowerCase())) {
          // A sheet not read is still drained: exceljs keeps a sheet that precedes the shared strings in a temp file
          // whose read stream opens lazily, and deletes the file when the next sheet is asked for, so an unread
          // sheet's stream could fail to open after the delete (an uncaught ENOENT that ended the process).
          for await (const _row of ws) { /* drained */ }
          continue;
        }
        readSheets.push(sheetName);
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
        let ok = true;
        for await (const row of ws) {
          const r = row as ExcelJS.Row;
          if (r.number <= skipRows) continue;
          const values: string[] = [];
          let empty = true;
          r.eachCell({ includeEmpty: false }, (cell, col) => {
            const v = cellText(cell.value).trim();
            values[col - 1] = v;
            if (v !== '') empty = false;
          });
          if (!index) {
            for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
            // Rows before the header is known are kept, so a title block above the header can be skipped.
            buffered.push(values);
            rowNumbers.push(r.number);
            if (buffered.length >= 30 || (source.headerRow !== 'auto' && r.number > source.headerRow)) {
              ok = settleHeader();
              if (!ok) break;
            }
          } else if (ok && !empty) emit(values, r.number);
          if (flush) { flush = false; await sink.flush(); }
        }
        if (!index && ok && buffered.length) settleHeader();
        if (flush) { flush = false; await sink.flush(); }
      }
    } catch (e) {
      if (e instanceof BoardpackError) throw e;
      throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: ${(e as Error).message?.split('\n')[0]}`, {
        file: relFile, fix: 'the file may be truncated or damaged: open it in Excel, save it again, and resend',
      }), { cause: e });
    } finally {
      feed.close();
      sink.close();
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
    return { result: { rows, problems, sheets: readSheets }, sheetsRead: seenSheets.length, sharedStringsRead: (reader as unknown as { sharedStrings?: unknown }).sharedStrings !== undefined, sheetBeforeStyles };
  }
}
