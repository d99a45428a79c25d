/**
 * The sparsification simulation at the exact edges the mutation study found untested: a
 * weight that lands exactly on 0 is removed (in both implementations), an Euler factor of
 * exactly 0 is refused, every limit of checkOptions at its boundary (the longest array, the
 * step budget, the points budget of both schedules) with its message, the point count, and
 * the timings as sub-intervals of the call.
 */
import { describe, expect, it } from 'vitest';
import { sparsifyRefusal as refusal } from '../test-support/sparsify-refusal.js';
import { simulateSparsification, simulateSparsificationReference } from './sparsify.js';

/** (7, 3, 2, 1, 1)/8: squares sum to exactly 1, so the first Euler factor is exactly 1. */
const UNIT = [0.875, 0.375, 0.25, 0.125, 0.125];

describe('sparsification edges', () => {
  it.each([
    ['fast', simulateSparsification],
    ['reference', simulateSparsificationReference],
  ] as const)('%s: a weight exactly 0 after a step is removed (‖w‖² = 1, step 0.5, λ = 0.25: w ← w − 1/8)', (_label, simulate) => {
    const r = simulate({ m: 5, lambda: 0.25, step: 0.5, init: UNIT, record: { every: 1 } });
    expect(r.points[0].mPrime).toBe(5);
    expect(r.points[1].l1).toBe(0.75 + 0.25 + 0.125);
    expect(r.points[1].mPrime).toBe(3); // the two weights of 1/8 are now exactly 0: gone
  });

  it('an Euler factor of exactly 0 is refused (‖w‖² = 2, step 1)', () => {
    expect(refusal({ m: 2, lambda: 0.1, step: 1, init: [1, 1] })).toBe(
      'invalid step (--step): is too large: the Euler factor 1 + step·(1 − ‖w‖²) is 0 at step 0; use a smaller step (got 1)',
    );
  });

  it('counts every point it records, kept or handed to onPoint', () => {
    const r = simulateSparsification({ m: 50, lambda: 0.05, seed: 3, record: { every: 3 } });
    expect(r.pointCount).toBe(r.points.length);
    const seen: number[] = [];
    const s = simulateSparsification({ m: 50, lambda: 0.05, seed: 3, record: { every: 3 }, onPoint: (p) => seen.push(p.step) });
    expect(s.points).toEqual([]);
    expect(s.pointCount).toBe(seen.length);
    expect(seen).toEqual(r.points.map((p) => p.step));
  });

  it('the timings are parts of the call: non-negative and together no longer than it', () => {
    const t0 = performance.now();
    const r = simulateSparsification({ m: 20_000, lambda: 1e-3, seed: 1 });
    const wall = (performance.now() - t0) / 1000;
    expect(r.timings.initSeconds).toBeGreaterThanOrEqual(0);
    expect(r.timings.stepsSeconds).toBeGreaterThanOrEqual(0);
    expect(r.timings.initSeconds + r.timings.stepsSeconds).toBeLessThanOrEqual(wall);
  });
});

describe('checkOptions at its limits', () => {
  it('the longest array: 2³² − 1 weights are refused for memory, 2³² for the array, each with its size', () => {
    expect(refusal({ m: 2 ** 32 - 1, lambda: 1 })).toBe(
      'invalid m (--m): needs about 163840 MiB (40 bytes per weight), over the 4096 MiB limit (raise --memory-limit to allow it) (got 4294967295)',
    );
    expect(refusal({ m: 2 ** 32, lambda: 1 })).toBe('invalid m (--m): is more weights than one array can hold (at most 4294967295); they would need 160 GiB (got 4294967296)');
  });

  it('exactly 10¹⁰ steps is allowed; exactly 10⁷ points of --record-every is allowed, one more is not', () => {
    // two weights: one is left after a few steps, whatever the budget
    const quick = { m: 2, lambda: 0.1, init: [1, 0.5] };
    expect(simulateSparsification({ ...quick, maxSteps: 1e10 }).finished).toBe(true);
    expect(simulateSparsification({ ...quick, maxSteps: 1e7, record: { every: 1 } }).finished).toBe(true);
    expect(simulateSparsification({ ...quick, maxSteps: 2e7, record: { every: 2 } }).finished).toBe(true);
    expect(refusal({ ...quick, maxSteps: 1e7 + 1, record: { every: 1 } })).toBe(
      'invalid record.every (--record-every): would record up to 1.0e+7 points over 1.0e+7 steps, more than 1e+7; use a larger value, --points-per-decade or --max-steps (got 1)',
    );
    expect(refusal({ ...quick, maxSteps: 1e8, record: { every: 2 } })).toMatch(/^invalid record\.every \(--record-every\): would record up to 5\.0e\+7 points over 1\.0e\+8 steps/);
  });

  it('points per decade: min(steps + 1, p·(log₁₀(steps + 1) + 1)) may not pass 10⁷', () => {
    const quick = { m: 2, lambda: 0.1, init: [1, 0.5] };
    const message = (p: number) => `invalid record.pointsPerDecade (--points-per-decade): would record more than 1e+7 points; use a smaller value (got ${p})`;
    // 10⁷ steps: every step could be recorded, 10⁷ + 1 points
    expect(refusal({ ...quick, maxSteps: 1e7, record: { pointsPerDecade: 1e7 } })).toBe(message(1e7));
    // 10⁷ − 1 steps and p = 1.3·10⁶: min(10⁷, 1.3·10⁶·8) = 10⁷ exactly, allowed
    expect(simulateSparsification({ ...quick, maxSteps: 1e7 - 1, record: { pointsPerDecade: 1.3e6 } }).finished).toBe(true);
    // 2·10⁷ steps: p·(7.30 + 1) passes 10⁷ at p = 1.3·10⁶ (1.08·10⁷), not at 1.2·10⁶ (0.996·10⁷)
    expect(refusal({ ...quick, maxSteps: 2e7, record: { pointsPerDecade: 1.3e6 } })).toBe(message(1.3e6));
    expect(simulateSparsification({ ...quick, maxSteps: 2e7, record: { pointsPerDecade: 1.2e6 } }).finished).toBe(true);
    // a small p over many steps is fine (the smaller of the two bounds counts)
    expect(simulateSparsification({ ...quick, maxSteps: 1e9, record: { pointsPerDecade: 10 } }).finished).toBe(true);
    // --record-every is judged by its own rule
    expect(simulateSparsification({ ...quick, maxSteps: 2e7, record: { every: 4, pointsPerDecade: 1e7 } }).finished).toBe(true);
  });
});
