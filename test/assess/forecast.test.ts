import { describe, expect, it } from 'vitest';
import { linearForecast, turningTheCurve } from '../../src/assess/stats/index.js';
import { expectRelative } from './helpers.js';

// qt(0.975, 3) as printed by R with digits = 16 (NIST/SEMATECH e-Handbook 1.3.6.7.2 table: 3.182).
const T_975_3 = 3.182446305284263;

describe('linearForecast', () => {
  it('worked example: y = 1, 3, 2, 5, 4 at x = 0..4', () => {
    // By hand: xbar = 2, ybar = 3, Sxy = 8, Sxx = 10 -> slope 0.8, intercept 1.4; residuals -0.4, 0.8, -1, 1.2,
    // -0.6 -> SSE 3.6, s^2 = 1.2 on 3 df. At x0 = 5: 5.4 +/- qt(0.975, 3) sqrt(1.2 (1 + 1/5 + 9/10)); at x0 = 6:
    // 6.2 +/- qt(0.975, 3) sqrt(1.2 (1 + 1/5 + 16/10)).
    const f = linearForecast([1, 3, 2, 5, 4], 2);
    expectRelative(f.slope, 0.8, 1e-14, 'slope');
    expectRelative(f.intercept, 1.4, 1e-14, 'intercept');
    [1.4, 2.2, 3.0, 3.8, 4.6].forEach((v, i) => expectRelative(f.fitted[i], v, 1e-14, `fitted ${i}`));
    expect(f.forecast.map((p) => p.index)).toEqual([5, 6]);
    expectRelative(f.forecast[0].value, 5.4, 1e-14, 'forecast 5');
    expectRelative(f.forecast[0].upper - f.forecast[0].value, T_975_3 * Math.sqrt(1.2 * 2.1), 1e-12, 'half-width 5');
    expectRelative(f.forecast[0].value - f.forecast[0].lower, T_975_3 * Math.sqrt(1.2 * 2.1), 1e-12, 'half-width 5');
    expectRelative(f.forecast[1].value, 6.2, 1e-14, 'forecast 6');
    expectRelative(f.forecast[1].upper - f.forecast[1].value, T_975_3 * Math.sqrt(1.2 * 2.8), 1e-12, 'half-width 6');
    expect(f.method).toBe('ordinary least squares linear trend with t-based prediction interval');
  });

  it('a perfect line forecasts exactly with a zero-width interval', () => {
    const f = linearForecast([2, 4, 6, 8], 3);
    expect(f.forecast.map((p) => p.value)).toEqual([10, 12, 14]);
    for (const p of f.forecast) {
      expect(p.lower).toBeCloseTo(p.value, 12);
      expect(p.upper).toBeCloseTo(p.value, 12);
    }
  });

  it('intervals widen with distance from the data and with confidence', () => {
    const values = [10, 11.2, 11.8, 13.1, 13.9, 15];
    const f95 = linearForecast(values, 4);
    const widths = f95.forecast.map((p) => p.upper - p.lower);
    for (let i = 1; i < widths.length; i += 1) expect(widths[i]).toBeGreaterThan(widths[i - 1]);
    const f998 = linearForecast(values, 4, 0.998);
    expect(f998.forecast[0].upper - f998.forecast[0].lower).toBeGreaterThan(widths[0]);
  });

  it('needs 3 points and a whole-number horizon', () => {
    expect(() => linearForecast([1, 2], 1)).toThrow(RangeError);
    expect(() => linearForecast([1, 2, 3], 1.5)).toThrow(RangeError);
    expect(() => linearForecast([1, Number.NaN, 3], 1)).toThrow(RangeError);
    expect(linearForecast([1, 2, 3], 0).forecast).toEqual([]);
  });
});

describe('turningTheCurve', () => {
  // A worsening baseline for a lower-is-better indicator (rising about 1 a period, with a little noise).
  const RISING = [10, 11.2, 11.8, 13.1, 13.9, 15];

  it('no judgement without polarity, with under 3 baseline points, or with no actuals yet', () => {
    expect(turningTheCurve(RISING, [14], 'none').status).toBe('no_judgement');
    expect(turningTheCurve([10, 11], [9], 'lower_is_better').status).toBe('no_judgement');
    expect(turningTheCurve(RISING, [], 'lower_is_better').status).toBe('no_judgement');
  });

  it('turning: still rising, but the latest figure is below the forecast interval (lower is better)', () => {
    // Forecast for the next two periods: 15.94 (15.36-16.52) and 16.92 (16.27-17.57).
    const f = linearForecast(RISING, 2);
    expect(f.forecast[1].lower).toBeGreaterThan(15.5);
    const r = turningTheCurve(RISING, [15.0, 15.5], 'lower_is_better');
    expect(r.status).toBe('turning');
    expect(r.explanation).toMatch(/^Turning: the latest figure 15.5 is below the forecast 16.92/);
  });

  it('turned: the actuals since the baseline slope downward while the baseline rose (lower is better)', () => {
    const r = turningTheCurve(RISING, [15.2, 14.6, 14.1], 'lower_is_better');
    expect(r.status).toBe('turned');
    expect(r.explanation).toMatch(/^Turned: /);
  });

  it('a reversal in the worse direction is not turning', () => {
    // Higher is better and the baseline was rising: a fall afterwards is a deterioration.
    const r = turningTheCurve(RISING, [15.2, 14.6, 14.1], 'higher_is_better');
    expect(r.status).toBe('not_turning');
  });

  it('not turning: the latest figure sits inside the forecast interval', () => {
    const f = linearForecast(RISING, 2);
    const r = turningTheCurve(RISING, [f.forecast[0].value, f.forecast[1].value], 'lower_is_better');
    expect(r.status).toBe('not_turning');
    expect(r.explanation).toMatch(/^Not turning: /);
  });

  it('departing from the forecast on the better side counts for higher-is-better too', () => {
    const falling = [20, 19.1, 18.2, 16.8, 16.1, 15];
    const f = linearForecast(falling, 1);
    expect(turningTheCurve(falling, [f.forecast[0].upper + 0.1], 'higher_is_better').status).toBe('turning');
    expect(turningTheCurve(falling, [f.forecast[0].upper + 0.1], 'lower_is_better').status).toBe('not_turning');
  });
});
