/**
 * Run history: every run's figures are kept in the warehouse, keyed by run, so the next pack can
 * say what changed since the previous one.
 *
 * A run's id is a hash of what it was made from (inputs, config, definitions, templates, period, tool
 * version), not of the time: re-running the same inputs replaces its own row instead of becoming "the
 * previous run", so a rebuild is byte-identical and "what changed" always compares with the last run made
 * from something different. `seq` orders runs (times can all be equal under SOURCE_DATE_EPOCH).
 */
import type { Warehouse } from './db.js';

export interface StoredResult {
  indicator: string;
  title: string;
  period: string;
  periodLabel: string;
  area: string;
  value: number | null;
  status: string;
  rag: string;
  marker: string | null;
  /** This is the indicator's latest (report-period) figure for the area. */
  latest: boolean;
}

export interface StoredRun {
  runId: string;
  seq: number;
  generatedAt: string;
  period: string;
  periodLabel: string;
  toolVersion: string;
}

export async function ensureHistory(wh: Warehouse): Promise<void> {
  await wh.run(`CREATE TABLE IF NOT EXISTS bp_runs (
    run_id VARCHAR PRIMARY KEY, seq INTEGER, generated_at VARCHAR, period VARCHAR, period_label VARCHAR, tool_version VARCHAR, manifest VARCHAR)`);
  await wh.run(`CREATE TABLE IF NOT EXISTS bp_run_results (
    run_id VARCHAR, indicator VARCHAR, title VARCHAR, period VARCHAR, period_label VARCHAR, area VARCHAR,
    value DOUBLE, status VARCHAR, rag VARCHAR, marker VARCHAR, latest BOOLEAN)`);
}

/** The most recent run other than `exceptRunId`, or undefined on a first run. */
export async function readPreviousRun(wh: Warehouse, exceptRunId: string): Promise<{ run: StoredRun; results: StoredResult[] } | undefined> {
  const runs = await wh.all<{ run_id: string; seq: number; generated_at: string; period: string; period_label: string; tool_version: string }>(
    `SELECT run_id, seq, generated_at, period, period_label, tool_version FROM bp_runs WHERE run_id <> ? ORDER BY seq DESC LIMIT 1`, [exceptRunId]);
  if (!runs.length) return undefined;
  const r = runs[0];
  const rows = await wh.all<{ indicator: string; title: string; period: string; period_label: string; area: string; value: number | null; status: string; rag: string; marker: string | null; latest: boolean }>(
    `SELECT indicator, title, period, period_label, area, value, status, rag, marker, latest FROM bp_run_results WHERE run_id = ? ORDER BY indicator, period, area`, [r.run_id]);
  return {
    run: { runId: r.run_id, seq: r.seq, generatedAt: r.generated_at, period: r.period, periodLabel: r.period_label, toolVersion: r.tool_version },
    results: rows.map((x) => ({ indicator: x.indicator, title: x.title, period: x.period, periodLabel: x.period_label, area: x.area, value: x.value, status: x.status, rag: x.rag, marker: x.marker, latest: Boolean(x.latest) })),
  };
}

/** Store a run (replacing an earlier run with the same id) as the newest. */
export async function recordRun(wh: Warehouse, run: Omit<StoredRun, 'seq'> & { manifest?: string }, results: StoredResult[]): Promise<StoredRun> {
  return wh.transaction(async () => {
    const [{ next }] = await wh.all<{ next: number }>(`SELECT (coalesce(max(seq), 0) + 1)::INTEGER AS next FROM bp_runs`);
    await wh.run(`DELETE FROM bp_run_results WHERE run_id = ?`, [run.runId]);
    await wh.run(`DELETE FROM bp_runs WHERE run_id = ?`, [run.runId]);
    await wh.run(`INSERT INTO bp_runs VALUES (?, ?, ?, ?, ?, ?, ?)`, [run.runId, next, run.generatedAt, run.period, run.periodLabel, run.toolVersion, run.manifest ?? null]);
    const app = await wh.conn.createAppender('bp_run_results');
    for (const r of results) {
      app.appendVarchar(run.runId); app.appendVarchar(r.indicator); app.appendVarchar(r.title); app.appendVarchar(r.period);
      app.appendVarchar(r.periodLabel); app.appendVarchar(r.area);
      if (r.value === null || !Number.isFinite(r.value)) app.appendNull(); else app.appendDouble(r.value);
      app.appendVarchar(r.status); app.appendVarchar(r.rag);
      if (r.marker === null) app.appendNull(); else app.appendVarchar(r.marker);
      app.appendBoolean(r.latest);
      app.endRow();
    }
    app.closeSync();
    return { ...run, seq: next };
  });
}

/** Every stored run, newest first (for `boardpack status` and tests). */
export async function listRuns(wh: Warehouse): Promise<StoredRun[]> {
  const rows = await wh.all<{ run_id: string; seq: number; generated_at: string; period: string; period_label: string; tool_version: string }>(
    `SELECT run_id, seq, generated_at, period, period_label, tool_version FROM bp_runs ORDER BY seq DESC`);
  return rows.map((r) => ({ runId: r.run_id, seq: r.seq, generatedAt: r.generated_at, period: r.period, periodLabel: r.period_label, toolVersion: r.tool_version }));
}
