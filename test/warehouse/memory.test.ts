/**
 * The warehouse's memory bound: DuckDB runs under a memory limit (BOARDPACK_MEMORY_LIMIT, default 384MB) and
 * spills to `<warehouse>.tmp/` beside the file instead of growing the process; the folder is gone after close.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { DEFAULT_MEMORY_LIMIT, memoryLimit, openWarehouse, tempDirectoryFor } from '../../src/warehouse/db.js';

const saved = process.env.BOARDPACK_MEMORY_LIMIT;
afterEach(() => {
  if (saved === undefined) delete process.env.BOARDPACK_MEMORY_LIMIT;
  else process.env.BOARDPACK_MEMORY_LIMIT = saved;
});

const setting = async (wh: Awaited<ReturnType<typeof openWarehouse>>, name: string) =>
  (await wh.all<{ v: string }>(`SELECT current_setting('${name}') AS v`))[0].v;

describe('warehouse memory limit', () => {
  it('reads BOARDPACK_MEMORY_LIMIT, and refuses a value that is not a size with a coded error', () => {
    expect(memoryLimit({})).toBe(DEFAULT_MEMORY_LIMIT);
    expect(memoryLimit({ BOARDPACK_MEMORY_LIMIT: ' 2 GB ' })).toBe('2GB');
    expect(memoryLimit({ BOARDPACK_MEMORY_LIMIT: '768MiB' })).toBe('768MiB');
    for (const bad of ['lots', '80%', '-1GB', '0MB', '1e9']) {
      let err: unknown;
      try { memoryLimit({ BOARDPACK_MEMORY_LIMIT: bad }); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(BoardpackError);
      expect((err as BoardpackError).problems[0].code).toBe('BP_WAREHOUSE_MEMORY_LIMIT');
      expect((err as BoardpackError).problems[0].value).toBe(bad);
    }
  });

  it('sets the limit and a temp folder beside the warehouse file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bp-mem-')), 'warehouse.duckdb');
    process.env.BOARDPACK_MEMORY_LIMIT = '300MB';
    const wh = await openWarehouse(file);
    try {
      // DuckDB reports the limit in its own units (300MB is shown as 286.1 MiB).
      expect(await setting(wh, 'memory_limit')).toMatch(/^28\d\.\d MiB$/);
      expect(await setting(wh, 'temp_directory')).toBe(tempDirectoryFor(file));
    } finally {
      wh.close();
    }
  });

  it('a temporary table bigger than the limit spills to the temp folder, which is removed on close', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bp-mem-')), 'warehouse.duckdb');
    process.env.BOARDPACK_MEMORY_LIMIT = '24MB';
    const wh = await openWarehouse(file);
    try {
      // About 80 MB of text, like the raw staging table of a large extract: without spilling this is an out-of-memory error.
      await wh.run(`CREATE TEMP TABLE big AS SELECT range::VARCHAR || repeat('x', 60) AS s FROM range(1000000)`);
      const [{ n, spilled }] = await wh.all<{ n: number; spilled: number }>(
        `SELECT (SELECT count(*) FROM big)::INTEGER AS n, (SELECT count(*) FROM duckdb_temporary_files())::INTEGER AS spilled`);
      expect(n).toBe(1_000_000);
      expect(spilled).toBeGreaterThan(0);
      expect(existsSync(tempDirectoryFor(file))).toBe(true);
    } finally {
      wh.close();
    }
    expect(existsSync(tempDirectoryFor(file))).toBe(false);
  });
});
