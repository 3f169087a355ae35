/**
 * What the warehouse holds per source and period, against what is expected by now: loaded, missing (a gap
 * before the latest period loaded), late (ended more than `lateness_days` ago and not loaded) or due (ended,
 * still within its lateness allowance); and what the last load changed. Read-only; `today` is an argument.
 */
import { addDays, comparePeriods, dueDate, parsePeriodId, type Period, periodOfDate, shiftPeriod } from '../core/periods.js';
import type { Config, SourceDef } from '../config/types.js';
import { quoteIdent, type Warehouse } from './db.js';
import { tableExists, type PeriodChange } from './meta.js';

export type PeriodState = 'loaded' | 'missing' | 'late' | 'due';

export interface PeriodStatus {
  period: string;
  label: string;
  state: PeriodState;
  rows: number;
  /** The load that brought this period's rows, and when. */
  loadId?: number;
  loadedAt?: string;
  /** The date after which the period counts as late. */
  dueBy: string;
  daysLate?: number;
  /** What the latest load changed in this period, if it touched it. */
  change?: PeriodChange;
}

export interface SourceStatus {
  source: string;
  title: string;
  partner: string;
  frequency: string;
  table: string;
  state: 'loaded' | 'never loaded' | 'late';
  rows: number;
  lastLoad?: { loadId: number; loadedAt: string; files: Array<{ file: string; sha256: string; rows: number }> };
  /** The latest attempt, when it failed after the last good load. */
  lastFailure?: { loadId: number; at: string; errors: number };
  /** Record-level sources (no period): when the next extract is due and whether it is late. */
  nextDueBy?: string;
  daysLate?: number;
  periods: PeriodStatus[];
  changes: PeriodChange[];
}

const DAY = 86_400_000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b.slice(0, 10)}T00:00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00:00Z`)) / DAY);
const FREQUENCY_DAYS: Record<string, number> = { monthly: 31, quarterly: 92, termly: 122, annual: 366 };

export async function readStatus(wh: Warehouse, config: Config, today: string): Promise<SourceStatus[]> {
  const out: SourceStatus[] = [];
  for (const s of config.sources) out.push(await sourceStatus(wh, s, today));
  return out;
}

async function sourceStatus(wh: Warehouse, s: SourceDef, today: string): Promise<SourceStatus> {
  const st: SourceStatus = { source: s.id, title: s.title, partner: s.partner, frequency: s.frequency, table: s.table, state: 'never loaded', rows: 0, periods: [], changes: [] };
  const [src] = await wh.all<{ last_load_id: number | null; loaded_at: string }>(`SELECT last_load_id, loaded_at FROM bp_sources WHERE source = ?`, [s.id]);
  const [failure] = await wh.all<{ load_id: number; loaded_at: string; errors: number }>(
    `SELECT load_id, loaded_at, max(errors)::INTEGER AS errors FROM bp_loads WHERE source = ? AND status = 'failed' AND load_id > ? GROUP BY ALL ORDER BY load_id DESC LIMIT 1`,
    [s.id, src?.last_load_id ?? 0]);
  if (failure) st.lastFailure = { loadId: failure.load_id, at: failure.loaded_at, errors: failure.errors };
  const exists = await tableExists(wh, s.table);
  if (src?.last_load_id && exists) {
    const files = await wh.all<{ file: string; sha256: string; rows_loaded: number }>(`SELECT file, sha256, rows_loaded FROM bp_loads WHERE load_id = ? ORDER BY file`, [src.last_load_id]);
    st.lastLoad = { loadId: src.last_load_id, loadedAt: src.loaded_at, files: files.map((f) => ({ file: f.file, sha256: f.sha256, rows: f.rows_loaded })) };
    st.changes = (await wh.all<{ period: string; rows_before: number; rows_after: number; added: number; removed: number; revised: number }>(
      `SELECT period, rows_before, rows_after, added, removed, revised FROM bp_changes WHERE load_id = ? ORDER BY period`, [src.last_load_id]))
      .map((c) => ({ period: c.period, rowsBefore: c.rows_before, rowsAfter: c.rows_after, added: c.added, removed: c.removed, revised: c.revised }));
    const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(s.table)}`);
    st.rows = n;
    st.state = 'loaded';
  }
  if (!s.period) {
    // A record-level extract is expected again one frequency interval after the last load, then due by its
    // `due_rule` (or `lateness_days`) from then, as a period's extract is from the period's end.
    if (st.lastLoad) {
      st.nextDueBy = dueDate(s.dueRule ?? { days: s.latenessDays }, addDays(st.lastLoad.loadedAt, FREQUENCY_DAYS[s.frequency] ?? 92));
      const late = daysBetween(st.nextDueBy, today);
      if (late > 0) { st.daysLate = late; st.state = 'late'; }
    }
    return st;
  }
  const type = s.period.type;
  const loaded = new Map<string, { rows: number; loadId: number; loadedAt: string }>();
  if (st.state !== 'never loaded') {
    const hasLoadId = (await wh.all(`SELECT 1 FROM (DESCRIBE ${quoteIdent(s.table)}) WHERE column_name = '_load_id'`)).length > 0;
    const rows = await wh.all<{ p: string; n: number; l: number | null; at: string | null }>(
      `SELECT t.period AS p, count(*)::INTEGER AS n, ${hasLoadId ? 'max(t._load_id)' : 'NULL'}::INTEGER AS l,
         (SELECT max(loaded_at) FROM bp_loads b WHERE b.load_id = ${hasLoadId ? 'max(t._load_id)' : 'NULL'}) AS at
       FROM ${quoteIdent(s.table)} t WHERE t.period IS NOT NULL GROUP BY 1`);
    for (const r of rows) loaded.set(r.p, { rows: r.n, loadId: r.l ?? 0, loadedAt: r.at ?? '' });
  }
  const ids = [...loaded.keys()].map((id) => parsePeriodId(id)).sort(comparePeriods);
  // Expected: from the first period loaded (or, never loaded, the latest ended one) to the latest that has ended.
  const lastEnded = shiftPeriod(periodOfDate(type, today), -1);
  const first: Period = ids[0] ?? lastEnded;
  const latestLoaded = ids[ids.length - 1];
  const periods: PeriodStatus[] = [];
  const until = latestLoaded && comparePeriods(latestLoaded, lastEnded) > 0 ? latestLoaded : lastEnded;
  for (let p = first; comparePeriods(p, until) <= 0; p = shiftPeriod(p, 1)) {
    const dueBy = dueDate(s.dueRule ?? { days: s.latenessDays }, p.end);
    const l = loaded.get(p.id);
    const change = st.changes.find((c) => c.period === p.id);
    if (l) periods.push({ period: p.id, label: p.label, state: 'loaded', rows: l.rows, loadId: l.loadId || undefined, loadedAt: l.loadedAt || undefined, dueBy, change });
    else {
      const late = daysBetween(dueBy, today);
      const state: PeriodState = latestLoaded && comparePeriods(p, latestLoaded) < 0 ? 'missing' : late > 0 ? 'late' : 'due';
      periods.push({ period: p.id, label: p.label, state, rows: 0, dueBy, daysLate: late > 0 ? late : undefined, change });
    }
    if (periods.length > 2000) break;
  }
  st.periods = periods;
  if (st.lastLoad && periods.some((p) => p.state === 'late')) st.state = 'late';
  return st;
}

