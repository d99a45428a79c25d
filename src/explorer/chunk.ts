/**
 * One chunk of live training, separated from the worker's messaging so it can be tested in
 * Node: advance the core Trainer step by step (snapshotEvery = 1, so each step records the
 * loss and the three forces), count polysemantic neurons at every step, and end with the
 * frame's own weights and point. Only reads the trainer's weights, so the run is exactly
 * the one `incidental train` makes from the same config.
 */
import { polysemanticCount } from '../analysis/neurons.js';
import type { FloatArray } from '../core/optimizers.js';
import type { Snapshot, Trainer } from '../core/train.js';
import type { SeriesPoint } from './protocol.js';

export interface ChunkResult {
  /** weights after the chunk, Float32Array [instances, n, m] (rounded like W.npy) */
  W: Float32Array;
  /**
   * One point per step of the chunk, then one for the frame's own step. That last one comes
   * from evaluating the weights (no hidden noise); when training goes on, the next chunk's
   * first step records the same step again as the CLI does (with the noise of that step),
   * and SeriesHistory keeps the later one. At the stopping step it stays, like the CLI's
   * final snapshot.
   */
  points: SeriesPoint[];
}

/** Trains up to `count` steps, never past `stopAt`, stopping early once `budgetMs` has passed. */
export function trainChunk(trainer: Trainer, count: number, stopAt: number, budgetMs = Infinity): ChunkResult {
  const { nInstances: I, nFeatures: n, nHidden: m } = trainer.config;
  const points: SeriesPoint[] = [];
  const started = performance.now();
  for (let s = 0; s < count && trainer.step < stopAt; s++) {
    // advance(1) records the state before its update: the state these counts describe
    // the live view, not a copy: counting reads it before the step changes it
    const counts = countsOf(trainer.session.weights(), I, n, m);
    const [snap] = trainer.advance(1);
    points.push(pointOf(snap, counts));
    if (performance.now() - started > budgetMs) break;
  }
  // the frame's own step: finish() evaluates the current weights without updating them
  const W = trainer.weights();
  points.push(pointOf(trainer.finish(), countsOf(W, I, n, m)));
  return { W, points };
}

function pointOf(s: Snapshot, polysemantic: number[]): SeriesPoint {
  return {
    step: s.step,
    loss: s.loss,
    benefit: s.forces.benefit,
    interference: s.forces.interference,
    regularization: s.forces.regularization,
    polysemantic,
  };
}

function countsOf(W: FloatArray, I: number, n: number, m: number): number[] {
  return Array.from({ length: I }, (_, inst) => polysemanticCount(W, n, m, inst));
}
