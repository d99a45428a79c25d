/**
 * WebAssembly SIMD backend (float32). A session keeps W, the optimizer state and all scratch
 * (G, M, D) in one wasm memory; a step is one call into wasm and copies nothing but the batch.
 * With several threads the memory is shared with worker threads (pool.ts) that split the
 * instances, or the row panels of a single instance; every entry is summed in the same order
 * whatever the split, so weights are bit-identical for any thread count.
 * Two paths: the paper's one-hot full batch through the Gram matrix (assembly/schedule.ts),
 * and the general model on batches (data 'batch': every hidden layer, tied or untied, hidden
 * noise, the force switches; assembly/batch-schedule.ts), which skips the zeros of X, H and G.
 *
 * @example
 *   const backend = await createWasmBackend();     // null without WebAssembly SIMD
 *   const session = backend!.createSession(problem, W0);
 *   session.step(null, false);
 */
import { MAX_THREADS } from '../core/limits.js';
import { OPTIMIZERS, type FloatArray } from '../core/optimizers.js';
import type { Backend, Problem, Session, StepStats } from './backend.js';
import { loadSpawner, type Spawner } from './pool.js';
import { CMD_EVALUATE, CMD_STEP, FAILED_OFFSET, KERNEL_HIDDEN_LAYERS, KERNEL_OPTIMIZERS, MAX_PAGES, instantiate, loadKernels, type KernelExports, type Kernels } from './wasm-module.js';

/** Most threads a session starts, whatever is asked (the config refuses more). */
export { MAX_THREADS };
/**
 * Below this many multiply-adds per step and thread (n²m per instance one-hot, 3Bnm batched),
 * waking workers costs more than it saves (measured with bench/kernels.mjs: a step this size
 * takes ~0.1 ms).
 */
const MIN_WORK_PER_THREAD = 1 << 22;
/** How long Node waits for its workers to start before stepping on one thread meanwhile. */
const WORKER_START_MS = 10_000;

type WorkerHandle = { terminate(): void };

/** Stops a session's workers (they return from workerLoop) and ends their threads. */
function stopWorkers(k: KernelExports, ctl: number, workers: WorkerHandle[]): void {
  if (workers.length > 0) k.stopWorkers(ctl);
  for (const w of workers) w.terminate();
  workers.length = 0;
}

/** Safety net for sessions never disposed: their workers would otherwise wait forever. */
const reaper = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<() => void>((stop) => stop()) : null;

/**
 * Threads for a problem: `problem.threads` when given (1 = none), else as many cores as
 * keep each thread busy with at least MIN_WORK_PER_THREAD per step.
 */
export function chooseThreads(problem: Problem, cores: number): number {
  if (problem.threads > 0) return Math.min(problem.threads, MAX_THREADS);
  const rows = problem.data === 'batch' ? 3 * problem.batchSize : problem.nFeatures;
  const work = problem.nInstances * rows * problem.nFeatures * problem.nHidden;
  return Math.max(1, Math.min(cores, MAX_THREADS, Math.floor(work / MIN_WORK_PER_THREAD)));
}

class WasmSession implements Session {
  readonly backend = 'wasm' as const;
  readonly dtype = 'float32' as const;
  stepCount = 0;
  private readonly memory: WebAssembly.Memory;
  private readonly k: KernelExports;
  private readonly ctl: number;
  private readonly size: number;
  private readonly slots: number;
  readonly threads: number;
  private readonly workers: WorkerHandle[] = [];
  private poolReady: boolean;
  private buffer: ArrayBufferLike | undefined;
  private readonly batched: boolean;
  private W!: Float32Array;
  private Wd: Float32Array | null = null;
  private X: Float32Array | null = null;
  private xi: Float32Array | null = null;
  private state: Float32Array[] = [];
  private stats!: StepStats;
  private disposed = false;

