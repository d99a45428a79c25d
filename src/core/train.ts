/**
 * The training loop, backend-agnostic and free of I/O so the CLI, the reproduce runner
 * and the explorer's Web Worker share it. A `Trainer` advances in chunks (`advance`), records
 * snapshots every `snapshotEvery` steps (and the first and last), and stops with a
 * DivergenceError naming the step when a loss turns NaN/Inf. It keeps no history: each
 * `advance` hands its snapshots to the caller (who streams them to disk), and after a
 * divergence `takeRecorded()` returns the ones that chunk recorded before it.
 * The trainer receives its backend: core never imports the kernels (the caller picks one,
 * e.g. src/kernels/select.ts `openTrainer`).
 *
 * @example
 *   const trainer = createTrainer(parseConfig({ nFeatures: 8, nHidden: 16, steps: 100 }), { backend: referenceBackend });
 *   trainer.advance(100);
 *   const final = trainer.finish();
 */
import type { TrainConfig } from './config.js';
import { divergenceCause } from './divergence.js';
import { DivergenceError } from './errors.js';
import { batchSizeOf, createBatchSource, type BatchSource, type DataMatrix } from './data.js';
import { createNoiseStreams, initDecoder, initWeights } from './init.js';
import { mean, weightMetrics } from './metrics.js';
import { NOISE_KINDS } from './noise.js';
import type { RandomStream } from './rng.js';
import type { Backend, Problem, Session, StepStats } from './backend.js';

/** One line of metrics.jsonl: the state after `step` updates. Arrays are per instance. */
export interface Snapshot {
  step: number;
  /** seconds since training started */
  time: number;
  loss: number[];
  lossMean: number;
  forces: { benefit: number[]; interference: number[]; regularization: number[] };
  l1: number[];
  normSq: number[];
  fourth: number[];
  nonzero: number[];
  l1Mean: number;
  nonzeroMean: number;
  fourthMean: number;
}

/**
 * The kernel problem a config trains; `threads` overrides config.threads. File data without
 * --batch needs the matrix (B = its row count).
 */
export function problemOf(c: TrainConfig, threads = c.threads, matrix: DataMatrix | null = null): Problem {
  return {
    nInstances: c.nInstances,
    nFeatures: c.nFeatures,
    nHidden: c.nHidden,
    benefit: c.benefit,
    interference: c.interference,
    optimizer: c.optimizer,
    hyper: { lr: c.lr, lambda: c.regularization ? c.lambda : 0, weightDecay: c.weightDecay, beta1: c.beta1, beta2: c.beta2, eps: c.eps },
    threads,
    data: c.data === 'onehot' ? 'onehot' : 'batch',
    batchSize: batchSizeOf(c, matrix),
    hidden: c.hidden,
    untied: c.untied,
  };
}

export const hasNoise = (c: TrainConfig) => c.noise !== 'none' && c.noiseStd > 0;

export class Trainer {
  /** the most recent snapshot (the only one kept: memory stays bounded however long the run) */
  lastSnapshot: Snapshot | null = null;
  private pending: Snapshot[] = [];
  private readonly noise: Float64Array | null;
  private readonly noiseStreams: RandomStream[];
  private readonly started = now();
  /** this step's batch [nInstances, B, n] (general data), drawn once per step */
  private readonly X: Float32Array | null;
  private batchStep = -1;

  constructor(
    readonly config: TrainConfig,
    readonly session: Session,
    /** Float32Array [nInstances, n, m], the weights training started from. */
    readonly W0: Float32Array,
    /** started from --init weights rather than the seed's draw (for naming a divergence's cause) */
    readonly initFromFile = false,
    /** where the batches come from; null for one-hot data */
    private readonly source: BatchSource | null = null,
    /** Float32Array [nInstances, n, m], the initial decoder when untied */
    readonly decoder0: Float32Array | null = null,
  ) {
    this.noise = hasNoise(config) ? new Float64Array(config.nInstances * config.nHidden) : null;
    this.noiseStreams = this.noise ? createNoiseStreams(config.seed, config.nInstances) : [];
    this.X = source ? new Float32Array(config.nInstances * source.rows * config.nFeatures) : null;
  }

  /**
   * The batch of the current step (drawn on first use, so an evaluation at step t sees the
   * batch step t trains on, and evaluating never shifts the stream), or null for one-hot data.
   */
  batch(): Float32Array | null {
    if (!this.source || !this.X) return null;
    if (this.batchStep !== this.step) {
      this.source.next(this.X);
      this.batchStep = this.step;
    }
    return this.X;
  }

