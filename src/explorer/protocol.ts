/**
 * Messages between the page and the training worker. The worker owns the Trainer (the
 * core library, the same code path as `incidental train`); the page owns the history and
 * the views. `generation` numbers each training run so late frames of a run the user
 * already replaced are dropped.
 */
import type { TrainConfig } from '../core/config.js';

/** One recorded step of one run; arrays are per instance. */
export interface SeriesPoint {
  step: number;
  loss: number[];
  benefit: number[];
  interference: number[];
  regularization: number[];
  /** neurons with ≥ 2 features |W_ik| in [0.8, 1.2] (analysis/neurons.ts polysemanticCount) */
  polysemantic: number[];
}

export type ToWorker =
  /** (re)start training from step 0 with this config */
  | { type: 'start'; generation: number; config: TrainConfig; stopAt: number }
  | { type: 'play'; stepsPerFrame: number; stopAt: number }
  | { type: 'pause' }
  | { type: 'step'; count: number; stopAt: number }
  /** the page has drawn `frames` more frames: send more while playing */
  | { type: 'ack'; frames: number };

export type FromWorker =
  | { type: 'ready'; generation: number; backend: string; dtype: string; W0: Float32Array }
  | {
      type: 'frame';
      generation: number;
      /** weights after `step` updates */
      step: number;
      /** Float32Array [instances, n, m], rounded like W.npy */
      W: Float32Array;
      points: SeriesPoint[];
      playing: boolean;
      /** the run reached its stopping step */
      done: boolean;
    }
  | { type: 'error'; generation: number; message: string; step: number };
