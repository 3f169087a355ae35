/**
 * Confidence intervals for proportions, crude rates and means, following the methods of
 * PHEindicatormethods / OHID Fingertips so that a board pack's intervals agree with the
 * published ones: Wilson score for proportions, exact Poisson (count < 10) or Byar's
 * approximation (count >= 10) for rates, Student's t for means.
 */
import { gammaQuantile, studentTQuantile, zForConfidence } from './distributions.js';

export interface CountInterval {
  lower: number;
  upper: number;
}

export interface Estimate {
  value: number;
  lower: number;
  upper: number;
}

export interface ProportionEstimate extends Estimate {
  method: 'wilson';
}

export interface RateEstimate extends Estimate {
  method: 'exact_poisson' | 'byar';
}

export interface MeanEstimate extends Estimate {
  method: 'student_t';
  /** Sample standard deviation (n - 1 denominator). */
  standardDeviation: number;
  n: number;
}

/**
 * Accepts a confidence level as a fraction (0.95) or, like PHEindicatormethods, as a percentage (95, 99.8).
 * Values outside (0, 1) and (1, 100) are rejected rather than guessed at.
 */
export function normaliseConfidence(confidence: number): number {
  if (confidence > 0 && confidence < 1) return confidence;
  if (confidence > 1 && confidence < 100) return confidence / 100;
  throw new RangeError(`confidence must be a fraction in (0, 1) or a percentage in (1, 100) (got ${confidence})`);
}

// Counts and numerators must be finite and non-negative (PHEindicatormethods errors on the same inputs);
// non-integers are allowed, as in the R functions.
function assertCount(x: number, name: string): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`${name} must be a finite number >= 0 (got ${x})`);
}

// Denominators must be finite and positive: a zero population has no rate, and a silent
// Infinity or NaN would reach the board pack.
function assertPositive(n: number, name: string): void {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${name} must be a finite number > 0 (got ${n})`);
}

/**
 * Wilson score interval for x successes out of n, on the 0-1 scale (PHEindicatormethods `wilson_lower/upper`).
 * (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)); unlike the Wald interval it stays inside [0, 1]
 * and behaves at 0 and n. Rounding guards keep it in [0, 1] and around x/n (they move results by an ulp at most).
 */
export function wilsonInterval(x: number, n: number, confidence = 0.95): CountInterval {
  assertCount(x, 'numerator');
  assertPositive(n, 'denominator');
  if (x > n) throw new RangeError(`numerator (${x}) must not exceed denominator (${n}) for a Wilson interval`);
  const z = zForConfidence(normaliseConfidence(confidence));
  const z2 = z * z;
  const centre = 2 * x + z2;
  const half = z * Math.sqrt(z2 + 4 * x * (1 - x / n));
  const denom = 2 * (n + z2);
  const p = x / n;
  // The exact interval always contains p and is [0, 1]-bounded (0 when x = 0, 1 when x = n); enforce what
  // rounding can nudge by an ulp.
  return {
    lower: x === 0 ? 0 : Math.min(p, Math.max(0, (centre - half) / denom)),
    upper: x === n ? 1 : Math.max(p, Math.min(1, (centre + half) / denom)),
  };
}

/**
 * Exact (Garwood) Poisson interval for an observed count x, on the count scale.
 * Lower = qchisq(alpha/2, 2x)/2 (0 when x = 0), upper = qchisq(1 - alpha/2, 2x + 2)/2, i.e. gamma quantiles
 * with shapes x and x + 1; the upper one is solved on the upper tail so 99.8% keeps full precision.
 */
export function exactPoissonInterval(x: number, confidence = 0.95): CountInterval {
  assertCount(x, 'count');
  const alpha = 1 - normaliseConfidence(confidence);
  return {
    lower: x === 0 ? 0 : gammaQuantile(alpha / 2, x),
    upper: gammaQuantile(alpha / 2, x + 1, true),
  };
}

/**
 * Byar's approximation to the exact Poisson interval (Breslow & Day 1987; PHEindicatormethods `byars_lower/upper`).
 * lower = x (1 - 1/(9x) - z/(3 sqrt x))^3, upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3. It is good for
 * x >= 10; for tiny counts the lower cube can go negative, so it is floored at 0 (use the exact interval there).
 */
export function byarInterval(x: number, confidence = 0.95): CountInterval {
  assertCount(x, 'count');
  const z = zForConfidence(normaliseConfidence(confidence));
  const lower = x === 0 ? 0 : x * Math.pow(1 - 1 / (9 * x) - z / (3 * Math.sqrt(x)), 3);
  const x1 = x + 1;
  const upper = x1 * Math.pow(1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1)), 3);
  return { lower: Math.max(0, lower), upper };
}

/**
 * A proportion (x/n x multiplier; 100 gives a percentage) with its Wilson score interval,
 * as PHEindicatormethods `phe_proportion`.
 */
export function proportionCI(
  numerator: number,
  denominator: number,
  options: { multiplier?: number; confidence?: number } = {},
): ProportionEstimate {
  const multiplier = options.multiplier ?? 1;
  const { lower, upper } = wilsonInterval(numerator, denominator, options.confidence ?? 0.95);
  return {
    value: (numerator / denominator) * multiplier,
    lower: lower * multiplier,
    upper: upper * multiplier,
    method: 'wilson',
  };
}

/**
 * A crude rate (x/n x multiplier) with its interval, as PHEindicatormethods `phe_rate`: the exact Poisson
 * interval when the count is under 10 (where Byar's approximation is poor), Byar's method from 10 upward.
 * Fingertips uses the same convention, e.g. per 10,000 for hospital admissions.
 */
export function rateCI(
  numerator: number,
  denominator: number,
  options: { multiplier?: number; confidence?: number } = {},
): RateEstimate {
  assertCount(numerator, 'numerator');
  assertPositive(denominator, 'denominator');
  const multiplier = options.multiplier ?? 100000;
  const confidence = options.confidence ?? 0.95;
  const exact = numerator < 10;
  const ci = exact ? exactPoissonInterval(numerator, confidence) : byarInterval(numerator, confidence);
  const scale = multiplier / denominator;
  return {
    value: numerator * scale,
    lower: ci.lower * scale,
    upper: ci.upper * scale,
    method: exact ? 'exact_poisson' : 'byar',
  };
}

/**
 * Mean with a Student's t interval, as PHEindicatormethods `phe_mean`:
 * mean +/- qt(1 - alpha/2, n - 1) x sd / sqrt(n), sd with the n - 1 denominator. Needs two or more finite values.
 */
export function meanCI(values: readonly number[], confidence = 0.95): MeanEstimate {
  const n = values.length;
  if (n < 2) throw new RangeError(`a mean interval needs at least 2 values (got ${n})`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`values must be finite numbers (got ${v})`);
  const conf = normaliseConfidence(confidence);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = (studentTQuantile(1 - (1 - conf) / 2, n - 1) * sd) / Math.sqrt(n);
  return { value: mean, lower: mean - half, upper: mean + half, method: 'student_t', standardDeviation: sd, n };
}
