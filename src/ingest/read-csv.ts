/**
 * CSV through DuckDB's own reader: everything as text first (all_varchar), so a bad cell becomes a reported
 * problem in `stage.ts` rather than a failed load. A title block above the header is found by `detectHeaderRow`.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';
import { quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';
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

/** Reads one CSV file into the raw table; returns rows read. Throws BoardpackError for a file that cannot be read at all. */
export async function readCsvToRaw(wh: Warehouse, file: string, relFile: string, source: SourceDef): Promise<{ rows: number; problems: Problem[] }> {
  const head = await readHead(file);
  if (head.length === 0 || head.toString('utf8').replace(/^\uFEFF/, '').trim() === '') {
    throw new BoardpackError(problem('BP_INGEST_EMPTY_FILE', 'the file is empty', { file: relFile, fix: 'ask the partner to send the extract again' }));
  }
  if (head[0] === 0x50 && head[1] === 0x4b) {
    throw new BoardpackError(problem('BP_INGEST_WRONG_FORMAT', 'the file is a ZIP/XLSX workbook, not a CSV', { file: relFile, fix: 'rename it to .xlsx and set `format: xlsx`, or save it as CSV' }));
  }
  if (head.subarray(0, 8192).includes(0)) {
    throw new BoardpackError(problem('BP_INGEST_WRONG_FORMAT', 'the file is binary, not a CSV text file', { file: relFile, fix: 'export the data as CSV (comma-separated values)' }));
  }
  const text = head.toString(source.encoding === 'windows-1252' ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
  // Parse only whole lines of the head to find the header row.
  const headLines = text.slice(0, text.lastIndexOf('\n') + 1 || text.length);
  let sample: string[][];
  try {
    sample = parse(headLines, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, to_line: 40 }) as string[][];
  } catch {
    sample = headLines.split(/\r?\n/).slice(0, 40).map((l) => l.split(','));
  }
  // Windows-1252 is not Latin-1 (0x80–0x9F are curly quotes, the euro sign, dashes): transcode to UTF-8 first.
  let readFrom = file;
  let cleanup = () => {};
  if (source.encoding === 'windows-1252') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bp-cp1252-'));
    readFrom = path.join(dir, 'utf8.csv');
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const decoder = new TextDecoder('windows-1252');
    await pipeline(createReadStream(file), async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) yield Buffer.from(decoder.decode(c, { stream: true }), 'utf8');
      yield Buffer.from(decoder.decode(), 'utf8');
    }, createWriteStream(readFrom));
  }
  try {
    return await readCsvFile(wh, readFrom, relFile, source, headLines, sample);
  } finally {
    cleanup();
  }
}

async function readCsvFile(wh: Warehouse, file: string, relFile: string, source: SourceDef, headLines: string, sample: string[][]): Promise<{ rows: number; problems: Problem[] }> {
  const encoding = 'utf-8';
  const skip = source.skipRows ?? 0;
  const headerIdx = source.headerRow === 'auto' ? skip + detectHeaderRow(sample.slice(skip), source) : source.headerRow - 1;
  // The delimiter is taken from the header line itself, so a ragged data row cannot mislead the sniffer.
  const headerLine = headLines.split(/\r?\n/)[headerIdx] ?? '';
  const delim = [',', ';', '\t', '|'].map((d) => [d, headerLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const readSql = (parallel: boolean) => `CREATE OR REPLACE TEMP TABLE bp_csv_in AS SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, skip = ${headerIdx}, delim = ${quoteLiteral(delim)}, quote = '"', escape = '"', encoding = '${encoding}', null_padding = true, strict_mode = true${parallel ? '' : ', parallel = false'})`;
  try {
    try {
      await wh.run(readSql(true));
    } catch (e) {
      // Quoted line breaks inside cells (a description column) need DuckDB's single-threaded reader.
      if (!/parallel\s*=\s*false/i.test((e as Error).message)) throw e;
      await wh.run(readSql(false));
    }
  } catch (e) {
    const msg = (e as Error).message;
    const line = /line\s*:?\s*(\d+)/i.exec(msg)?.[1];
    if (/not utf-?8 encoded|invalid unicode/i.test(msg)) {
      throw new BoardpackError(problem('BP_INGEST_ENCODING', 'the file is not UTF-8 text', {
        file: relFile, row: line ? Number(line) : undefined, expected: 'UTF-8 text',
        fix: 'if it was saved by Excel on Windows, add `encoding: windows-1252` to the source contract; or save it as "CSV UTF-8"',
      }), { cause: e });
    }
    throw new BoardpackError(problem('BP_INGEST_CSV_MALFORMED', `the CSV cannot be read: ${msg.split('\n')[0]}`, {
      file: relFile, row: line ? Number(line) : undefined,
      fix: /expected|columns|fields/i.test(msg) ? 'a row has more fields than the header: check for unquoted commas in text values' : 'check the file opens as plain CSV text',
    }), { cause: e });
  }
  const cols = await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE bp_csv_in)`);
  const headers = cols.map((c) => c.column_name);
  const match = matchHeaders(headers, source, { file: relFile, row: headerIdx + 1 });
  if (match.problems.some((p) => p.severity === 'error')) return { rows: 0, problems: match.problems };
  const select = [...match.index.entries()].map(([name, i]) => `${quoteIdent(headers[i])} AS ${quoteIdent(name)}`);
  // Rows to skip (totals, notes): text in the first column, as for XLSX.
  const skipWhere = source.skipRowsMatching.length
    ? `WHERE NOT (${source.skipRowsMatching.map((m) => `coalesce(${quoteIdent(headers[0])}, '') ILIKE ${quoteLiteral(`%${m}%`)}`).join(' OR ')})`
    : '';
  // rowid is the insertion position, so rowid + header line + 2 is the line a person sees in a spreadsheet.
  const base = `SELECT ${[`${quoteLiteral(relFile)} AS _file`, 'NULL AS _sheet', `(rowid + ${headerIdx + 2})::INTEGER AS _row`, ...select].join(', ')}`;
  if (source.wide) {
    // Wide layout: one raw row per (row, unpivoted header), the header text in names_to, the cell in values_to.
    const wideCols = match.wide.map((i) => quoteIdent(headers[i])).join(', ');
    await wh.run(`INSERT INTO ${RAW_TABLE} BY NAME SELECT * EXCLUDE (_wname, _wvalue), _wname AS ${quoteIdent(source.wide.namesTo)}, _wvalue AS ${quoteIdent(source.wide.valuesTo)}
      FROM (UNPIVOT (${base}, ${wideCols} FROM bp_csv_in ${skipWhere}) ON ${wideCols} INTO NAME _wname VALUE _wvalue)`);
  } else {
    await wh.run(`INSERT INTO ${RAW_TABLE} BY NAME ${base} FROM bp_csv_in ${skipWhere}`);
  }
  const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM bp_csv_in`);
  await wh.run('DROP TABLE bp_csv_in');
  if (n === 0) {
    return { rows: 0, problems: [...match.problems, problem('BP_INGEST_NO_ROWS', 'the file has a header but no data rows', { file: relFile, severity: 'error', fix: 'ask the partner to send the extract with its data' })] };
  }
  return { rows: n, problems: match.problems };
}
