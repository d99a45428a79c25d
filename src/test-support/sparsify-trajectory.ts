/** Test helper: asserts that two sparsification results follow the same trajectory (the same m′ at every recorded step, ‖w‖₁ and ‖w‖² within 1e-9 relative). */
import { expect } from 'vitest';
import type { SparsifyResult } from '../analysis/sparsify.js';

export const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

export function expectSameTrajectory(fast: SparsifyResult, ref: SparsifyResult): void {
  expect(fast.points.length).toBe(ref.points.length);
  expect(fast.steps).toBe(ref.steps);
  expect(fast.tStar).toBe(ref.tStar);
  expect(fast.survivors).toBe(ref.survivors);
  let worst = 0;
  for (let i = 0; i < ref.points.length; i++) {
    const f = fast.points[i];
    const r = ref.points[i];
    expect(f.step).toBe(r.step);
    if (f.mPrime !== r.mPrime) throw new Error(`m' differs at step ${r.step}: fast ${f.mPrime}, reference ${r.mPrime}`);
    if (r.mPrime > 0) worst = Math.max(worst, rel(f.l1, r.l1), rel(f.normSq, r.normSq));
  }
  expect(worst).toBeLessThan(1e-9);
}
