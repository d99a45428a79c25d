/**
 * Loads the compiled kernels (inlined by `npm run build:wasm`) once per process, and says
 * what this platform allows: null when WebAssembly or its 128-bit SIMD is missing; a shared
 * variant only where shared memory exists (Node, or a cross-origin-isolated page).
 */
import { KERNELS_SHARED_BASE64, KERNELS_SINGLE_BASE64 } from './wasm-bytes.generated.js';
import { CMD_EVALUATE, CMD_GRADIENT, CMD_STEP, DENSE_SHARE, FAILED, H_BASE, KERNEL_HIDDEN_LAYERS, KERNEL_OPTIMIZERS, LAYERNORM_EPS, MAX_PAGES, ROW_STATS } from './wasm-layout.generated.js';

// The constants JS needs, under the names it uses; their values come from assembly/ at build time.
export { CMD_EVALUATE, CMD_GRADIENT, CMD_STEP, DENSE_SHARE, KERNEL_HIDDEN_LAYERS, KERNEL_OPTIMIZERS, LAYERNORM_EPS, MAX_PAGES, ROW_STATS };
/** Byte offset of the float32 hyperparameters inside the control block (assembly/control.ts H_BASE). */
export const HYPER_OFFSET = H_BASE;
/** Byte offset of the failure flag in the control block (assembly/control.ts FAILED). */
export const FAILED_OFFSET = FAILED;

/** The exports of assembly/index.ts (addresses and sizes in bytes; `configure` returns the end address). */
export interface KernelExports {
  heapBase(): number;
  controlBytes(): number;
  configure(ctl: number, instances: number, n: number, m: number, interference: number, optimizer: number, stateSlots: number, maxThreads: number): number;
  setHyper(ctl: number, lr: number, lambda: number, weightDecay: number, beta1: number, beta2: number, eps: number): void;
  setCommand(ctl: number, cmd: number, threads: number, withForces: number, stepSize: number, bc2Sqrt: number): void;
  run(ctl: number): void;
  workerLoop(ctl: number, thread: number): void;
  stopWorkers(ctl: number): void;
  readyWorkers(ctl: number): number;
  awaitWorkers(ctl: number, count: number, timeoutMs: number): number;
  weightsPtr(ctl: number): number;
  statePtr(ctl: number, slot: number): number;
  /** float32 values in one state slot: [instances, m16/16, n, 16], panel by panel. */
  stateValues(ctl: number): number;
  lossPtr(ctl: number): number;
  forcesPtr(ctl: number): number;
  packGroups(W: number, n: number, m: number, m4: number, Wp: number, g0: number, g1: number): void;
  gramGroups(Wp: number, n4: number, m4: number, G: number, g0: number, g1: number): void;
  /** P: the panel productPanel/productGroups will read with these lists (records hold addresses in it). */
  coefficientGroups(G: number, n: number, n4: number, interference: number, lists: number, counts: number, diag: number, Mi: number, dense: number, stats: number, P: number, g0: number, g1: number): void;
  productGroups(lists: number, counts: number, Mi: number, dense: number, W: number, n: number, m: number, m16: number, D: number, P: number, g0: number, g1: number): void;
  productPanel(lists: number, counts: number, Mi: number, dense: number, n: number, P: number, D: number, dRowBytes: number, g0: number, g1: number): void;
  rowStats(w: number, d: number, m: number, mii: number, forces: number, stats: number): void;
  /**
   * One optimizer step on the 16-column panel at column c of rows [r0, r1); Σ|w| before the
   * update is carried in acc and stored in stats[2] at the last panel (assembly/optimizer.ts).
   */
  updatePanel(opt: number, h: number, W: number, m: number, c: number, D: number, dRowBytes: number, S1: number, S2: number, r0: number, r1: number, acc: number, stats: number): void;
  /**
   * The batched path (assembly/batch-schedule.ts): lays out a session of the general model
   * (hidden: KERNEL_HIDDEN_LAYERS id) and returns the end address; the commands then run on
   * the batch written at batchPtr [instances, B, n] and, after setNoise(ctl, 1), ξ at noisePtr
   * [instances, m16].
   */
  configureBatch(ctl: number, instances: number, n: number, m: number, batch: number, hidden: number, untied: number, benefit: number, interference: number, optimizer: number, stateSlots: number, maxThreads: number): number;
  decoderPtr(ctl: number): number;
  batchPtr(ctl: number): number;
  noisePtr(ctl: number): number;
  gradientPtr(ctl: number): number;
  setNoise(ctl: number, on: number): void;
  /** Appends records (base + j·stride, v_j) for the nonzero float32 v_j of src[0 .. count); returns the end. */
  compactRow(src: number, count: number, base: number, stride: number, q: number): number;
  listPanel(lists: number, listStride: number, counts: number, r0: number, r1: number, off: number, out: number, outStride: number): void;
}


export interface Kernels {
  /** For an unshared memory: one thread. */
  single: WebAssembly.Module;
  /** For a shared memory and worker threads; null where shared memory is unavailable. */
  shared: WebAssembly.Module | null;
}

let loading: Promise<Kernels | null> | undefined;

/** The compiled kernels, or null where this platform cannot run them. */
export function loadKernels(): Promise<Kernels | null> {
  loading ??= compileKernels();
  return loading;
}

async function compileKernels(): Promise<Kernels | null> {
  if (typeof WebAssembly !== 'object') return null;
  const single = decodeBase64(KERNELS_SINGLE_BASE64);
  // validation fails on engines without SIMD (or atomics): fall back to the reference
  if (!WebAssembly.validate(single)) return null;
  const shared = sharedMemoryAvailable() ? await WebAssembly.compile(decodeBase64(KERNELS_SHARED_BASE64)) : null;
  return { single: await WebAssembly.compile(single), shared };
}

function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Instantiates kernels on `memory` (synchronous: the module is small and already compiled). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, kernelImports(memory));
  return instance.exports as unknown as KernelExports;
}

/**
 * The kernels' imports: their memory, and env.wait, the sleep of a thread waiting for the others
 * (assembly/sync.ts says why it is not the wasm instruction). Only shared memories ever wait;
 * pool.ts gives workers the same function (the source of makeWait).
 */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, wait: makeWait(memory, FAILED_OFFSET) } };
}

/**
 * env.wait: sleep in slices of at most 50 ms while the i32 at ctl + field equals `expected`,
 * up to `timeoutMs` (< 0: no limit), and throw once a thread of the session has failed (the
 * flag at ctl + failedOffset, FAILED_OFFSET), so that no thread waits forever for one that died.
 * Self-contained (it names nothing outside itself): pool.ts sends its source to workers.
 */
export function makeWait(memory: WebAssembly.Memory, failedOffset: number) {
  return (ctl: number, field: number, expected: number, timeoutMs: number): void => {
    const view = new Int32Array(memory.buffer, ctl, 64);
    const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
    while (Atomics.load(view, field >> 2) === expected) {
      if (Atomics.load(view, failedOffset >> 2) !== 0) throw new Error('another thread of this session failed');
      const left = deadline - Date.now();
      if (left <= 0) return;
      Atomics.wait(view, field >> 2, expected, Math.min(left, 50));
    }
  };
}
