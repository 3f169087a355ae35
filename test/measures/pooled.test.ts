/**
 * Rare events pooled over three years, as Fingertips pools them: the sample's infant mortality (`pool: {years:
 * 3}`) is checked by hand against the same indicator computed quarter by quarter from the same extract: each
 * pooled figure is the twelve quarters' deaths over their live births, with Byar's interval on the pooled count,
 * labelled the way Fingertips writes pooled years; a window reaching before the data is partial, never rated.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePack } from '../../src/index.js';
import { aggregateConstituents, shiftPeriod, tryParsePeriodId } from '../../src/core/periods.js';
import type { PackResult } from '../../src/pipeline/compute.js';
import { emitResultsJson } from '../../src/pipeline/emit.js';
import { loadProject } from '../../src/config/load.js';
import { copySampleProject, copySampleWithWarehouse } from '../helpers/sample.js';

describe('pooled period ids and labels', () => {
  it('write pooled years as Fingertips does and cover the years ending with the period', () => {
    expect(tryParsePeriodId('2025-P3Y')?.label).toBe('2023 - 25');
    expect(tryParsePeriodId('2025-26-P3Y')?.label).toBe('2023/24 - 25/26');
    expect(tryParsePeriodId('2020-P5Y')?.label).toBe('2016 - 20');
    const q = tryParsePeriodId('2026-27-Q2-P3Y')!;
    expect(q.label).toBe('2023/24 Q3 - 2026/27 Q2');
    expect([q.start, q.end]).toEqual(['2023-10-01', '2026-09-30']);
    const parts = aggregateConstituents(q, q.aggregate!);
    expect(parts).toHaveLength(12);
    expect([parts[0].id, parts[11].id]).toEqual(['2023-24-Q3', '2026-27-Q2']);
    expect(tryParsePeriodId('2025-P6Y')).toBeUndefined();
  });
});

describe('the sample\'s infant mortality, pooled over three years', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-pooled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let pack: PackResult;

  beforeAll(async () => {
    const root = await copySampleWithWarehouse(path.join(dir, 'sample'));
    // The same definition without `pool:`, and without disclosure control (a quarter's deaths are mostly under
    // 10, so hidden): the quarterly counts a person would add up by hand.
    const pooled = readFileSync(path.join(root, 'indicators', 'infant_mortality.yaml'), 'utf8');
    expect(pooled).toMatch(/^pool:\n {2}years: 3$/m);
    writeFileSync(path.join(root, 'indicators', 'infant_mortality_quarterly.yaml'), pooled
      .replace(/^pool:\n {2}years: 3\n/m, '').replace(/^id: infant_mortality$/m, 'id: infant_mortality_quarterly').replace(/^title: .*$/m, 'title: Infant mortality rate (quarterly)\ndisclosure: false'));
    pack = await computePack(root, { history: false });
  }, 300_000);

  const result = (indicator: string, period: string, area = 'all') => pack.assessment.results.find((r) => r.indicator === indicator && r.period === period && r.area === area);

  it('adds up the twelve quarters\' deaths and births for the headline, every locality and every period', () => {
    expect(pack.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const ia = pack.assessment.indicators.find((x) => x.indicator.id === 'infant_mortality')!;
    expect(ia.indicator.pool).toEqual({ years: 3 });
    expect(ia.latest.period).toBe(`${pack.assessment.period.id}-P3Y`);
    expect(ia.latest.periodLabel).toMatch(/^\d{4}\/\d{2} Q\d - \d{4}\/\d{2} Q\d$/);
    let checked = 0;
    for (const fig of pack.assessment.results.filter((r) => r.indicator === 'infant_mortality' && r.status === 'ok')) {
      const quarters = aggregateConstituents(tryParsePeriodId(fig.period)!, 'pooled_3y').map((q) => result('infant_mortality_quarterly', q.id, fig.area));
      expect(quarters.every((q) => q && q.numerator !== null && q.denominator !== null), `${fig.period} ${fig.area}: every quarter held`).toBe(true);
      const deaths = quarters.reduce((s, q) => s + q!.numerator!, 0);
      const births = quarters.reduce((s, q) => s + q!.denominator!, 0);
      expect([fig.numerator, fig.denominator]).toEqual([deaths, births]);
      expect(fig.value).toBeCloseTo((deaths / births) * 1000, 10);
      checked++;
    }
    expect(checked, 'pooled figures for the partnership and localities').toBeGreaterThan(12);
  });

  it("gives the pooled figure Byar's interval on the pooled count, and judges direction between pooled figures", () => {
    const ia = pack.assessment.indicators.find((x) => x.indicator.id === 'infant_mortality')!;
    const l = ia.latest;
    const o = l.numerator!;
    expect(o).toBeGreaterThanOrEqual(10); // three years of deaths: Byar, not the exact small-count interval
    const z = 1.959964;
    const lower = o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3;
    const upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1))) ** 3;
    expect(l.ci!.lower).toBeCloseTo((lower / l.denominator!) * 1000, 6);
    expect(l.ci!.upper).toBeCloseTo((upper / l.denominator!) * 1000, 6);
    // The quarter before's pooled figure is what it is compared with.
    const before = result('infant_mortality', shiftPeriod(tryParsePeriodId(l.period)!, -1).id);
    expect(before?.period).toMatch(/-Q\d-P3Y$/);
    expect(l.previousValue).toBe(before?.value);
    // Overlapping windows are not independent points: no SPC chart by default.
    expect(ia.spc).toBeUndefined();
    expect(pack.assessment.indicators.find((x) => x.indicator.id === 'infant_mortality_quarterly')!.spc).toBeDefined();
  });

  it('marks a window that reaches before the data as partial, never rated', () => {
    const first = pack.assessment.results.filter((r) => r.indicator === 'infant_mortality_quarterly' && r.area === 'all' && r.value !== null)
      .map((r) => r.period).sort()[0];
    const q = tryParsePeriodId(first)!;
    // The window ending with the eleventh quarter held has one quarter before the data; the twelfth's is whole.
    expect(result('infant_mortality', `${shiftPeriod(q, 10).id}-P3Y`)?.status).toBe('partial');
    expect(result('infant_mortality', `${shiftPeriod(q, 11).id}-P3Y`)?.status).toBe('ok');
    const ia = pack.assessment.indicators.find((x) => x.indicator.id === 'infant_mortality')!;
    const partial = ia.series.filter((s) => s.status === 'partial');
    expect(partial.every((s) => s.rag === 'grey')).toBe(true);
  });

  it('results.json carries the setting and the pooled periods', async () => {
    const file = await emitResultsJson(pack, dir);
    const json = JSON.parse(readFileSync(file.path, 'utf8')) as { indicators: Array<{ indicator: string; pool: unknown; aggregate: unknown; latestPeriod: string }>; results: Array<{ indicator: string; period: string; periodLabel?: string }> };
    const rec = json.indicators.find((x) => x.indicator === 'infant_mortality')!;
    expect(rec).toMatchObject({ pool: { years: 3 }, aggregate: 'pooled_3y' });
    expect(rec.latestPeriod).toMatch(/-P3Y$/);
    expect(json.indicators.find((x) => x.indicator === 'infant_mortality_quarterly')!.pool).toBeNull();
  });
});

describe('pool: beside aggregate:', () => {
  it('is a coded error naming the file and key, not a silent choice of one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bp-pooled-lint-'));
    try {
      const root = copySampleProject(path.join(dir, 'sample'));
      const file = path.join(root, 'indicators', 'stillbirth_rate.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}aggregate: rolling_12\n`);
      const res = await loadProject(root);
      const p = res.problems.find((x) => x.code === 'BP_POOL_WITH_AGGREGATE');
      expect(p).toMatchObject({ severity: 'error', yamlPath: 'indicators.stillbirth_rate.pool' });
      expect(p?.file).toContain('stillbirth_rate.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
