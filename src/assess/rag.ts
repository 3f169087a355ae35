/**
 * RAG against a target with polarity. The amber band is a tolerance (% of target or absolute points) or an
 * explicit amber value; blue marks a target exceeded by a margin. The rule text is stored with every result
 * and printed in the pack, so a board can check any colour by hand.
 */
import { containingYear, tryParsePeriodId } from '../core/periods.js';
import type { IndicatorDef, Polarity, TargetRule } from '../config/types.js';
import type { Rag } from './types.js';

export function targetFor(def: IndicatorDef, periodId: string): TargetRule | undefined {
  if (def.targets[periodId]) return def.targets[periodId];
  const p = tryParsePeriodId(periodId);
  if (p) {
    const y = containingYear(p);
    if (def.targets[y.id]) return def.targets[y.id];
  }
  return def.targets.default;
}

export interface RagResult { rag: Rag; rule: string; reason: string }

export function amberThreshold(t: TargetRule, polarity: Polarity): number | undefined {
  if (t.amberValue !== undefined) return t.amberValue;
  const sign = polarity === 'higher_is_better' ? -1 : 1;
  if (t.tolerancePct !== undefined) return t.value * (1 + (sign * t.tolerancePct) / 100);
  if (t.toleranceAbs !== undefined) return t.value + sign * t.toleranceAbs;
  return undefined;
}

/**
 * `gap` words a distance from the target in the figure's own terms (percentage points for a percentage, the unit
 * otherwise; `gapText` in report/words.ts): a relative gap ("20% below a target of 75%" for 60%) misreads.
 */
export function rateRag(value: number, t: TargetRule, polarity: Polarity, fmt: (n: number) => string = (n) => String(n), gap: (n: number) => string = fmt): RagResult {
  if (polarity === 'none') return { rag: 'grey', rule: 'not rated: the indicator has no polarity', reason: 'no polarity, so not rated' };
  const hib = polarity === 'higher_is_better';
  const better = (a: number, b: number) => (hib ? a >= b : a <= b);
  const amber = amberThreshold(t, polarity);
  const blue = t.blueMarginPct !== undefined ? t.value * (1 + ((hib ? 1 : -1) * t.blueMarginPct) / 100) : undefined;
  const word = hib ? 'at or above' : 'at or below';
  const tolText = t.amberValue !== undefined ? `amber value ${fmt(t.amberValue)}` : t.tolerancePct !== undefined ? `tolerance ${t.tolerancePct}%` : t.toleranceAbs !== undefined ? `tolerance ${fmt(t.toleranceAbs)} points` : 'no amber band';
  const rule = [
    blue !== undefined ? `blue ${word} ${fmt(blue)}` : null,
    `green ${word} target ${fmt(t.value)}`,
    amber !== undefined ? `amber ${word} ${fmt(amber)} (${tolText})` : null,
    'red otherwise',
  ].filter(Boolean).join('; ');
  const by = gap(Math.abs(value - t.value));
  const side = hib ? 'below' : 'above';
  if (blue !== undefined && better(value, blue)) return { rag: 'blue', rule, reason: `${by} better than target ${fmt(t.value)}` };
  if (better(value, t.value)) return { rag: 'green', rule, reason: value === t.value ? `on target ${fmt(t.value)}` : `${by} better than target ${fmt(t.value)}` };
  if (amber !== undefined && better(value, amber)) return { rag: 'amber', rule, reason: `${by} ${side} target ${fmt(t.value)}, within ${tolText}` };
  return { rag: 'red', rule, reason: `${by} ${side} target ${fmt(t.value)} (${tolText})` };
}
