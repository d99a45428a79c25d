import { describe, expect, it } from 'vitest';
import { fitLine, percentile, sampleStd, studentTCdf, studentTQuantile } from './stats.js';

describe('Student t', () => {
  // golden values: scipy.stats.t.ppf / t.cdf (SciPy 1.17)
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 3, 3.1824463052837078],
    [0.975, 10, 2.228138851986274],
    [0.995, 5, 4.032142983555228],
    [0.975, 1000, 1.9623390808264083],
  ])('quantile(%f, df=%i)', (p, df, want) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(want, 8);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-want, 8);
  });
  it('cdf', () => {
    expect(studentTCdf(-1.3, 4)).toBeCloseTo(0.13172579823561206, 10);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
  });
});

describe('fitLine', () => {
  it('matches an OLS computed with numpy (lstsq and (XᵀX)⁻¹ s²)', () => {
    const fit = fitLine([1, 2, 3, 4, 5], [2.1, 3.9, 6.2, 7.8, 10.1]);
    expect(fit.slope).toBeCloseTo(1.99, 12);
    expect(fit.intercept).toBeCloseTo(0.05, 12);
    expect(fit.slopeSE).toBeCloseTo(0.05972158, 7);
    expect(fit.interceptSE).toBeCloseTo(0.19807406, 7);
    const t = 3.1824463052837078; // t(0.975, 3)
    expect(fit.slopeCI[0]).toBeCloseTo(1.99 - t * 0.05972158, 6);
    expect(fit.slopeCI[1]).toBeCloseTo(1.99 + t * 0.05972158, 6);
  });
  it('recovers an exact line with zero-width intervals', () => {
    const x = [2, 2.3, 2.6, 3];
    const fit = fitLine(x, x.map((v) => 3 - v));
    expect(fit.slope).toBeCloseTo(-1, 12);
    expect(fit.intercept).toBeCloseTo(3, 12);
    expect(fit.slopeCI[1] - fit.slopeCI[0]).toBeLessThan(1e-9);
    expect(fit.rSquared).toBeCloseTo(1, 12);
  });
  it('gives NaN intervals for two points and refuses fewer', () => {
    const fit = fitLine([0, 1], [1, 2]);
    expect(fit.slope).toBe(1);
    expect(Number.isNaN(fit.slopeCI[0])).toBe(true);
    expect(() => fitLine([1], [1])).toThrow(/at least 2/);
    expect(() => fitLine([1, 1], [1, 2])).toThrow(/all x values are equal/);
  });
});

describe('percentile and sd', () => {
  it('interpolates like numpy.percentile', () => {
    const v = [3, 1, 4, 1, 5, 9, 2, 6];
    // numpy.percentile(v, [10, 50, 90]) = [1.0, 3.5, 6.9]
    expect(percentile(v, 10)).toBeCloseTo(1.0, 12);
    expect(percentile(v, 50)).toBeCloseTo(3.5, 12);
    expect(percentile(v, 90)).toBeCloseTo(6.9, 12);
  });
  it('sample standard deviation', () => {
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sampleStd([5])).toBe(0);
  });
});
