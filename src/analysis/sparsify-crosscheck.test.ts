/**
 * Cross-check of the reduced sparsification simulation against the full model trained
 * without interference (SCIENCE.md §3–4): each encoding W_i then evolves on its own under
 *
 *   loss gradient  ∇_i = 4 (‖W_i‖² − 1) W_i + λ_train sign(W_i)
 *
 * so one (prox-)SGD step with learning rate lr is w ← w + 4·lr·((1 − ‖w‖²) w − (λ_train/4) sign w).
 * That is the reduced Euler step with step = 4·lr and λ = λ_train/4, and flow time
 * t = 4·lr·steps. prox-sgd (soft-thresholding by lr·λ_train = step·λ) clips a weight that
 * would cross zero to exactly 0 and keeps it there, which is the paper's "weights ≤ 0 are
 * removed"; the signed encoding follows its absolute values. Plain sgd instead leaves dead
 * weights jittering in (−step·λ, step·λ], so there we count only |w| above that.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { openTrainer } from '../kernels/select.js';
import { simulateSparsification } from './sparsify.js';

const m = 2000;
const stepSize = 0.5; // reduced Euler step
const lambda = 1e-3; // reduced λ

async function trainRows(optimizer: 'prox-sgd' | 'sgd', steps: number, every: number) {
  const config = parseConfig({
    nFeatures: 2,
    nHidden: m,
    nInstances: 1,
    interference: false,
    optimizer,
    lr: stepSize / 4,
    lambda: 4 * lambda,
    initScale: 0.9,
    steps,
    seed: 11,
    backend: 'reference',
    snapshotEvery: steps,
  });
  const trainer = await openTrainer(config);
  const W0 = trainer.W0;
  const deadBelow = optimizer === 'sgd' ? 1.01 * stepSize * lambda : 0;
  const trajectory: Array<Array<{ step: number; mPrime: number; l1: number }>> = [[], []];
  const measure = () => {
    const W = trainer.session.weights();
    for (let i = 0; i < 2; i++) {
      let l1 = 0;
      let nz = 0;
      for (let k = 0; k < m; k++) {
        const a = Math.abs(W[i * m + k]);
        if (a > deadBelow) {
          l1 += a;
          nz++;
        }
      }
      trajectory[i].push({ step: trainer.step, mPrime: nz, l1 });
    }
  };
  measure();
  while (!trainer.done) {
    trainer.advance(every);
    measure();
  }
  return { W0, trajectory };
}

describe('reduced simulation vs the full model without interference', () => {
  it('prox-sgd (lr = step/4, λ_train = 4λ) reproduces m\' and ‖w‖₁ of each encoding', async () => {
    const { W0, trajectory } = await trainRows('prox-sgd', 2500, 25);
    for (let i = 0; i < 2; i++) {
      const sim = simulateSparsification({ m, lambda, step: stepSize, init: W0.subarray(i * m, (i + 1) * m), record: { every: 25 } });
      let checked = 0;
      for (const p of trajectory[i]) {
        const q = sim.points.find((s) => s.step === p.step);
        if (!q) continue; // the simulation stopped (one weight left); the model goes on
        // same survivors; only rounding differs (measured: ‖w‖₁ to ~1e-13)
        expect(p.mPrime).toBe(q.mPrime);
        expect(Math.abs(p.l1 - q.l1) / q.l1).toBeLessThan(1e-9);
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
      expect(trajectory[i][trajectory[i].length - 1].mPrime).toBeLessThan(m / 10); // it did sparsify
    }
  });

  it('plain sgd agrees once the jitter of dead weights is discounted', async () => {
    const { W0, trajectory } = await trainRows('sgd', 1500, 50);
    const sim = simulateSparsification({ m, lambda, step: stepSize, init: W0.subarray(0, m), record: { every: 50 } });
    for (const p of trajectory[0]) {
      const q = sim.points.find((s) => s.step === p.step)!;
      // measured: m' equal from step 250 on (earlier, live weights below the jitter threshold are
      // missed: 36 of 2000 at step 0, 10 at step 50); ‖w‖₁ within 3e-4 (the jitter slightly lowers ‖w‖²)
      expect(Math.abs(p.mPrime - q.mPrime)).toBeLessThanOrEqual(0.03 * q.mPrime + 1);
      if (p.step >= 250) expect(p.mPrime).toBe(q.mPrime);
      expect(Math.abs(p.l1 - q.l1) / q.l1).toBeLessThan(2e-3);
    }
  });
});
