/**
 * Reference backend: the model (src/core/model.ts) plus the optimizers, float64, single
 * thread. Slow but obviously right; the oracle for the other backends, the fallback without
 * WebAssembly, and the backend for everything the kernels lack (hidden noise, the benefit-off
 * ablation, general batches until a kernel has them).
 */
import { createBatchScratch, addL1Subgradient, addRankOne, batchForceNorms, batchLossAndGradient, coefficients, forceNorms, gram, l1, matmul, noisyCoefficients, type BatchModel, type BatchScratch } from '../core/model.js';
import { OPTIMIZERS, type FloatArray } from '../core/optimizers.js';
import type { Backend, Problem, Session, StepStats } from './backend.js';

class ReferenceSession implements Session {
  readonly backend = 'reference' as const;
  readonly dtype = 'float64' as const;
  readonly threads = 1;
  stepCount = 0;
  private readonly W: Float64Array;
  private readonly Wdec: Float64Array | null;
  private readonly state: Float64Array[];
  private readonly decState: Float64Array[];
  /** per instance, views of the optimizer state for that instance's weights */
  private readonly instanceState: Float64Array[][];
  private readonly instanceDecState: Float64Array[][];
  private readonly G: Float64Array;
  private readonly M: Float64Array;
  private readonly D: Float64Array;
  private readonly Ddec: Float64Array | null;
  private readonly Dclean: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private readonly batch: BatchScratch | null;
  /**
   * One-hot data through the general path: the Gram path knows only the paper's model, so a
   * ReLU or LayerNorm hidden layer, or an untied decoder, on one-hot data trains on X = I
   * (every instance's batch is the n×n identity), which is the same loss (SCIENCE.md §8).
   */
  private readonly identity: Float32Array | null;
  private readonly model: BatchModel;
  private readonly stats: StepStats;
  private readonly size: number;
  private disposed = false;

  constructor(
    private readonly p: Problem,
    W0: FloatArray,
    decoder0?: FloatArray,
  ) {
    const { nInstances, nFeatures: n, nHidden: m } = p;
    this.size = n * m;
    const opt = OPTIMIZERS[p.optimizer];
    const views = (state: Float64Array[]) => Array.from({ length: nInstances }, (_, i) => state.map((s) => s.subarray(i * this.size, (i + 1) * this.size)));
    this.W = new Float64Array(nInstances * this.size);
    this.state = opt.init(this.W.length, Float64Array) as Float64Array[];
    this.instanceState = views(this.state);
    this.Wdec = p.untied ? new Float64Array(nInstances * this.size) : null;
    this.decState = p.untied ? (opt.init(this.W.length, Float64Array) as Float64Array[]) : [];
    this.instanceDecState = views(this.decState);
    const viaBatch = p.data === 'batch' || p.hidden !== 'linear' || p.untied;
    const gramSize = p.data === 'onehot' ? n * n : 0;
    this.G = new Float64Array(gramSize);
    this.M = new Float64Array(gramSize);
    this.D = new Float64Array(this.size);
    this.Ddec = p.untied ? new Float64Array(this.size) : null;
    this.Dclean = new Float64Array(this.size);
    this.c = new Float64Array(n);
    this.v = new Float64Array(n);
    this.batch = viaBatch ? createBatchScratch(p.batchSize, n, m) : null;
    this.identity = p.data === 'onehot' && viaBatch ? identityBatches(nInstances, n) : null;
    this.model = { nFeatures: n, nHidden: m, hidden: p.hidden, lambda: p.hyper.lambda, benefit: p.benefit, interference: p.interference };
    this.stats = { loss: new Float64Array(nInstances), forces: new Float64Array(nInstances * 3) };
    this.setWeights(W0, decoder0);
  }

  weights(): Float64Array {
    return this.W;
  }

  decoderWeights(): Float64Array | null {
    return this.Wdec;
  }

  setWeights(W: FloatArray, decoder?: FloatArray): void {
    const shape = `[${this.p.nInstances}, ${this.p.nFeatures}, ${this.p.nHidden}]`;
    if (W.length !== this.W.length) throw new RangeError(`setWeights: expected ${this.W.length} values ${shape}, got ${W.length}`);
    if (this.Wdec && decoder?.length !== this.Wdec.length) throw new RangeError(`setWeights: an untied model needs decoder weights ${shape}, got ${decoder?.length ?? 'none'}`);
    this.W.set(W);
    if (this.Wdec) this.Wdec.set(decoder!);
    for (const s of this.state) s.fill(0);
    for (const s of this.decState) s.fill(0);
    this.stepCount = 0;
  }

  step(noise: Float64Array | null, withForces: boolean, X?: Float32Array | null): StepStats {
    this.run(noise, withForces, true, X ?? null);
    return this.stats;
  }

  evaluate(X?: Float32Array | null): StepStats {
    this.run(null, true, false, X ?? null);
    return this.stats;
  }

