/**
 * What a value is multiplied by in its unit (a rate per 1,000 is numerator ÷ denominator × 1000; null for a count):
 * apart from compile.ts so that assess, and the render thread behind it, do not load DuckDB to read it.
 */
import type { Unit } from '../config/types.js';

export const UNIT_MULTIPLIER: Record<Unit, number | null> = {
  count: null, percent: 100, rate_per_1000: 1000, rate_per_10000: 10000, rate_per_100000: 100000, mean: 1, days: 1, ratio: 1,
};
