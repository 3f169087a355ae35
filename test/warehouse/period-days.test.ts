/**
 * Issue #9: `ensureMeta` keeps `bp_period_days`, a view with one row per day of every period of `bp_periods`;
 * a warehouse without it (made before, opened read-only) still computes, with the range join, and gives the
 * same figures.
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

  it('follows bp_periods at once, and replaces a table of its name left by an earlier build', async () => {
    const root = await makeProject();
    const { config } = await ingestFolder(root);
    const wh = await openWarehouse(config.warehousePath);
    try {
      // A view over bp_periods: a new period is in the day calendar without any rebuild.
      await wh.run(`INSERT INTO bp_periods VALUES ('W1', 'week', DATE '2024-01-01', DATE '2024-01-07', 'Week 1')`);
      expect(await wh.all(`SELECT count(*)::INTEGER AS n, min(day)::VARCHAR AS first, max(day)::VARCHAR AS last FROM bp_period_days WHERE period_type = 'week'`))
        .toEqual([{ n: 7, first: '2024-01-01', last: '2024-01-07' }]);

      // A stored table of the same name (an earlier build) is not trusted, and ensureMeta replaces it.
      await wh.run('DROP VIEW bp_period_days');
      await wh.run(`CREATE TABLE bp_period_days AS SELECT 'sentinel' AS period_type, DATE '2024-01-01' AS day, 'x' AS period_id`);
      expect(await hasPeriodDays(wh)).toBe(false);
      await ensureMeta(wh);
      expect(await hasPeriodDays(wh)).toBe(true);
      expect(await wh.all(`SELECT count(*)::INTEGER AS n FROM bp_period_days WHERE period_type = 'sentinel'`)).toEqual([{ n: 0 }]);
      await ensureMeta(wh); // idempotent
      expect(await wh.all(`SELECT count(*)::INTEGER AS n FROM bp_period_days WHERE period_type = 'week'`)).toEqual([{ n: 7 }]);
    } finally {
      wh.close();
    }
    // Reopened read-only, the view is there and usable.
    const again = await openWarehouse(config.warehousePath, { readOnly: true });
    try {
      expect(await hasPeriodDays(again)).toBe(true);
      expect(await again.all(`SELECT period_id FROM bp_period_days WHERE period_type = 'fy_quarter' AND day = DATE '2024-06-30'`)).toEqual([{ period_id: '2024-25-Q1' }]);
    } finally {
      again.close();
    }
  });

  it('a warehouse without it (made before the day calendar, opened read-only) computes with the range join, with the same figures', async () => {
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
    await old.run('DROP VIEW bp_period_days');
    old.close();
    const readOnly = await openMeasuresWarehouse(config.warehousePath);
    const withRange = await computeMeasures(readOnly, config, defs).finally(() => readOnly.close());
    expect(withRange.failures).toEqual([]);
    expect(withRange.compiled[0].sql).not.toMatch(/bp_period_days/);
    expect(withRange.compiled[0].sql).toMatch(/BETWEEN p\.start_date AND p\.end_date/);
    expect(withRange.values).toEqual(withDays.values);
  });
});
