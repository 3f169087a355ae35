/**
 * The workbook side of XLSX reading, apart from the warehouse (so a worker thread can run it without loading
 * DuckDB): the zip scan that counts what every part inflates to, the gated file exceljs reads from beside it,
 * and exceljs's streaming read turned into events (sheets, batches of rows as text, how the read went).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { threadId } from 'node:worker_threads';
import { createInflateRaw } from 'node:zlib';
// exceljs only when a workbook is read, and then its streaming reader alone: the whole library (its writers,
// JSZip, archiver, pako) takes about half as long again to load.
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { cached } from '../core/bounded-cache.js';
import { BoardpackError, UsageError, problem } from '../core/errors.js';

/**
 * Text of a date cell: ISO date, or date and time. Extracts repeat the same days many times, so a whole day's
 * text is cached by day number (a small integer key).
 */
const dayTexts = new Map<number, string>();
function dateText(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) return '';
  const day = t / 86_400_000;
  if (day >= 0 && day < 1e6 && Number.isInteger(day)) return cached(dayTexts, day | 0, () => d.toISOString().slice(0, 10), 50_000);
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
 * How far exceljs may read into the file: bytes below `verified` belong to parts (or the start of a part) whose
 * inflated output the scan has already counted within the limit. `complete` once the whole scan passed; `failed`
 * when it refused the workbook (the reader then sees the file end there).
 */
export class ScanGate {
  verified = 0;
  complete = false;
  failed = false;
  private waiting: Array<() => void> = [];
  advance(pos: number) { if (pos > this.verified) { this.verified = pos; this.wake(); } }
  finish(ok: boolean) { if (ok) this.complete = true; else this.failed = true; this.wake(); }
  wait(): Promise<void> { return new Promise((resolve) => this.waiting.push(resolve)); }
  private wake() { const w = this.waiting; this.waiting = []; for (const f of w) f(); }
}

/** The first part of a scan, done before exceljs reads: the zip directory, its layout and the workbook index. */
export interface ScanRun {
  parts: string[];
  directoryOffset: number;
  indexParts: Map<string, string>;
  gate: ScanGate;
  /** The rest of the scan: every other part inflated and counted, in file order; rejects with the coded problem. */
  done: Promise<ZipScan>;
}

/**
 * Inflates every entry of the workbook once, counting the bytes (nothing is kept but the small workbook index),
 * and refuses with BP_INGEST_XLSX_TOO_LARGE as soon as the declared or the inflated total passes `maxBytes`.
 * A damaged archive is BP_INGEST_XLSX_UNREADABLE. Memory stays at one inflate window whatever the input.
 */
export async function scanXlsxZip(file: string, relFile: string, maxBytes = xlsxMaxBytes()): Promise<ZipScan> {
  return (await startXlsxScan(file, relFile, maxBytes)).done;
}

/**
 * The scan in two steps. Awaited: the zip directory read (declared sizes, encryption, compression methods),
 * the file's layout checked against it, and the workbook index inflated and counted. Then, in `done`, every
 * other part inflated and counted in file order, moving `gate` on as it goes, so a reader that follows the
 * gate (see `gatedFile`) can run beside it and never inflates a byte the scan has not counted.
 */
