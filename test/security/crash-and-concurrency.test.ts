/**
 * Issue #10, concurrency and crashes, through the real CLI:
 * - a second run against a warehouse another process holds stops with BP_WAREHOUSE_LOCKED (no stack trace);
 * - SIGKILL at several points of a run (during ingest, computation and rendering) never leaves a half-written
 *   output file, and the warehouse still opens and a next run succeeds. Outputs are written by writeFileAtomic
 *   (temp name + rename), so each file is either the previous complete one or the new complete one.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCliHere } from '../helpers/cli.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { makeProject } from '../helpers/project.js';
import { tempDir } from './helpers/files.js';

const duckdbUrl = pathToFileURL(createRequire(path.join(REPO_ROOT, 'package.json')).resolve('@duckdb/node-api')).href;

/** A process that holds the warehouse open read-write until killed; resolves once it holds it. */
async function holdWarehouse(file: string) {
  const script = path.join(tempDir('bp-holder-'), 'hold.mjs');
  writeFileSync(script, `import { DuckDBInstance } from ${JSON.stringify(duckdbUrl)};
const db = await DuckDBInstance.create(${JSON.stringify(file)});
await (await db.connect()).run('SELECT 1');
process.stdout.write('holding\\n');
setInterval(() => {}, 1000);
`);
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('holding')) resolve(); });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

/** Every output file is whole: parses, or ends the way its format ends. */
function assertWhole(out: string) {
  if (!existsSync(out)) return;
  for (const name of readdirSync(out)) {
    const file = path.join(out, name);
    if (name.startsWith('.') || name === 'target') continue; // temp files of an interrupted write are hidden
    const bytes = readFileSync(file);
    if (name.endsWith('.json')) expect(() => JSON.parse(bytes.toString('utf8')), name).not.toThrow();
    else if (name.endsWith('.html')) expect(bytes.toString('utf8').trimEnd().endsWith('</html>'), name).toBe(true);
    else if (name.endsWith('.pdf')) expect(bytes.subarray(-1024).toString('latin1'), name).toContain('%%EOF');
    else if (name.endsWith('.xlsx')) {
      // A whole ZIP ends with its end-of-central-directory record (PK\x05\x06) in the last 64 KiB + 22 bytes.
      expect(bytes.subarray(-65_557).includes(Buffer.from([0x50, 0x4b, 0x05, 0x06])), name).toBe(true);
    }
  }
  const compiled = path.join(out, 'target', 'compiled');
  if (existsSync(compiled)) {
    for (const name of readdirSync(compiled).filter((n) => n.endsWith('.sql'))) {
      expect(readFileSync(path.join(compiled, name), 'utf8'), name).toMatch(/ORDER BY [^\n]*\n$/);
    }
  }
}

/** Starts `boardpack run` and SIGKILLs it as soon as its output shows `marker`; resolves with what it printed. */
function runAndKillAt(root: string, out: string, marker: string): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--project', root, '--out', out], { env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let seen = '';
    let killed = false;
    const watch = (d: Buffer) => {
      seen += d;
      if (!killed && seen.includes(marker)) { killed = true; child.kill('SIGKILL'); }
    };
    child.stderr.on('data', (d: Buffer) => { stderr += d; watch(d); });
    child.stdout.on('data', watch);
    child.on('close', () => resolve({ killed, stderr }));
  });
}

describe('concurrency', () => {
  it('a second run against a warehouse in use stops with BP_WAREHOUSE_LOCKED, and runs once it is free', async () => {
    const root = await makeProject();
    const warehouse = path.join(root, '.boardpack', 'warehouse.duckdb');
    expect((await runCliHere(['ingest', '--project', root])).status).toBe(0);
    const holder = await holdWarehouse(warehouse);
    try {
      const run = await runCliHere(['run', '--project', root, '--no-pdf']);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('BP_WAREHOUSE_LOCKED');
      expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('close', r));
    }
    const again = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(again.stderr).not.toContain('BP_WAREHOUSE_LOCKED');
    expect(existsSync(path.join(root, 'out', 'results.json'))).toBe(true);
  }, 300_000);
});

describe('SIGKILL during a run', () => {
  for (const marker of ['ingest health', 'ingest early_help', 'PDF:', 'board-pack.html']) {
    it(`killed at "${marker}": no half-written output, the warehouse opens, the next run succeeds`, async () => {
      const root = await makeProject();
      const out = path.join(root, 'out');
      // A complete pack first, then change an input so the killed run would rewrite every file.
      expect((await runCliHere(['run', '--project', root, '--out', out, '--no-pdf'])).status).toBeLessThanOrEqual(1);
      const csv = path.join(root, 'extracts', 'schools.csv');
      writeFileSync(csv, readFileSync(csv, 'utf8').replace(/,(\d+)\n/, (_m, n) => `,${Number(n) + 1}\n`));
      const r = await runAndKillAt(root, out, marker);
      expect(r.killed, `never saw "${marker}"; stderr:\n${r.stderr}`).toBe(true);
      assertWhole(out);
      const wh = await openWarehouse(path.join(root, '.boardpack', 'warehouse.duckdb'));
      try {
        const [{ n }] = await wh.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM bp_loads');
        expect(n).toBeGreaterThan(0);
      } finally {
        wh.close();
      }
      const next = await runCliHere(['run', '--project', root, '--out', out, '--no-pdf']);
      expect(next.status, next.stderr).toBeLessThanOrEqual(1);
      expect(next.stderr).not.toMatch(/unexpected error|BP_WAREHOUSE_OPEN/);
      assertWhole(out);
    }, 300_000);
  }
});
