/**
 * The assess stage end to end on small in-memory figures (#6): the status sentence of the issue, grey "too few
 * to rate" with no arrow, comparison or SPC signal, the configurable no-change band, SPC options, and the
 * property tests: polarity symmetry of RAG and direction, and disclosure control that never leaks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assess/index.js';
import { applyDisclosureControl } from '../../src/assess/disclosure.js';
import { directionOf } from '../../src/assess/direction.js';
import { rateRag } from '../../src/assess/rag.js';
import { makePeriod, shiftPeriod } from '../../src/core/periods.js';
import type { Config, IndicatorDef, TargetRule } from '../../src/config/types.js';
import type { MeasureValue } from '../../src/measures/types.js';

const config = {
  root: '/p', areas: [{ id: 'all', name: 'Us', code: '370', aliases: [], isWhole: true }, { id: 'north', name: 'North', aliases: [], isWhole: false }, { id: 'south', name: 'South', aliases: [], isWhole: false }],
  reporting: { periodType: 'fy_quarter', history: { years: 3 } }, disclosure: { threshold: 10, marker: 'c' },
} as unknown as Config;

function indicator(over: Partial<IndicatorDef> = {}): IndicatorDef {
  return {
    id: 'seen', title: 'Seen in time', shortTitle: 'Seen', description: '', kind: 'performance_measure', priority: 'p', polarity: 'higher_is_better',
    unit: 'percent', decimals: 0, frequency: 'quarterly', periodType: 'fy_quarter', targets: { default: { value: 70, tolerancePct: 5 } },
    minDenominator: 0, disclosure: true, comparators: [], spc: true, definitionVersion: '1', file: '/p/indicators/seen.yaml', ...over,
  };
}

const Q = (i: number) => shiftPeriod(makePeriod('fy_quarter', 2024, 1), i).id;
/** Quarterly figures for the partnership and two localities (each locality half the partnership). */
function figures(id: string, nums: number[], dens: number[]): MeasureValue[] {
  return nums.flatMap((n, i) => [
    { indicator: id, period: Q(i), area: 'all', numerator: n, denominator: dens[i], value: (n / dens[i]) * 100, marker: null },
    { indicator: id, period: Q(i), area: 'north', numerator: n / 2, denominator: dens[i] / 2, value: (n / dens[i]) * 100, marker: null },
    { indicator: id, period: Q(i), area: 'south', numerator: n / 2, denominator: dens[i] / 2, value: (n / dens[i]) * 100, marker: null },
  ]);
}

