/** Number formatting by unit, shared by the status sentences (assess) and the pack (report). */
import type { IndicatorDef, Unit } from '../config/types.js';

/** One formatter per number of decimals: building an Intl.NumberFormat is costly and packs format thousands of figures. */
const formatters = new Map<number, Intl.NumberFormat>();
function nf(decimals: number): Intl.NumberFormat {
  let f = formatters.get(decimals);
  if (!f) formatters.set(decimals, (f = new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f;
}

/**
 * `value` with `decimals` decimals and thousands commas, exactly as en-GB Intl.NumberFormat writes it (a test
 * compares them): rounded half away from zero from the number's shortest decimal form (so 1.005 → 1.01, where
 * toFixed gives 1.00), a minus kept on a negative that rounds to zero. Done on the digits because building the
 * first formatters and formatting thousands of figures through ICU cost tens of milliseconds per run; numbers
 * written with an exponent (below 1e-6, from 1e21) go to Intl.
 */
function fixed(value: number, decimals: number): string {
  const abs = String(Math.abs(value));
  if (!Number.isFinite(value) || abs.includes('e') || !Number.isInteger(decimals) || decimals < 0 || decimals > 20) return nf(decimals).format(value);
  const dot = abs.indexOf('.');
  let whole = dot < 0 ? abs : abs.slice(0, dot);
  let frac = dot < 0 ? '' : abs.slice(dot + 1);
  if (frac.length <= decimals) {
    frac = frac.padEnd(decimals, '0');
  } else {
    const up = frac.charCodeAt(decimals) >= 53; // the first digit dropped is 5 or more
    frac = frac.slice(0, decimals);
    if (up) {
      // Add one in the last place kept: trailing nines become zeros and carry into the digit before them.
      const digits = `${whole}${frac}`;
      let i = digits.length - 1;
      while (i >= 0 && digits.charCodeAt(i) === 57) i--;
      const bumped = `${i < 0 ? '1' : `${digits.slice(0, i)}${digits.charCodeAt(i) - 47}`}${'0'.repeat(digits.length - 1 - i)}`;
      whole = bumped.slice(0, bumped.length - decimals);
      frac = bumped.slice(bumped.length - decimals);
    }
  }
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  return `${value < 0 || Object.is(value, -0) ? '-' : ''}${grouped}${decimals ? `.${frac}` : ''}`;
}

export const UNIT_SUFFIX: Record<Unit, string> = {
  count: '', percent: '%', rate_per_1000: ' per 1,000', rate_per_10000: ' per 10,000', rate_per_100000: ' per 100,000', mean: '', days: ' days', ratio: '',
};

/** `62.3%`, `98.1 per 10,000`, `1,234`. */
export function formatNumber(value: number, unit: Unit, decimals: number): string {
  return `${fixed(value, decimals)}${UNIT_SUFFIX[unit]}`;
}

export function formatValue(def: Pick<IndicatorDef, 'unit' | 'decimals'>, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : formatNumber(value, def.unit, def.decimals);
}

/** Just the number, for tables whose header carries the unit. */
export function formatBare(def: Pick<IndicatorDef, 'decimals'>, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : fixed(value, def.decimals);
}

/** A duration for a message: "4.5 s", or "800 ms" under a second. */
export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
