/**
 * CSV through DuckDB's own reader: everything as text first (all_varchar), so a bad cell becomes a reported
 * problem in `stage.ts` rather than a failed load. A title block above the header is found by `detectHeaderRow`.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';
import { environmentError, quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { detectHeaderRow, matchHeaders } from './headers.js';
import { RAW_TABLE } from './raw-table.js';

const HEAD_BYTES = 64 * 1024;

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A CSV file ready for DuckDB's reader: where to read it from (a UTF-8 copy of a Windows-1252 file), the
 * header row found, the delimiter, the headers as DuckDB names them and their match to the contract.
 * Both readers (all text, and typed) start here. `cleanup` removes the UTF-8 copy.
 */
export interface CsvFile {
  readFrom: string;
  relFile: string;
  headerIdx: number;
  /** read_csv options shared by every read of this file (skip, delimiter, quoting, encoding). */
  options: string;
  delim: string;
  headers: string[];
  match: ReturnType<typeof matchHeaders>;
  /** Read from a UTF-8 copy with LF line ends (see `utf8Copy`). */
  normalized: boolean;
  cleanup: () => void;
}

/** The text encoding of a file's bytes: a UTF-16 byte-order mark (or the NUL bytes of UTF-16 text without one), else the contract's. */
function encodingOf(head: Buffer, declared: SourceDef['encoding']): 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // Text in UTF-16 without a mark: ASCII characters leave every other byte NUL, always on the same side.
  const pairs = Math.floor(Math.min(head.length, 8192) / 2);
  if (pairs >= 4) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) even++;
      if (head[2 * i + 1] === 0) odd++;
    }
    if (odd > pairs * 0.9 && even === 0) return 'utf-16le';
    if (even > pairs * 0.9 && odd === 0) return 'utf-16be';
  }
  return declared;
}

/** CRLF and bare LF line ends in one text: DuckDB's reader takes one kind per file and fails on the other. */
const hasMixedLineEnds = (text: string) => text.includes('\r\n') && /(^|[^\r])\n/.test(text);

/** Whether the whole file mixes CRLF and bare LF line ends (one pass over its bytes). */
async function fileMixesLineEnds(file: string): Promise<boolean> {
  let crlf = false;
  let lf = false;
  let prev = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      if ((i > 0 ? chunk[i - 1] : prev) === 13) crlf = true;
      else lf = true;
      if (crlf && lf) return true;
    }
    prev = chunk[chunk.length - 1];
  }
  return false;
}

/**
 * A UTF-8 copy with LF line ends, for DuckDB's reader: of a file in another encoding (Windows-1252 is not
 * Latin-1: 0x80–0x9F are curly quotes, the euro sign, dashes), or with mixed line ends. Lines keep their numbers.
 */
