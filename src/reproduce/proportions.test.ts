import { describe, expect, it } from 'vitest';
import { fitLogistic, wilson } from './proportions.js';

describe('wilson', () => {
  // golden values: scipy.stats.binomtest(k, n).proportion_ci(method='wilson') (SciPy 1.17)
  it('matches SciPy', () => {
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4901624715366418, 9);
    expect(hi).toBeCloseTo(0.9433178485456248, 9);
    const [lo0, hi0] = wilson(0, 20);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.16112515805281935, 9);
    expect(wilson(0, 0).every(Number.isNaN)).toBe(true);
  });
});

describe('fitLogistic', () => {
  // golden values: scipy.optimize.minimize of the negative log-likelihood (BFGS, gtol 1e-10),
  // standard errors from the inverse of the Fisher information at the optimum (NumPy 2.4)
  it('matches a SciPy maximum-likelihood fit', () => {
    const x = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.02, 0.33];
    const y = [0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1];
    const f = fitLogistic(x, y);
    expect(f.converged).toBe(true);
    expect(f.a).toBeCloseTo(-3.2719164467799438, 5);
    expect(f.b).toBeCloseTo(15.086002204158326, 4);
    expect(f.aSE).toBeCloseTo(2.0257765642832872, 4);
    expect(f.bSE).toBeCloseTo(8.013171604688633, 3);
    expect(f.logLik).toBeCloseTo(-4.5558715070944205, 8);
  });
  it('says when the outcomes are separable', () => {
    expect(fitLogistic([0, 1, 2, 3], [0, 0, 1, 1]).converged).toBe(false);
  });
});
