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

export function rateRag(value: number, t: TargetRule, polarity: Polarity, fmt: (n: number) => string = (n) => String(n)): RagResult {
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
  const gap = Math.abs(value - t.value);
  const pct = t.value !== 0 ? `${((gap / Math.abs(t.value)) * 100).toFixed(1)}%` : fmt(gap);
  if (blue !== undefined && better(value, blue)) return { rag: 'blue', rule, reason: `exceeds target ${fmt(t.value)} by ${pct}` };
  if (better(value, t.value)) return { rag: 'green', rule, reason: value === t.value ? `on target ${fmt(t.value)}` : `better than target ${fmt(t.value)} by ${pct}` };
  if (amber !== undefined && better(value, amber)) return { rag: 'amber', rule, reason: `${pct} ${hib ? 'below' : 'above'} target ${fmt(t.value)}, within ${tolText}` };
  return { rag: 'red', rule, reason: `${pct} ${hib ? 'below' : 'above'} target ${fmt(t.value)} (${tolText})` };
}