export async function startXlsxScan(file: string, relFile: string, maxBytes = xlsxMaxBytes()): Promise<ScanRun> {
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
  const indexParts = new Map<string, string>();
  const gate = new ScanGate();
  let inflated = 0;
  let spans: EntrySpan[];
  try {
    const next = entries(zip);
    spans = [];
    let declared = 0;
    for (;;) {
      let entry: yauzl.Entry | undefined;
      try {
        entry = await next();
      } catch (e) {
        throw unreadable(`its ZIP directory is damaged (${(e as Error).message})`, e);
      }
      if (!entry) break;
      const name = Buffer.isBuffer(entry.fileName) ? (entry.fileName as Buffer).toString('utf8') : String(entry.fileName);
      spans.push({ name, entry, offset: entry.relativeOffsetOfLocalHeader, compressedSize: entry.compressedSize, method: entry.compressionMethod, flags: entry.generalPurposeBitFlag, zip64: entry.extraFields.some((f) => f.id === 1), dataStart: 0, end: 0 });
      if (name.endsWith('/')) continue;
      declared += entry.uncompressedSize;
      if (entry.uncompressedSize > maxBytes || declared > maxBytes) throw tooLarge(name, `declares ${mbText(entry.uncompressedSize)}${entry.uncompressedSize <= maxBytes ? `, ${mbText(declared)} with the parts before it` : ''}`);
      if (entry.isEncrypted()) throw unreadable(`part ${name} is encrypted`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw unreadable(`part ${name} uses an unsupported compression method (${entry.compressionMethod})`);
    }
    const parts = spans.map((e) => e.name);
    const directoryOffset = await checkLayout(file, spans, unreadable);

    /** Inflates one part, counting every byte as it is inflated; `at(pos)`: the file up to `pos` is counted. */
    const inflate = async (s: EntrySpan, at: (pos: number) => void): Promise<Buffer[] | undefined> => {
      const { name, entry } = s;
      const keep = INDEX_PARTS.has(name) && entry.uncompressedSize <= INDEX_PART_MAX;
      const kept: Buffer[] = [];
      let n = 0;
      let refusal: BoardpackError | undefined;
      const count = (chunk: Buffer): boolean => {
        n += chunk.length;
        inflated += chunk.length;
        // The sizes a zip declares can lie: what counts is what inflates.
        if (inflated > maxBytes) { refusal = tooLarge(name, `inflates past the limit, though its header declares ${mbText(entry.uncompressedSize)}`); return false; }
        if (keep && n <= INDEX_PART_MAX) kept.push(chunk);
        return true;
      };
      let stream: Readable;
      try {
        stream = await rawStream(zip, entry);
      } catch (e) {
        throw unreadable(`part ${name} cannot be read (${(e as Error).message})`, e);
      }
      try {
        if (entry.compressionMethod === 8) {
          // Counted as zlib hands each piece out (not as it is consumed later), and the file released up to the
          // input that gave the piece before: everything that input can inflate to has then been counted.
          let before = 0;
          const inflater = createInflateRaw({ chunkSize: 1 << 20 });
          const push = inflater.push.bind(inflater);
          inflater.push = (chunk: Buffer | null) => {
            if (chunk && !count(chunk)) { inflater.destroy(refusal); return false; }
            if (chunk) { at(s.dataStart + before); before = inflater.bytesWritten; }
            return push(chunk);
          };
          await pipeline(stream, inflater, async (chunks: AsyncIterable<Buffer>) => { for await (const _ of chunks) { /* counted above */ } });
        } else {
          await pipeline(stream, async (chunks: AsyncIterable<Buffer>) => {
            for await (const chunk of chunks) {
              if (!count(chunk)) throw refusal;
              at(s.dataStart + n);
            }
          });
        }
      } catch (e) {
        // pipeline() can report a stage's own error as an AbortError: the refusal is kept aside.
        if (refusal) throw refusal;
        if (e instanceof BoardpackError) throw e;
        throw unreadable(`part ${name} is damaged (${(e as Error).message})`, e);
      }
      if (n !== entry.uncompressedSize) throw unreadable(`part ${name} inflates to ${n.toLocaleString('en-GB')} bytes, not the ${entry.uncompressedSize.toLocaleString('en-GB')} its header declares`);
      return keep ? kept : undefined;
    };

    // The index first (it is small, and names the sheets), then the rest in file order behind the gate.
    const done = new Set<EntrySpan>();
    for (const s of spans) {
      if (!INDEX_PARTS.has(s.name)) continue;
      const kept = await inflate(s, () => {});
      if (kept) indexParts.set(s.name, Buffer.concat(kept).toString('utf8'));
      done.add(s);
    }
    const rest = (async (): Promise<ZipScan> => {
      try {
        for (const s of spans) {
          if (!done.has(s) && !s.name.endsWith('/')) await inflate(s, (pos) => gate.advance(pos));
          gate.advance(s.end);
        }
      } catch (e) {
        gate.finish(false);
        throw e;
      } finally {
        zip.close();
      }
      gate.finish(true);
      return { inflatedBytes: inflated, indexParts, parts, directoryOffset };
    })();
    // Awaited by whoever reads beside it; unhandled it would end the process.
    rest.catch(() => {});
    return { parts, directoryOffset, indexParts, gate, done: rest };
  } catch (e) {
    zip.close();
    throw e;
  }
}

interface EntrySpan { name: string; entry: yauzl.Entry; offset: number; compressedSize: number; method: number; flags: number; zip64: boolean; dataStart: number; end: number }

/**
 * exceljs's unzipper reads the local headers one after another, not the zip directory yauzl reads; so the file
 * must be exactly the listed entries, back to back, then the directory: an entry hidden between them (or a
 * local header that claims another compression method) would be inflated by exceljs without being counted.
 * Sorts `spans` into file order, fills in where each one's data starts and ends, and returns where the
 * directory starts.
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
      s.dataStart = pos + 30 + b.readUInt16LE(26) + b.readUInt16LE(28);
      let end = s.dataStart + s.compressedSize;
      if (s.flags & 0x8) {
        // A data descriptor follows the data: an optional signature, the CRC and the two sizes.
        const signed = (await readAt(end, 4)) && b.readUInt32LE(0) === 0x08074b50;
        end += (signed ? 4 : 0) + (s.zip64 ? 20 : 12);
      }
      s.end = pos = end;
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
 * The workbook file as exceljs's streaming reader is fed it.
 *
 * It never runs ahead of the scan's gate, so exceljs can inflate only what the scan has already counted. When
 * the scan refuses the workbook the stream fails there, and with it the unzip stream and the part exceljs is
 * reading (the scan's problem is the one reported).
 *
 * And the zip directory (everything after the last part, which checkLayout has checked) is held back until
 * exceljs's unzip stream has handed every part over. That stream (unzipper 0.10) says 'end' as soon as it has
 * parsed the archive's last byte, not once its reader has taken the last part, and exceljs's loop stops at
 * that 'end': parts still queued are never read. The parser runs ahead whenever exceljs is slow to take a
 * part (small parts need no reader to be parsed) — while exceljs writes a sheet that precedes the shared
 * strings to a temp file (slower the deeper TMPDIR: its temp-file library resolves TMPDIR one folder at a
 * time), or under load — and the parts lost are the last ones: the cell styles, workbook.xml, later sheets.
 */
export function gatedFile(file: string, gate: ScanGate, layout: { parts: string[]; directoryOffset: number }): Readable {
  let fh: FileHandle | undefined;
  let pos = 0;
  let handedOver = layout.parts.length === 0;
  let unzip: Duplex | undefined;
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = () => { handedOver = true; resolve(); }; });
  const input = new Readable({
    highWaterMark: 1 << 16,
    async read(size) {
      try {
        if (!fh) {
          const h = await open(file, 'r');
          if (this.destroyed) { await h.close(); return; }
          fh = h;
        }
        for (;;) {
          if (this.destroyed) return;
          // The scan refused the workbook: exceljs's streams are failed (see `pipe` below), not left waiting.
          if (gate.failed) { this.destroy(new Error('the workbook was refused while it was read')); return; }
          const limit = !gate.complete ? Math.min(gate.verified, layout.directoryOffset) : handedOver ? Infinity : layout.directoryOffset;
          if (pos < limit) {
            const n = Math.min(Math.max(size, 1 << 16), limit - pos);
            const buf = Buffer.allocUnsafe(n);
            const { bytesRead } = await fh.read(buf, 0, n, pos);
            if (bytesRead === 0) { this.push(null); return; }
            pos += bytesRead;
            this.push(bytesRead === n ? buf : buf.subarray(0, bytesRead));
            return;
          }
          if (this.destroyed) return;
          if (!gate.complete) { await gate.wait(); continue; }
          // A part whose end the unzip stream finds only by a signature (a data descriptor written without one)
          // has it search on into the directory: held back, that would wait for ever. So once the unzip stream has
          // taken every byte given and has no part queued, twice in a row, nothing more can come without the
          // directory, and it is given (the read then fails or falls short as it did before, and is judged so).
          let idle = 0;
          const poll = setInterval(() => {
            idle = unzip && input.readableLength === 0 && unzip.writableLength === 0 && unzip.readableLength === 0 ? idle + 1 : 0;
            if (idle >= 2) release();
          }, 100);
          try {
            await released;
          } finally {
            clearInterval(poll);
          }
        }
      } catch (e) {
        this.destroy(e as Error);
      }
    },
    destroy(err, cb) { release(); const h = fh; fh = undefined; (h ? h.close() : Promise.resolve()).then(() => cb(err), () => cb(err)); },
  });
  // Its error is only the signal to stop (the scan's refusal is what is reported): never an uncaught one, whether
  // or not exceljs has piped it anywhere yet.
  input.on('error', () => {});
  // exceljs pipes the input into the unzip stream it makes: the parts are counted as that stream gives them out.
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(dest: T, opts?: { end?: boolean }): T => {
    const u = (unzip = dest as unknown as Duplex);
    let parts = 0;
    const opened: Readable[] = [];
    // The unzip stream passes a failure on to the part in hand, which may have no reader listening (exceljs pipes
    // a sheet that precedes the shared strings to a temp file): never an uncaught error. Every byte exceljs gets
    // has inflated cleanly in the scan first, so such a failure is only ever the refusal, reported by the scan.
    u.on('error', () => {});
    u.on('data', (entry: Readable) => {
      entry.on('error', () => {});
      opened.push(entry);
      if (++parts === layout.parts.length) release();
    });
    // A read error (or the scan's refusal) would otherwise leave the unzip stream, and the part exceljs is
    // reading, waiting for bytes that never come.
    input.on('error', (e) => {
      u.destroy(e);
      for (const entry of opened) if (!entry.readableEnded) entry.destroy(e);
    });
    return pipe(dest, opts);
  };
  return input;
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

