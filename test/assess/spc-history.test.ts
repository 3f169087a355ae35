/**
 * The SPC chart as the pack draws it: the whole held history, limits recalculated at a declared change with its
 * reason, and no assurance claimed from limits fitted across a trend (the chart says why). The figures are the
 * sample's children in care rate, 2021/22 Q1 to 2026/27 Q2, with its target of 86 per 10,000 (lower is better).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spcFor } from '../../src/assess/index.js';
import { xmr } from '../../src/assess/stats/index.js';
import type { AssessedValue, IndicatorAssessment } from '../../src/assess/types.js';
import { loadProject } from '../../src/config/load.js';
import type { IndicatorDef } from '../../src/config/types.js';
import { makePeriod, shiftPeriod } from '../../src/core/periods.js';
import { xmrChart } from '../../src/report/chart-views.js';

const RATES = [118.8, 117.0, 115.0, 114.1, 112.7, 112.2, 111.7, 111.1, 111.0, 107.4, 106.9, 106.3, 103.2, 102.0, 98.2, 92.9, 93.5, 91.7, 91.0, 90.0, 85.7, 88.5];
const first = makePeriod('fy_quarter', 2021, 1);
const series = RATES.map((value, i) => {
  const p = shiftPeriod(first, i);
  return { indicator: 'cla', period: p.id, periodLabel: p.label, area: 'all', value, status: 'ok', tooFewToRate: false, target: 86, ci: null, comparators: [], sentence: 'x' } as unknown as AssessedValue;
});
const def = (spcOptions?: IndicatorDef['spcOptions']) => ({
  id: 'cla', title: 'Children in care', shortTitle: 'Children in care', unit: 'rate_per_10000', decimals: 1, polarity: 'lower_is_better', spc: true, comparators: [], ...(spcOptions ? { spcOptions } : {}),
}) as unknown as IndicatorDef;
const assessment = (d: IndicatorDef): IndicatorAssessment => ({ indicator: d, latest: series[series.length - 1], series: series.slice(-12), byArea: [], spc: spcFor(d, series) });

describe('SPC over the full history, recalculated at a declared change', () => {
  it('limits fitted across the fall: the trend is named and no assurance is claimed, though the xmr alone says "fail"', () => {
    const spc = spcFor(def(), series)!;
    expect(spc.points).toHaveLength(22);
    expect(spc.periods!.map((p) => p.periodLabel)).toEqual(series.map((s) => s.periodLabel));
    expect(spc.trends!.filter((t) => t.inLatestSegment)).toEqual([expect.objectContaining({ direction: 'falling', from: '2021-22-Q1' })]);
    expect(xmr(RATES, { improvement: 'decrease', target: 86 }).assurance).toBe('fail');
    expect(spc.assurance).toBeNull();
    const chart = xmrChart(assessment(def()), 'cla');
    expect(chart.notes!.join(' ')).toMatch(/fitted across a falling trend \(2021\/22 Q1 to 2024\/25 Q4\).*no assurance is given/);
    expect(chart.alt).not.toMatch(/Assurance/);
  });

  it('recalculated from 2024/25 Q4 with a reason: two segments, the reason on the chart, assurance from the new limits', () => {
    const d = def({ recalculateAt: ['2024-25-Q4'], recalculateReasons: { '2024-25-Q4': 'the edge-of-care team began work' }, excludeLargeMovingRanges: true });
    const spc = spcFor(d, series)!;
    expect(spc.segments!.map((s) => [s.from, s.to, s.reason ?? null])).toEqual([
      ['2021-22-Q1', '2024-25-Q3', null],
      ['2024-25-Q4', '2026-27-Q2', 'the edge-of-care team began work'],
    ]);
    // The latest segment's limits contain the target: hit and miss, not "consistently miss".
    expect(spc.lowerLimit).toBeLessThan(86);
    expect(spc.assurance).toBe('hit_or_miss');
    expect(spc.trends!.every((t) => !t.inLatestSegment)).toBe(true);
    const chart = xmrChart(assessment(d), 'cla');
    expect(chart.notes).toContain('Limits recalculated from 2024/25 Q4 (the vertical rule): the edge-of-care team began work.');
    // The chart's note sums the signals up (4 runs of improvement, 3 of concern) and names the most recent; every
    // signal is listed in full for the figures behind the charts.
    expect(chart.notes!.at(-1)).toMatch(/^Signals: 4 improvement, 3 concern; most recent: 2024\/25 Q1 to 2024\/25 Q3, 3 points beyond the lower process limit \(improvement\)\.$/);
    expect(chart.signals).toHaveLength(7);
    expect(chart.signals!.join('; ')).toMatch(/points in a row falling \(improvement\)/);
    // Each special-cause point is coloured by what it means: the early high figures are concerns, the fall an improvement.
    expect(chart.legend!.map((l) => l.label)).toEqual(expect.arrayContaining(['Special cause: improvement', 'Special cause: concern', 'Target 86.0 per 10,000']));
  });

  it('the sample declares the change with `spc: {recalculate_at: [{period, reason}]}`', async () => {
    const sample = fileURLToPath(new URL('../../sample-data', import.meta.url));
    const loaded = await loadProject(path.resolve(sample));
    const cla = loaded.indicators.find((i) => i.id === 'children_in_care')!;
    expect(cla.spc).toBe(true);
    expect(cla.spcOptions).toMatchObject({ recalculateAt: ['2024-25-Q4'], recalculateReasons: { '2024-25-Q4': 'the edge-of-care team began work' } });
  });
});
