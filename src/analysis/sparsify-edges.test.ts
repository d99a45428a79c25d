/**
 * Edge cases of the sparsification simulation where the fast method's bookkeeping could
 * part from the direct loop: the last two weights dying in the same step (then no weight
 * is left), re-basing when the survivors halve, and the stopping rules.
 */
import { describe, expect, it } from 'vitest';
import { expectSameTrajectory } from '../test-support/sparsify-trajectory.js';
import { simulateSparsification, simulateSparsificationReference } from './sparsify.js';

describe('sparsification edge cases', () => {
  it('the last two weights dying in the same step leave no survivor, in both implementations', () => {
    // two equal weights stay equal, so they die together; λ large enough that they do
    const o = { m: 2, lambda: 0.3, init: [0.2, 0.2], record: { every: 1 } };
    const fast = simulateSparsification(o);
    const ref = simulateSparsificationReference(o);
    expectSameTrajectory(fast, ref);
    expect(ref.survivors).toBe(0);
    expect(fast.survivors).toBe(0);
    expect(fast.finished).toBe(true);
    expect(fast.points[fast.points.length - 1].mPrime).toBe(0);
    expect(fast.points[fast.points.length - 1].l1).toBe(0);
    expect(fast.tStar).toBe(fast.steps * 0.5);
  });

  it('many equal weights die together down to none', () => {
    const o = { m: 40, lambda: 0.05, init: new Array(40).fill(0.01), record: { every: 1 } };
    const fast = simulateSparsification(o);
    expectSameTrajectory(fast, simulateSparsificationReference(o));
    expect(fast.survivors).toBe(0);
  });

  it('one weight from the start: finished at step 0, t* = 0', () => {
    const r = simulateSparsification({ m: 3, lambda: 0.1, init: [0, 0.5, 0] });
    expect(r.steps).toBe(0);
    expect(r.finished).toBe(true);
    expect(r.tStar).toBe(0);
    expect(r.tStarTimesLambda).toBe(0);
    expect(r.survivors).toBe(1);
    expect(r.points.map((p) => p.step)).toEqual([0]);
    expect(r.points[0].relativeVariance).toBe(0);
  });

  it('maxSteps 0 records only the start and reports no t*', () => {
    const r = simulateSparsification({ m: 50, lambda: 0.01, maxSteps: 0 });
    expect(r.steps).toBe(0);
    expect(r.finished).toBe(false);
    expect(r.tStar).toBeNull();
    expect(r.tStarTimesLambda).toBeNull();
    expect(r.points.length).toBe(1);
    expect(r.survivors).toBe(50);
  });

  it('re-basing as the survivors halve keeps the fast method on the direct loop over a long run', () => {
    const o = { m: 600, lambda: 2e-3, seed: 11, step: 0.5, record: { every: 1 } };
    const fast = simulateSparsification(o);
    expectSameTrajectory(fast, simulateSparsificationReference(o));
    expect(fast.finished).toBe(true);
    expect(fast.survivors).toBe(1);
  });
});