export type XlsxEvent =
  | { k: 'sheet'; name: string; read: boolean }
  /** Rows of the sheet (not those within `skipRows`): worksheet row numbers, and each row's cells as trimmed text by column (holes: no cell). */
  | { k: 'rows'; numbers: number[]; values: string[][] }
  /** `thread`: the worker thread the read ran on (0: the main thread). */
  | { k: 'end'; sheetsSeen: number; sharedStringsRead: boolean; sheetBeforeStyles: boolean; scan: ZipScan; thread: number };

/** A batch of rows as a worker thread sends it (see `packRows` in `xlsx-thread.ts`). */
export interface PackedRows { k: 'packed'; numbers: Int32Array; widths: Int32Array; lens: Int32Array; text: string }

/** The rows of a packed batch, as `xlsxEvents` gives them. */
export function unpackRows(p: PackedRows): Extract<XlsxEvent, { k: 'rows' }> {
  const { widths, lens, text } = p;
  const values: string[][] = new Array(widths.length);
  let c = 0;
  let pos = 0;
  for (let r = 0; r < widths.length; r++) {
    const w = widths[r];
    const row: string[] = new Array(w);
    for (let i = 0; i < w; i++) {
      const n = lens[c++];
      if (n >= 0) { row[i] = text.slice(pos, pos + n); pos += n; }
    }
    values[r] = row;
  }
  return { k: 'rows', numbers: Array.from(p.numbers), values };
}

