// Issue acceptance: the paper's end state on n=64, m=256, λ=1e-3, AdamW, 7500 steps,
// 4 instances — every feature ends with exactly one weight of |w| in [0.8, 1.2] and the
// rest near zero (|w| < 0.1). Not a golden number: a property of the trained model.
import { expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { countOneHotFeatures } from './metrics.js';
import { openTrainer } from '../kernels/select.js';

it('reaches the paper end state: every feature one-hot (n=64, m=256, AdamW, 7500 steps, 4 instances)', async () => {
  const config = parseConfig({
    nFeatures: 64,
    nHidden: 256,
    lambda: 1e-3,
    lr: 1e-3,
    optimizer: 'adamw',
    steps: 7500,
    nInstances: 4,
    seed: 0,
    snapshotEvery: 7500,
  });
  const trainer = await openTrainer(config);
  trainer.advance(config.steps);
  const final = trainer.finish();
  expect(countOneHotFeatures(trainer.weights(), 4, 64, 256)).toEqual([64, 64, 64, 64]);
  expect(final.lossMean).toBeLessThan(0.1);
  trainer.session.dispose();
}, 300_000);
