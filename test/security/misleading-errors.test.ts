/**
 * 7. Errors say what happened. Warehouse errors are told apart by DuckDB's error type, not by a word in the
 * message: a damaged warehouse file is BP_WAREHOUSE_CORRUPT (move it aside, ingest rebuilds it), a memory limit
 * too small is BP_WAREHOUSE_OUT_OF_MEMORY naming BOARDPACK_MEMORY_LIMIT, and neither is "in use by another run".
 * A read-only project or output folder is named as not writable (never "delete the warehouse", never a bare
 * ENOENT), with nothing written; a full disk during ingest is BP_WAREHOUSE_DISK_FULL and the previous load stays.
 *
 * CSV text as partners save it is read: UTF-16 (Excel's "Unicode text") and a file mixing CRLF and LF line ends
 * load as their UTF-8 twin does; a malformed row is reported at its own line of the file, not at line 1.
 *
 * Read-only folders and a full disk are real: a read-only bind mount and a 3 MB tmpfs, made inside a private
 * mount namespace (`unshare -m`) so they vanish with the process. Where that is not possible (not root, no
 * unshare), those tests are skipped with the reason; root ignores file permissions, so the EACCES case runs only
 * as another user.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BIN, runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { tempDir } from './helpers/files.js';
import { openWarehouse } from '../../src/warehouse/db.js';

const isRoot = process.getuid?.() === 0;

/** Whether this machine lets us make a tmpfs and a read-only bind mount in a private mount namespace. */
function canMount(): boolean {
  if (process.platform !== 'linux' || !isRoot) return false;
  const dir = tempDir('bp-mount-probe-');
  const r = spawnSync('unshare', ['-m', 'sh', '-e', '-c', 'mount -t tmpfs -o size=1m tmpfs "$1"; mount --bind "$1" "$1"; mount -o remount,bind,ro "$1"', 'sh', dir], { encoding: 'utf8' });
  return r.status === 0;
}
const MOUNTS = canMount();
const NO_MOUNTS = 'needs root and unshare(1) to make a read-only bind mount or a small tmpfs in a private mount namespace';

/** Shell lines that make `dir` read-only inside the namespace. */
const readOnly = (dir: string) => `mount --bind '${dir}' '${dir}' && mount -o remount,bind,ro '${dir}'`;

/** Runs `script` (sh) in a private mount namespace; `bp` runs the CLI. */
function inNamespace(script: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `bp() { "$BP_NODE" "$BP_BIN" "$@"; }\n${script}`], {
    encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, CI: 'true', BP_NODE: process.execPath, BP_BIN: BIN, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const WAREHOUSE = '.boardpack/warehouse.duckdb';

describe('warehouse errors are classified by DuckDB error type', () => {
  it('a damaged warehouse file is BP_WAREHOUSE_CORRUPT, not "in use by another run"; moved aside, ingest rebuilds it', async () => {
    const root = await makeProject();
    expect((await runCliHere(['ingest', '--project', root])).status).toBe(0);
    const file = path.join(root, WAREHOUSE);
    const good = readFileSync(file);
    // A block whose checksum no longer matches ("… in block at location 12288"), and a file that is not DuckDB's.
    const damaged = Buffer.from(good);
    damaged.fill(0xab, 12_288, 16_384);
    for (const bytes of [damaged, Buffer.from('not a database\n'.repeat(400))]) {
      writeFileSync(file, bytes);
      const r = await runCliHere(['ingest', '--project', root, '--force']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/BP_WAREHOUSE_CORRUPT/);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/not a valid DuckDB database or is damaged/);
      expect(r.stderr).toMatch(/move it aside .*boardpack ingest/);
      expect(r.stderr).not.toMatch(/BP_WAREHOUSE_LOCKED|in use by another|unexpected error/);
      // The file is left as it was for whoever wants to look at it.
      expect(readFileSync(file).equals(bytes)).toBe(true);
    }
    renameSync(file, `${file}.damaged`);
    const again = await runCliHere(['ingest', '--project', root]);
    expect(again.status, again.stderr).toBe(0);
    expect((await runCliHere(['status', '--project', root])).stdout).toMatch(/early_help .*loaded, 400 rows/);
  });

  it('BOARDPACK_MEMORY_LIMIT too small is BP_WAREHOUSE_OUT_OF_MEMORY naming the variable and its value', async () => {
    const root = await makeProject();
    for (const args of [['ingest', '--project', root], ['run', '--project', root, '--no-pdf']]) {
      const r = await runCliHere(args, { env: { BOARDPACK_MEMORY_LIMIT: '1KB' } });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/BP_WAREHOUSE_OUT_OF_MEMORY/);
      expect(r.stderr).toContain('BOARDPACK_MEMORY_LIMIT=1KB');
      expect(r.stderr).not.toMatch(/BP_WAREHOUSE_LOCKED|in use by another|unexpected error/);
    }
    expect(existsSync(path.join(root, 'out', 'manifest.json'))).toBe(false);
  });
});

