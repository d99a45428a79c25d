/**
 * Reference backend: float64 TypeScript, single thread. Slow but obviously right; the
 * oracle for the wasm kernels, the fallback without WebAssembly, and the backend for
 * hidden-layer noise (SCIENCE.md §6 E).
 */
import { OPTIMIZERS, type FloatArray } from '../core/optimizers.js';
import type { Backend, Problem, Session, StepStats } from './backend.js';
import { addRankOne, coefficients, forceNorms, gram, l1, matmul, noisyCoefficients } from './reference-impl.js';

class ReferenceSession implements Session {
  readonly backend = 'reference' as const;
  readonly dtype = 'float64' as const;
  stepCount = 0;
  private readonly W: Float64Array;
  private readonly state: Float64Array[];
  /** per instance, views of the optimizer state for that instance's weights */
  private readonly instanceState: Float64Array[][];
  private readonly G: Float64Array;
  private readonly M: Float64Array;
  private readonly D: Float64Array;
  private readonly Dclean: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private readonly stats: StepStats;
  private readonly size: number;
  private disposed = false;

  constructor(
    private readonly p: Problem,
    W0: FloatArray,
  ) {
    const { nInstances, nFeatures: n, nHidden: m } = p;
    this.size = n * m;
    this.W = new Float64Array(nInstances * this.size);
    this.state = OPTIMIZERS[p.optimizer].init(this.W.length, Float64Array) as Float64Array[];
    this.instanceState = Array.from({ length: nInstances }, (_, i) => this.state.map((s) => s.subarray(i * this.size, (i + 1) * this.size)));
    this.G = new Float64Array(n * n);
    this.M = new Float64Array(n * n);
    this.D = new Float64Array(this.size);
    this.Dclean = new Float64Array(this.size);
    this.c = new Float64Array(n);
    this.v = new Float64Array(n);
    this.stats = { loss: new Float64Array(nInstances), forces: new Float64Array(nInstances * 3) };
    this.setWeights(W0);
  }

  weights(): Float64Array {
    return this.W;
  }

  setWeights(W: FloatArray): void {
    if (W.length !== this.W.length) {
      throw new RangeError(`setWeights: expected ${this.W.length} values [${this.p.nInstances}, ${this.p.nFeatures}, ${this.p.nHidden}], got ${W.length}`);
    }
    this.W.set(W);
    for (const s of this.state) s.fill(0);
    this.stepCount = 0;
  }

  step(noise: Float64Array | null, withForces: boolean): StepStats {
    this.run(noise, withForces, true);
    return this.stats;
  }

  evaluate(): StepStats {
    this.run(null, true, false);
    return this.stats;
  }

  private run(noise: Float64Array | null, withForces: boolean, update: boolean): void {
    if (this.disposed) throw new Error('reference backend: session used after dispose()');
    const { nInstances, nFeatures: n, nHidden: m, interference, benefit, hyper } = this.p;
    const opt = OPTIMIZERS[this.p.optimizer];
    const t = this.stepCount + 1;
    for (let inst = 0; inst < nInstances; inst++) {
      const lo = inst * this.size;
      const Wi = this.W.subarray(lo, lo + this.size);
      gram(Wi, n, m, this.G);
      const { penalty, nonzero } = l1(Wi, hyper.lambda);
      let smooth: number;
      if (noise) {
        const xi = noise.subarray(inst * m, inst * m + m);
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
        if (noise) {
          coefficients(this.G, n, interference, this.M, benefit);
          matmul(this.M, Wi, n, m, this.Dclean);
          Dc = this.Dclean;
        }
        forceNorms(this.G, this.M, Wi, Dc, n, m, hyper.lambda, nonzero, this.stats.forces, inst * 3);
      }
      if (update) {
        opt.update(Wi, this.D, this.instanceState[inst], t, hyper);
      }
    }
    if (update) this.stepCount = t;
  }

  dispose(): void {
    this.disposed = true;
  }
}

export const referenceBackend: Backend = {
  name: 'reference',
  // every problem of the paper's model, with any optimizer of the registry
  supports: (problem) => Object.hasOwn(OPTIMIZERS, problem.optimizer),
  createSession: (problem, W0) => new ReferenceSession(problem, W0),
};
