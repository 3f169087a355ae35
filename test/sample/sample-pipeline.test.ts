/**
 * The sample through boardpack's own loader, ingest, measures and assess: every figure the warehouse computes
 * equals the generator's own evaluation of the simulated data, and the 2026/27 Q2 pack gets the designed
 * mix of statuses (README "Designed statuses").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../../scripts/generate-sample.js';
import { evaluate, INDICATORS, latestPeriod, MULTIPLIER, periodsOf } from '../../scripts/sample/indicators.js';
import { latestStatuses } from '../../scripts/sample/readme.js';
import { LOCALITIES } from '../../scripts/sample/model.js';
import { loadProject } from '../../src/config/load.js';
import { formatProblem } from '../../src/core/errors.js';
import { computeMeasures, type MeasuresOutput } from '../../src/measures/index.js';
import { assess, type Assessment } from '../../src/assess/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { placeSampleWarehouse, sampleIngestProblems } from '../helpers/sample.js';

let tmp: string;
let measures: MeasuresOutput;
let assessment: Assessment;
let problems: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'boardpack-sample-pipeline-'));
  const loaded = await loadProject(SAMPLE_DIR);
  problems = loaded.problems.map(formatProblem);
  if (!loaded.project) throw new Error(`sample-data does not load:\n${problems.join('\n')}`);
  // The suite ingests the shipped sample once (test/helpers/sample.ts): what that ingest reported, and a copy of it.
  problems.push(...await sampleIngestProblems());
  const file = path.join(tmp, 'warehouse.duckdb');
  await placeSampleWarehouse(file);
  const wh = await openWarehouse(file);
  try {
    measures = await computeMeasures(wh, loaded.project.config, loaded.project.indicators);
    assessment = assess(loaded.project.config, loaded.project.indicators, measures);
  } finally {
    wh.close();
  }
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The generator's own figure over several of its periods: numerators and denominators summed, as pooling does. */
function pooled(ind: (typeof INDICATORS)[number], periods: ReturnType<typeof periodsOf>, loc: (typeof LOCALITIES)[number] | null) {
  if (periods.length === 1) return evaluate(ind, periods[0], loc);
  const figures = periods.map((p) => evaluate(ind, p, loc));
  const numerator = figures.reduce((a, f) => a + (f.numerator ?? 0), 0);
  const denominator = figures.reduce((a, f) => a + (f.denominator ?? 0), 0);
  const value = denominator > 0 ? (numerator / denominator) * MULTIPLIER[ind.unit] : null;
  return { numerator, denominator, value };
}

describe('sample-data through the pipeline', () => {
  it('loads and ingests without errors or warnings', () => {
    expect(problems).toEqual([]);
    expect(measures.failures).toEqual([]);
  });

  it('computes every figure the generator designed', () => {
    const byKey = new Map(measures.values.map((v) => [`${v.indicator}|${v.period}|${v.area}`, v]));
    const mismatches: string[] = [];
    for (const ind of INDICATORS) {
      const periods = periodsOf(ind);
      for (const [i, p] of periods.entries()) {
        // A pooled indicator's figure for a quarter is the window of years ending with it; only whole windows are
        // compared (a window reaching back before the data is partial).
        const window = ind.pool ? periods.slice(i + 1 - ind.pool.years * 4, i + 1) : [p];
        if (ind.pool && i + 1 < ind.pool.years * 4) continue;
        for (const loc of [null, ...LOCALITIES]) {
          const mine = pooled(ind, window, loc);
          const id = ind.pool ? `${p.id}-P${ind.pool.years}Y` : p.id;
          const got = byKey.get(`${ind.id}|${id}|${loc?.id ?? 'all'}`)?.value ?? null;
          // A record-level count with no rows in a period gives no row at all (see README "A true zero").
          if (got === null && mine.numerator === 0) continue;
          if ((got === null) !== (mine.value === null) || (got !== null && Math.abs(got - mine.value!) > 1e-9)) {
            mismatches.push(`${ind.id} ${p.id} ${loc?.id ?? 'all'}: expected ${mine.value}, got ${got}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reports 2026/27 Q2 with the designed statuses', () => {
    expect(assessment.period.id).toBe('2026-27-Q2');
    const designed = new Map(latestStatuses().map((s) => [s.ind.id, s.status.split(' ')[0]]));
    for (const ia of assessment.indicators) {
      const ind = INDICATORS.find((i) => i.id === ia.indicator.id)!;
      expect(ia.latest.period, ia.indicator.id).toBe(`${latestPeriod(ind).id}${ind.pool ? `-P${ind.pool.years}Y` : ''}`);
      expect(ia.latest.rag, ia.indicator.id).toBe(designed.get(ia.indicator.id));
    }
    expect(assessment.counts).toMatchObject({ blue: 1, green: 3, amber: 4, red: 3, grey: 13 });
    const fte = assessment.indicators.find((i) => i.indicator.id === 'first_time_entrants')!;
    expect(fte.latest.status).toBe('awaiting_data');
    expect(assessment.suppressions.some((s) => s.period === '2026-27-Q2' && s.area === 'south_west')).toBe(true);
  });

  // Acceptance of #6: the sample pack shows an SPC special cause, a turning curve, a grey "too few to rate",
  // statistical neighbours with a rank, and the methods behind them.
  it('shows the stories the sample is built to show', () => {
    const by = new Map(assessment.indicators.map((ia) => [ia.indicator.id, ia]));
    const pmh = by.get('parental_mental_health_improved')!;
    expect(pmh.latest).toMatchObject({ rag: 'grey', tooFewToRate: true, direction: 'not_available' });
    expect(pmh.latest.ragReason).toBe('too few to rate (denominator 28 is under 30)');
    expect(pmh.spc?.points.map((p) => p.period)).not.toContain('2026-27-Q2');
    const camhs = by.get('camhs_seen_within_4_weeks')!.spc!;
    expect(camhs.variation).toBe('concern_low');
    expect(camhs.points.at(-1)).toMatchObject({ specialCause: true, direction: 'concern' });
    expect(assessment.indicators.filter((ia) => ia.forecast?.status === 'turned' || ia.forecast?.status === 'turning').map((ia) => ia.indicator.id))
      .toEqual(expect.arrayContaining(['low_birth_weight']));
    const cla = by.get('children_in_care')!.latest;
    expect(cla.comparators.map((c) => c.id)).toEqual(['england', 'statistical_neighbours', 'statistical_neighbours_weighted']);
    expect(cla.comparators[1].rank).toMatchObject({ of: 11, group: 'statistical neighbours' });
    expect(cla.sentence).toMatch(/Significantly worse than England \(69\.0 per 10,000\); similar to Statistical neighbours .*; \d+(st|nd|rd|th) of 11 among statistical neighbours\.$/);
    expect(assessment.methods?.map((m) => m.id)).toEqual(['rag', 'direction', 'intervals', 'comparators', 'spc', 'forecast', 'disclosure']);
    expect(assessment.dataQuality.filter((p) => p.code.startsWith('BP_COMPARATOR'))).toEqual([]);
  });
});
