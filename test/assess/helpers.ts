/**
 * Shared assertions for the assess statistics tests.
 */
import { expect } from 'vitest';

/**
 * Asserts `actual` rounds to a published figure given as printed (e.g. "0.10162049", "-159", "1.234e-05"):
 * the tolerance is half a unit in the last printed decimal place, i.e. exactly the published precision.
 */
export function expectPublished(actual: number, printed: string, label = ''): void {
  const published = Number(printed);
  const [mantissa, exp] = printed.toLowerCase().split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exp ?? 0);
  const tolerance = 0.5 * 10 ** -decimals * (1 + 1e-9);
  const diff = Math.abs(actual - published);
  expect(diff, `${label}: ${actual} vs published ${printed} (tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}

/** Asserts |actual - expected| <= rel x |expected|. */
export function expectRelative(actual: number, expected: number, rel: number, label = ''): void {
  const diff = Math.abs(actual - expected);
  expect(diff, `${label}: ${actual} vs ${expected} (relative ${rel})`).toBeLessThanOrEqual(rel * Math.abs(expected));
}
