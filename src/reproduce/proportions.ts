/**
 * Statistics of yes/no outcomes for the report: the Wilson score interval of a proportion
 * (sound near 0 and 1, where the normal approximation is not) and logistic regression of
 * an outcome on one covariate by Newton's method, with standard errors from the inverse
 * Fisher information. Pure maths.
 *
 * @example
 *   wilson(8, 10);                         // [0.490, 0.943]
 *   fitLogistic([0.1, 0.2, 0.3], [0, 1, 1]); // { a, b, aSE, bSE, … }
 */

/** Two-sided Wilson score interval for k successes in n trials at z (1.96: 95 %); [NaN, NaN] for n = 0. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n <= 0) return [NaN, NaN];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface LogisticFit {
  /** P(y = 1 | x) = 1 / (1 + exp(−(a + b·x))) */
  a: number;
  b: number;
  aSE: number;
  bSE: number;
  /** maximized log-likelihood */
  logLik: number;
  iterations: number;
  /** false when the data are separable or Newton did not settle (estimates then run off) */
  converged: boolean;
  n: number;
}

export const logistic = (z: number): number => 1 / (1 + Math.exp(-z));

/** Maximum-likelihood logistic regression of y ∈ {0, 1} on x (Newton–Raphson, at most 100 iterations). */
export function fitLogistic(x: readonly number[], y: readonly number[]): LogisticFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`fitLogistic: ${n} x values but ${y.length} outcomes`);
  let a = 0;
  let b = 0;
  let converged = false;
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const p = logistic(a + b * x[i]);
      const r = y[i] - p;
      const w = p * (1 - p);
      ga += r;
      gb += r * x[i];
      haa += w;
      hab += w * x[i];
      hbb += w * x[i] * x[i];
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) < 1e-10 * (1 + Math.abs(a)) && Math.abs(db) < 1e-10 * (1 + Math.abs(b))) {
      converged = true;
      iterations++;
      break;
    }
  }
  // information at the estimate
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  let logLik = 0;
  for (let i = 0; i < n; i++) {
    const p = logistic(a + b * x[i]);
    const w = p * (1 - p);
    haa += w;
    hab += w * x[i];
    hbb += w * x[i] * x[i];
    logLik += y[i] ? Math.log(p) : Math.log(1 - p);
  }
  const det = haa * hbb - hab * hab;
  return { a, b, aSE: Math.sqrt(hbb / det), bSE: Math.sqrt(haa / det), logLik, iterations, converged: converged && det > 0, n };
}