describe('assess', () => {
  it('builds the status sentence of the issue: RAG with its tolerance, year-on-year travel, significance and rank', () => {
    const dens = Array(8).fill(1000);
    const nums = [700, 700, 700, 700, 650, 640, 620, 600];
    const def = indicator({
      comparators: [
        { id: 'england', label: 'England', values: { '2025-26': 70 } },
        { id: 'sn', label: 'Statistical neighbours', values: { '2025-26': 68 }, peers: { '2025-26-Q4': [80, 75, 74, 73, 72, 71, 65, 50, 40, 30] }, peerGroup: 'statistical neighbours' },
      ],
    });
    const a = assess(config, [def], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(7) });
    const latest = a.indicators[0].latest;
    // 62% → 60% of 1,000 is not a significant change (two-proportion test); 70% → 60% is.
    expect(latest).toMatchObject({ period: '2025-26-Q4', rag: 'red', direction: 'no_change', directionTest: 'two_proportions', directionYoY: 'deteriorating' });
    expect(latest.sentence).toBe(
      'Seen in time, 2025/26 Q4: 60%. Red: 10 percentage points below target 70% (tolerance 5%). Against the previous quarter (62%): no significant change. ' +
      'Against the same quarter last year (70%): significant deterioration. Significantly worse than England (70%); significantly worse than Statistical neighbours (68%); 8th of 11 among statistical neighbours.',
    );
    expect(latest.ci998!.lower).toBeLessThan(latest.ci!.lower);
    expect(latest.comparators[1].rank).toMatchObject({ rank: 8, of: 11, quartile: 'C', group: 'statistical neighbours' });
    expect(a.methods?.map((m) => m.id)).toEqual(['rag', 'direction', 'intervals', 'comparators', 'spc', 'disclosure']);
  });

  it('too few to rate: grey with the reason, no arrow, no comparison, and left off the SPC chart', () => {
    const dens = [100, 100, 100, 100, 100, 100, 100, 100, 100, 30];
    const nums = [70, 72, 71, 69, 70, 71, 72, 70, 71, 20];
    const def = indicator({ minDenominator: 50, comparators: [{ id: 'england', label: 'England', values: { default: 70, '2026-27': 70 } }] });
    const a = assess(config, [def], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(9) });
    const ia = a.indicators[0];
    expect(ia.latest).toMatchObject({ rag: 'grey', tooFewToRate: true, direction: 'not_available', directionYoY: 'not_available', runLength: 0, ci: null, value: 20 / 30 * 100 });
    expect(ia.latest.ragReason).toBe('too few to rate (denominator 30 is under 50)');
    expect(ia.latest.comparators[0].significance).toBe('not_compared');
    expect(ia.latest.sentence).toBe('Seen in time, 2026/27 Q2: 67%. Not rated: too few to rate (denominator 30 is under 50).');
    expect(ia.spc?.points.map((p) => p.period)).not.toContain(Q(9));
    expect(ia.spc?.excluded).toEqual([Q(9)]);
    // Localities (10 of 15) are not rated either: suppressed, as the 5 children outside are under the threshold 10.
    expect(ia.byArea.map((v) => v.ragReason)).toEqual(['suppressed (small numbers)', 'suppressed (small numbers)']);
    // The partnership is rated the quarter before.
    expect(ia.series[8].rag).toBe('green');
  });

  it('uses the indicator\'s own no-change band where no significance test applies (an average)', () => {
    const nums = [700, 703];
    const dens = [1000, 1000];
    const run = (noChange?: IndicatorDef['noChange']) => assess(config, [indicator({ noChange, spc: false, unit: 'mean' })], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(1) }).indicators[0].latest.direction;
    expect(run()).toBe('no_change'); // 0.3 points is within 1% of 70
    expect(run({ relative: 0.001 })).toBe('improving');
    expect(run({ absolute: 0.5 })).toBe('no_change');
    expect(run({ absolute: 0.2 })).toBe('improving');
  });

  it('SPC: every point carries its direction; limits can be fixed on a baseline and recalculated', () => {
    const nums = [500, 510, 495, 505, 500, 498, 502, 505, 600, 610, 605, 615];
    const dens = Array(12).fill(1000);
    const plain = assess(config, [indicator()], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(11) }).indicators[0].spc!;
    expect(plain.points.every((p) => p.direction === null || p.direction === 'improvement' || p.direction === 'concern')).toBe(true);
    expect(plain.points.at(-1)).toMatchObject({ specialCause: true, direction: 'improvement' });
    expect(plain.segments).toBeUndefined();
    const recalc = assess(config, [indicator({ spcOptions: { recalculateAt: [Q(8)], excludeLargeMovingRanges: true } })], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(11) }).indicators[0].spc!;
    expect(recalc.segments?.map((s) => [s.from, s.to])).toEqual([[Q(0), Q(7)], [Q(8), Q(11)]]);
    expect(recalc.mean).toBeCloseTo(60.75, 10);
    expect(recalc.points[0].mean).toBeCloseTo(50.1875, 10);
    expect(recalc.method).toMatch(/limits recalculated from 2026-27-Q1/);
    const fixed = assess(config, [indicator({ spcOptions: { baselinePeriods: 8, recalculateAt: [], excludeLargeMovingRanges: false } })], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(11) }).indicators[0].spc!;
    expect(fixed.mean).toBeCloseTo(50.1875, 10);
    expect(fixed.method).toMatch(/first 8 points/);
  });

  it('SPC: limits fitted across a shift that reaches the latest point give no assurance, and say so', () => {
    // Eight quarters near 50%, then eight near 75%: the latest run is above the mean of all sixteen. The mixed
    // limits (about 45% to 80% around a 62% mean) would say a 70% target is met only by chance.
    const nums = [500, 510, 495, 505, 500, 498, 502, 505, 750, 760, 745, 755, 750, 748, 752, 755];
    const dens = Array(16).fill(1000);
    const shifted = assess(config, [indicator()], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(15) }).indicators[0];
    expect(shifted.spc!.shift).toEqual({ from: Q(8), to: Q(15), side: 'above' });
    expect(shifted.spc!.assurance).toBeNull();
    expect(shifted.exceptions?.some((r) => r.kind === 'assurance_fail')).toBe(false);
    // Declaring the change recalculates the limits from it: one process again, and assurance is judged.
    const rebased = assess(config, [indicator({ spcOptions: { recalculateAt: [Q(8)], excludeLargeMovingRanges: true } })], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(15) }).indicators[0];
    expect(rebased.spc!.shift).toBeUndefined();
    expect(rebased.spc!.assurance).toBe('pass');
  });

  it('SPC: a recalculation point with fewer than 2 charted points on a side is not applied, and says so', () => {
    const nums = [500, 510, 495, 505, 500, 498, 502, 505, 600, 610, 605, 615];
    const dens = Array(12).fill(1000);
    const run = (at: string) => assess(config, [indicator({ spcOptions: { recalculateAt: [at], excludeLargeMovingRanges: true } })], { values: figures('seen', nums, dens), compiled: [], failures: [] }, { period: Q(11) });
    const late = run(Q(11));
    expect(late.indicators[0].spc!.segments).toBeUndefined();
    expect(late.indicators[0].spc!.recalculationsNotApplied).toEqual([{ period: Q(11), why: '1 charted point from it on; limits need at least 2 on each side' }]);
    expect(late.indicators[0].spc!.method).toContain(`not recalculated at ${Q(11)}`);
    const warning = late.dataQuality.find((p) => p.code === 'BP_SPC_RECALC_NOT_APPLIED');
    expect(warning).toMatchObject({ severity: 'warning', yamlPath: 'indicators.seen.spc.recalculate_at', value: Q(11) });
    expect(run(Q(1)).indicators[0].spc!.recalculationsNotApplied?.[0].why).toBe('1 charted point before it; limits need at least 2 on each side');
    // A point that leaves two on each side is applied, with no warning.
    const fine = run(Q(10));
    expect(fine.indicators[0].spc!.segments).toHaveLength(2);
    expect(fine.dataQuality.some((p) => p.code === 'BP_SPC_RECALC_NOT_APPLIED')).toBe(false);
  });

  it('logs every suppression with its reason, and a partner\'s own marker', () => {
    const values: MeasureValue[] = [
      { indicator: 'n', period: Q(0), area: 'all', numerator: 40, denominator: null, value: 40, marker: null },
      { indicator: 'n', period: Q(0), area: 'north', numerator: 3, denominator: null, value: 3, marker: null },
      { indicator: 'n', period: Q(0), area: 'south', numerator: 37, denominator: null, value: 37, marker: null },
      { indicator: 'n', period: Q(1), area: 'all', numerator: null, denominator: null, value: null, marker: 'c' },
    ];
    const a = assess(config, [indicator({ id: 'n', unit: 'count', spc: false, targets: {} })], { values, compiled: [], failures: [] }, { period: Q(1) });
    expect(a.suppressions.map((s) => [s.period, s.area, s.reason])).toEqual([[Q(1), 'all', 'input_marker'], [Q(0), 'north', 'primary'], [Q(0), 'south', 'secondary']]);
    expect(a.suppressions[1].detail).toBe('count 3 is under the threshold 10');
    expect(a.suppressions[2].detail).toMatch(/north could be worked out as the total minus the other localities/);
  });
});

