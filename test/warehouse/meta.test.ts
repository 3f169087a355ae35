/**
 * `ensureMeta` completes whatever warehouse it opens: a new one, or one from an earlier build missing a lineage
 * column (added in place, history kept). A complete warehouse is recognised by one statement that binds only
 * when every column is there, so each column it names must really be checked.
 */
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';

const LINEAGE: Array<[string, string]> = [['bp_loads', 'warnings'], ['bp_loads', 'errors'], ['bp_sources', 'last_load_id'], ['bp_changes', 'revised'], ['bp_periods', 'label']];

async function columns(wh: Awaited<ReturnType<typeof openWarehouse>>): Promise<string[]> {
  return (await wh.all<{ c: string }>(`SELECT table_name || '.' || column_name AS c FROM duckdb_columns() WHERE table_name LIKE 'bp\\_%' ESCAPE '\\' ORDER BY 1`)).map((r) => r.c);
}

describe('ensureMeta', () => {
  it('makes a new warehouse whole, and finds it whole when opened again', async () => {
    const wh = await openWarehouse(':memory:');
    try {
      await ensureMeta(wh);
      const made = await columns(wh);
      for (const [t, c] of LINEAGE) expect(made).toContain(`${t}.${c}`);
      expect((await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM bp_period_days WHERE period_id = '2024-25-Q1'`))[0].n).toBe(91);
      await ensureMeta(wh);
      expect(await columns(wh)).toEqual(made);
    } finally {
      wh.close();
    }
  });

  // The columns earlier builds did not have, as they lacked them.
  it.each([
    ['bp_loads', ['load_id', 'sheet', 'status', 'errors', 'warnings']],
    ['bp_loads', ['errors', 'warnings']],
    ['bp_sources', ['last_load_id']],
  ])('adds %s.%s back to a warehouse from an earlier build, keeping its rows', async (table, dropped) => {
    const wh = await openWarehouse(':memory:');
    try {
      await ensureMeta(wh);
      const whole = await columns(wh);
      await wh.run(`INSERT INTO bp_loads (source) VALUES ('earlier')`);
      await wh.run(`INSERT INTO bp_sources (source) VALUES ('earlier')`);
      for (const column of dropped) await wh.run(`ALTER TABLE ${table} DROP COLUMN ${column}`);
      for (const column of dropped) expect(await columns(wh)).not.toContain(`${table}.${column}`);
      await ensureMeta(wh);
      for (const column of dropped) expect(await columns(wh)).toContain(`${table}.${column}`);
      expect((await columns(wh)).sort()).toEqual([...whole].sort());
      expect((await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM bp_loads WHERE source = 'earlier'`))[0].n).toBe(1);
    } finally {
      wh.close();
    }
  });
});
