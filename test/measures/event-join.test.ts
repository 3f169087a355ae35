/**
 * Issue #9: `period: {event: …}` joins through the day calendar `bp_period_days` (an equality hash join)
 * instead of a range join on `bp_periods`. The figures must be exactly those of the range join: checked on
 * generated records full of boundary days (every period's first and last day, 29 February, the days around
 * the calendar's ends, NULL), for every period type, with and without areas, in real DuckDB, against both the
 * range-join SQL (`periodDays: false`) and a reference computed here in plain JavaScript.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { Config, IndicatorDef, MeasurePartDef } from '../../src/config/types.js';
import { PERIOD_TYPES, type PeriodType } from '../../src/core/periods.js';
import { compileIndicator } from '../../src/measures/compile.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';

const SAMPLE = fileURLToPath(new URL('../../sample-data/', import.meta.url));

type Row = { period: string; area: string; numerator: number | null; denominator: number | null; value: number | null; marker: string | null };

let wh: Warehouse;
let config: Config;
let base: IndicatorDef;
let areas: string[];
let periods: Array<{ period_id: string; period_type: string; start_date: string; end_date: string }>;
/** The generated records: [area, child_id, start_date (ISO or null)]. */
const records: Array<[string, string, string | null]> = [];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));

/** A small seeded generator (mulberry32), so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function indicator(periodType: PeriodType, numerator: Partial<MeasurePartDef>, denominator?: Partial<MeasurePartDef>): IndicatorDef {
  const part = (p: Partial<MeasurePartDef>): MeasurePartDef => ({ from: 'episodes', expr: 'count(*)', period: { kind: 'event', column: 'start_date' }, area: 'area', ...p });
  return { ...base, id: `event_${periodType}`, periodType, unit: denominator ? 'percent' : 'count', sql: undefined, numerator: part(numerator), denominator: denominator && part(denominator) };
}

async function run(def: IndicatorDef, periodDays: boolean): Promise<{ sql: string; rows: Row[] }> {
  const sql = compileIndicator(def, config, { episodes: ['area', 'child_id', 'episode_type', 'start_date'] }, { periodDays });
  return { sql, rows: await wh.all<Row>(sql) };
}

/** What the range rule says, computed without SQL: each dated record counts in every period of the type containing its day. */
function referenceCounts(periodType: PeriodType): Map<string, number> {
  const out = new Map<string, number>();
  const ofType = periods.filter((p) => p.period_type === periodType);
  for (const [, , day] of records) {
    if (day === null) continue;
    for (const p of ofType) if (p.start_date <= day && day <= p.end_date) out.set(p.period_id, (out.get(p.period_id) ?? 0) + 1);
  }
  return out;
}

beforeAll(async () => {
  const res = await loadProject(SAMPLE);
  if (!res.config) throw new Error(`sample project does not load: ${JSON.stringify(res.problems.slice(0, 3))}`);
  config = res.config;
  base = res.indicators.find((i) => i.numerator?.period.kind === 'event')!;
  areas = config.areas.map((a) => a.id).filter((id) => id !== 'all'); // 'all' is the partnership total, not a locality
  wh = await openWarehouse(':memory:');
  await ensureMeta(wh);
  periods = await wh.all(`SELECT period_id, period_type, strftime(start_date, '%Y-%m-%d') AS start_date, strftime(end_date, '%Y-%m-%d') AS end_date FROM bp_periods`);

  // Boundary days: every period's first and last day and the days either side of them (for every type, so
  // term gaps and year ends are covered), 29 February in leap years, the calendar's own first and last days
  // and the days just outside it, and NULL; then random days across and beyond the calendar.
  const first = periods.reduce((m, p) => (p.start_date < m ? p.start_date : m), '9999-12-31');
  const last = periods.reduce((m, p) => (p.end_date > m ? p.end_date : m), '0000-01-01');
  const days = new Set<string>(['2000-02-29', '2004-02-29', '2024-02-29', '2044-02-29', '2024-02-28', '2024-03-01', '2023-03-01',
    first, addDays(first, -1), addDays(first, -366), last, addDays(last, 1), addDays(last, 400)]);
  for (const p of periods) {
    if (p.start_date < '2019-01-01' || p.start_date > '2026-12-31') continue;
    for (const d of [p.start_date, p.end_date, addDays(p.start_date, -1), addDays(p.end_date, 1)]) days.add(d);
  }
  for (const p of periods.filter((x) => x.period_type === 'fy_quarter')) days.add(p.start_date).add(p.end_date);
  const random = rng(9);
  const span = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000;
  for (let i = 0; i < 4000; i++) days.add(addDays(first, Math.floor(random() * (span + 800)) - 400));
  let n = 0;
  for (const day of [...days, null, null, null]) {
    // Several records per day, in different areas, some for the same child (for count(DISTINCT …)).
    const copies = 1 + Math.floor(random() * 3);
    for (let c = 0; c < copies; c++) records.push([areas[(n + c) % areas.length], `C${(n * 7 + c) % 997}`, day]);
    n++;
  }
  await wh.run(`CREATE TABLE episodes (area VARCHAR, child_id VARCHAR, episode_type VARCHAR, start_date DATE)`);
  const app = await wh.conn.createAppender('episodes');
  records.forEach(([area, child, day], i) => {
    app.appendVarchar(area); app.appendVarchar(child); app.appendVarchar(i % 3 ? 'EHA' : 'CIN');
    if (day === null) app.appendNull(); else app.appendVarchar(day);
    app.endRow();
  });
  app.closeSync();
});

