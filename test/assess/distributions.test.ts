import { describe, expect, it } from 'vitest';
import {
  chiSquareQuantile,
  gammaQuantile,
  inverseNormal,
  logGamma,
  regularizedGamma,
  studentTCdf,
  studentTQuantile,
  zForConfidence,
} from '../../src/assess/stats/index.js';
import { expectPublished, expectRelative } from './helpers.js';

describe('inverseNormal (AS 241)', () => {
  it('gives the z values DOMAIN.md prints: 1.959964 (95%) and 3.090232 (99.8%)', () => {
    expectPublished(zForConfidence(0.95), '1.959964');
    expectPublished(zForConfidence(0.998), '3.090232');
  });
  it("matches R's qnorm to 1e-15 (qnorm(0.975) = 1.959963984540054, qnorm(0.999) = 3.090232306167813)", () => {
    // R 4.x printed with print(qnorm(...), digits = 16); these are the standard published 16-digit values.
    expectRelative(inverseNormal(0.975), 1.959963984540054, 1e-15, 'qnorm(0.975)');
    expectRelative(inverseNormal(0.999), 3.090232306167813, 1e-15, 'qnorm(0.999)');
    expectRelative(inverseNormal(0.995), 2.5758293035489, 1e-13, 'qnorm(0.995)');
    expectRelative(inverseNormal(0.025), -1.959963984540054, 1e-15, 'qnorm(0.025)');
  });
  it('is odd about 0.5 and uses all three AS 241 regions', () => {
    expect(inverseNormal(0.5)).toBe(0);
    for (const p of [0.3, 0.1, 0.01, 1e-3]) {
      expect(inverseNormal(p)).toBeCloseTo(-inverseNormal(1 - p), 10);
    }
    // Tail region (r > 5): qnorm(1e-20) = -9.262340089798408 (R).
    expectRelative(inverseNormal(1e-20), -9.262340089798408, 1e-14, 'qnorm(1e-20)');
  });
  it('rejects p outside (0, 1)', () => {
    expect(() => inverseNormal(0)).toThrow(RangeError);
    expect(() => inverseNormal(1)).toThrow(RangeError);
  });
});

describe('logGamma', () => {
  it('matches exact values: ln Gamma(1/2) = ln sqrt(pi), ln Gamma(n) = ln (n-1)!', () => {
    expectRelative(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'lgamma(0.5)');
    expectRelative(logGamma(10), Math.log(362880), 1e-14, 'lgamma(10)');
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-14);
  });
});

describe('gamma and chi-square quantiles', () => {
  it('shape 1 is the exponential: quantile = -ln(1 - p) to 1e-13', () => {
    for (const p of [1e-6, 0.001, 0.025, 0.5, 0.975, 0.999]) {
      expectRelative(gammaQuantile(p, 1), -Math.log1p(-p), 1e-13, `gamma(1) p=${p}`);
      // Upper tail: Q(1, x) = exp(-x) = u, so x = -ln(u).
      const u = 1 - p;
      expectRelative(gammaQuantile(u, 1, true), -Math.log(u), 1e-13, `gamma(1) upper-tail u=${u}`);
    }
  });
  it('chi-square with 2 df: -2 ln(1 - p); with 1 df: z^2', () => {
    expectRelative(chiSquareQuantile(0.975, 2), -2 * Math.log(0.025), 1e-13, 'qchisq(0.975, 2)');
    const z = inverseNormal(0.975);
    expectRelative(chiSquareQuantile(0.95, 1), z * z, 1e-12, 'qchisq(0.95, 1)');
  });
  it('agrees with published chi-square critical values (NIST/SEMATECH e-Handbook 1.3.6.7.4, 3 decimals)', () => {
    // Upper-tail critical values: df = 10 at 0.05 -> 18.307, at 0.001 -> 29.588; df = 5 lower-tail 0.025 -> 0.831.
    expectPublished(chiSquareQuantile(0.95, 10), '18.307');
    expectPublished(chiSquareQuantile(0.999, 10), '29.588');
    expectPublished(chiSquareQuantile(0.025, 5), '0.831');
  });
  it('inverts the regularised incomplete gamma for shapes from 0.5 to 1000', () => {
    // The check is limited by the forward P/Q evaluation (x^a e^-x / Gamma(a) loses ~a x 1e-16 relative), so
    // shapes far beyond the exact-Poisson range (counts < 10) would test the oracle rather than the quantile.
    for (const a of [0.5, 3, 9.5, 40, 1000]) {
      for (const p of [0.001, 0.025, 0.5, 0.975, 0.999]) {
        const x = gammaQuantile(p, a);
        expectRelative(regularizedGamma(a, x).lower, p, 1e-10, `P(${a}, q(${p}))`);
        const xu = gammaQuantile(p, a, true);
        expectRelative(regularizedGamma(a, xu).upper, p, 1e-10, `Q(${a}, q(${p}))`);
      }
    }
  });
});

describe("Student's t", () => {
  it('df = 1 (Cauchy) and df = 2 have closed forms; matched to 1e-12', () => {
    for (const p of [0.6, 0.975, 0.999, 0.0005]) {
      expectRelative(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12, `qt(${p}, 1)`);
      expectRelative(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, `qt(${p}, 2)`);
    }
  });
  it('agrees with published t critical values (NIST/SEMATECH e-Handbook 1.3.6.7.2, 3 decimals)', () => {
    expectPublished(studentTQuantile(0.975, 3), '3.182');
    expectPublished(studentTQuantile(0.975, 7), '2.365');
    expectPublished(studentTQuantile(0.999, 3), '10.215');
    expectPublished(studentTQuantile(0.975, 30), '2.042');
    expectPublished(studentTQuantile(0.95, 100), '1.660');
  });
  it('tends to the normal quantile for large df and inverts its own CDF', () => {
    expectRelative(studentTQuantile(0.975, 1e7), inverseNormal(0.975), 1e-6, 'qt(0.975, 1e7)');
    for (const df of [1, 3, 7.5, 50]) {
      for (const p of [0.001, 0.2, 0.9, 0.999]) {
        expectRelative(studentTCdf(studentTQuantile(p, df), df), p, 1e-11, `pt(qt(${p}, ${df}))`);
      }
    }
  });
});
