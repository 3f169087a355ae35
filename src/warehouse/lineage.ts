/**
 * "Where did this number come from?": the loads (file, sha256, when, contract version) behind an
 * indicator's figures. Every warehouse row carries the `_load_id` of the load that brought it, so the loads
 * behind a figure are exactly those of the rows its SQL reads: the rows of its period for a period column,
 * every row for record-level counts (an event or snapshot rule can reach any row).
 */
import type { Config, IndicatorDef, MeasurePartDef } from '../config/types.js';
import { quoteIdent, type Warehouse } from './db.js';
import { tableExists } from './meta.js';

export interface LoadUsed {
  source: string;
  loadId: number;
  file: string;
  sha256: string;
  size: number;
  sheet: string | null;
  loadedAt: string;
  contractVersion: string;
  /** Rows of this load (and file) the figure's table holds for the period asked. */
  rows: number;
}

/** The sources an indicator reads: its numerator and denominator, or the source tables named in its SQL. */
export function sourcesOfIndicator(def: IndicatorDef, config: Config): Array<{ source: string; table: string; part?: MeasurePartDef }> {
  const parts = [def.numerator, def.denominator].filter((p): p is MeasurePartDef => Boolean(p));
  const out: Array<{ source: string; table: string; part?: MeasurePartDef }> = parts.flatMap((p) => config.sources.filter((s) => s.id === p.from).map((s) => ({ source: s.id, table: s.table, part: p })));
  if (def.sql) {
    for (const s of config.sources) if (new RegExp(`\\b${s.table}\\b`, 'i').test(def.sql)) out.push({ source: s.id, table: s.table, part: undefined });
  }
  return out;
}

type LoadRow = { load_id: number; file: string; n: number; sha256: string; size: number; sheet: string | null; loaded_at: string; contract_version: string };

/**
 * The loads behind an indicator's figures, for one period id or every period. `cache` (one per run) shares the
 * per-table queries between indicators reading the same table: a record-level table is grouped once, not once
 * per indicator.
 */
export async function loadsForIndicator(wh: Warehouse, config: Config, def: IndicatorDef, period?: string, cache: Map<string, Promise<LoadRow[] | null>> = new Map()): Promise<LoadUsed[]> {
  const out = new Map<string, LoadUsed>();
  for (const { source, table, part } of sourcesOfIndicator(def, config)) {
    const periodCol = part?.period.kind === 'column' ? part.period.column : undefined;
    const key = `${table}\u0000${periodCol !== undefined && period !== undefined ? `${periodCol}\u0000${period}` : ''}`;
    if (!cache.has(key)) cache.set(key, loadRowsOf(wh, table, periodCol, period));
    const rows = await cache.get(key)!;
    if (!rows) continue;
    for (const r of rows) {
      const k = `${source}\u0000${r.load_id}\u0000${r.file}`;
      const prev = out.get(k);
      if (prev) prev.rows = Math.max(prev.rows, r.n);
      else out.set(k, { source, loadId: r.load_id, file: r.file, sha256: r.sha256, size: r.size, sheet: r.sheet, loadedAt: r.loaded_at, contractVersion: r.contract_version, rows: r.n });
    }
  }
  return [...out.values()];
}

async function loadRowsOf(wh: Warehouse, table: string, periodCol: string | undefined, period: string | undefined): Promise<LoadRow[] | null> {
  if (!(await tableExists(wh, table))) return null;
  const cols = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${quoteIdent(table)})`)).map((c) => c.column_name));
  if (!cols.has('_load_id')) return null;
  const byPeriod = period !== undefined && periodCol !== undefined && cols.has(periodCol);
  // The rows of the figure's period: the same id, or any period of the source's own type that overlaps it (the
  // months of a quarter summed from a monthly extract; the financial year of a population behind a quarter's rate).
  const inPeriod = `WHERE t.${quoteIdent(periodCol ?? 'period')} = ? OR t.${quoteIdent(periodCol ?? 'period')} IN (
       SELECT s.period_id FROM bp_periods s, bp_periods f WHERE f.period_id = ? AND s.start_date <= f.end_date AND s.end_date >= f.start_date)`;
  return wh.all<LoadRow>(
    `SELECT t._load_id AS load_id, t._file AS file, count(*)::INTEGER AS n, any_value(b.sha256) AS sha256, any_value(b.size) AS size, any_value(b.sheet) AS sheet,
            any_value(b.loaded_at) AS loaded_at, any_value(b.contract_version) AS contract_version
     FROM ${quoteIdent(table)} t LEFT JOIN bp_loads b ON b.load_id = t._load_id AND b.file = t._file
     ${byPeriod ? inPeriod : ''} GROUP BY 1, 2 ORDER BY 1, 2`, byPeriod ? [period!, period!] : []);
}

/**
 * The loads behind each indicator's latest figure (the pack's headline), keyed by indicator id, as results.json
 * lists them (the file's size is in `inputs` already).
 */
export async function lineageOfLatest(wh: Warehouse, config: Config, latest: Array<{ def: IndicatorDef; period: string }>): Promise<Record<string, { period: string; loads: Array<Omit<LoadUsed, 'size'>> }>> {
  const cache = new Map<string, Promise<LoadRow[] | null>>();
  const out: Record<string, { period: string; loads: Array<Omit<LoadUsed, 'size'>> }> = {};
  for (const { def, period } of latest) {
    const loads = await loadsForIndicator(wh, config, def, period, cache);
    out[def.id] = { period, loads: loads.map(({ size: _size, ...load }) => load) };
  }
  return out;
}

/** Every indicator's loads, as a table (`bp_lineage`: indicator, source, load_id, file, sha256, loaded_at) for inspection. */
export async function writeLineageTable(wh: Warehouse, config: Config, indicators: IndicatorDef[]): Promise<void> {
  await wh.run(`CREATE OR REPLACE TABLE bp_lineage (indicator VARCHAR, source VARCHAR, load_id INTEGER, file VARCHAR, sha256 VARCHAR, loaded_at VARCHAR, contract_version VARCHAR)`);
  const cache = new Map<string, Promise<LoadRow[] | null>>();
  for (const def of indicators) {
    for (const l of await loadsForIndicator(wh, config, def, undefined, cache)) {
      await wh.run(`INSERT INTO bp_lineage VALUES (?, ?, ?, ?, ?, ?, ?)`, [def.id, l.source, l.loadId, l.file, l.sha256, l.loadedAt, l.contractVersion]);
    }
  }
}