export interface XlsxReadOptions {
  /** The sheets to read (all when absent); the others are drained, their rows not given. */
  sheets?: string[];
  skipRows: number;
  batchRows: number;
  /** The inflated-size limit in bytes (BOARDPACK_XLSX_MAX_MB's, read where the read starts). */
  maxBytes: number;
}

/**
 * Reads a workbook with exceljs's streaming reader, beside the zip scan: the scan's first step (directory,
 * layout, index) before exceljs starts, the rest while exceljs reads from a file gated by it (`gatedFile`),
 * so nothing is inflated past the limit and a refusal is the scan's coded problem. With a scan already done
 * (`scanned`: a read again) exceljs reads the file directly.
 */
export async function* xlsxEvents(file: string, relFile: string, opts: XlsxReadOptions, scanned?: ZipScan): AsyncGenerator<XlsxEvent> {
  const run = scanned ? undefined : await startXlsxScan(file, relFile, opts.maxBytes);
  const index = scanned?.indexParts ?? run!.indexParts;
  const names = sheetNamesFromIndex(index.get('xl/workbook.xml'), index.get('xl/_rels/workbook.xml.rels'));
  const wanted = opts.sheets?.map((s) => s.trim().toLowerCase());
  // A read again (the scan done) follows a gate already open.
  const gate = run?.gate ?? Object.assign(new ScanGate(), { complete: true });
  const input = gatedFile(file, gate, run ?? scanned!);
  let stylesRead = false;
  let sheetBeforeStyles = false;
  let sheetsSeen = 0;
  let reader: ExcelJS.stream.xlsx.WorkbookReader | undefined;
  try {
    const { default: WorkbookReader } = await import('exceljs/lib/stream/xlsx/workbook-reader.js');
    reader = new WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    (reader as unknown as NodeJS.EventEmitter).on('entry', (e: { type?: string }) => {
      if (e.type === 'styles') stylesRead = true;
      else if (e.type === 'worksheet' && !stylesRead) sheetBeforeStyles = true;
    });
    // exceljs names a sheet from its parsed workbook.xml and throws ("reading 'sheets'") when a sheet is reached
    // before that model exists, which happens now and then on workbooks exceljs itself wrote. The names come
    // from our own scan of the index instead, so an absent model only means an unnamed sheet here, and the
    // read that fell short is done again (see `readXlsx`).
    let model: { sheets?: unknown[] } | undefined;
    Object.defineProperty(reader, 'model', { get: () => model ?? { sheets: [] }, set: (m) => { model = m; }, configurable: true });
    // Whatever exceljs is waiting on when the scan refuses the workbook (a sheet it writes to a temp file, say),
    // the read stops there.
    const refused = run?.done.then(() => new Promise<never>(() => {}));
    refused?.catch(() => {});
    const sheets = reader[Symbol.asyncIterator]();
    for (;;) {
      const step = refused ? await Promise.race([sheets.next(), refused]) : await sheets.next();
      if (step.done) break;
      const ws = step.value;
      const w = ws as unknown as { name: string; id: number | string };
      const name = w.name === `Sheet${w.id}` && names.get(String(w.id)) ? names.get(String(w.id))! : w.name;
      sheetsSeen++;
      const read = !wanted || wanted.includes(name.trim().toLowerCase());
      yield { k: 'sheet', name, read };
      if (!read) {
        // A sheet not read is still drained: exceljs keeps a sheet that precedes the shared strings in a temp file
        // whose read stream opens lazily, and deletes the file when the next sheet is asked for, so an unread
        // sheet's stream could fail to open after the delete (an uncaught ENOENT that ended the process).
        for await (const _row of ws) { /* drained */ }
        continue;
      }
      let numbers: number[] = [];
      let values: string[][] = [];
      for await (const row of ws) {
        const r = row as ExcelJS.Row;
        if (r.number <= opts.skipRows) continue;
        const v: string[] = [];
        r.eachCell({ includeEmpty: false }, (cell, col) => { v[col - 1] = cellText(cell.value).trim(); });
        numbers.push(r.number);
        values.push(v);
        if (numbers.length >= opts.batchRows) {
          yield { k: 'rows', numbers, values };
          numbers = [];
          values = [];
        }
      }
      if (numbers.length) yield { k: 'rows', numbers, values };
    }
  } catch (e) {
    // A read cut short by the scan's refusal (exceljs saw the file end where the gate stopped it) is reported as
    // the scan's problem.
    if (run) await run.done;
    throw e;
  } finally {
    input.destroy();
  }
  const scan = scanned ?? await run!.done;
  yield { k: 'end', sheetsSeen, sharedStringsRead: (reader as unknown as { sharedStrings?: unknown }).sharedStrings !== undefined, sheetBeforeStyles, scan, thread: threadId };
}
