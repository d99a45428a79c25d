/**
 * Native backend (float32): the C kernels of native/ behind Node-API, built at `npm install`
 * with the system compiler (scripts/build-native.mjs). Runtime dispatch to AVX-512, AVX2 + FMA
 * or portable C; the addon's own threads split a step as the wasm backend's workers do. Every
 * Gram and product entry is one fused multiply-add chain in a fixed order, so the bytes are the
 * same for any thread count and any of the three kernel builds; against wasm (no FMA) they
 * differ by float32 rounding.
 *
 * Two paths, as wasm: the paper's one-hot full batch through the Gram matrix, and the general
 * model on batches (data 'batch': every hidden layer, tied or untied, hidden noise, the force
 * switches; native/src/batch-schedule.c), which skips the zeros of X, H and G.
 *
 * The session's weights (and decoder), loss and forces are ordinary typed arrays owned here; the
 * addon keeps pointers to them, and a batched step reads X where the caller keeps it: a step
 * copies nothing but the noise. The optimizer state lives in the addon, stored
 * panel by panel so that an update streams it contiguously. Only in Node: node: modules are
 * imported dynamically, so a browser bundle never sees them.
 *
 * @example
 *   const backend = await createNativeBackend();   // null when the addon is not built
 *   const session = backend!.createSession(problem, W0);
 *   session.step(null, false);
 */
import { OPTIMIZERS, type FloatArray, type OptimizerName } from '../core/optimizers.js';
import type { HiddenLayer } from '../core/model.js';
import type { Backend, Problem, Session, StepStats } from './backend.js';
import { chooseThreads, MAX_THREADS } from './wasm.js';

/** The addon's exports (native/src/addon.c). */
export interface Addon {
  /** SHA-256 of native/src and binding.gyp this build was compiled from ("none" without scripts/build-native.mjs; absent in builds before it). */
  readonly sourceStamp?: string;
  /** The optimizers the kernels implement, in id order (native/src/kernels.h OPTIMIZER_LIST). */
  optimizers(): string[];
  kernels(wanted?: string): string | null;
  /** dims: [instances, n, m, interference, optimizer id, threads, state slots]; the addon keeps the optimizer state. */
  create(W: Float32Array, loss: Float64Array, forces: Float64Array, dims: number[], kernels?: string): object;
  resetState(h: object): void;
  setHyper(h: object, lr: number, lambda: number, weightDecay: number, beta1: number, beta2: number, eps: number): void;
  run(h: object, cmd: number, withForces: number, stepSize: number, bc2Sqrt: number): void;
  /** dims: [instances, n, m, B, hidden id, untied, benefit, interference, optimizer id, threads, state slots]; Wd null when tied. */
  createBatch(W: Float32Array, Wd: Float32Array | null, loss: Float64Array, forces: Float64Array, dims: number[], kernels?: string): object;
  /** One batched command: X [instances, B, n], xi [instances, m16] or null, read during the call. */
  runBatch(h: object, cmd: number, withForces: number, stepSize: number, bc2Sqrt: number, X: Float32Array, xi: Float32Array | null): void;
  /** Bytes a batched session allocated in the addon (state and scratch; tests of nativeBatchMemory). */
  batchBytes(h: object): number;
  dispose(h: object): void;
  /** Benchmark and test probes (native/src/probe.c). */
  fmaPeak(iters: number, kernels?: string): [flops: number, seconds: number];
  phases(W: Float32Array, n: number, m: number, reps: number, kernels?: string): number[];
  products(W: Float32Array, n: number, m: number, interference: number, G: Float32Array, D: Float32Array, kernels?: string): void;
}

/** name → id of the optimizers an addon implements (its `optimizers()`, in id order), those src/core/optimizers.ts knows. */
export function nativeOptimizers(addon: Pick<Addon, 'optimizers'>): Partial<Record<OptimizerName, number>> {
  const ids: Partial<Record<OptimizerName, number>> = {};
  addon.optimizers().forEach((name, id) => {
    if (Object.hasOwn(OPTIMIZERS, name)) ids[name as OptimizerName] = id;
  });
  return ids;
}

/** The hidden layers the batched kernels implement, by their id in native/src/batch.h (enum HIDDEN_*). */
export const NATIVE_HIDDEN_LAYERS: Partial<Record<HiddenLayer, number>> = { linear: 0, relu: 1, layernorm: 2 };

