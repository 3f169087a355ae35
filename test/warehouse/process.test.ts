/**
 * Real second processes against one warehouse: a concurrent run gets BP_WAREHOUSE_LOCKED (not a DuckDB lock
 * error), and SIGKILL at random points of an ingest always leaves a warehouse that opens cleanly with the old
 * or the new data of the source, never a mix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/db.js';
import { BIN, REPO_ROOT, runCli } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const HEADER = 'term,locality,eligible_2yo,taking_place';

/** Starts a process that opens the warehouse with boardpack's own opener and holds it until killed. */
function holdWarehouse(file: string): Promise<ChildProcess> {
  const db = path.join(REPO_ROOT, 'dist', 'warehouse', 'db.js');
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `const { openWarehouse } = await import(${JSON.stringify(new URL(`file://${db}`).href)}); await openWarehouse(${JSON.stringify(file)}); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => { err += String(d); });
    child.stdout!.on('data', (d) => { if (String(d).includes('ready')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
}

/** A big schools extract: `rows` rows over two terms, every count equal to `value`. */
function bigSchools(rows: number, value: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) lines.push(`${i % 2 ? 'Autumn 2023/24' : 'Spring 2023/24'},${i % 3 ? 'East' : 'West'},${value},${value}`);
  return `${lines.join('\n')}\n`;
}

describe('a second process', () => {
  it('gets "the warehouse is in use by another boardpack run" (BP_WAREHOUSE_LOCKED), exit 1', async () => {
    const root = await makeProject();
    const first = runCli(['ingest', '--project', root]);
    expect(first.status, first.stderr).toBe(0);
    const holder = await holdWarehouse(path.join(root, '.boardpack', 'warehouse.duckdb'));
    try {
      const second = runCli(['ingest', '--project', root, '--force']);
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('BP_WAREHOUSE_LOCKED');
      expect(second.stderr).toContain('the warehouse is in use by another boardpack run');
      expect(second.stderr).not.toMatch(/Conflicting lock|IO Error/);
      const status = runCli(['status', '--project', root]);
      expect(status.stderr).toContain('BP_WAREHOUSE_LOCKED');
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the other process is gone, the warehouse opens and holds the first run's data.
    await new Promise((r) => holder.once('exit', r));
    const again = runCli(['ingest', '--project', root]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('0 error(s)');
  }, 120_000);
});

describe('SIGKILL during an ingest', () => {
  it('always leaves the warehouse opening cleanly with the old or the new data of the source, never a mix (20+ tries)', async () => {
    const root = await makeProject();
    const file = path.join(root, 'extracts', 'schools.csv');
    const warehouse = path.join(root, '.boardpack', 'warehouse.duckdb');
    const versions = [
      { rows: 20_000, value: 1, text: bigSchools(20_000, 1) },
      { rows: 12_000, value: 2, text: bigSchools(12_000, 2) },
      { rows: 16_000, value: 3, text: bigSchools(16_000, 3) },
    ];
    // The initial good load: the init project's 12 rows.
    const initial = runCli(['ingest', '--project', root, '--source', 'schools']);
    expect(initial.status, initial.stderr).toBe(0);
    let current = { rows: 0, value: 0 };
    const seen = { old: 0, new: 0 };
    let seed = 20_260_525;
    const random = () => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };
    // How long one whole ingest takes here, so the kill points can be spread over all of it (not an assertion).
    writeFileSync(file, versions[2].text);
    const t0 = Date.now();
    const full = runCli(['ingest', '--project', root, '--source', 'schools']);
    expect(full.status, full.stderr).toBe(0);
    const span = Math.max(1000, Math.round((Date.now() - t0) * 1.2));
    current = versions[2];
    for (let attempt = 0; attempt < 20; attempt++) {
      const next = versions[attempt % 2];
      writeFileSync(file, next.text);
      const child = spawn(process.execPath, [BIN, 'ingest', '--project', root, '--source', 'schools'], { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // Random points across the whole run: start-up, reading, checking, the load transaction, after it.
      const delay = Math.floor(random() * span);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await exited;
      clearTimeout(timer);
      const wh = await openWarehouse(warehouse);
      try {
        // The two terms the big files carry are replaced as a unit; the init project's other four terms stay.
        const [state] = await wh.all<{ n: number; lo: number; hi: number; loads: number; last: number; others: number }>(
          `SELECT count(*)::INTEGER AS n, min(eligible_2yo)::INTEGER AS lo, max(eligible_2yo)::INTEGER AS hi, count(DISTINCT _load_id)::INTEGER AS loads,
                  (SELECT last_load_id FROM bp_sources WHERE source = 'schools') AS last,
                  (SELECT count(*) FROM schools WHERE period NOT IN ('AY2023-24-T1', 'AY2023-24-T2'))::INTEGER AS others
           FROM schools WHERE period IN ('AY2023-24-T1', 'AY2023-24-T2')`);
        expect(state.others).toBe(8);
        const leftovers = await wh.all(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%bp_next%'`);
        expect(leftovers).toEqual([]);
        const isNew = state.n === next.rows && state.lo === next.value && state.hi === next.value;
        const isOld = state.n === current.rows && state.lo === current.value && state.hi === current.value;
        expect(isNew || isOld, `attempt ${attempt} (killed after ${delay} ms, exit ${code}): ${JSON.stringify(state)}`).toBe(true);
        // Lineage agrees with the data: the replaced periods come from one load, the one bp_sources names last.
        expect(state.loads).toBe(1);
        expect((await wh.all<{ l: number }>(`SELECT max(_load_id)::INTEGER AS l FROM schools`))[0].l).toBe(state.last);
        if (isNew) { current = next; seen.new++; } else seen.old++;
      } finally {
        wh.close();
      }
    }
    // Both outcomes happened, so kills landed before and after the commit.
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
  }, 400_000);
});