// ------------------------------------------------------------------------------------------------ properties

const SWAP = { red: 'red', amber: 'amber', green: 'green', blue: 'blue', grey: 'grey' } as const;

describe('polarity symmetry (property)', () => {
  it('a value rated with higher-is-better gets the same colour as its mirror image about the target with lower-is-better', () => {
    const rule = fc.oneof(
      fc.record({ t: fc.integer({ min: 1, max: 500 }), pct: fc.integer({ min: 0, max: 50 }), blue: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) })
        .map(({ t, pct, blue }) => ({ value: t * 100, tolerancePct: pct, blueMarginPct: blue }) as TargetRule),
      fc.record({ t: fc.integer({ min: -500, max: 500 }), abs: fc.integer({ min: 0, max: 50 }) }).map(({ t, abs }) => ({ value: t, toleranceAbs: abs }) as TargetRule),
      fc.record({ t: fc.integer({ min: -500, max: 500 }), gap: fc.integer({ min: 0, max: 50 }) }).map(({ t, gap }) => ({ value: t, amberValue: t - gap }) as TargetRule),
    );
    fc.assert(fc.property(rule, fc.integer({ min: -80000, max: 80000 }), (t, v) => {
      const mirrorRule: TargetRule = t.amberValue !== undefined ? { ...t, amberValue: 2 * t.value - t.amberValue } : t;
      const h = rateRag(v, t, 'higher_is_better').rag;
      const l = rateRag(2 * t.value - v, mirrorRule, 'lower_is_better').rag;
      expect(l).toBe(SWAP[h]);
      // On target is green (or blue with no margin) whichever way is better.
      if (v === t.value) expect(['green', 'blue']).toContain(rateRag(v, mirrorRule, 'lower_is_better').rag);
    }), { numRuns: 3000 });
  });

  it('swapping polarity swaps improving and deteriorating and leaves no change alone', () => {
    const swap = { improving: 'deteriorating', deteriorating: 'improving', no_change: 'no_change', not_available: 'not_available', no_judgement: 'no_judgement' } as const;
    const v = fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null });
    fc.assert(fc.property(v, v, fc.option(fc.double({ min: 0, max: 0.2, noNaN: true }), { nil: undefined }), (c, e, th) => {
      expect(directionOf(c, e, 'lower_is_better', th)).toBe(swap[directionOf(c, e, 'higher_is_better', th)]);
    }), { numRuns: 3000 });
  });
});