describe('folders that cannot be written are named as such', () => {
  it('--out under a regular file is BP_OUT_NOT_WRITABLE naming it, before anything is ingested or written', async () => {
    const root = await makeProject();
    const dir = tempDir('bp-out-file-');
    const blocker = path.join(dir, 'report.txt');
    writeFileSync(blocker, 'a file, not a folder\n');
    const r = await runCliHere(['run', '--project', root, '--no-pdf', '--out', path.join(blocker, 'pack')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BP_OUT_NOT_WRITABLE/);
    expect(r.stderr).toContain(`${blocker} is not writable (a file stands where a folder is expected)`);
    expect(r.stderr).not.toMatch(/unexpected error|ENOENT|ENOTDIR: /);
    expect(readFileSync(blocker, 'utf8')).toBe('a file, not a folder\n');
    expect(existsSync(path.join(root, '.boardpack'))).toBe(false);
  });

  it.skipIf(!MOUNTS)('a read-only project: the warehouse and out folders are named not writable, with --warehouse/--out as the way out', async () => {
    const root = await makeProject();
    expect((await runCliHere(['ingest', '--project', root])).status).toBe(0);
    const elsewhere = tempDir('bp-writable-');
    const r = inNamespace(`${readOnly(root)} && bp run --project '${root}' --no-pdf`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BP_WAREHOUSE_NOT_WRITABLE .*is not writable \(it is on a read-only file system\)/);
    expect(r.stderr).toMatch(/BP_OUT_NOT_WRITABLE .*is not writable \(it is on a read-only file system\); nothing was written/);
    expect(r.stderr).toMatch(/--warehouse DIR\/warehouse\.duckdb --out DIR\/out/);
    expect(r.stderr).not.toMatch(/delete|damaged|unexpected error|ENOENT/);
    // The advice works: the same read-only project, its warehouse and pack elsewhere.
    const ok = inNamespace(`${readOnly(root)} && bp run --project '${root}' --no-pdf --warehouse '${elsewhere}/warehouse.duckdb' --out '${elsewhere}/out'`);
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(path.join(elsewhere, 'out', 'manifest.json'))).toBe(true);
  });

  it.skipIf(!MOUNTS)('a read-only --out is BP_OUT_NOT_WRITABLE naming the folder, exit 1, nothing written', async () => {
    const root = await makeProject();
    const out = tempDir('bp-ro-out-');
    const r = inNamespace(`${readOnly(out)} && bp run --project '${root}' --no-pdf --out '${out}/pack'`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`BP_OUT_NOT_WRITABLE ${out}/pack: the output folder cannot be written: ${out} is not writable (it is on a read-only file system); nothing was written`);
    expect(r.stderr).not.toMatch(/unexpected error|ENOENT/);
    expect(existsSync(path.join(out, 'pack'))).toBe(false);
    expect(existsSync(path.join(root, '.boardpack'))).toBe(false);
  });

  it.skipIf(isRoot || process.platform === 'win32')('a project folder without write permission is named not writable (permission denied)', async () => {
    // Skipped as root, which writes whatever the permissions say; the read-only mount test covers root.
    const root = await makeProject();
    chmodSync(root, 0o555);
    try {
      const r = await runCliHere(['run', '--project', root, '--no-pdf']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/BP_WAREHOUSE_NOT_WRITABLE .*permission denied/);
      expect(r.stderr).toMatch(/BP_OUT_NOT_WRITABLE .*permission denied/);
      expect(r.stderr).not.toMatch(/delete|unexpected error/);
    } finally {
      chmodSync(root, 0o755);
    }
  });
});

