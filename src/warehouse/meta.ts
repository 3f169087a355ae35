/**
 * The warehouse's own tables: the period calendar every indicator joins to, and the lineage of every load.
 */
import { makePeriod, PERIOD_TYPES } from '../core/periods.js';
import type { Warehouse } from './db.js';

export const CALENDAR_FIRST_YEAR = 2000;
export const CALENDAR_LAST_YEAR = 2045;

export async function ensureMeta(wh: Warehouse): Promise<void> {
  await wh.run(`CREATE TABLE IF NOT EXISTS bp_loads (
    source VARCHAR, file VARCHAR, sha256 VARCHAR, size BIGINT, rows_read INTEGER, rows_loaded INTEGER,
    rows_rejected INTEGER, periods VARCHAR, loaded_at VARCHAR, contract_version VARCHAR, fingerprint VARCHAR)`);
  await wh.run(`CREATE TABLE IF NOT EXISTS bp_sources (source VARCHAR PRIMARY KEY, table_name VARCHAR, fingerprint VARCHAR, loaded_at VARCHAR, periods VARCHAR)`);
  const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'bp_periods'`);
  if (n === 0) {
    await wh.transaction(async () => {
      await wh.run(`CREATE TABLE bp_periods (period_id VARCHAR, period_type VARCHAR, start_date DATE, end_date DATE, label VARCHAR, PRIMARY KEY (period_type, period_id))`);
      const app = await wh.conn.createAppender('bp_periods');
      for (const type of PERIOD_TYPES) {
        for (let y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++) {
          const count = makePeriod(type, y, 1).perYear;
          for (let i = 1; i <= count; i++) {
            const p = makePeriod(type, y, i);
            app.appendVarchar(p.id); app.appendVarchar(type); app.appendVarchar(p.start); app.appendVarchar(p.end); app.appendVarchar(p.label);
            app.endRow();
          }
        }
      }
      app.closeSync();
    });
  }
}

export async function tableColumns(wh: Warehouse): Promise<Record<string, string[]>> {
  const rows = await wh.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name NOT LIKE 'bp\\_%' ESCAPE '\\' ORDER BY table_name, ordinal_position`);
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.table_name] ??= []).push(r.column_name);
  return out;
}