async function utf8Copy(file: string, encoding: string): Promise<{ readFrom: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-csv-'));
  const readFrom = path.join(dir, 'utf8.csv');
  const decoder = new TextDecoder(encoding);
  let carry = '';
  // A CR at the end of a chunk waits for the next, in case its LF starts it.
  const lf = (text: string, last: boolean) => {
    const all = carry + text;
    carry = !last && all.endsWith('\r') ? '\r' : '';
    return Buffer.from((carry ? all.slice(0, -1) : all).replace(/\r\n/g, '\n'), 'utf8');
  };
  await pipeline(createReadStream(file), async function* (chunks: AsyncIterable<Buffer>) {
    for await (const c of chunks) yield lf(decoder.decode(c, { stream: true }), false);
    yield lf(decoder.decode(), true);
  }, createWriteStream(readFrom));
  return { readFrom, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Opens a CSV file for reading; throws BoardpackError for a file that cannot be read at all. `normalize` makes a
 * copy with LF line ends whatever the head of the file shows (mixed line ends found further down).
 */
export async function openCsv(wh: Warehouse, file: string, relFile: string, source: SourceDef, normalize = false, headerFromText = false): Promise<CsvFile> {
  const head = await readHead(file);
  const encoding = encodingOf(head, source.encoding);
  const text = new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
  if (head.length === 0 || text.trim() === '') {
    throw new BoardpackError(problem('BP_INGEST_EMPTY_FILE', 'the file is empty', { file: relFile, fix: 'ask the partner to send the extract again' }));
  }
  if (head[0] === 0x50 && head[1] === 0x4b) {
    throw new BoardpackError(problem('BP_INGEST_WRONG_FORMAT', 'the file is a ZIP/XLSX workbook, not a CSV', { file: relFile, fix: 'rename it to .xlsx and set `format: xlsx`, or save it as CSV' }));
  }
  if (!encoding.startsWith('utf-16') && head.subarray(0, 8192).includes(0)) {
    throw new BoardpackError(problem('BP_INGEST_WRONG_FORMAT', 'the file is binary, not a CSV text file', { file: relFile, fix: 'export the data as CSV (comma-separated values)' }));
  }
  // Parse only whole lines of the head to find the header row.
  const headLines = text.slice(0, text.lastIndexOf('\n') + 1 || text.length);
  let sample: string[][];
  try {
    sample = parse(headLines, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, to_line: 40 }) as string[][];
  } catch {
    sample = headLines.split(/\r?\n/).slice(0, 40).map((l) => l.split(','));
  }
  let readFrom = file;
  let cleanup = () => {};
  if (encoding !== 'utf-8' || normalize || hasMixedLineEnds(headLines)) ({ readFrom, cleanup } = await utf8Copy(file, encoding));
  try {
    return { ...(await describeCsv(wh, readFrom, relFile, source, headLines, sample, headerFromText)), readFrom, relFile, cleanup, normalized: readFrom !== file };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Reads one CSV file into the raw table; returns rows read. Throws BoardpackError for a file that cannot be read at all. */
export async function readCsvToRaw(wh: Warehouse, file: string, relFile: string, source: SourceDef): Promise<{ rows: number; problems: Problem[] }> {
  const read = async (normalize: boolean) => {
    let csv: CsvFile | undefined;
    try {
      csv = await openCsv(wh, file, relFile, source, normalize);
      return await readCsvFile(wh, csv, source);
    } catch (e) {
      // Mixed line ends beyond the head the reader was shown: read a copy with LF line ends instead.
      if (!normalize && e instanceof BoardpackError && e.code === 'BP_INGEST_CSV_MALFORMED' && await fileMixesLineEnds(file)) return undefined;
      throw e;
    } finally {
      csv?.cleanup();
    }
  };
  return (await read(false)) ?? (await read(true))!;
}

/** Where the file's own parse first goes wrong: a row wider than the header, or a quote never closed (line numbers of the file). */
async function firstBadLine(file: string, headerIdx: number, delim: string): Promise<{ line: number; fields?: number; width?: number } | undefined> {
  let width: number | undefined;
  let next = headerIdx + 1;
  try {
    const records = createReadStream(file).pipe(parseStream({ delimiter: delim, relax_column_count: true, from_line: headerIdx + 1, info: true, skip_empty_lines: false }));
    for await (const { info, record } of records as unknown as AsyncIterable<{ info: { lines: number }; record: string[] }>) {
      const line = next;
      next = info.lines + 1;
      if (width === undefined) width = record.length;
      else if (record.length > width) return { line, fields: record.length, width };
    }
  } catch {
    return { line: next };
  }
  return undefined;
}

/**
 * Turns a DuckDB read error into a coded problem (encoding, or a malformed row) at the line of the file where it
 * is: DuckDB's own "CSV Error on Line: N" (lines of the file, title rows included), or, when its sniffer gives
 * up without a line, where the file's own parse goes wrong.
 */
async function readError(e: unknown, where: { file: string; relFile: string; headerIdx: number; delim: string }, wh: Warehouse): Promise<BoardpackError> {
  // A full disk or too little memory while reading is not the file's fault: say what it is.
  if (e instanceof BoardpackError) return e;
  const env = environmentError(e, wh.path);
  if (env) return env;
  const msg = (e as Error).message;
  const { relFile } = where;
  const said = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  if (/not utf-?8 encoded|invalid unicode/i.test(msg)) {
    return new BoardpackError(problem('BP_INGEST_ENCODING', 'the file is not UTF-8 text', {
      file: relFile, row: said ? Number(said) : undefined, expected: 'UTF-8 text',
      fix: 'if it was saved by Excel on Windows, add `encoding: windows-1252` to the source contract; or save it as "CSV UTF-8"',
    }), { cause: e });
  }
  const found = said ? undefined : await firstBadLine(where.file, where.headerIdx, where.delim);
  // DuckDB stops counting a row's fields at the first one too many, so only the header's count is taken from it.
  const wide = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
  const row = said ? Number(said) : found?.line;
  const what = found?.fields !== undefined ? `the row has ${found.fields} fields where the header has ${found.width}`
    : wide ? `the row has more fields than the header's ${wide[1]}`
    : found ? 'a quoted value starts here and its closing quote is missing'
    : msg.split('\n')[0].replace(/ file ".*"/, ' file');
  return new BoardpackError(problem('BP_INGEST_CSV_MALFORMED', `the CSV cannot be read: ${what}`, {
    file: relFile, row,
    fix: found?.fields !== undefined || wide ? 'a row has more fields than the header: check for unquoted commas in text values'
      : found ? 'close the quote, or remove the stray " from the value' : 'check the file opens as plain CSV text',
  }), { cause: e });
}

/**
 * The header cells of a header line when DuckDB would name its columns exactly so: each cell non-empty, without
 * spaces around it (DuckDB trims them), no two alike ignoring case (DuckDB renames the second) and no line break.
 */
function plainHeader(headerLine: string, delim: string): string[] | undefined {
  let cells: string[];
  try {
    cells = (parse(headerLine, { delimiter: delim, quote: '"', escape: '"' }) as string[][])[0] ?? [];
  } catch {
    return undefined;
  }
  const seen = new Set(cells.map((c) => c.toLowerCase()));
  return cells.length && seen.size === cells.length && cells.every((c) => c !== '' && c === c.trim() && !/[\r\n]/.test(c)) ? cells : undefined;
}

/**
 * The header row, the delimiter and the headers. The headers come from a bind (`DESCRIBE`), which reads only
 * DuckDB's sniffing sample; with `headerFromText` (the typed path, which falls back to the text path on any read
 * error) a plain header line is taken as it is written, without asking DuckDB.
 */
async function describeCsv(wh: Warehouse, file: string, relFile: string, source: SourceDef, headLines: string, sample: string[][], headerFromText = false): Promise<Omit<CsvFile, 'readFrom' | 'relFile' | 'cleanup' | 'normalized'>> {
  const encoding = 'utf-8';
  const skip = source.skipRows ?? 0;
  const headerIdx = source.headerRow === 'auto' ? skip + detectHeaderRow(sample.slice(skip), source) : source.headerRow - 1;
  // The delimiter is taken from the header line itself, so a ragged data row cannot mislead the sniffer.
  const headerLine = headLines.split(/\r?\n/)[headerIdx] ?? '';
  const delim = [',', ';', '\t', '|'].map((d) => [d, headerLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const options = `skip = ${headerIdx}, delim = ${quoteLiteral(delim)}, quote = '"', escape = '"', encoding = '${encoding}', null_padding = true`;
  const where = { file: relFile, row: headerIdx + 1 };
  const plain = headerFromText ? plainHeader(headerLine, delim) : undefined;
  if (plain) return { headerIdx, options, delim, headers: plain, match: matchHeaders(plain, source, where, plain) };
  let headers: string[];
  let written: string[];
  try {
    headers = (await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, ${options}, strict_mode = true))`)).map((c) => c.column_name);
  } catch (e) {
    throw await readError(e, { file, relFile, headerIdx, delim }, wh);
  }
  // DuckDB renames a repeated header ("locality", "locality_1"): the header cells as written, for the duplicate
  // check. The header line parsed here when it parses to the same cells DuckDB found; else DuckDB reads it.
  let cells: string[] | undefined;
  try {
    cells = (parse(headerLine, { delimiter: delim, quote: '"', escape: '"', relax_column_count: true }) as string[][])[0];
  } catch {
    cells = undefined;
  }
  if (cells?.length === headers.length) {
    written = cells;
  } else {
    try {
      const first = (await wh.conn.runAndReadAll(`SELECT * FROM read_csv(${quoteLiteral(file)}, header = false, all_varchar = true, ${options}) LIMIT 1`)).getRows()[0] ?? [];
      written = headers.map((h, i) => (first.length === headers.length ? String(first[i] ?? '') : h));
    } catch {
      written = headers;
    }
  }
  return { headerIdx, options, delim, headers, match: matchHeaders(headers, source, where, written) };
}

/**
 * One pass over the file: `read_csv` streams straight into the raw table (no intermediate copy). `_row` is the
 * row a person sees in a spreadsheet: the record's position after the header (a quoted cell with line breaks is
 * one row, as in Excel) plus the header's own row; `row_number() OVER ()` keeps the file's order.
 * `only`: a SQL list of the rows to keep (the typed path's rows that broke a rule); the others are read, not written.
 */
async function readCsvFile(wh: Warehouse, csv: CsvFile, source: SourceDef, only?: string): Promise<{ rows: number; problems: Problem[] }> {
  const { readFrom: file, relFile, headerIdx, options, headers, match } = csv;
  const reader = (parallel: boolean) => `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, ${options}, strict_mode = true${parallel ? '' : ', parallel = false'})`;
  const problems = match.problems;
  if (problems.some((p) => p.severity === 'error')) return { rows: 0, problems };
  const select = [...match.index.entries()].map(([name, i]) => `${quoteIdent(headers[i])} AS ${quoteIdent(name)}`);
  const wideCols = match.wide.map((i) => quoteIdent(headers[i]));
  // Rows to skip (totals, notes): text in the first column, as for XLSX. They are numbered and written with a
  // negative `_row`, so the rows read count them, then deleted; without the rule, the INSERT's count is the rows read.
  const skipTest = source.skipRowsMatching.length
    ? source.skipRowsMatching.map((m) => `coalesce(_bp_first, '') ILIKE ${quoteLiteral(`%${m}%`)}`).join(' OR ')
    : '';
  const numbered = (parallel: boolean) => `SELECT (row_number() OVER () + ${headerIdx + 1})::INTEGER AS _bp_row, ${[...select, ...wideCols, ...(skipTest ? [`${quoteIdent(headers[0])} AS _bp_first`] : [])].join(', ')} FROM ${reader(parallel)}`;
  const rowExpr = skipTest ? `CASE WHEN ${skipTest} THEN -_bp_row ELSE _bp_row END` : '_bp_row';
  const base = (parallel: boolean) => `SELECT ${quoteLiteral(relFile)} AS _file, NULL AS _sheet, ${rowExpr} AS _row, ${[...match.index.keys()].map(quoteIdent).concat(wideCols).join(', ')} FROM (${numbered(parallel)})`;
  // Wide layout: one raw row per (row, unpivoted header), the header text in names_to, the cell in values_to.
  // INCLUDE NULLS keeps every row numbered (for the count); empty cells are deleted below, as UNPIVOT would drop them.
  const insert = (parallel: boolean) => source.wide
    ? `INSERT INTO ${RAW_TABLE} BY NAME SELECT * EXCLUDE (_wname, _wvalue), _wname AS ${quoteIdent(source.wide.namesTo)}, _wvalue AS ${quoteIdent(source.wide.valuesTo)}
      FROM (${base(parallel)}) UNPIVOT INCLUDE NULLS (_wvalue FOR _wname IN (${wideCols.join(', ')}))`
    : `INSERT INTO ${RAW_TABLE} BY NAME ${only ? `SELECT * FROM (${base(parallel)}) WHERE _row IN (${only})` : base(parallel)}`;
  let inserted: number;
  try {
    try {
      inserted = (await wh.conn.run(insert(true))).rowsChanged;
    } catch (e) {
      // Quoted line breaks inside cells (a description column) need DuckDB's single-threaded reader.
      if (!/parallel\s*=\s*false/i.test((e as Error).message)) throw e;
      inserted = (await wh.conn.run(insert(false))).rowsChanged;
    }
  } catch (e) {
    throw await readError(e, { file, relFile, headerIdx, delim: csv.delim }, wh);
  }
  let n = inserted;
  if (skipTest || source.wide) {
    const [r] = await wh.all<{ n: number | null }>(`SELECT max(abs(_row))::INTEGER AS n FROM ${RAW_TABLE} WHERE _file = ?`, [relFile]);
    n = r.n === null ? 0 : r.n - headerIdx - 1;
    await wh.run(`DELETE FROM ${RAW_TABLE} WHERE _file = ? AND (_row < 0${source.wide ? ` OR ${quoteIdent(source.wide.valuesTo)} IS NULL` : ''})`, [relFile]);
  }
  if (n === 0 && !only) {
    return { rows: 0, problems: [...problems, problem('BP_INGEST_NO_ROWS', 'the file has a header but no data rows', { file: relFile, severity: 'error', fix: 'ask the partner to send the extract with its data' })] };
  }
  return { rows: n, problems };
}

export const REJECTS_TABLE = 'bp_rejects';

/**
 * The typed reader of one file as a subquery, one column per matched contract column under its contract name:
 * date columns typed by the reader itself (ISO dates, as the text path's first format), every other column as
 * text for the SQL around it to type. A row the reader cannot type goes to `bp_rejects` instead of failing the read.
 */
export function typedCsvReader(csv: CsvFile, source: SourceDef): string {
  const dates = new Set(source.columns.filter((c) => c.type === 'date').map((c) => c.name));
  const typeOf = new Map([...csv.match.index].map(([name, i]) => [i, dates.has(name) ? 'DATE' : 'VARCHAR']));
  const columns = csv.headers.map((h, i) => `${quoteLiteral(h)}: '${typeOf.get(i) ?? 'VARCHAR'}'`).join(', ');
  const select = [...csv.match.index].map(([name, i]) => `${quoteIdent(csv.headers[i])} AS ${quoteIdent(name)}`);
  return `(SELECT ${select.join(', ')} FROM read_csv(${quoteLiteral(csv.readFrom)}, header = true, columns = {${columns}}, dateformat = '%Y-%m-%d', ${csv.options}, strict_mode = true,
    store_rejects = true, rejects_table = '${REJECTS_TABLE}', rejects_scan = '${REJECTS_TABLE}_scan', rejects_limit = 0))`;
}

/** Reads only the given rows of a CSV file into the raw table as text, each with its own row number. */
export async function readCsvRowsToRaw(wh: Warehouse, csv: CsvFile, source: SourceDef, rows: number[]): Promise<void> {
  if (rows.length) await readCsvFile(wh, csv, source, rows.join(', '));
}

/**
 * The lines the typed reader rejected, as text in the raw table with their own row numbers: written below the
 * header to a small file and read by the same text reader as a whole file, so each cell is the text it would be.
 */
export async function readRejectedToRaw(wh: Warehouse, csv: CsvFile, source: SourceDef, lines: Array<{ line: number; text: string }>): Promise<void> {
  if (!lines.length) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-rejects-'));
  try {
    const file = path.join(dir, 'rejected.csv');
    const delim = /delim = '([^']*)'/.exec(csv.options)![1];
    const header = csv.headers.map((h) => `"${h.replace(/"/g, '""')}"`).join(delim);
    writeFileSync(file, `${header}\n${lines.map((l) => l.text).join('\n')}\n`);
    await readCsvFile(wh, { ...csv, readFrom: file, headerIdx: 0, options: csv.options.replace(/^skip = \d+/, 'skip = 0') }, source);
    // Row k of the small file (row k + 1 after its header) is the file's row lines[k - 1].
    const list = lines.map((l) => l.line).join(', ');
    await wh.run(`UPDATE ${RAW_TABLE} SET _row = m.line FROM (SELECT unnest([${list}]) AS line, unnest(range(2, ${lines.length + 2})) AS pos) m
      WHERE ${RAW_TABLE}._file = ${quoteLiteral(csv.relFile)} AND ${RAW_TABLE}._row = m.pos`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
