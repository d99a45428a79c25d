import { describe, expect, it } from 'vitest';
import { polysemanticCount } from '../analysis/neurons.js';
import { parseConfig } from '../core/config.js';
import { openTrainer } from '../kernels/select.js';
import { trainChunk } from './chunk.js';
import { SeriesHistory } from './history.js';
import { defaultState, TRAINER_STEP_ROOM, trainConfigOf, type ExplorerState } from './state.js';

const STEPS = 240;

/** What `incidental train` does with these settings: one advance over the whole run, then finish(). */
async function cliRun(s: ExplorerState) {
  const config = parseConfig({ ...trainConfigOf(s), steps: STEPS, snapshotEvery: 1 });
  const trainer = await openTrainer(config);
  const snapshots = [...trainer.advance(STEPS), trainer.finish()];
  return { W: trainer.weights(), snapshots };
}

/** What the explorer's worker and page do: chunks of uneven sizes (0: a pause), points kept by SeriesHistory. */
async function explorerRun(s: ExplorerState, sizes: number[]) {
  const trainer = await openTrainer(trainConfigOf(s));
  expect(trainer.config.steps).toBe(TRAINER_STEP_ROOM);
  const series = new SeriesHistory(1e6);
  let W: Float32Array = new Float32Array(0);
  let i = 0;
  while (trainer.step < STEPS) {
    const r = trainChunk(trainer, sizes[i++ % sizes.length], STEPS);
    series.push(r.points);
    W = r.W;
    expect(r.points[r.points.length - 1].step).toBe(trainer.step);
    expect(trainer.takeRecorded()).toEqual([]); // the trainer keeps no history of its own
  }
  return { W, points: series.all };
}

describe('trainChunk', () => {
  const cases: Array<[string, ExplorerState]> = [
    ['defaults (AdamW)', { ...defaultState(), nFeatures: 8, nHidden: 16 }],
    ['prox-sgd without interference', { ...defaultState(), nFeatures: 6, nHidden: 12, optimizer: 'prox-sgd', lr: 0.05, interference: false, seed: 9 }],
    ['bipolar hidden noise', { ...defaultState(), nFeatures: 6, nHidden: 12, noise: 'bipolar', noiseStd: 0.15, optimizer: 'sgd', lr: 0.02, seed: 2 }],
  ];
  for (const [name, state] of cases) {
    it(`reproduces the CLI's weights and metrics bit for bit: ${name}`, async () => {
      const cli = await cliRun(state);
      const live = await explorerRun(state, [0, 1, 7, 50, 3, 100]);
      expect(live.W).toEqual(cli.W);
      // one point per step 0 … STEPS, equal to the CLI's snapshots (with snapshotEvery 1)
      expect(live.points.map((p) => p.step)).toEqual(cli.snapshots.map((p) => p.step));
      expect(live.points.map((p) => p.loss)).toEqual(cli.snapshots.map((p) => p.loss));
      expect(live.points.map((p) => p.interference)).toEqual(cli.snapshots.map((p) => p.forces.interference));
      expect(live.points[STEPS].polysemantic).toEqual([polysemanticCount(cli.W, state.nFeatures, state.nHidden, 0)]);
    });
  }

  it('never trains past the stopping step', async () => {
    const trainer = await openTrainer(trainConfigOf({ ...defaultState(), nFeatures: 4, nHidden: 8 }));
    const r = trainChunk(trainer, 100, 30);
    expect(trainer.step).toBe(30);
    expect(r.points.map((p) => p.step)).toEqual(Array.from({ length: 31 }, (_, t) => t));
    expect(trainChunk(trainer, 100, 30).points.map((p) => p.step)).toEqual([30]);
  });
});