/** An early-help extract of `rows` rows in the sample's layout: big enough to fill a 3 MB disk. */
async function bigEpisodes(file: string, rows: number) {
  const out = createWriteStream(file);
  out.write('child_id,locality,start_date,end_date,outcome\n');
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) chunk += `EX${200000 + j},${j % 2 ? 'East' : 'West'},2024-0${1 + (j % 9)}-1${j % 10},,\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe.skipIf(!MOUNTS)('a full disk during ingest', () => {
  it('is BP_WAREHOUSE_DISK_FULL (writing, or spilling past the memory limit), and the previous load is intact', async () => {
    const root = await makeProject();
    const big = path.join(tempDir('bp-big-'), 'episodes.csv');
    await bigEpisodes(big, 300_000);
    const logs = tempDir('bp-disk-logs-');
    // The default limit fails writing the table; a small one fails spilling, which DuckDB calls "Out of Memory".
    for (const [i, limit] of ['', '16MB'].entries()) {
      mkdirSync(path.join(root, '.boardpack'), { recursive: true });
      const r = inNamespace(`mount -t tmpfs -o size=3m tmpfs '${root}/.boardpack'
        BOARDPACK_MEMORY_LIMIT= bp ingest --project '${root}' > '${logs}/first${i}' 2>&1 || exit 10
        cp '${root}/extracts/early-help-episodes.csv' '${logs}/small.csv'
        cp '${big}' '${root}/extracts/early-help-episodes.csv'
        bp ingest --project '${root}'; echo "exit $?"
        cp '${logs}/small.csv' '${root}/extracts/early-help-episodes.csv'
        BOARDPACK_MEMORY_LIMIT= bp status --project '${root}' > '${logs}/status${i}' 2>&1`, { BOARDPACK_MEMORY_LIMIT: limit });
      expect(r.status, readFileSync(path.join(logs, `first${i}`), 'utf8')).toBe(0);
      expect(r.stdout).toContain('exit 1');
      expect(r.stderr).toMatch(/BP_WAREHOUSE_DISK_FULL .*no space left on the disk that holds the warehouse/);
      expect(r.stderr).toMatch(/what was loaded before is intact/);
      expect(r.stderr).not.toMatch(/unexpected error|Out of Memory|SET threads|BP_INGEST_CSV_MALFORMED/);
      expect(readFileSync(path.join(logs, `status${i}`), 'utf8')).toMatch(/early_help .*loaded, 400 rows/);
    }
  });
});

/** The schools table as loaded (what the pack reads), without the columns that name the load. */
async function schoolsRows(root: string) {
  const wh = await openWarehouse(path.join(root, WAREHOUSE), { readOnly: true });
  try {
    return await wh.all(`SELECT * EXCLUDE (_load_id, _file) FROM schools ORDER BY period, area`);
  } finally {
    wh.close();
  }
}

describe('CSV text as partners save it', () => {
  it('UTF-16 (with or without a byte-order mark, either byte order) and mixed line ends are read, the same as UTF-8', async () => {
    const root = await makeProject();
    const file = path.join(root, 'extracts', 'schools.csv');
    const original = readFileSync(file, 'utf8');
    expect((await runCliHere(['ingest', '--project', root])).status).toBe(0);
    const expected = await schoolsRows(root);
    expect(expected.length).toBe(12);
    const lines = original.trimEnd().split('\n');
    const crlf = `${lines.join('\r\n')}\r\n`;
    const be = (s: string) => Buffer.from(s, 'utf16le').swap16();
    const variants: Array<[string, Buffer]> = [
      ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')])],
      ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), be(crlf)])],
      ['UTF-16LE without BOM', Buffer.from(crlf, 'utf16le')],
      // One line ending in LF among CRLF lines, as a hand edit leaves it.
      ['one LF among CRLF', Buffer.from(`${lines.slice(0, 6).join('\r\n')}\n${lines.slice(6).join('\r\n')}\r\n`)],
    ];
    for (const [name, bytes] of variants) {
      writeFileSync(file, bytes);
      const r = await runCliHere(['ingest', '--project', root, '--source', 'schools']);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toMatch(/schools: loaded 12 rows/);
      expect(await schoolsRows(root), name).toEqual(expected);
    }
  });

  it('mixed line ends far down a large file are read too', async () => {
    const root = await makeProject();
    const file = path.join(root, 'extracts', 'schools.csv');
    const [header, ...data] = readFileSync(file, 'utf8').trimEnd().split('\n');
    // 2,000 copies of the 12 rows: well past what the reader sniffs; the one LF line is near the end.
    const rows = Array.from({ length: 2000 }, () => data).flat();
    writeFileSync(file, `${[header, ...rows.slice(0, 23_000)].join('\r\n')}\n${rows.slice(23_000).join('\r\n')}\r\n`);
    const r = await runCliHere(['ingest', '--project', root, '--source', 'schools']);
    expect(r.stderr).not.toMatch(/BP_INGEST_CSV_MALFORMED|sniffing/);
    expect(r.stderr).toMatch(/schools: loaded 24000 rows/);
  });

  it('a malformed row is reported at its own line of the file (title rows included), never at line 1', async () => {
    const root = await makeProject();
    const file = path.join(root, 'extracts', 'schools.csv');
    const [header, ...data] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const withExtra = (rows: string[], at: number) => rows.map((l, i) => (i === at ? `${l},oops,again` : l));
    const many = Array.from({ length: 2500 }, () => data).flat();
    const cases: Array<[string, string, number]> = [
      // Line 11 of the file: the header, then the tenth data row.
      ['line 11', [header, ...withExtra(data, 9)].join('\n'), 11],
      // Two title lines above the header: the same row is line 13.
      ['below a title block', ['Schools extract', 'Run on 1 April 2025', header, ...withExtra(data, 9)].join('\n'), 13],
      // Far down, beyond what the reader sniffs: DuckDB's own line number.
      ['line 25,002', [header, ...withExtra(many, 25_000)].join('\n'), 25_002],
    ];
    for (const [name, text, line] of cases) {
      writeFileSync(file, `${text}\n`);
      const r = await runCliHere(['ingest', '--project', root, '--source', 'schools']);
      expect(r.status, name).toBe(1);
      expect(r.stderr, name).toContain(`BP_INGEST_CSV_MALFORMED extracts/schools.csv, row ${line}: the CSV cannot be read: the row has `);
      expect(r.stderr, name).toMatch(/the row has (6 fields where the header has 4|more fields than the header's 4)/);
      expect(r.stderr, name).not.toMatch(/row 1:|sniffing|LINE 1/);
    }
  });
});
