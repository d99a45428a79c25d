/**
 * The few statistics the report needs: an ordinary least-squares line with Student-t
 * confidence intervals (B's log-log fit), percentiles (C's bands) and mean/sd. Pure maths.
 *
 * @example
 *   const fit = fitLine([2, 2.3, 2.6], [1.2, 0.9, 0.6]); // fit.slope, fit.slopeCI
 */
import { meanStd } from '../analysis/theory.js';

export interface LineFit {
  slope: number;
  intercept: number;
  /** [lo, hi] at `level` (NaN bounds with fewer than 3 points) */
  slopeCI: [number, number];
  interceptCI: [number, number];
  slopeSE: number;
  interceptSE: number;
  /** number of points fitted */
  points: number;
  level: number;
  rSquared: number;
}

/** OLS fit y = intercept + slope·x with two-sided `level` confidence intervals (t with k−2 df). */
export function fitLine(x: readonly number[], y: readonly number[], level = 0.95): LineFit {
  const k = x.length;
  if (k !== y.length) throw new RangeError(`fitLine: ${k} x values but ${y.length} y values`);
  if (k < 2) throw new RangeError(`fitLine: need at least 2 points, got ${k}`);
  const mx = x.reduce((s, v) => s + v, 0) / k;
  const my = y.reduce((s, v) => s + v, 0) / k;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < k; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0) throw new RangeError('fitLine: all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssr = 0;
  for (let i = 0; i < k; i++) ssr += (y[i] - intercept - slope * x[i]) ** 2;
  const df = k - 2;
  const s = df > 0 ? Math.sqrt(ssr / df) : NaN;
  const slopeSE = s / Math.sqrt(sxx);
  const interceptSE = s * Math.sqrt(1 / k + (mx * mx) / sxx);
  const t = df > 0 ? studentTQuantile(0.5 + level / 2, df) : NaN;
  return {
    slope,
    intercept,
    slopeCI: [slope - t * slopeSE, slope + t * slopeSE],
    interceptCI: [intercept - t * interceptSE, intercept + t * interceptSE],
    slopeSE,
    interceptSE,
    points: k,
    level,
    rSquared: syy > 0 ? 1 - ssr / syy : 1,
  };
}

/** Percentile p ∈ [0, 100] with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

export { mean } from '../core/metrics.js';

/** Sample standard deviation (k − 1 denominator; 0 for one value). */
export const sampleStd = (values: readonly number[]): number => meanStd(values).std;

/** Quantile of Student's t with `df` degrees of freedom (bisection on the CDF; 1e-10 absolute). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(T ≤ t) for Student's t: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function logGamma(z: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const x = z - 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