  private run(noise: Float64Array | null, withForces: boolean, update: boolean, given: Float32Array | null): void {
    if (this.disposed) throw new Error('reference backend: session used after dispose()');
    const X = this.identity ?? given;
    const { nInstances, nFeatures: n, nHidden: m, batchSize } = this.p;
    if (this.batch) {
      const want = nInstances * batchSize * n;
      if (!X || X.length !== want) throw new RangeError(`reference backend: a batch step needs X [${nInstances}, ${batchSize}, ${n}] (${want} values), got ${X ? X.length : 'none'}`);
    }
    const opt = OPTIMIZERS[this.p.optimizer];
    const t = this.stepCount + 1;
    for (let inst = 0; inst < nInstances; inst++) {
      const lo = inst * this.size;
      const Wi = this.W.subarray(lo, lo + this.size);
      const xi = noise ? noise.subarray(inst * m, inst * m + m) : null;
      if (this.batch) this.batchInstance(inst, Wi, xi, withForces, X!);
      else this.oneHotInstance(inst, Wi, xi, withForces, opt.proximal);
      if (update) {
        opt.update(Wi, this.D, this.instanceState[inst], t, this.p.hyper);
        if (this.Wdec) opt.update(this.Wdec.subarray(lo, lo + this.size), this.Ddec!, this.instanceDecState[inst], t, this.p.hyper);
      }
    }
    if (update) this.stepCount = t;
  }

  /** One-hot full batch (SCIENCE.md §2): the Gram path, D = the gradient (L1 term unless proximal). */
  private oneHotInstance(inst: number, Wi: Float64Array, xi: Float64Array | null, withForces: boolean, proximal: boolean): void {
    const { nFeatures: n, nHidden: m, interference, benefit, hyper } = this.p;
    gram(Wi, n, m, this.G);
    const { penalty, nonzero } = l1(Wi, hyper.lambda);
    let smooth: number;
    if (xi) {
      smooth = noisyCoefficients(this.G, Wi, xi, n, m, interference, this.M, this.c, this.v, benefit);
      matmul(this.M, Wi, n, m, this.D);
      addRankOne(this.D, this.c, xi, n, m);
    } else {
      smooth = coefficients(this.G, n, interference, this.M, benefit);
      matmul(this.M, Wi, n, m, this.D);
    }
    this.stats.loss[inst] = smooth + penalty;
    if (withForces) {
      let Dc = this.D;
      if (xi) {
        coefficients(this.G, n, interference, this.M, benefit);
        matmul(this.M, Wi, n, m, this.Dclean);
        Dc = this.Dclean;
      }
      forceNorms(this.G, this.M, Wi, Dc, n, m, hyper.lambda, nonzero, this.stats.forces, inst * 3);
    }
    if (!proximal) addL1Subgradient(this.D, Wi, hyper.lambda);
  }

  /** General batch (SCIENCE.md §8): this instance's rows of X, gradient into D (and Ddec). */
  private batchInstance(inst: number, Wi: Float64Array, xi: Float64Array | null, withForces: boolean, X: Float32Array): void {
    const { nFeatures: n, batchSize: B } = this.p;
    const Xi = X.subarray(inst * B * n, (inst + 1) * B * n);
    const lo = inst * this.size;
    const Wd = this.Wdec ? this.Wdec.subarray(lo, lo + this.size) : null;
    const scratch = this.batch!;
    if (withForces) batchForceNorms(Xi, B, Wi, Wd, this.model, scratch, this.D, this.Ddec, this.stats.forces, inst * 3);
    this.stats.loss[inst] = batchLossAndGradient(Xi, B, Wi, Wd, xi, this.model, scratch, this.D, this.Ddec);
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** [nInstances, n, n]: the identity batch of each instance. */
function identityBatches(nInstances: number, n: number): Float32Array {
  const X = new Float32Array(nInstances * n * n);
  for (let inst = 0; inst < nInstances; inst++) for (let i = 0; i < n; i++) X[inst * n * n + i * n + i] = 1;
  return X;
}

export const referenceBackend: Backend = {
  name: 'reference',
  // every problem of the model (src/core/model.ts), with any optimizer of the registry
  supports: (problem) => Object.hasOwn(OPTIMIZERS, problem.optimizer),
  createSession: (problem, W0, decoder0) => new ReferenceSession(problem, W0, decoder0),
  memory: (p) => {
    // float64 throughout: W and its optimizer state (twice when untied), D and Dclean (one instance), G and M or the batch rows
    const size = p.nFeatures * p.nHidden;
    const slots = OPTIMIZERS[p.optimizer]?.stateSlots ?? 2;
    const perWeight = (1 + slots) * (p.untied ? 2 : 1);
    const gram = p.data === 'onehot' ? 2 * p.nFeatures * p.nFeatures : 0;
    const batch = p.data === 'batch' ? p.batchSize * (3 * p.nHidden + 2 * p.nFeatures) : 0; // one instance's rows: Z, H, Q, O, G
    const bytes = 8 * (p.nInstances * size * perWeight + size * (p.untied ? 3 : 2) + gram + batch);
    const largest = Math.max(p.nInstances * size, p.data === 'onehot' ? p.nFeatures * p.nFeatures : 0);
    return { bytes, fits: largest > MAX_ARRAY_LENGTH ? `over the ${MAX_ARRAY_LENGTH} values one array can hold` : null };
  },
};

/** Longest typed array V8 allocates. */
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;
