/**
 * Baseline and forecast for Outcomes-Based Accountability "turn the curve" pages: where the line goes if nothing
 * more is done, and whether the actual figures have since bent away from it in the better direction.
 */
import type { Polarity } from './compare.js';
import { normaliseConfidence } from './confidence.js';
import { studentTQuantile } from './distributions.js';

export const FORECAST_METHOD = 'ordinary least squares linear trend with t-based prediction interval' as const;

export interface ForecastPoint {
  /** Position on the baseline's time axis: the baseline occupies 0 .. n-1, forecasts start at n. */
  index: number;
  value: number;
  lower: number;
  upper: number;
}

export interface LinearForecast {
  slope: number;
  intercept: number;
  fitted: number[];
  forecast: ForecastPoint[];
  method: typeof FORECAST_METHOD;
}

export type CurveStatus = 'turning' | 'turned' | 'not_turning' | 'no_judgement';

// Gaps and non-numbers must be dealt with before fitting (a NaN would silently poison every sum);
// throws a RangeError naming the offending series.
function assertFinite(values: readonly number[], what: string): void {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`${what} must be finite numbers (got ${v})`);
}

// Least-squares slope and intercept of values against their index 0..n-1, from centred sums
// (Sxy / Sxx) to avoid the cancellation of the raw-sums formula.
function fitLine(values: readonly number[]): { slope: number; intercept: number } {
  const n = values.length;
  const xBar = (n - 1) / 2;
  let yBar = 0;
  for (const v of values) yBar += v;
  yBar /= n;
  let sxy = 0;
  let sxx = 0;
  values.forEach((y, x) => {
    sxy += (x - xBar) * (y - yBar);
    sxx += (x - xBar) * (x - xBar);
  });
  const slope = sxy / sxx;
  return { slope, intercept: yBar - slope * xBar };
}

/**
 * Fits y = intercept + slope x to equally spaced values (x = 0 .. n-1) by ordinary least squares and projects
 * `horizon` periods ahead with the classical prediction interval yhat +/- t(1 - alpha/2, n - 2) s
 * sqrt(1 + 1/n + (x0 - xbar)^2 / Sxx), i.e. what R's predict.lm(interval = "prediction") gives. Needs n >= 3.
 */
export function linearForecast(values: readonly number[], horizon: number, confidence = 0.95): LinearForecast {
  const n = values.length;
  if (n < 3) throw new RangeError(`a linear forecast needs at least 3 values (got ${n})`);
  assertFinite(values, 'forecast values');
  if (!Number.isInteger(horizon) || horizon < 0) throw new RangeError(`horizon must be a whole number >= 0 (got ${horizon})`);
  const conf = normaliseConfidence(confidence);

  const { slope, intercept } = fitLine(values);
  const fitted = values.map((_, x) => intercept + slope * x);
  let sse = 0;
  values.forEach((y, x) => {
    sse += (y - fitted[x]) ** 2;
  });
  const s = Math.sqrt(sse / (n - 2));
  const xBar = (n - 1) / 2;
  const sxx = (n * (n * n - 1)) / 12; // sum of (x - xbar)^2 for x = 0..n-1
  const t = studentTQuantile(1 - (1 - conf) / 2, n - 2);
  const forecast: ForecastPoint[] = [];
  for (let h = 0; h < horizon; h += 1) {
    const index = n + h;
    const value = intercept + slope * index;
    const half = t * s * Math.sqrt(1 + 1 / n + (index - xBar) ** 2 / sxx);
    forecast.push({ index, value, lower: value - half, upper: value + half });
  }
  return { slope, intercept, fitted, forecast, method: FORECAST_METHOD };
}

// Four significant figures for the plain-English explanation (e.g. 16.92, 0.9829); full precision stays
// in the numeric fields.
function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/**
 * Judges the curve after the baseline: 'turned' when the line of the actuals since the baseline slopes the
 * opposite way to the baseline, in the better direction (needs 2+ actuals and a non-flat baseline); 'turning'
 * when the latest actual lies beyond the forecast's 95% prediction interval on the better side; otherwise
 * 'not_turning'. 'no_judgement' without a polarity, with fewer than 3 baseline points or no actuals.
 */
export function turningTheCurve(
  baselineValues: readonly number[],
  actualAfter: readonly number[],
  polarity: Polarity,
  /** Formats figures in the explanation (the pack passes the indicator's unit: "12.3%"); default 4 significant digits. */
  format: (x: number) => string = fmt,
  /** Formats a change per period (for a percentage, in points); default 4 significant digits. */
  formatSlope: (x: number) => string = fmt,
): { status: CurveStatus; explanation: string } {
  if (polarity === 'none') {
    return { status: 'no_judgement', explanation: 'No judgement: the indicator has no better direction (polarity none).' };
  }
  if (polarity !== 'higher_is_better' && polarity !== 'lower_is_better') throw new TypeError(`unknown polarity: ${String(polarity)}`);
  if (baselineValues.length < 3) {
    return {
      status: 'no_judgement',
      explanation: `No judgement: a baseline needs at least 3 points (it has ${baselineValues.length}).`,
    };
  }
  if (actualAfter.length === 0) {
    return { status: 'no_judgement', explanation: 'No judgement: there are no actual figures after the baseline yet.' };
  }
  assertFinite(actualAfter, 'actual values');
  const better = polarity === 'higher_is_better' ? 1 : -1;
  const fit = linearForecast(baselineValues, actualAfter.length);
  const betterWord = better > 0 ? 'upward' : 'downward';

  if (actualAfter.length >= 2 && fit.slope !== 0) {
    const after = fitLine(actualAfter).slope;
    if (Math.sign(after) === -Math.sign(fit.slope) && Math.sign(after) === better) {
      return {
        status: 'turned',
        explanation:
          `Turned: the baseline trend was ${formatSlope(fit.slope)} per period, and the ${actualAfter.length} figures since ` +
          `run ${betterWord} at ${formatSlope(after)} per period, the better direction.`,
      };
    }
  }
  const last = fit.forecast[fit.forecast.length - 1];
  const latest = actualAfter[actualAfter.length - 1];
  const beyond = better > 0 ? latest > last.upper : latest < last.lower;
  if (beyond) {
    return {
      status: 'turning',
      explanation:
        `Turning: the latest figure ${format(latest)} is ${better > 0 ? 'above' : 'below'} the forecast ${format(last.value)} ` +
        `and outside its 95% prediction interval (${format(last.lower)} to ${format(last.upper)}), on the better side.`,
    };
  }
  return {
    status: 'not_turning',
    explanation:
      `Not turning: the latest figure ${format(latest)} is within or on the worse side of the forecast's 95% prediction ` +
      `interval (${format(last.lower)} to ${format(last.upper)}; forecast ${format(last.value)}).`,
  };
}
