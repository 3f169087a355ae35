/** Number formatting by unit, shared by the status sentences (assess) and the pack (report). */
import type { IndicatorDef, Unit } from '../config/types.js';

/** One formatter per number of decimals: building an Intl.NumberFormat is costly and packs format thousands of figures. */
const formatters = new Map<number, Intl.NumberFormat>();
function nf(decimals: number): Intl.NumberFormat {
  let f = formatters.get(decimals);
  if (!f) formatters.set(decimals, (f = new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f;
}

export const UNIT_SUFFIX: Record<Unit, string> = {
  count: '', percent: '%', rate_per_1000: ' per 1,000', rate_per_10000: ' per 10,000', rate_per_100000: ' per 100,000', mean: '', days: ' days', ratio: '',
};

/** `62.3%`, `98.1 per 10,000`, `1,234`. */
export function formatNumber(value: number, unit: Unit, decimals: number): string {
  return `${nf(decimals).format(value)}${UNIT_SUFFIX[unit]}`;
}

export function formatValue(def: Pick<IndicatorDef, 'unit' | 'decimals'>, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : formatNumber(value, def.unit, def.decimals);
}

/** Just the number, for tables whose header carries the unit. */
export function formatBare(def: Pick<IndicatorDef, 'decimals'>, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : nf(def.decimals).format(value);
}

/** A duration for a message: "4.5 s", or "800 ms" under a second. */
export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