describe('disclosure control of a percentage covers its complement', () => {
  it('98 of 100 is hidden (it says 2 children did not), with the reason logged; 90 of 100 is shown', () => {
    const def = indicator({ id: 'p', unit: 'percent' });
    const cell = (area: string, n: number, d: number): MeasureValue => ({ indicator: 'p', period: Q(0), area, numerator: n, denominator: d, value: (n / d) * 100, marker: null });
    const out = applyDisclosureControl(def, [cell('all', 248, 260), cell('l1', 98, 100), cell('l2', 90, 100), cell('l3', 60, 60)], 5, 'c');
    const by = new Map(out.values.map((v) => [v.area, v]));
    expect(by.get('l1')!.marker).toBe('c');
    expect(out.records.find((r) => r.area === 'l1')!.detail).toMatch(/complement .* 2 is under the threshold 5/);
    // l1 alone hidden would be total − l2 − l3; l3 (60 of 60, nobody outside) is the smallest visible count but
    // hiding it adds no one outside, so l2 goes too: the hidden group's 12 outside is not small.
    expect(by.get('l2')!.marker).toBe('c');
    expect(out.records.find((r) => r.area === 'l2')!.reason).toBe('secondary');
    expect(by.get('all')!.marker).toBeNull();
  });
});

describe('disclosure control never lets a total reveal a suppressed cell (property)', () => {
  const small = (x: number | null, t: number) => x !== null && x > 0 && x < t;
  const scenario = fc.record({
    threshold: fc.integer({ min: 2, max: 12 }),
    periods: fc.array(fc.record({
      // Many small counts, some zeros, a few markers from the partner; the total may include records with no locality.
      locals: fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 14 }) }, { weight: 3, arbitrary: fc.integer({ min: 15, max: 200 }) }, { weight: 1, arbitrary: fc.constant(-1) }), { minLength: 1, maxLength: 8 }),
      unassigned: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) }),
      // For a percentage, the children outside the numerator per locality (denominator − numerator): often small.
      outside: fc.array(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 14 }) }, { weight: 2, arbitrary: fc.integer({ min: 15, max: 60 }) }), { minLength: 8, maxLength: 8 }),
    }), { minLength: 1, maxLength: 4 }),
    unit: fc.constantFrom('count', 'percent'),
  });
  it('no hidden cell is total − visible others, no hidden group sums to 1..threshold−1, and no small count (or complement of a percentage) is shown', () => {
    fc.assert(fc.property(scenario, ({ threshold, periods, unit }) => {
      const def = indicator({ id: 'x', unit: unit as IndicatorDef['unit'] });
      const raw: MeasureValue[] = [];
      periods.forEach((p, i) => {
        const period = Q(i);
        const counts = p.locals.map((n) => (n < 0 ? null : n));
        const total = counts.reduce<number>((s, n) => s + (n ?? 0), 0) + p.unassigned;
        const totalOutside = p.outside.slice(0, counts.length).reduce((s, m) => s + m, 0);
        const cell = (area: string, n: number | null, outside: number, marker: string | null): MeasureValue => unit === 'count'
          ? { indicator: 'x', period, area, numerator: n, denominator: null, value: n, marker }
          : { indicator: 'x', period, area, numerator: n, denominator: n === null ? null : n + outside, value: n === null || n + outside === 0 ? null : (n / (n + outside)) * 100, marker };
        raw.push(cell('all', total, totalOutside, null));
        counts.forEach((n, j) => raw.push(cell(`l${j}`, n, p.outside[j], n === null ? 'c' : null)));
      });
      const out = applyDisclosureControl(def, raw, threshold, 'c');
      const rawBy = new Map(raw.map((v) => [`${v.period}|${v.area}`, v]));
      periods.forEach((_, i) => {
        const cells = out.values.filter((v) => v.period === Q(i));
        const total = cells.find((c) => c.area === 'all')!;
        const locals = cells.filter((c) => c.area !== 'all');
        const hidden = locals.filter((c) => c.marker !== null);
        const complement = (c: MeasureValue) => (unit === 'percent' && c.numerator !== null && c.denominator !== null ? c.denominator - c.numerator : null);
        for (const c of cells) {
          if (c.marker !== null) continue;
          expect(small(c.numerator, threshold), `visible small count ${c.area} ${c.numerator}`).toBe(false);
          expect(small(complement(c), threshold), `visible percentage ${c.area} reveals ${complement(c)} outside it`).toBe(false);
        }
        if (total.marker === null) {
          expect(hidden.length, 'a single hidden locality is total − the others').not.toBe(1);
          const hiddenSum = hidden.reduce((s, c) => s + (rawBy.get(`${c.period}|${c.area}`)!.numerator ?? 0), 0);
          expect(small(hiddenSum, threshold), `hidden group sums to ${hiddenSum}`).toBe(false);
          const hiddenOutside = hidden.reduce((s, c) => s + (complement(rawBy.get(`${c.period}|${c.area}`)!) ?? 0), 0);
          expect(small(hiddenOutside, threshold), `hidden group's complements sum to ${hiddenOutside}`).toBe(false);
        }
      });
      // Every suppressed cell has a logged reason.
      for (const v of out.values) if (v.marker && !rawBy.get(`${v.period}|${v.area}`)!.marker) expect(out.records.some((r) => r.period === v.period && r.area === v.area && r.reason !== 'input_marker')).toBe(true);
    }), { numRuns: 3000 });
  });
});