  constructor(
    kernels: Kernels,
    spawner: Spawner | null,
    private readonly p: Problem,
    W0: FloatArray,
    decoder0?: FloatArray,
  ) {
    const wanted = fitThreads(kernels, p, chooseThreads(p, spawner?.cores ?? 1));
    const threaded = wanted > 1 && kernels.shared !== null && spawner !== null;
    this.threads = threaded ? wanted : 1;
    const module = threaded ? kernels.shared! : kernels.single;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: threaded });
    this.k = instantiate(module, this.memory);
    this.ctl = this.k.heapBase();
    const opt = OPTIMIZERS[p.optimizer];
    this.slots = opt.stateSlots;
    this.size = p.nInstances * p.nFeatures * p.nHidden;
    const id = KERNEL_OPTIMIZERS[p.optimizer];
    if (id === undefined) throw new Error(`wasm backend: no kernel for optimizer "${p.optimizer}" (supports() refuses it)`);
    this.batched = p.data === 'batch';
    const hidden = KERNEL_HIDDEN_LAYERS[p.hidden];
    if (this.batched && hidden === undefined) throw new Error(`wasm backend: no kernel for the ${p.hidden} hidden layer (supports() refuses it)`);
    const end = this.batched
      ? this.k.configureBatch(this.ctl, p.nInstances, p.nFeatures, p.nHidden, p.batchSize, hidden, p.untied ? 1 : 0, p.benefit ? 1 : 0, p.interference ? 1 : 0, id, this.slots, this.threads)
      : this.k.configure(this.ctl, p.nInstances, p.nFeatures, p.nHidden, p.interference ? 1 : 0, id, this.slots, this.threads);
    const pages = Math.ceil(end / 65536);
    if (pages > MAX_PAGES) {
      throw new RangeError(`wasm backend: ${p.nInstances} × ${p.nFeatures} × ${p.nHidden}${this.batched ? ` with batches of ${p.batchSize}` : ''} needs ${(end / 2 ** 30).toFixed(1)} GiB, over the 4 GiB of a wasm memory`);
    }
    this.memory.grow(pages - this.memory.buffer.byteLength / 65536);
    const h = p.hyper;
    this.k.setHyper(this.ctl, h.lr, h.lambda, h.weightDecay, h.beta1, h.beta2, h.eps);
    this.refreshViews();
    this.setWeights(W0, decoder0);
    this.poolReady = this.threads === 1;
    if (threaded) this.startWorkers(module, spawner!);
  }

  private startWorkers(module: WebAssembly.Module, spawner: Spawner): void {
    for (let t = 1; t < this.threads; t++) {
      this.workers.push(spawner.spawn({ module, memory: this.memory, ctl: this.ctl, thread: t }));
    }
    const { k, ctl, workers } = this;
    reaper?.register(this, () => stopWorkers(k, ctl, workers), this);
    if (spawner.canBlock) {
      const deadline = Date.now() + WORKER_START_MS;
      let ready = 0;
      while ((ready = this.k.readyWorkers(this.ctl)) < this.threads - 1 && Date.now() < deadline) {
        this.k.awaitWorkers(this.ctl, this.threads - 1, Math.max(1, deadline - Date.now()));
      }
      this.poolReady = ready === this.threads - 1;
    }
  }

  /** Threads the next step will use (diagnostics and benchmarks; not part of Session). */
  get threadsInUse(): number {
    return this.activeThreads();
  }

  /** Threads for the next command: all of them once every worker is up (same bits either way). */
  private activeThreads(): number {
    if (!this.poolReady) this.poolReady = this.k.readyWorkers(this.ctl) === this.threads - 1;
    return this.poolReady ? this.threads : 1;
  }

  /** Views into the memory; recreated if it was ever replaced by growth. */
  private refreshViews(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    const { nInstances } = this.p;
    this.W = new Float32Array(buffer, this.k.weightsPtr(this.ctl), this.size);
    const stateValues = this.k.stateValues(this.ctl);
    const slots = this.p.untied ? [0, 1, 2, 3].filter((s) => s % 2 < this.slots) : [0, 1].slice(0, this.slots);
    this.state = slots.map((s) => new Float32Array(buffer, this.k.statePtr(this.ctl, s), stateValues));
    if (this.batched) {
      const { nFeatures: n, nHidden: m, batchSize: B } = this.p;
      if (this.p.untied) this.Wd = new Float32Array(buffer, this.k.decoderPtr(this.ctl), this.size);
      this.X = new Float32Array(buffer, this.k.batchPtr(this.ctl), nInstances * B * n);
      this.xi = new Float32Array(buffer, this.k.noisePtr(this.ctl), nInstances * Math.ceil(m / 16) * 16);
    }
    this.stats = {
      loss: new Float64Array(buffer, this.k.lossPtr(this.ctl), nInstances),
      forces: new Float64Array(buffer, this.k.forcesPtr(this.ctl), nInstances * 3),
    };
  }

  weights(): Float32Array {
    this.refreshViews();
    return this.W;
  }

  decoderWeights(): Float32Array | null {
    this.refreshViews();
    return this.Wd;
  }

  setWeights(W: FloatArray, decoder?: FloatArray): void {
    const shape = `[${this.p.nInstances}, ${this.p.nFeatures}, ${this.p.nHidden}]`;
    if (W.length !== this.size) throw new RangeError(`setWeights: expected ${this.size} values ${shape}, got ${W.length}`);
    if (this.p.untied && decoder?.length !== this.size) throw new RangeError(`setWeights: an untied model needs decoder weights ${shape}, got ${decoder?.length ?? 'none'}`);
    this.refreshViews();
    this.W.set(W);
    if (this.Wd) this.Wd.set(decoder!);
    for (const s of this.state) s.fill(0);
    this.stepCount = 0;
  }

  step(noise: Float64Array | null, withForces: boolean, X?: Float32Array | null): StepStats {
    this.load(noise, X ?? null);
    const t = this.stepCount + 1;
    this.command(CMD_STEP, withForces, t);
    this.stepCount = t;
    return this.stats;
  }

  evaluate(X?: Float32Array | null): StepStats {
    this.load(null, X ?? null);
    this.command(CMD_EVALUATE, true, this.stepCount + 1);
    return this.stats;
  }

  /** Copies this command's batch and noise into the memory (batched path), after checking their sizes. */
  private load(noise: Float64Array | null, X: Float32Array | null): void {
    if (this.disposed) throw new Error('wasm backend: session used after dispose()');
    const { nInstances, nFeatures: n, nHidden: m, batchSize: B } = this.p;
    if (!this.batched) {
      if (X) throw new Error('wasm backend: a one-hot session takes no batch');
      if (noise) throw new Error('wasm backend: hidden-layer noise on one-hot data is not supported here (use data batch, or the reference backend)');
      return;
    }
    const want = nInstances * B * n;
    if (!X || X.length !== want) throw new RangeError(`wasm backend: a batch step needs X [${nInstances}, ${B}, ${n}] (${want} values), got ${X ? X.length : 'none'}`);
    if (noise && noise.length !== nInstances * m) throw new RangeError(`wasm backend: noise must be [${nInstances}, ${m}] (${nInstances * m} values), got ${noise.length}`);
    this.refreshViews();
    this.X!.set(X);
    if (noise) {
      const stride = this.xi!.length / nInstances;
      for (let i = 0; i < nInstances; i++) for (let k = 0; k < m; k++) this.xi![i * stride + k] = noise[i * m + k];
    }
    this.k.setNoise(this.ctl, noise ? 1 : 0);
  }

  private command(cmd: number, withForces: boolean, t: number): void {
    if (this.disposed) throw new Error('wasm backend: session used after dispose()');
    const { lr, beta1, beta2 } = this.p.hyper;
    // Adam's bias corrections in float64 exactly as src/core/optimizers.ts computes them
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const threads = this.activeThreads();
    this.k.setCommand(this.ctl, cmd, threads, withForces ? 1 : 0, stepSize, bc2Sqrt);
    try {
      this.k.run(this.ctl);
    } catch (error) {
      // a kernel trapped here or in a worker: release every waiting thread, close the session
      new Int32Array(this.memory.buffer, this.ctl, 64)[FAILED_OFFSET >> 2] = 1;
      this.dispose();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`wasm backend: step ${t} failed on ${threads} thread(s) (${reason}); the session is closed. This is a bug: please report it; --threads 1 or --backend reference avoid the threads`, { cause: error });
    }
    this.refreshViews();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    reaper?.unregister(this);
    stopWorkers(this.k, this.ctl, this.workers);
  }
}

