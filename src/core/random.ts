/**
 * Deterministic pseudo-random numbers, the one generator for everything that must write the same bytes on
 * every run: `boardpack init`'s example extract, the sample partnership (scripts/generate-sample.ts) and the
 * benchmark data (scripts/bench/data.ts). mulberry32, seeded from a number or a label, so each data set draws
 * from its own stream and changing one extract never shifts the numbers of another.
 * Only +, *, sqrt and log are used (no Date, no Math.random), so every run gives the same bytes.
 */

/** FNV-1a hash of a label, used as a seed. */
export function seedFrom(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  private readonly next: () => number;
  private spare: number | null = null;

  constructor(seed: string | number) {
    this.next = mulberry32(typeof seed === 'number' ? seed : seedFrom(seed));
  }

  uniform(): number {
    return this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal by Marsaglia's polar method (no trigonometry). */
  gauss(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  normal(mean: number, sd: number): number {
    return mean + sd * this.gauss();
  }

  /** Log-normal with the given mean and log-scale spread. */
  lognormal(mean: number, sigma: number): number {
    const mu = Math.log(mean) - (sigma * sigma) / 2;
    return Math.exp(mu + sigma * this.gauss());
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 40) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
  }

  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n < 80) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.next() < p) k++;
      return k;
    }
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    if (mean < 15) return Math.min(n, this.poisson(mean));
    if (n - mean < 15) return n - Math.min(n, this.poisson(n - mean));
    return Math.min(n, Math.max(0, Math.round(this.normal(mean, sd))));
  }

  /**
   * A binomial-like count with its random spread scaled by `spread` (1 = binomial, 0 = the expected value),
   * for headline measures where the sample should tell its story without one quarter's noise hiding it.
   */
  steady(n: number, p: number, spread: number): number {
    if (n <= 0) return 0;
    const sd = Math.sqrt(n * p * (1 - p));
    return Math.min(n, Math.max(0, Math.round(n * p + spread * sd * this.gauss())));
  }

  /** A Poisson-like count with its spread scaled by `spread`, as `steady` is for proportions. */
  steadyCount(lambda: number, spread: number): number {
    if (lambda <= 0) return 0;
    return Math.max(0, Math.round(lambda + spread * Math.sqrt(lambda) * this.gauss()));
  }
}
