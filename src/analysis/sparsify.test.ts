import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { simulateSparsification, simulateSparsificationReference, sparsifyInit, sparsifyTheory } from './sparsify.js';
import { expectSameTrajectory, rel } from '../test-support/sparsify-trajectory.js';

describe('sparsification: fast vs reference', () => {
  it.each([
    [1000, 1e-3, 0, 0.5],
    [200, 1e-2, 7, 0.5],
    [300, 1e-2, 3, 0.1],
    [50, 0.2, 2, 0.5], // many weights die in the same step
  ])('agree at every step (m=%i, λ=%f, seed=%i, step=%f)', (m, lambda, seed, step) => {
    const o = { m, lambda, seed, step, record: { every: 1 } };
    expectSameTrajectory(simulateSparsification(o), simulateSparsificationReference(o));
  });

  it('agree from a given signed init (absolute values, zeros removed)', () => {
    const init = Float64Array.from({ length: 400 }, (_, k) => (k % 3 === 0 ? 0 : Math.sin(k * 1.7) / 20));
    const o = { m: 400, lambda: 2e-3, init, record: { every: 1 } };
    const fast = simulateSparsification(o);
    expectSameTrajectory(fast, simulateSparsificationReference(o));
    expect(fast.points[0].mPrime).toBe(400 - 134); // k % 3 === 0 for 134 of 0..399
    expect(fast.points[0].l1).toBeCloseTo(init.reduce((s, x) => s + Math.abs(x), 0), 12);
  });
});

describe('sparsification: dynamics', () => {
  it('takes the Euler step by hand on two weights', () => {
    // w = (0.5, 0.3), ‖w‖² = 0.34, λ = 0.1, step 0.5: w_k += 0.5((1 − 0.34) w_k − 0.1)
    // → (0.615, 0.349); ‖w‖₁ = 0.964, ‖w‖² = 0.378225 + 0.121801 = 0.500026.
    const o = { m: 2, lambda: 0.1, init: [0.3, -0.5], record: { every: 1 } };
    for (const r of [simulateSparsificationReference(o), simulateSparsification(o)]) {
      expect(r.points[1].l1).toBeCloseTo(0.964, 14);
      expect(r.points[1].normSq).toBeCloseTo(0.500026, 14);
      expect(r.points[1].t).toBe(0.5);
    }
  });

  it('starts from a half-normal: relative variance π/2 − 1, ‖w‖² ≈ initScale²', () => {
    const p0 = simulateSparsification({ m: 1e5, lambda: 1e-5, maxSteps: 0 }).points[0];
    expect(p0.relativeVariance).toBeCloseTo(Math.PI / 2 - 1, 1); // (1 − 2/π)/(2/π), analytic
    expect(p0.normSq).toBeCloseTo(0.81, 1);
    expect(p0.mPrime).toBe(1e5);
  });

  it('follows the quasi-static norm 1 − ‖w‖² ≈ λ‖w‖₁ and ends with one weight near t* ≈ 1/λ', () => {
    const lambda = 1e-5;
    const r = simulateSparsification({ m: 1e5, lambda });
    const mid = r.points.filter((p) => p.t > 100 && p.mPrime > 20);
    expect(mid.length).toBeGreaterThan(50);
    for (const p of mid) expect(rel(1 - p.normSq, lambda * p.l1)).toBeLessThan(0.02);
    expect(r.finished).toBe(true);
    expect(r.survivors).toBe(1);
    expect(r.tStarTimesLambda).toBeGreaterThan(0.5);
    expect(r.tStarTimesLambda).toBeLessThan(4);
    // the theory ‖w‖₁ curve is within a factor 1.5 mid-run (SCIENCE.md §4 reports ~25 %)
    for (const p of r.points.filter((q) => q.t > 100 && q.t < 0.5 / lambda)) expect(rel(p.l1, p.l1Theory)).toBeLessThan(0.5);
    const last = r.points[r.points.length - 1];
    expect(last.mPrime).toBe(1);
    expect(last.relativeVariance).toBe(0);
    expect(last.step).toBe(r.steps);
  });

  it('records the log grid: every early step, then about 40 per decade, first and last always', () => {
    const r = simulateSparsification({ m: 1000, lambda: 1e-3 });
    const steps = r.points.map((p) => p.step);
    expect(steps.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(steps[steps.length - 1]).toBe(r.steps);
    const decade = steps.filter((s) => s >= 100 && s < 1000).length;
    expect(decade).toBeGreaterThanOrEqual(38);
    expect(decade).toBeLessThanOrEqual(41);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('stops at maxSteps without a t*', () => {
    const r = simulateSparsification({ m: 1000, lambda: 1e-3, maxSteps: 10 });
    expect(r).toMatchObject({ finished: false, tStar: null, steps: 10 });
    expect(r.points[r.points.length - 1].step).toBe(10);
  });

  it('is deterministic per seed', () => {
    const a = sparsifyInit({ m: 100, seed: 3 });
    expect(Array.from(sparsifyInit({ m: 100, seed: 3 }))).toEqual(Array.from(a));
    expect(Array.from(sparsifyInit({ m: 100, seed: 4 }))).not.toEqual(Array.from(a));
    for (let k = 1; k < a.length; k++) expect(a[k]).toBeLessThanOrEqual(a[k - 1]);
  });

  it('theory curves: ‖w‖₁ = max(1/(1/√m + λt), 1), m\' = max(‖w‖₁², 1)', () => {
    expect(sparsifyTheory(1e4, 1e-3, 0)).toEqual({ l1Theory: 100, mPrimeTheory: 10000 });
    expect(sparsifyTheory(1e4, 1e-3, 90).l1Theory).toBeCloseTo(10, 12);
    expect(sparsifyTheory(1e4, 1e-3, 5000)).toEqual({ l1Theory: 1, mPrimeTheory: 1 });
  });

  it('rejects bad options naming the flag', () => {
    expect(() => simulateSparsification({ m: 0, lambda: 1e-3 })).toThrow(/--m/);
    expect(() => simulateSparsification({ m: 10, lambda: 0 })).toThrow(ConfigError);
    expect(() => simulateSparsification({ m: 10, lambda: 1e-3, step: -1 })).toThrow(/--step/);
    expect(() => simulateSparsification({ m: 10, lambda: 1e-3, init: [1, 2] })).toThrow(/--init/);
    expect(() => simulateSparsification({ m: 10, lambda: 1e-3, step: 50 })).toThrow(/too large/);
  });
});
