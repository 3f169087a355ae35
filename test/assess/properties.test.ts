import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byarInterval,
  compareWithBenchmark,
  exactPoissonInterval,
  wilsonInterval,
  xmr,
  type ComparisonVerdict,
} from '../../src/assess/stats/index.js';

const maybeNumber = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);
const confidence = fc.double({ min: 0.5, max: 0.9999, noNaN: true });

describe('compareWithBenchmark properties', () => {
  const swap: Record<ComparisonVerdict, ComparisonVerdict> = {
    better: 'worse',
    worse: 'better',
    similar: 'similar',
    not_compared: 'not_compared',
    higher: 'higher',
    lower: 'lower',
  };

  it('swapping polarity swaps better and worse and leaves everything else alone', () => {
    fc.assert(
      fc.property(maybeNumber, maybeNumber, maybeNumber, maybeNumber, (value, lower, upper, benchmark) => {
        const area = { value, lower, upper };
        const h = compareWithBenchmark(area, benchmark, 'higher_is_better');
        const l = compareWithBenchmark(area, benchmark, 'lower_is_better');
        expect(l).toBe(swap[h]);
        expect(['better', 'worse', 'similar', 'not_compared']).toContain(h);
      }),
      { numRuns: 2000 },
    );
  });

  it("with no polarity the verdict is 'higher' exactly when higher-is-better would say 'better'", () => {
    fc.assert(
      fc.property(maybeNumber, maybeNumber, maybeNumber, maybeNumber, (value, lower, upper, benchmark) => {
        const area = { value, lower, upper };
        const h = compareWithBenchmark(area, benchmark, 'higher_is_better');
        const n = compareWithBenchmark(area, benchmark, 'none');
        const expected = h === 'better' ? 'higher' : h === 'worse' ? 'lower' : h;
        expect(n).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a benchmark equal to the value itself is always similar when the interval contains the value', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (v, below, above) => {
          const area = { value: v, lower: v - below, upper: v + above };
          expect(compareWithBenchmark(area, v, 'higher_is_better')).toBe('similar');
        },
      ),
    );
  });
});

describe('interval properties', () => {
  it('the Wilson interval contains x/n and lies within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        confidence,
        (n, frac, conf) => {
          const x = Math.round(frac * n);
          const { lower, upper } = wilsonInterval(x, n, conf);
          expect(lower).toBeGreaterThanOrEqual(0);
          expect(upper).toBeLessThanOrEqual(1);
          expect(lower).toBeLessThanOrEqual(x / n);
          expect(upper).toBeGreaterThanOrEqual(x / n);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a higher confidence level never gives a narrower Wilson interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, frac) => {
        const x = Math.round(frac * n);
        const a = wilsonInterval(x, n, 0.95);
        const b = wilsonInterval(x, n, 0.998);
        expect(b.lower).toBeLessThanOrEqual(a.lower);
        expect(b.upper).toBeGreaterThanOrEqual(a.upper);
      }),
    );
  });

  it('the exact Poisson interval contains the observed count (strictly, for x > 0)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100000 }), confidence, (x, conf) => {
        const { lower, upper } = exactPoissonInterval(x, conf);
        expect(lower).toBeGreaterThanOrEqual(0);
        expect(lower).toBeLessThanOrEqual(x);
        expect(upper).toBeGreaterThan(x);
        if (x > 0) expect(lower).toBeLessThan(x);
      }),
      { numRuns: 1000 },
    );
  });

  it("Byar's interval contains the count from 10 upward and approximates the exact one to within 2%", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 1_000_000 }), fc.constantFrom(0.95, 0.998), (x, conf) => {
        const b = byarInterval(x, conf);
        const e = exactPoissonInterval(x, conf);
        expect(b.lower).toBeLessThan(x);
        expect(b.upper).toBeGreaterThan(x);
        expect(Math.abs(b.lower - e.lower) / e.lower).toBeLessThan(0.02);
        expect(Math.abs(b.upper - e.upper) / e.upper).toBeLessThan(0.02);
      }),
      { numRuns: 500 },
    );
  });
});

describe('xmr properties', () => {
  it('mirroring the data and the improvement direction mirrors the chart', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 2, maxLength: 60 }), (ys) => {
        const a = xmr(ys, { improvement: 'increase', target: 0 });
        const b = xmr(
          ys.map((y) => -y),
          { improvement: 'decrease', target: 0 },
        );
        // `+ 0` folds -0 into 0: toBe uses Object.is, and a mean of exactly 0 negates to -0 (a rare flake otherwise).
        expect(b.mean + 0).toBe(-a.mean + 0);
        expect(b.upperLimit + 0).toBe(-a.lowerLimit + 0);
        expect(b.points.map((p) => p.rules)).toEqual(a.points.map((p) => p.rules));
        expect(b.points.map((p) => p.direction)).toEqual(a.points.map((p) => p.direction));
        const flip = { high: 'low', low: 'high' } as const;
        expect(b.points.map((p) => p.side)).toEqual(a.points.map((p) => (p.side === null ? null : flip[p.side])));
        expect(b.assurance).toBe(a.assurance);
      }),
      { numRuns: 500 },
    );
  });

  it('a point is special cause exactly when it breaks at least one rule', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 60 }), (ys) => {
        const r = xmr(ys, { improvement: 'neutral' });
        for (const p of r.points) {
          expect(p.specialCause).toBe(p.rules.length > 0);
          expect(p.direction === null).toBe(!p.specialCause);
          expect(p.rules.includes('outside_limits')).toBe(p.value > r.upperLimit || p.value < r.lowerLimit);
        }
      }),
    );
  });
});
