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
import { createNoiseStreams, initWeights } from './init.js';
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

/** The kernel problem a config trains; `threads` overrides config.threads. */
export function problemOf(c: TrainConfig, threads = c.threads): Problem {
  return {
    nInstances: c.nInstances,
    nFeatures: c.nFeatures,
    nHidden: c.nHidden,
    benefit: c.benefit,
    interference: c.interference,
    optimizer: c.optimizer,
    hyper: { lr: c.lr, lambda: c.regularization ? c.lambda : 0, weightDecay: c.weightDecay, beta1: c.beta1, beta2: c.beta2, eps: c.eps },
    threads,
    data: 'onehot',
    batchSize: c.nFeatures,
    hidden: 'linear',
    untied: false,
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

  constructor(
    readonly config: TrainConfig,
    readonly session: Session,
    /** Float32Array [nInstances, n, m], the weights training started from. */
    readonly W0: Float32Array,
    /** started from --init weights rather than the seed's draw (for naming a divergence's cause) */
    readonly initFromFile = false,
  ) {
    this.noise = hasNoise(config) ? new Float64Array(config.nInstances * config.nHidden) : null;
    this.noiseStreams = this.noise ? createNoiseStreams(config.seed, config.nInstances) : [];
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
      const stats = this.session.step(this.noise, record);
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
    const stats = this.session.evaluate();
    this.checkFinite(stats, this.step);
    const snap = this.record(this.step, stats, metrics);
    this.pending = this.pending.filter((s) => s !== snap);
    return snap;
  }

  /** Current weights as a fresh Float32Array [nInstances, n, m]. */
  weights(): Float32Array {
    return Float32Array.from(this.session.weights());
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

/** Builds a trainer on the given backend; draws W0 from the seed unless given. */
export function createTrainer(config: TrainConfig, options: { backend: Backend; W0?: Float32Array }): Trainer {
  const W0 = options.W0 ?? initWeights(config);
  return new Trainer(config, options.backend.createSession(problemOf(config), W0), W0, options.W0 !== undefined);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