const CMD_STEP = 1;
const CMD_EVALUATE = 2;
/** Kernels to use instead of the best this CPU runs ("avx2", "generic"; tests and benchmarks). */
export const KERNELS_ENV = 'INCIDENTAL_NATIVE_KERNELS';
/** Set to "off" to act as if the addon were not built (tests of the fallback). */
export const OFF_ENV = 'INCIDENTAL_NATIVE';

/** What loading the addon gave: the addon with its optimizers (name → id), or why there is none. */
export type NativeLoad =
  | { addon: Addon; kernels: string; cores: number; optimizers: Partial<Record<OptimizerName, number>> }
  | { addon: null; reason: string };

/** Why `auto` does not use an addon built from other sources than those present (or from unknown ones). */
export const STALE_REASON = 'the native addon is older than native/src (built from other sources); run npm run build:native';
export const UNSTAMPED_REASON = 'the native addon carries no source stamp (built by an older version or by node-gyp directly); run npm run build:native';

/**
 * Why an addon with `built` (its sourceStamp) must not be used with the sources whose stamp is
 * `present` (null: no native/src here, nothing to compare), or null when it may.
 */
export function stampRefusal(built: string | undefined, present: string | null): string | null {
  if (present === null) return null;
  if (built === undefined || built === 'none') return UNSTAMPED_REASON;
  return built === present ? null : STALE_REASON;
}

let loading: Promise<NativeLoad> | undefined;

/**
 * Loads native/build/Release/incidental_native.node once per process, if it was built from the
 * sources in native/ (its source stamp). Nothing else requires an addon: one path per process.
 * A process crashes (SIGSEGV, reproduced) when the file it loaded is rewritten in place (the
 * same inode: `cp` onto it, or a write through a hard link); node-gyp's builds write a new
 * file, so a rebuild never hits a running process. Two builds loaded from two paths did
 * coexist when tried (Node 20, glibc: each calls its own code), but nothing relies on that:
 * tests of other builds load them in a child process.
 */
export function loadNative(): Promise<NativeLoad> {
  // src/kernels/ and dist/kernels/ are both two levels below the package root (a variable, so
  // that bundlers do not take it for an asset of the browser build)
  const up = '../../';
  loading ??= loadNativeFrom(new URL(up, import.meta.url).href);
  return loading;
}

/**
 * Loads the addon of the package at `root` (a file: URL ending in "/"): its
 * native/build/Release/incidental_native.node, checked against root's native/src with root's
 * scripts/native-stamp.mjs. Not cached; tests only (with a root whose .node is a symbolic link
 * to this package's: the same file, never another build; see loadNative).
 */
