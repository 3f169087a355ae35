/**
 * Disclosure control. Counts of children from 1 to threshold−1 are suppressed (primary), then enough further
 * localities (secondary) that no suppressed cell can be recovered from the published total minus the other
 * localities, nor can the suppressed group add up to a small number. Rates and percentages built on a
 * suppressed count are suppressed too (derived). A percentage also reveals its complement: 98% of 100 says
 * that 2 children did not, so a small denominator − numerator is suppressed as well, and the secondary rule
 * applies to complements too. Zero is published: it identifies no one.
 */
import type { IndicatorDef } from '../config/types.js';
import type { MeasureValue } from '../measures/types.js';
import type { SuppressionRecord } from './types.js';

/** The count that identifies children for a figure of this unit. */
export function disclosiveCount(def: IndicatorDef, v: MeasureValue): number | null {
  if (def.unit === 'count') return v.value;
  if (def.unit === 'mean' || def.unit === 'days' || def.unit === 'ratio') return v.denominator;
  return v.numerator;
}

/** For a percentage, the children outside the numerator (denominator − numerator); null for other units. */
export function complementCount(def: IndicatorDef, v: MeasureValue): number | null {
  if (def.unit !== 'percent' || v.numerator === null || v.denominator === null) return null;
  return v.denominator - v.numerator;
}

const small = (x: number | null, threshold: number) => x !== null && x > 0 && x < threshold;
const sumOf = (cells: MeasureValue[], f: (c: MeasureValue) => number | null) => cells.reduce((s, c) => s + (f(c) ?? 0), 0);

/**
 * Returns new values (marked `marker` where suppressed) and one record per suppressed cell with its reason:
 * `primary` (a count under the threshold), `derived` (a rate or percentage built on such a count),
 * `secondary` (hidden so the others cannot be worked out from the total) and `input_marker` (the partner's
 * extract already carried a marker, which is kept as it came).
 */
export function applyDisclosureControl(def: IndicatorDef, values: MeasureValue[], threshold: number, marker: string): { values: MeasureValue[]; records: SuppressionRecord[] } {
  const records: SuppressionRecord[] = [];
  // A partner's own suppression (`c`, or the project's marker) is logged; x, z, u and low are shown as they
  // came but are not suppressions.
  for (const v of values) {
    if (v.marker && (v.marker === 'c' || v.marker === marker)) records.push({ indicator: def.id, period: v.period, area: v.area, reason: 'input_marker', marker: v.marker, detail: `the extract gave the marker "${v.marker}" instead of a figure` });
  }
  if (!def.disclosure) return { values, records };
  const byPeriod = new Map<string, MeasureValue[]>();
  for (const v of values) (byPeriod.get(v.period) ?? byPeriod.set(v.period, []).get(v.period)!).push(v);
  const suppressed = new Set<MeasureValue>();
  const what = def.unit === 'count' ? 'count' : def.unit === 'mean' || def.unit === 'days' || def.unit === 'ratio' ? 'number of children behind the figure' : 'numerator';
  for (const [period, cells] of byPeriod) {
    const total = cells.find((c) => c.area === 'all');
    const locals = cells.filter((c) => c.area !== 'all');
    const complement = (c: MeasureValue) => complementCount(def, c);
    for (const c of cells) {
      if (c.marker) continue;
      const n = disclosiveCount(def, c);
      const m = complement(c);
      if (small(n, threshold)) {
        suppressed.add(c);
        records.push({ indicator: def.id, period, area: c.area, reason: def.unit === 'count' ? 'primary' : 'derived', detail: `${what} ${n} is under the threshold ${threshold}` });
      } else if (small(m, threshold)) {
        suppressed.add(c);
        records.push({ indicator: def.id, period, area: c.area, reason: 'derived', detail: `the complement (denominator − numerator) ${m} is under the threshold ${threshold}: the percentage would reveal the few children outside it` });
      }
    }
    if (total && !suppressed.has(total) && !total.marker) {
      // Secondary: one hidden locality is total − others; a hidden group that sums to a small count is disclosive too.
      for (;;) {
        const hidden = locals.filter((c) => suppressed.has(c) || c.marker);
        if (!hidden.length) break;
        const smallSum = small(sumOf(hidden, (c) => disclosiveCount(def, c)), threshold);
        const smallComplement = small(sumOf(hidden, complement), threshold);
        const needMore = hidden.length === 1 || smallSum || smallComplement;
        if (!needMore) break;
        const why = hidden.length === 1
          ? `otherwise ${hidden[0].area} could be worked out as the total minus the other localities`
          : `otherwise the hidden localities (${hidden.map((h) => h.area).join(', ')}) would add up to fewer than ${threshold}${smallSum ? '' : ' children outside the percentage'}`;
        const candidates = locals.filter((c) => !suppressed.has(c) && !c.marker).sort((a, b) => (disclosiveCount(def, a) ?? 0) - (disclosiveCount(def, b) ?? 0) || a.area.localeCompare(b.area));
        if (!candidates.length) {
          suppressed.add(total);
          records.push({ indicator: def.id, period, area: 'all', reason: 'secondary', detail: `${why}, and no other locality is left to hide` });
          break;
        }
        suppressed.add(candidates[0]);
        records.push({ indicator: def.id, period, area: candidates[0].area, reason: 'secondary', detail: why });
      }
    }
  }
  return {
    values: values.map((v) => (suppressed.has(v) ? { ...v, value: null, numerator: null, denominator: null, marker } : v)),
    records,
  };
}
