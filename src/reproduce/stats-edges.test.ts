/**
 * The report's statistics against closed forms, at the edges the golden values do not
 * reach: Student's t for 1 and 2 degrees of freedom (Cauchy and an algebraic inverse),
 * fractional degrees of freedom (the Γ reflection branch), the intercept's interval,
 * other confidence levels, R², and percentiles at the ends.
 */
import { describe, expect, it } from 'vitest';
import { fitLine, mean, percentile, sampleStd, studentTCdf, studentTQuantile } from './stats.js';

describe('Student t in closed form', () => {
  it.each([0.6, 0.75, 0.9, 0.975, 0.999])('df = 1 (Cauchy): quantile(%f) = tan(π(p − ½)), cdf inverts it', (p) => {
    const t = Math.tan(Math.PI * (p - 0.5));
    expect(studentTQuantile(p, 1)).toBeCloseTo(t, 7);
    expect(studentTCdf(t, 1)).toBeCloseTo(p, 12);
    expect(studentTCdf(-t, 1)).toBeCloseTo(1 - p, 12);
  });

  it.each([0.55, 0.8, 0.95, 0.995])('df = 2: quantile(%f) = (2p − 1)/√(2p(1 − p))', (p) => {
    const t = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
    expect(studentTQuantile(p, 2)).toBeCloseTo(t, 7);
    expect(studentTQuantile(1 - p, 2)).toBeCloseTo(-t, 7);
    expect(studentTCdf(t, 2)).toBeCloseTo(p, 12);
  });

  it('fractional degrees of freedom: the cdf is a distribution function and the quantile inverts it', () => {
    for (const df of [0.3, 0.5, 0.8, 1.5]) {
      let prev = 0;
      for (const t of [-50, -3, -1, -0.2, 0, 0.2, 1, 3, 50]) {
        const c = studentTCdf(t, df);
        expect(c).toBeGreaterThan(prev);
        expect(c).toBeLessThan(1);
        prev = c;
      }
      expect(studentTCdf(0, df)).toBeCloseTo(0.5, 12);
      for (const p of [0.7, 0.9]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 8);
    }
    // df = 1/2 against a direct numerical integral of the density Γ(3/4)/(√(π/2)·Γ(1/4)) (1 + 2t²)^(−3/4)
    const density = (t: number) => (1.2254167024651776 / (Math.sqrt(Math.PI / 2) * 3.625609908221908)) * (1 + 2 * t * t) ** -0.75;
    let integral = 0;
    const h = 1e-4;
    for (let t = h / 2; t < 2; t += h) integral += density(t) * h;
    expect(studentTCdf(2, 0.5)).toBeCloseTo(0.5 + integral, 6);
  });

  it('quantile: 0 at p = ½, NaN outside (0, 1) or for df ≤ 0', () => {
    expect(studentTQuantile(0.5, 3)).toBe(0);
    for (const [p, df] of [[0, 3], [1, 3], [-0.1, 3], [0.9, 0], [0.9, -1], [NaN, 3], [0.9, NaN]]) expect(studentTQuantile(p, df)).toBeNaN();
  });

  it('large quantiles: the bracket doubles until it holds the root', () => {
    expect(studentTQuantile(0.9999, 1)).toBeCloseTo(Math.tan(Math.PI * 0.4999), 3);
    expect(studentTCdf(1e6, 3)).toBeCloseTo(1, 12);
  });
});

describe('fitLine, beyond the golden case', () => {
  it('the intercept interval: ± t·s·√(1/k + x̄²/Sxx), and other levels use their own t', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [2.1, 3.9, 6.2, 7.8, 10.1];
    const f95 = fitLine(x, y);
    const t95 = studentTQuantile(0.975, 3);
    expect(f95.interceptCI[0]).toBeCloseTo(f95.intercept - t95 * f95.interceptSE, 12);
    expect(f95.interceptCI[1]).toBeCloseTo(f95.intercept + t95 * f95.interceptSE, 12);
    const f90 = fitLine(x, y, 0.9);
    const t90 = studentTQuantile(0.95, 3);
    expect(f90.level).toBe(0.9);
    expect(f90.slopeCI[1] - f90.slope).toBeCloseTo(t90 * f90.slopeSE, 12);
    expect(t90).toBeCloseTo(2.3533634348018264, 8); // scipy.stats.t.ppf(0.95, 3)
    expect(f95.points).toBe(5);
    // R² = 1 − SSR/SYY, by hand from the residuals
    const ssr = x.reduce((s, xi, i) => s + (y[i] - f95.intercept - f95.slope * xi) ** 2, 0);
    const my = y.reduce((a, b) => a + b) / 5;
    const syy = y.reduce((s, yi) => s + (yi - my) ** 2, 0);
    expect(f95.rSquared).toBeCloseTo(1 - ssr / syy, 12);
  });

  it('a constant y: slope 0, R² 1 by convention; mismatched lengths are refused', () => {
    const f = fitLine([1, 2, 4], [3, 3, 3]);
    expect(f.slope).toBe(0);
    expect(f.intercept).toBe(3);
    expect(f.rSquared).toBe(1);
    expect(() => fitLine([1, 2, 3], [1, 2])).toThrow('fitLine: 3 x values but 2 y values');
    expect(() => fitLine([], [])).toThrow('fitLine: need at least 2 points, got 0');
  });

  it('two points: exact line, NaN standard errors and intervals', () => {
    const f = fitLine([1, 3], [5, 1]);
    expect(f.slope).toBe(-2);
    expect(f.intercept).toBe(7);
    for (const v of [f.slopeSE, f.interceptSE, ...f.slopeCI, ...f.interceptCI]) expect(v).toBeNaN();
  });
});

describe('percentile, mean and sd at the edges', () => {
  it('p = 0 and 100 are the extremes, one value is every percentile, none is NaN; input order does not matter', () => {
    const v = [7, -2, 5, 0];
    expect(percentile(v, 0)).toBe(-2);
    expect(percentile(v, 100)).toBe(7);
    expect(percentile(v, 25)).toBeCloseTo(-0.5, 12); // numpy.percentile([7,-2,5,0], 25) = -0.5
    expect(percentile(v, 75)).toBeCloseTo(5.5, 12);
    expect(percentile([4], 37)).toBe(4);
    expect(percentile([], 50)).toBeNaN();
    expect(v).toEqual([7, -2, 5, 0]); // not sorted in place
  });

  it('mean; sample sd with the k − 1 denominator', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(sampleStd([1, 2, 6])).toBeCloseTo(Math.sqrt(7), 12);
  });
});