/** Bytes of one wasm memory: 65536 pages of 64 KiB. */
export const WASM_MEMORY_BYTES = MAX_PAGES * 65536;

/**
 * Bytes the kernels' layout needs for `p` on `threads` threads (each thread has its own
 * scratch slot): `configure` on a throwaway one-page memory, the same call a session makes.
 */
export function layoutBytes(kernels: Kernels, p: Problem, threads: number): number {
  const id = KERNEL_OPTIMIZERS[p.optimizer];
  if (id === undefined) return Infinity;
  const k = instantiate(kernels.single, new WebAssembly.Memory({ initial: 1, maximum: 1 }));
  const slots = OPTIMIZERS[p.optimizer].stateSlots;
  if (p.data !== 'batch') return k.configure(k.heapBase(), p.nInstances, p.nFeatures, p.nHidden, p.interference ? 1 : 0, id, slots, threads);
  const hidden = KERNEL_HIDDEN_LAYERS[p.hidden];
  if (hidden === undefined) return Infinity;
  return k.configureBatch(k.heapBase(), p.nInstances, p.nFeatures, p.nHidden, p.batchSize, hidden, p.untied ? 1 : 0, p.benefit ? 1 : 0, p.interference ? 1 : 0, id, slots, threads);
}

/** The most threads ≤ `wanted` whose scratch still fits one wasm memory (1 when none does). */
function fitThreads(kernels: Kernels, p: Problem, wanted: number): number {
  let t = wanted;
  while (t > 1 && layoutBytes(kernels, p, t) > WASM_MEMORY_BYTES) t--;
  return t;
}

