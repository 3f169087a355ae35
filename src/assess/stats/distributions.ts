/**
 * Quantile functions for the normal, gamma / chi-square and Student t distributions.
 *
 * Written here rather than taken from a dependency so that the confidence intervals match
 * R (which PHEindicatormethods and OHID Fingertips use) to ~1e-12: each quantile starts from a
 * published approximation and is then polished by safeguarded Newton iteration on an accurate CDF.
 */

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 1000;

// Quantiles exist only strictly inside (0, 1); 0 and 1 would be infinite, so callers must handle them.
// Throws a RangeError naming the argument.
function assertProbability(p: number, name = 'p'): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${name} must lie strictly between 0 and 1 (got ${p})`);
}

// Evaluates c[0] + c[1] r + c[2] r^2 + ... by Horner's rule, the numerically stable way to evaluate
// the AS 241 rational approximations.
function poly(c: readonly number[], r: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i -= 1) s = s * r + c[i];
  return s;
}

// Coefficients of Wichura (1988), Algorithm AS 241 (PPND16), Applied Statistics 37:477-484.
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
  21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
  0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

/**
 * Inverse of the standard normal CDF (the z for a two-sided interval is `inverseNormal(1 - alpha / 2)`).
 * Wichura's AS 241 (PPND16): rational approximations in three regions, accurate to about 1e-16
 * relative, which is what R's `qnorm` uses; so 95% gives 1.959963984540054 and 99.8% 3.090232306167813.
 */
export function inverseNormal(p: number): number {
  assertProbability(p);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(AS241_A, r)) / poly(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(AS241_C, r) / poly(AS241_D, r);
  } else {
    r -= 5;
    x = poly(AS241_E, r) / poly(AS241_F, r);
  }
  return q < 0 ? -x : x;
}

/** z multiplier for a two-sided interval at `confidence` (0-1): the exact inverse normal of 1 - (1 - c)/2. */
export function zForConfidence(confidence: number): number {
  return inverseNormal(1 - (1 - confidence) / 2);
}

// Lanczos approximation (g = 7, n = 9; the coefficients popularised by Numerical Recipes / Godfrey).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * Natural log of the gamma function, needed to normalise the incomplete gamma and beta integrals.
 * Lanczos series (g = 7), about 15 significant digits for x > 0; reflection for x < 0.5.
 */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// log of x^a e^-x / Gamma(a), the common prefactor of P(a,x) and Q(a,x); worked in logs so large shapes
// and counts do not overflow.
function gammaPrefactorLog(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/**
 * Regularised lower and upper incomplete gamma functions P(a, x) and Q(a, x) = 1 - P.
 * Series expansion when x < a + 1, Lentz's continued fraction otherwise (Numerical Recipes 6.2);
 * returning both avoids the cancellation of computing a small tail as 1 - (something near 1).
 */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0)) throw new RangeError(`gamma shape must be positive (got ${a})`);
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100000; n += 1) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const lower = Math.min(1, sum * Math.exp(gammaPrefactorLog(a, x)));
    return { lower, upper: 1 - lower };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const upper = Math.min(1, Math.exp(gammaPrefactorLog(a, x)) * h);
  return { lower: 1 - upper, upper };
}

/**
 * Quantile of the gamma distribution with shape `a` and scale 1: the x with P(a, x) = p
 * (or, with `upperTail`, with Q(a, x) = p, which keeps full precision for tails such as 0.001).
 * Wilson-Hilferty start, then Newton steps kept inside a shrinking bracket (bisection fallback) to ~1e-14.
 */
export function gammaQuantile(p: number, a: number, upperTail = false): number {
  assertProbability(p);
  if (!(a > 0)) throw new RangeError(`gamma shape must be positive (got ${a})`);
  // Always solve on the smaller tail: 1 - p is exact there (Sterbenz), and the small tail keeps its digits.
  if (p > 0.5) return gammaQuantile(1 - p, a, !upperTail);
  const lowerP = upperTail ? 1 - p : p;
  // Signed distance from target: negative when x is too small.
  const f = (x: number): number => {
    const g = regularizedGamma(a, x);
    return upperTail ? p - g.upper : g.lower - p;
  };
  const density = (x: number): number => Math.exp(gammaPrefactorLog(a, x)) / x;

  // Starting value: Wilson-Hilferty cube-root normal approximation, or the small-x series for tiny p.
  const z = inverseNormal(lowerP);
  const h = 1 / (9 * a);
  let x = a * Math.pow(Math.max(1 - h + z * Math.sqrt(h), 1e-3), 3);
  const small = Math.exp((Math.log(lowerP) + logGamma(a + 1)) / a);
  if (x <= 0 || !Number.isFinite(x) || (lowerP < 0.1 && small < x)) x = small;

  // Bracket the root.
  let lo = 0;
  let hi = Math.max(x, 1);
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
  }
  if (!(x > lo && x < hi)) x = (lo + hi) / 2;

  for (let i = 0; i < MAX_ITER; i += 1) {
    const fx = f(x);
    if (fx === 0) return x;
    if (fx < 0) lo = x;
    else hi = x;
    const dens = density(x);
    let next = dens > 0 && Number.isFinite(dens) ? x - fx / dens : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/** Chi-square quantile with `df` degrees of freedom: 2 x the gamma quantile with shape df/2 (as R's `qchisq`). */
export function chiSquareQuantile(p: number, df: number, upperTail = false): number {
  return 2 * gammaQuantile(p, df / 2, upperTail);
}

// Continued fraction for the incomplete beta (Numerical Recipes 6.4, modified Lentz): converges quickly
// for x < (a+1)/(a+b+2), which regularizedBeta arranges by symmetry.
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularised incomplete beta I_x(a, b), the CDF behind Student's t.
 * Continued fraction evaluated on whichever side of the mean converges fastest (Numerical Recipes 6.4).
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

// Upper-tail probability P(T > t) of Student's t for t >= 0: 0.5 I_{df/(df+t^2)}(df/2, 1/2), taken directly
// from the incomplete beta so small tails are not computed as 1 - (something near 1).
function studentTUpperTail(t: number, df: number): number {
  const x = df / (df + t * t);
  return 0.5 * regularizedBeta(x, df / 2, 0.5);
}

/** Cumulative distribution function of Student's t with `df` degrees of freedom (via the incomplete beta). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive (got ${df})`);
  if (t === 0) return 0.5;
  const tail = studentTUpperTail(Math.abs(t), df);
  return t > 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t (as R's `qt`), used for means and regression prediction intervals.
 * Cornish-Fisher start from the normal quantile, then bracketed Newton iteration on the upper-tail
 * probability (computed directly from the incomplete beta, so 0.999 keeps its precision) to ~1e-14.
 */
export function studentTQuantile(p: number, df: number): number {
  assertProbability(p);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive (got ${df})`);
  if (p === 0.5) return 0;
  const upper = p > 0.5;
  const tailP = upper ? 1 - p : p; // target P(T > t) for t > 0
  const logDensityConst = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (t: number): number => Math.exp(logDensityConst - ((df + 1) / 2) * Math.log1p((t * t) / df));
  // f(t) = tail(t) - target; decreasing in t.
  const f = (t: number): number => studentTUpperTail(t, df) - tailP;

  const z = inverseNormal(1 - tailP);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  let t = z + g1 / df + g2 / (df * df);
  if (!(t > 0) || !Number.isFinite(t)) t = z;

  let lo = 0;
  let hi = Math.max(t, 1);
  while (f(hi) > 0) {
    lo = hi;
    hi *= 2;
  }
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < MAX_ITER; i += 1) {
    const ft = f(t);
    if (ft === 0) break;
    if (ft > 0) lo = t;
    else hi = t;
    let next = t + ft / density(t);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) {
      t = next;
      break;
    }
    t = next;
  }
  return upper ? t : -t;
}