afterAll(() => wh?.close());

describe('event dates through the day calendar', () => {
  for (const periodType of PERIOD_TYPES) {
    it(`${periodType}: the same figures as the range join and as the range rule itself, boundary days included`, async () => {
      const def = indicator(periodType, { expr: 'count(*)' });
      const days = await run(def, true);
      const range = await run(def, false);
      expect(days.sql).toMatch(/JOIN \(SELECT day AS bp_day, period_id AS bp_period_id FROM bp_period_days/);
      expect(range.sql).not.toMatch(/bp_period_days/);
      expect(days.rows.length).toBeGreaterThan(areas.length * 10);
      expect(days.rows).toEqual(range.rows);

      const reference = referenceCounts(periodType);
      const totals = new Map(days.rows.filter((r) => r.area === 'all').map((r) => [r.period, r.numerator]));
      expect(totals).toEqual(reference);
    });
  }

  it('counts a day in the period it ends or starts, never in a neighbour, and leaves out NULL and days outside the calendar', async () => {
    const { rows } = await run(indicator('fy_quarter', { expr: 'count(*)' }), true);
    const all = new Map(rows.filter((r) => r.area === 'all').map((r) => [r.period, r.numerator]));
    const count = (day: string | null) => records.filter((r) => r[2] === day).length;
    // 2024-06-30 is the last day of 2024-25 Q1 and 2024-07-01 the first of Q2: each record lands in one of them.
    const inQ1 = records.filter((r) => r[2] !== null && r[2] >= '2024-04-01' && r[2] <= '2024-06-30').length;
    expect(all.get('2024-25-Q1')).toBe(inQ1);
    expect(count('2024-06-30')).toBeGreaterThan(0);
    expect(count('2024-02-29')).toBeGreaterThan(0);
    const inQ4 = records.filter((r) => r[2] !== null && r[2] >= '2024-01-01' && r[2] <= '2024-03-31').length;
    expect(all.get('2023-24-Q4')).toBe(inQ4);
    const first = periods.filter((p) => p.period_type === 'fy_quarter').reduce((m, p) => (p.start_date < m ? p.start_date : m), '9999-12-31');
    const last = periods.filter((p) => p.period_type === 'fy_quarter').reduce((m, p) => (p.end_date > m ? p.end_date : m), '0000-01-01');
    const inside = records.filter((r) => r[2] !== null && r[2] >= first && r[2] <= last).length;
    expect(records.length - inside).toBeGreaterThan(10); // NULLs and days before and after the calendar exist…
    expect([...all.values()].reduce((a, b) => a! + b!, 0)).toBe(inside); // …and none of them is counted.
  });

  it('gives the same figures for a distinct count with a where, an area-less part and a denominator', async () => {
    const defs = [
      indicator('fy_quarter', { expr: 'count(DISTINCT child_id)', where: `episode_type = 'EHA'` }, { expr: 'count(DISTINCT child_id)' }),
      indicator('month', { expr: 'count(*)', area: null }),
      indicator('term', { expr: 'count(DISTINCT child_id)', where: `s.start_date >= DATE '2010-01-01'` }),
    ];
    for (const def of defs) {
      const days = await run(def, true);
      const range = await run(def, false);
      expect(days.rows.length).toBeGreaterThan(0);
      expect(days.rows).toEqual(range.rows);
    }
  });

  it('keeps the range rule for a timestamp column (a time after midnight on a period\'s last day stays out, as before)', async () => {
    await wh.run(`CREATE OR REPLACE TABLE episodes_ts AS SELECT area, child_id, episode_type,
      start_date::TIMESTAMP + CASE WHEN row_number() OVER () % 2 = 0 THEN INTERVAL 13 HOUR ELSE INTERVAL 0 HOUR END AS start_date FROM episodes`);
    const def = { ...indicator('fy_quarter', { expr: 'count(*)' }), numerator: { from: 'episodes_ts', expr: 'count(*)', period: { kind: 'event' as const, column: 'start_date' }, area: 'area' } };
    const days = await run(def, true);
    const range = await run(def, false);
    expect(days.rows.length).toBeGreaterThan(0);
    expect(days.rows).toEqual(range.rows);
  });
});
