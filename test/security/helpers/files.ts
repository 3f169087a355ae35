/**
 * Generators for hostile inputs, written into temp folders by the tests (never committed), and a way to run
 * the real CLI in a child process and read its peak memory.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { BIN, REPO_ROOT } from '../../helpers/cli.js';

/** Content of one zip entry: bytes, or `prefix + repeat × times + suffix` streamed (for bombs). */
export type ZipContent = string | Buffer | { prefix: string; repeat: string | ((i: number) => string); times: number; suffix: string };

function* chunks(content: ZipContent): Generator<Buffer> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) { yield Buffer.from(content); return; }
  yield Buffer.from(content.prefix);
  if (typeof content.repeat === 'function') {
    let batch: string[] = [];
    for (let i = 0; i < content.times; i++) {
      batch.push(content.repeat(i));
      if (batch.length === 10_000) { yield Buffer.from(batch.join('')); batch = []; }
    }
    yield Buffer.from(batch.join(''));
    yield Buffer.from(content.suffix);
    return;
  }
  const perChunk = Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(content.repeat)));
  const block = Buffer.from(content.repeat.repeat(perChunk));
  let left = content.times;
  while (left > 0) {
    const n = Math.min(left, perChunk);
    yield n === perChunk ? block : Buffer.from(content.repeat.repeat(n));
    left -= n;
  }
  yield Buffer.from(content.suffix);
}

/** Deflated generated content, by the content object: a bomb written for two tests is compressed once (seconds of CPU). */
const deflated = new WeakMap<object, { crc: number; size: number; body: Buffer; level: number }>();

async function deflate(content: ZipContent, level: number): Promise<{ crc: number; size: number; body: Buffer }> {
  const key = typeof content === 'object' && !Buffer.isBuffer(content) ? content : undefined;
  const known = key && deflated.get(key);
  if (known && known.level === level) return known;
  let crc = 0;
  let size = 0;
  const compressed: Buffer[] = [];
  const stream = createDeflateRaw({ level });
  stream.on('data', (d: Buffer) => compressed.push(d));
  const done = new Promise<void>((res) => stream.on('end', () => res()));
  for (const c of chunks(content)) {
    crc = crc32(c, crc);
    size += c.length;
    if (!stream.write(c)) await new Promise<void>((res) => stream.once('drain', () => res()));
  }
  stream.end();
  await done;
  const result = { crc, size, body: Buffer.concat(compressed), level };
  if (key) deflated.set(key, result);
  return result;
}

/**
 * A minimal ZIP writer (deflate, streamed), enough to build a workbook whose sheet inflates to gigabytes.
 * `declaredSize` writes a false uncompressed size into both headers (a bomb that lies about its size);
 * `unlisted` leaves the entry out of the central directory (seen only by a reader that walks local headers);
 * `level` is the deflate level (9, the best ratio, unless the ratio does not matter and the time does);
 * `descriptor` writes the CRC and sizes after the data instead of in the local header (as a streaming writer
 * does), with the optional signature or without it.
 */
export async function writeZip(file: string, entries: Array<{ name: string; content: ZipContent; declaredSize?: number; unlisted?: boolean; level?: number; descriptor?: 'signed' | 'unsigned' }>): Promise<void> {
  const out = createWriteStream(file);
  const write = (b: Buffer) => new Promise<void>((res, rej) => out.write(b, (e) => (e ? rej(e) : res())));
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const { crc, body, ...real } = await deflate(e.content, e.level ?? 9);
    const size = e.declaredSize ?? real.size;
    const flags = e.descriptor ? 0x8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(flags, 6); local.writeUInt16LE(8, 8);
    if (!e.descriptor) { local.writeUInt32LE(crc >>> 0, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(size >>> 0, 22); }
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
    await write(local); await write(name); await write(body);
    let descriptor = Buffer.alloc(0);
    if (e.descriptor) {
      descriptor = Buffer.alloc(e.descriptor === 'signed' ? 16 : 12);
      let at = 0;
      if (e.descriptor === 'signed') { descriptor.writeUInt32LE(0x08074b50, 0); at = 4; }
      descriptor.writeUInt32LE(crc >>> 0, at); descriptor.writeUInt32LE(body.length, at + 4); descriptor.writeUInt32LE(size >>> 0, at + 8);
      await write(descriptor);
    }
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(flags, 8); cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(0, 12); cen.writeUInt32LE(crc >>> 0, 16); cen.writeUInt32LE(body.length, 20); cen.writeUInt32LE(size >>> 0, 24);
    cen.writeUInt16LE(name.length, 28); cen.writeUInt32LE(offset, 42);
    if (!e.unlisted) central.push(cen, name);
    offset += 30 + name.length + body.length + descriptor.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  const listed = entries.filter((e) => !e.unlisted).length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(listed, 8); end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  await write(cd); await write(end);
  await new Promise<void>((res) => out.end(() => res()));
}

/** A valid XLSX package around one sheet whose XML is given (possibly streamed, possibly huge; its size possibly lied about). */
export async function writeWorkbook(file: string, sheetXml: ZipContent, sheetName = 'Births', options: { declaredSheetSize?: number; level?: number; descriptor?: 'signed' | 'unsigned' } = {}): Promise<void> {
  await writeZip(file, [
    { name: '[Content_Types].xml', content: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>' },
    { name: '_rels/.rels', content: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' },
    { name: 'xl/workbook.xml', content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', content: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>' },
    { name: 'xl/styles.xml', content: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fillId="1" applyFill="1"/></cellXfs></styleSheet>' },
    { name: 'xl/worksheets/sheet1.xml', content: sheetXml, declaredSize: options.declaredSheetSize, level: options.level, descriptor: options.descriptor },
  ]);
}

export const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
export const SHEET_TAIL = '</sheetData></worksheet>';

/** One inline-string row of an XLSX sheet. */
export function sheetRow(r: number, cells: Array<string | number>): string {
  const col = (i: number) => String.fromCharCode(65 + i);
  return `<row r="${r}">${cells.map((v, i) => typeof v === 'number' ? `<c r="${col(i)}${r}"><v>${v}</v></c>` : `<c r="${col(i)}${r}" t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`;
}

export function tempDir(prefix = 'bp-sec-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface MeasuredRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; peakRssMb: number | undefined }

/**
 * Runs the built CLI in a child process and reports its peak resident memory (process.resourceUsage().maxRSS,
 * read in an exit hook preloaded with --import), which includes DuckDB's and the browser client's native memory.
 */
export function runCliMeasured(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<MeasuredRun> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: `npm test` builds it first (pretest)');
  const dir = tempDir('bp-rss-');
  const preload = path.join(dir, 'peak-rss.mjs');
  writeFileSync(preload, "import { writeSync } from 'node:fs';\nprocess.on('exit', () => { writeSync(2, `\\nBP_TEST_PEAK_RSS_KB=${process.resourceUsage().maxRSS}\\n`); });\n");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', preload, BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, CI: 'true', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const m = /BP_TEST_PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({ status, signal, stdout, stderr: stderr.replace(/\nBP_TEST_PEAK_RSS_KB=\d+\n/, ''), peakRssMb: m ? Number(m[1]) / 1024 : undefined });
    });
  });
}