export async function loadNativeFrom(root: string): Promise<NativeLoad> {
  if (typeof process !== 'object' || process === null || typeof process.versions?.node !== 'string') return { addon: null, reason: 'not running in Node' };
  if (process.env[OFF_ENV] === 'off') return { addon: null, reason: `${OFF_ENV}=off` };
  // variables keep bundlers from resolving node: modules for the browser
  const moduleName = 'node:module';
  const osName = 'node:os';
  const urlName = 'node:url';
  try {
    const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    const { fileURLToPath } = (await import(/* @vite-ignore */ urlName)) as typeof import('node:url');
    const stampScript = new URL('scripts/native-stamp.mjs', root).href;
    const { sourceStamp } = (await import(/* @vite-ignore */ stampScript)) as { sourceStamp: (dir: string) => string | null };
    const addon = createRequire(root)(fileURLToPath(new URL('native/build/Release/incidental_native.node', root))) as Addon;
    const stale = stampRefusal(addon.sourceStamp, sourceStamp(fileURLToPath(new URL('native', root))));
    if (stale !== null) return { addon: null, reason: stale };
    const wanted = process.env[KERNELS_ENV] || undefined;
    const kernels = addon.kernels(wanted);
    if (kernels === null) return { addon: null, reason: `${KERNELS_ENV}=${wanted} does not run on this CPU` };
    // an x86 CPU without AVX2 + FMA: the portable C kernels call fmaf per element, slower than wasm
    if (kernels === 'generic' && !wanted && process.arch === 'x64') return { addon: null, reason: 'this CPU has no AVX2 with FMA' };
    return { addon, kernels, optimizers: nativeOptimizers(addon), cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { addon: null, reason: code === 'MODULE_NOT_FOUND' ? 'the native addon was not built (no C compiler at install?)' : `the native addon did not load (${(error as Error).message})` };
  }
}

class NativeSession implements Session {
  readonly backend = 'native' as const;
  readonly dtype = 'float32' as const;
  stepCount = 0;
  /** Threads the session's steps use. */
  readonly threadsInUse: number;
  /** The same, as the Session contract names it (recorded in summary.json). */
  get threads(): number {
    return this.threadsInUse;
  }
  private readonly W: Float32Array;
  /** The decoder when untied (batched path), else null. */
  private readonly Wd: Float32Array | null;
  /** Hidden noise in float32, [instances, m rounded up to 16] (batched path). */
  private readonly xi: Float32Array | null;
  private readonly batched: boolean;
  private readonly stats: StepStats;
  private handle: object | null;

  constructor(
    private readonly addon: Addon,
    optimizers: Partial<Record<OptimizerName, number>>,
    kernels: string,
    cores: number,
    private readonly p: Problem,
    W0: FloatArray,
    decoder0?: FloatArray,
  ) {
    const size = p.nInstances * p.nFeatures * p.nHidden;
    const opt = OPTIMIZERS[p.optimizer];
    this.threadsInUse = Math.min(chooseThreads(p, cores), MAX_THREADS);
    this.W = new Float32Array(size);
    this.batched = p.data === 'batch';
    this.Wd = this.batched && p.untied ? new Float32Array(size) : null;
    this.xi = this.batched ? new Float32Array(p.nInstances * Math.ceil(p.nHidden / 16) * 16) : null;
    this.stats = { loss: new Float64Array(p.nInstances), forces: new Float64Array(p.nInstances * 3) };
    const id = optimizers[p.optimizer];
    if (id === undefined) throw new Error(`native backend: no kernel for optimizer "${p.optimizer}" (supports() refuses it)`);
    if (this.batched) {
      const hidden = NATIVE_HIDDEN_LAYERS[p.hidden];
      if (hidden === undefined) throw new Error(`native backend: no kernel for the ${p.hidden} hidden layer (supports() refuses it)`);
      const flags = [p.untied, p.benefit, p.interference].map((f) => (f ? 1 : 0));
      const dims = [p.nInstances, p.nFeatures, p.nHidden, p.batchSize, hidden, ...flags, id, this.threadsInUse, opt.stateSlots];
      this.handle = addon.createBatch(this.W, this.Wd, this.stats.loss, this.stats.forces, dims, kernels);
    } else {
      const dims = [p.nInstances, p.nFeatures, p.nHidden, p.interference ? 1 : 0, id, this.threadsInUse, opt.stateSlots];
      this.handle = addon.create(this.W, this.stats.loss, this.stats.forces, dims, kernels);
    }
    const h = p.hyper;
    addon.setHyper(this.handle, h.lr, h.lambda, h.weightDecay, h.beta1, h.beta2, h.eps);
    this.setWeights(W0, decoder0);
  }

  weights(): Float32Array {
    return this.W;
  }

  decoderWeights(): Float32Array | null {
    return this.Wd;
  }

  setWeights(W: FloatArray, decoder?: FloatArray): void {
    const shape = `[${this.p.nInstances}, ${this.p.nFeatures}, ${this.p.nHidden}]`;
    if (W.length !== this.W.length) throw new RangeError(`setWeights: expected ${this.W.length} values ${shape}, got ${W.length}`);
    if (this.Wd && decoder?.length !== this.W.length) throw new RangeError(`setWeights: an untied model needs decoder weights ${shape}, got ${decoder?.length ?? 'none'}`);
    if (this.handle === null) throw new Error('native backend: session used after dispose()');
    this.W.set(W);
    if (this.Wd) this.Wd.set(decoder!);
    this.addon.resetState(this.handle);
    this.stepCount = 0;
  }

  step(noise: Float64Array | null, withForces: boolean, X?: Float32Array | null): StepStats {
    const xi = this.load(noise, X ?? null);
    const t = this.stepCount + 1;
    this.command(CMD_STEP, withForces, t, X ?? null, xi);
    this.stepCount = t;
    return this.stats;
  }

  evaluate(X?: Float32Array | null): StepStats {
    const xi = this.load(null, X ?? null);
    this.command(CMD_EVALUATE, true, this.stepCount + 1, X ?? null, xi);
    return this.stats;
  }

  /** Checks this command's batch and noise (batched path) and converts the noise; returns it or null. */
  private load(noise: Float64Array | null, X: Float32Array | null): Float32Array | null {
    if (this.handle === null) throw new Error('native backend: session used after dispose()');
    const { nInstances, nFeatures: n, nHidden: m, batchSize: B } = this.p;
    if (!this.batched) {
      if (X) throw new Error('native backend: a one-hot session takes no batch');
      if (noise) throw new Error('native backend: hidden-layer noise on one-hot data is not supported here (use data batch, or the reference backend)');
      return null;
    }
    const want = nInstances * B * n;
    if (!X || X.length !== want) throw new RangeError(`native backend: a batch step needs X [${nInstances}, ${B}, ${n}] (${want} values), got ${X ? X.length : 'none'}`);
    if (!noise) return null;
    if (noise.length !== nInstances * m) throw new RangeError(`native backend: noise must be [${nInstances}, ${m}] (${nInstances * m} values), got ${noise.length}`);
    const xi = this.xi!;
    const stride = xi.length / nInstances;
    for (let i = 0; i < nInstances; i++) for (let k = 0; k < m; k++) xi[i * stride + k] = noise[i * m + k];
    return xi;
  }

  private command(cmd: number, withForces: boolean, t: number, X: Float32Array | null, xi: Float32Array | null): void {
    if (this.handle === null) throw new Error('native backend: session used after dispose()');
    const { lr, beta1, beta2 } = this.p.hyper;
    // Adam's bias corrections in float64 exactly as src/core/optimizers.ts computes them
    const stepSize = lr / (1 - beta1 ** t), bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    if (this.batched) this.addon.runBatch(this.handle, cmd, withForces ? 1 : 0, stepSize, bc2Sqrt, X!, xi);
    else this.addon.run(this.handle, cmd, withForces ? 1 : 0, stepSize, bc2Sqrt);
  }

  dispose(): void {
    if (this.handle === null) return;
    this.addon.dispose(this.handle);
    this.handle = null;
  }
}

/**
 * The native backend, or null where the addon is not built or does not load. `kernels` picks
 * a build other than the best this CPU runs ("avx2", "generic"; tests and benchmarks); null
 * if this CPU cannot run it.
 */
export async function createNativeBackend(options: { kernels?: string } = {}): Promise<Backend | null> {
  const loaded = await loadNative();
  if (loaded.addon === null) return null;
  const { addon, cores, optimizers } = loaded;
  const kernels = options.kernels === undefined ? loaded.kernels : addon.kernels(options.kernels);
  if (kernels === null) return null;
  return {
    name: 'native',
    // as wasm: the batched path takes every hidden layer, noise, untied weights and both switches;
    // on one-hot data, hidden-layer noise and the benefit-off ablation stay with the reference (SCIENCE.md §6 E, §8)
    supports: (problem, withNoise) =>
      Object.hasOwn(optimizers, problem.optimizer) &&
      (problem.data === 'batch' ? Object.hasOwn(NATIVE_HIDDEN_LAYERS, problem.hidden) : !withNoise && problem.benefit && problem.hidden === 'linear' && !problem.untied),
    createSession: (problem, W0, decoder0) => new NativeSession(addon, optimizers, kernels, cores, problem, W0, decoder0),
    memory: (problem) => {
      const threads = Math.min(chooseThreads(problem, cores), MAX_THREADS);
      return problem.data === 'batch' ? nativeBatchMemory(problem, threads) : nativeMemory(problem, threads);
    },
  };
}

/** Longest typed array V8 allocates (W is a JS array the addon writes into). */
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;
/** Widest product panel of any kernel set (AVX-512: 4 vectors of 16): an upper bound for its scratch. */
const MAX_PANEL = 64;

/**
 * Bytes of a native session, counted from native/src/session.c `session_create`: float32 W
 * (JS), the optimizer state in the addon (per slot [instances][n][m rounded up to a panel]),
 * per-row stats (5 doubles per feature), and per thread a packed W [nP, m], G [nP, nP],
 * coefficient indices and values [n, n], two [n] arrays and two product panels [n, panel],
 * with nP = n rounded up to 32. Panels are taken at their widest (64), so this is an upper bound.
 */
export function nativeMemory(p: Problem, threads: number): { bytes: number; fits: string | null } {
  const size = p.nInstances * p.nFeatures * p.nHidden;
  const n = p.nFeatures;
  const nP = (n + 31) & ~31;
  const mPanels = Math.ceil(p.nHidden / MAX_PANEL) * MAX_PANEL;
  const slots = OPTIMIZERS[p.optimizer]?.stateSlots ?? 2;
  const perThread = 4 * (nP * p.nHidden + nP * nP + 2 * n * n + 2 * n + 2 * n * MAX_PANEL);
  const bytes = 4 * size + 4 * slots * p.nInstances * n * mPanels + 40 * p.nInstances * n + threads * perThread;
  return { bytes, fits: size > MAX_ARRAY_LENGTH ? `over the ${MAX_ARRAY_LENGTH} values one array can hold` : null };
}

/** The arena offset after `floats` reserved at `at` (native/src/batch-layout.c reserve: 16-float aligned, 16 spare). */
const reserve = (at: number, floats: number) => Math.floor((at + floats + 31) / 16) * 16;
/** Largest arena offset a 32-bit list record holds. */
const MAX_ARENA_FLOATS = 2 ** 32;

/**
 * Bytes of a batched native session, counted from native/src/batch-layout.c `batch_create`
 * (keep the two in step): float32 W and W_dec, loss and forces, the float32 noise (JS); in the
 * addon the optimizer state (per slot [instances][n][m16], twice when untied), the arena
 * (Wdecᵀ [m, n16], W and W_dec by panels [n, m16], H, H̃ and Q [B, m16 + 16], C [n + 1, n16]
 * with the GRAM shortcut), O [B, n16], Gᵀ and Xᵀ [n, B + 16], the gradient block [R, 64], the
 * lists (8-byte records: X and G [B, n], H [B, m] unless GRAM, columns [R, 2B], with GRAM W
 * [n + 1, m] and X [B, n + 1]) and their counts, and per-row statistics. Each allocation is
 * rounded up to 64 bytes in the addon, which this leaves out (under 2 KiB in all).
 */
export function nativeBatchMemory(p: Problem, threads: number): { bytes: number; fits: string | null } {
  void threads; // the threads share one layout (rows split between them)
  const { nInstances: I, nFeatures: n, nHidden: m, batchSize: B } = p;
  const n16 = Math.ceil(n / 16) * 16, m16 = Math.ceil(m / 16) * 16, R = p.untied ? 2 * n : n;
  const gram = p.hidden === 'linear' && n * (m + B) < B * m;
  const js = 4 * I * n * m * (p.untied ? 2 : 1) + 32 * I + 4 * I * m16;
  const slots = OPTIMIZERS[p.optimizer]?.stateSlots ?? 2;
  const state = slots * I * n * m16 * (p.untied ? 2 : 1);
  let arena = reserve(0, m * n16);
  arena = reserve(arena, n * m16);
  if (p.untied) arena = reserve(arena, n * m16);
  for (let k = 0; k < 3; k++) arena = reserve(arena, B * (m16 + 16));
  if (gram) arena = reserve(arena, (n + 1) * n16);
  const floats = B * n16 + 2 * n * (B + 16) + R * 64;
  const records = 2 * B * n + (gram ? 0 : B * m) + R * 2 * B + (gram ? (n + 1) * m + B * (n + 1) : 0);
  const counts = 3 * B + R + (gram ? n + 1 + B : 0);
  const doubles = B + 2 * I * B + 3 * I * R;
  const bytes = js + 4 * (state + arena + floats + counts) + 8 * (records + doubles);
  const fits = I * n * m > MAX_ARRAY_LENGTH ? `over the ${MAX_ARRAY_LENGTH} values one array can hold` : arena >= MAX_ARENA_FLOATS ? 'over the 16 GiB the batched lists address' : null;
  return { bytes, fits };
}