/** The plain table `boardpack status` prints: every source, then its recent and problem periods. */
export function renderStatus(statuses: SourceStatus[], options: { recent?: number } = {}): string {
  const recent = options.recent ?? 8;
  const lines: string[] = [];
  for (const s of statuses) {
    const head = `${s.source} (${s.partner}, ${s.frequency}): ${s.state}${s.rows ? `, ${s.rows.toLocaleString('en-GB')} rows` : ''}${s.lastLoad ? `, last loaded ${s.lastLoad.loadedAt} (load ${s.lastLoad.loadId})` : ''}`;
    lines.push(head);
    if (s.lastFailure) lines.push(`  last attempt failed ${s.lastFailure.at} with ${s.lastFailure.errors} error(s); ${s.lastLoad ? 'the data shown is from the last good load' : 'nothing has loaded yet'} (see .boardpack/validation-report.html)`);
    if (s.nextDueBy) lines.push(`  next extract due by ${s.nextDueBy}${s.daysLate ? ` — late by ${s.daysLate} day(s)` : ''}`);
    const shown = s.periods.filter((p, i) => p.state !== 'loaded' || i >= s.periods.length - recent || p.change);
    const hidden = s.periods.length - shown.length;
    if (hidden > 0) lines.push(`  … ${hidden} earlier period(s) loaded`);
    for (const p of shown) {
      const what = p.state === 'loaded' ? `loaded   ${String(p.rows).padStart(7)} rows${p.loadedAt ? `  ${p.loadedAt}` : ''}`
        : p.state === 'late' ? `LATE     by ${p.daysLate} day(s) (due by ${p.dueBy})`
          : p.state === 'missing' ? `MISSING  (a gap: later periods are loaded)` : `due      by ${p.dueBy}`;
      const ch = p.change && (p.change.added || p.change.removed || p.change.revised) ? `  last load: +${p.change.added} added, −${p.change.removed} removed, ~${p.change.revised} revised` : '';
      lines.push(`  ${p.period.padEnd(12)} ${what}${ch}`);
    }
    const unperiod = s.changes.find((c) => c.period === '');
    if (unperiod) lines.push(`  last load: ${unperiod.rowsBefore} → ${unperiod.rowsAfter} rows: +${unperiod.added} added, −${unperiod.removed} removed, ~${unperiod.revised} revised`);
  }
  return lines.join('\n');
}