  get step(): number {
    return this.session.stepCount;
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /**
   * Runs up to `count` steps (not past config.steps); returns the snapshots recorded. On a
   * DivergenceError the snapshots recorded before it stay available through takeRecorded().
   */
  advance(count: number): Snapshot[] {
    const end = Math.min(this.config.steps, this.step + count);
    const { snapshotEvery, nInstances, nHidden, noiseStd } = this.config;
    while (this.step < end) {
      const t = this.step;
      const record = t % snapshotEvery === 0;
      const metrics = record ? this.measureWeights() : null;
      if (this.noise) {
        const kind = NOISE_KINDS[this.config.noise];
        for (let i = 0; i < nInstances; i++) kind.sample(this.noiseStreams[i], noiseStd, this.noise.subarray(i * nHidden, (i + 1) * nHidden));
      }
      const stats = this.session.step(this.noise, record, this.batch());
      this.checkFinite(stats, t);
      if (metrics) this.record(t, stats, metrics);
    }
    return this.takeRecorded();
  }

  /** Snapshots recorded and not yet handed out (after a divergence: those before it). */
  takeRecorded(): Snapshot[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Evaluates the final weights and records the last snapshot (once). */
  finish(): Snapshot {
    const last = this.lastSnapshot;
    if (last && last.step === this.step) return last;
    const metrics = this.measureWeights();
    const stats = this.session.evaluate(this.batch());
    this.checkFinite(stats, this.step);
    const snap = this.record(this.step, stats, metrics);
    this.pending = this.pending.filter((s) => s !== snap);
    return snap;
  }

  /** Current (encoder) weights as a fresh Float32Array [nInstances, n, m]. */
  weights(): Float32Array {
    return Float32Array.from(this.session.weights());
  }

  /** Current decoder as a fresh Float32Array [nInstances, n, m] when untied, else null. */
  decoderWeights(): Float32Array | null {
    const D = this.session.decoderWeights();
    return D ? Float32Array.from(D) : null;
  }

  private measureWeights() {
    const { nInstances, nFeatures, nHidden } = this.config;
    return weightMetrics(this.session.weights(), nInstances, nFeatures, nHidden);
  }

  private checkFinite(stats: StepStats, t: number): void {
    for (let i = 0; i < stats.loss.length; i++) {
      if (!Number.isFinite(stats.loss[i])) throw new DivergenceError(t, i, divergenceCause(this.config, t, this.initFromFile));
    }
  }

  private record(step: number, stats: StepStats, w: ReturnType<Trainer['measureWeights']>): Snapshot {
    const n = this.config.nInstances;
    const f = stats.forces;
    const pick = (k: number) => Array.from({ length: n }, (_, i) => f[i * 3 + k]);
    const loss = Array.from(stats.loss);
    const snap: Snapshot = {
      step,
      time: (now() - this.started) / 1000,
      loss,
      lossMean: mean(loss),
      forces: { benefit: pick(0), interference: pick(1), regularization: pick(2) },
      ...w,
      l1Mean: mean(w.l1),
      nonzeroMean: mean(w.nonzero),
      fourthMean: mean(w.fourth),
    };
    this.pending.push(snap);
    this.lastSnapshot = snap;
    return snap;
  }
}

export interface TrainerOptions {
  backend: Backend;
  /** start from these weights, Float32Array [nInstances, n, m], instead of the seed's draw */
  W0?: Float32Array;
  /** the data matrix (N, n) for `data: 'file'` (core reads no files: the caller loads it) */
  data?: DataMatrix | null;
}

/** Builds a trainer on the given backend; draws W0 (and an untied decoder) from the seed unless given. */
export function createTrainer(config: TrainConfig, options: TrainerOptions): Trainer {
  const W0 = options.W0 ?? initWeights(config);
  const decoder0 = config.untied ? initDecoder(config) : null;
  const matrix = options.data ?? null;
  if (config.data === 'file' && !matrix) throw new Error('createTrainer: file data needs options.data (the loaded matrix)');
  const session = options.backend.createSession(problemOf(config, config.threads, matrix), W0, decoder0 ?? undefined);
  return new Trainer(config, session, W0, options.W0 !== undefined, createBatchSource(config, matrix), decoder0);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