/** The wasm backend, or null where WebAssembly SIMD is unavailable. */
export async function createWasmBackend(): Promise<Backend | null> {
  const kernels = await loadKernels();
  if (kernels === null) return null;
  const spawner = kernels.shared ? await loadSpawner() : null;
  return {
    name: 'wasm',
    supports: (problem, withNoise) => Object.hasOwn(KERNEL_OPTIMIZERS, problem.optimizer) && (problem.data === 'batch' ? batchSupported(problem) : oneHotSupported(problem, withNoise)),
    createSession: (problem, W0, decoder0) => new WasmSession(kernels, spawner, problem, W0, decoder0),
    memory: (problem) => {
      const threads = spawner && kernels.shared ? fitThreads(kernels, problem, chooseThreads(problem, spawner.cores)) : 1;
      const bytes = layoutBytes(kernels, problem, threads);
      return { bytes, fits: bytes > WASM_MEMORY_BYTES ? `over the ${WASM_MEMORY_BYTES / 2 ** 30} GiB of a wasm memory` : null };
    },
  };
}

/**
 * The one-hot path (Gram kernels) is the paper's setting: linear, tied, both forces, no noise;
 * the rest of the one-hot variants stay with the reference (SCIENCE.md §6 E).
 */
function oneHotSupported(p: Problem, withNoise: boolean): boolean {
  return !withNoise && p.benefit && p.hidden === 'linear' && !p.untied;
}

/** The batched path takes every hidden layer the kernels define (assembly/control.ts HIDDEN_*), noise and both switches. */
function batchSupported(p: Problem): boolean {
  return Object.hasOwn(KERNEL_HIDDEN_LAYERS, p.hidden);
}
