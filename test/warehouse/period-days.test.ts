/**
 * Issue #9: `ensureMeta` keeps `bp_period_days` (one row per day of every period of `bp_periods`), building it
 * once and again only when `bp_periods` changes; a warehouse without it (made before, opened read-only) still
 * computes, with the range join, and gives the same figures.
 */
import { describe, expect, it } from 'vitest';
import { computeMeasures, openMeasuresWarehouse } from '../../src/measures/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta, hasPeriodDays } from '../../src/warehouse/meta.js';
import { ingestFolder } from '../helpers/ingest.js';
import { makeProject } from '../helpers/project.js';

const STARTED = `id: early_help_started
title: Early help episodes started
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
period_type: fy_quarter
numerator:
  from: early_help
  expr: count(*)
  period: { event: start_date }
`;

describe('bp_period_days', () => {
  it('holds every day of every period once, each with the period that contains it', async () => {
    const wh = await openWarehouse(':memory:');
    try {
      await ensureMeta(wh);
      const [shape] = await wh.all<{ days: number; expected: number; outside: number; duplicates: number; types: number }>(`SELECT
        (SELECT count(*) FROM bp_period_days)::INTEGER AS days,
        (SELECT sum(end_date - start_date + 1) FROM bp_periods)::INTEGER AS expected,
        (SELECT count(*) FROM bp_period_days d JOIN bp_periods p USING (period_type, period_id) WHERE d.day NOT BETWEEN p.start_date AND p.end_date)::INTEGER AS outside,
        (SELECT count(*) FROM (SELECT period_type, day FROM bp_period_days GROUP BY ALL HAVING count(*) > 1))::INTEGER AS duplicates,
        (SELECT count(DISTINCT period_type) FROM bp_period_days)::INTEGER AS types`);
      expect(shape.days).toBe(shape.expected);
      expect(shape.days).toBeGreaterThan(90_000);
      expect(shape.outside).toBe(0);
      expect(shape.duplicates).toBe(0);
      expect(shape.types).toBe(6);
      expect(await wh.all(`SELECT period_id FROM bp_period_days WHERE period_type = 'fy_quarter' AND day IN (DATE '2024-02-29', DATE '2024-03-31', DATE '2024-04-01') ORDER BY day`))
        .toEqual([{ period_id: '2023-24-Q4' }, { period_id: '2023-24-Q4' }, { period_id: '2024-25-Q1' }]);
      expect(await hasPeriodDays(wh)).toBe(true);
    } finally {
      wh.close();
    }
  });

  it('is built once, kept on later opens, and rebuilt when bp_periods changes', async () => {
    const root = await makeProject();
    const { config } = await ingestFolder(root);
    const wh = await openWarehouse(config.warehousePath);
    try {
      // A row ensureMeta would not write: it survives a second ensureMeta, so nothing was rebuilt.
      await wh.run(`INSERT INTO bp_period_days VALUES ('sentinel', DATE '2024-01-01', 'x')`);
      await ensureMeta(wh);
      expect(await wh.all(`SELECT period_id FROM bp_period_days WHERE period_type = 'sentinel'`)).toEqual([{ period_id: 'x' }]);

      // The calendar changes (a new period type): the day table follows it.
      await wh.run(`INSERT INTO bp_periods VALUES ('W1', 'week', DATE '2024-01-01', DATE '2024-01-07', 'Week 1')`);
      expect(await hasPeriodDays(wh)).toBe(false);
      await ensureMeta(wh);
      expect(await hasPeriodDays(wh)).toBe(true);
      expect(await wh.all(`SELECT count(*)::INTEGER AS n FROM bp_period_days WHERE period_type = 'sentinel'`)).toEqual([{ n: 0 }]);
      expect(await wh.all(`SELECT count(*)::INTEGER AS n, min(day)::VARCHAR AS first, max(day)::VARCHAR AS last FROM bp_period_days WHERE period_type = 'week'`))
        .toEqual([{ n: 7, first: '2024-01-01', last: '2024-01-07' }]);
    } finally {
      wh.close();
    }
    // Reopened, the calendar is current without any rebuild.
    const again = await openWarehouse(config.warehousePath, { readOnly: true });
    try {
      expect(await hasPeriodDays(again)).toBe(true);
    } finally {
      again.close();
    }
  });

  it('a warehouse without it (made before issue #9, opened read-only) computes with the range join, with the same figures', async () => {
    const root = await makeProject({ 'indicators/early_help_started.yaml': STARTED });
    const { config, indicators } = await ingestFolder(root);
    const defs = indicators.filter((i) => i.id === 'early_help_started');
    expect(defs).toHaveLength(1);

    const current = await openMeasuresWarehouse(config.warehousePath);
    const withDays = await computeMeasures(current, config, defs).finally(() => current.close());
    expect(withDays.failures).toEqual([]);
    expect(withDays.compiled[0].sql).toMatch(/bp_period_days/);
    expect(withDays.values.filter((v) => v.area === 'all' && (v.numerator ?? 0) > 0).length).toBeGreaterThan(3);

    const old = await openWarehouse(config.warehousePath);
    await old.run('DROP TABLE bp_period_days');
    old.close();
    const readOnly = await openMeasuresWarehouse(config.warehousePath);
    const withRange = await computeMeasures(readOnly, config, defs).finally(() => readOnly.close());
    expect(withRange.failures).toEqual([]);
    expect(withRange.compiled[0].sql).not.toMatch(/bp_period_days/);
    expect(withRange.compiled[0].sql).toMatch(/BETWEEN p\.start_date AND p\.end_date/);
    expect(withRange.values).toEqual(withDays.values);
  });
});
