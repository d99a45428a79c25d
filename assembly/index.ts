/**
 * The wasm kernels' entry points (src/kernels/wasm.ts drives them). All state lives in the
 * imported linear memory at addresses set by `configure`; JS reads weights, loss and forces
 * through views at the addresses the getters return. Build: scripts/build-wasm-impl.mjs
 * (128-bit SIMD, threads; a shared-memory and an unshared variant of the same code).
 */
import {
  BC2_SQRT, BETA1, BETA2, CMD, CMD_EXIT, CTL_BYTES, D_OFF, DONE, EPS, FORCES_PTR, G_OFF, GEN, H_BASE, H_BC2_SQRT,
  H_BETA1, H_BETA2, H_EPS, H_LAMBDA, H_LR, H_ONE_MINUS_BETA1, H_ONE_MINUS_BETA2, H_SHRINK, H_STEP_SIZE, INSTANCES,
  INTERFERENCE, LAMBDA, LOSS_PTR, LR, M, M4, M16, MAX_THREADS, LISTS_OFF, COUNTS_OFF, DIAG_OFF, MI_OFF, DENSE_OFF, N, N4, OPTIMIZER,
  OPT_ADAMW, ACC_OFF, PANEL_BYTES, PANELS_PTR, READY, ROW_STATS, S1_PTR, S2_PTR, SLOT_BYTES, SLOTS_PTR, STATS_PTR, STEP_SIZE,
  THREADS, W_PTR, WEIGHT_DECAY, WITH_FORCES, WP_OFF, ctlF64, ctlI32, ctlPtr,
  MODE, OPT_PROX_SGD, S1D_PTR, S2D_PTR, WD_PTR, X_PTR, NOISE_PTR, GRAD_PTR, HAS_NOISE,
} from './control';
import { finalize, share } from './schedule';
import { finalizeBatch, shareBatch } from './batch-schedule';
import { sleepWhile, waitChange, waitFor } from './sync';

export { packGroups, gramGroups } from './gram';
export { coefficientGroups } from './coefficients';
export { productGroups, productPanel } from './product';
export { rowStats, updatePanel } from './optimizer';
export { configureBatch } from './batch-schedule';
export { compactRow, listPanel } from './batch';

/** First free byte after the module's own data: where JS may put the control block. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

export function controlBytes(): usize {
  return CTL_BYTES;
}

// @ts-ignore: decorator
@inline function align64(x: usize): usize {
  return (x + 63) & ~63;
}

/**
 * Lays out one session after the control block at `ctl` and records the problem there.
 * Returns the end address; the caller grows memory to cover it. `maxThreads` scratch slots
 * and panels are reserved. Sizes: W [instances, n, m] float32; each state slot
 * [instances, m16/16, n, 16] float32 (stateValues).
 */
export function configure(ctl: usize, instances: i32, n: i32, m: i32, interference: bool, optimizer: i32, stateSlots: i32, maxThreads: i32): f64 {
  const n4 = (n + 3) & ~3, m4 = (m + 3) & ~3, m16 = (m + 15) & ~15;
  store<i32>(ctl + MODE, 0);
  store<i32>(ctl + INSTANCES, instances);
  store<i32>(ctl + N, n);
  store<i32>(ctl + M, m);
  store<i32>(ctl + N4, n4);
  store<i32>(ctl + M4, m4);
  store<i32>(ctl + M16, m16);
  store<i32>(ctl + INTERFERENCE, interference ? 1 : 0);
  store<i32>(ctl + OPTIMIZER, optimizer);
  store<i32>(ctl + MAX_THREADS, maxThreads);
  store<i32>(ctl + THREADS, 1);
  // sizes in f64: a layout past 4 GiB is reported to JS instead of wrapping around
  const weights = (instances as f64) * (n as f64) * (m as f64) * 4;
  // optimizer state panel by panel, [instances][m16/16][n][16] (optimizer.ts updatePanel)
  const state = (instances as f64) * (n as f64) * (m16 as f64) * 4;
  let p: f64 = (ctl + CTL_BYTES) as f64;
  p = put(ctl, W_PTR, p, weights);
  p = put(ctl, S1_PTR, p, stateSlots >= 1 ? state : 0);
  p = put(ctl, S2_PTR, p, stateSlots >= 2 ? state : 0);
  p = put(ctl, STATS_PTR, p, (instances as f64) * (n as f64) * (ROW_STATS as f64) * 8);
  p = put(ctl, LOSS_PTR, p, (instances as f64) * 8);
  p = put(ctl, FORCES_PTR, p, (instances as f64) * 24);
  // one scratch slot: packed W, G, coefficient lists (8 bytes per entry), counts, M_ii, interleaved M, dense flags, Σ|w| carries, D
  const wp = (n4 as f64) * (m4 as f64) * 4;
  const g = (n4 as f64) * (n4 as f64) * 4;
  const lists = (n as f64) * (n4 as f64) * 8;
  const small = (n as f64) * 4;
  const mi = (n4 as f64) * (n4 as f64) * 4;
  const d = (n4 as f64) * (m16 as f64) * 4;
  let slot: f64 = 0;
  slot = put(ctl, WP_OFF, slot, wp);
  slot = put(ctl, G_OFF, slot, g);
  slot = put(ctl, LISTS_OFF, slot, lists);
  slot = put(ctl, COUNTS_OFF, slot, small);
  slot = put(ctl, DIAG_OFF, slot, small);
  slot = put(ctl, MI_OFF, slot, mi);
  slot = put(ctl, DENSE_OFF, slot, small);
  slot = put(ctl, ACC_OFF, slot, (n as f64) * 16);
  slot = put(ctl, D_OFF, slot, d);
  store<u32>(ctl + SLOT_BYTES, slot < 4294967296.0 ? (slot as u32) : 0);
  p = put(ctl, SLOTS_PTR, p, slot * (maxThreads as f64));
  const panel = align64((n as usize) * 64);
  store<u32>(ctl + PANEL_BYTES, panel as u32);
  p = put(ctl, PANELS_PTR, p, (panel as f64) * (maxThreads as f64));
  return p;
}

/** Records an address (or an offset in a slot) at `at`, if it fits in 32 bits; returns the next 64-byte-aligned one. */
function put(ctl: usize, field: usize, at: f64, bytes: f64): f64 {
  store<u32>(ctl + field, at < 4294967296.0 ? (at as u32) : 0);
  return Math.ceil((at + bytes) / 64) * 64;
}

/** The optimizer's hyperparameters in float64, as in OptimizerHyper (weight decay used by AdamW only). */
export function setHyper(ctl: usize, lr: f64, lambda: f64, weightDecay: f64, beta1: f64, beta2: f64, eps: f64): void {
  store<f64>(ctl + LR, lr);
  store<f64>(ctl + LAMBDA, lambda);
  store<f64>(ctl + WEIGHT_DECAY, weightDecay);
  store<f64>(ctl + BETA1, beta1);
  store<f64>(ctl + BETA2, beta2);
  store<f64>(ctl + EPS, eps);
}

/**
 * The next command: CMD_STEP (1) or CMD_EVALUATE (2), on `threads` threads (1 or the pool
 * size); Adam's step size lr/(1 − β1ᵗ) and sqrt(1 − β2ᵗ) come from JS, computed exactly as
 * the reference does. Float32 hyperparameters are derived here, once per step.
 */
export function setCommand(ctl: usize, cmd: i32, threads: i32, withForces: bool, stepSize: f64, bc2Sqrt: f64): void {
  store<i32>(ctl + CMD, cmd);
  store<i32>(ctl + THREADS, threads);
  store<i32>(ctl + WITH_FORCES, withForces ? 1 : 0);
  store<f64>(ctl + STEP_SIZE, stepSize);
  store<f64>(ctl + BC2_SQRT, bc2Sqrt);
  const lr = ctlF64(ctl, LR), beta1 = ctlF64(ctl, BETA1), beta2 = ctlF64(ctl, BETA2);
  const decay = ctlI32(ctl, OPTIMIZER) == OPT_ADAMW ? ctlF64(ctl, WEIGHT_DECAY) : 0;
  const h = ctl + H_BASE;
  store<f32>(h + H_LR, lr as f32);
  // the update's own λ sign(W) (or prox-sgd's soft threshold): the one-hot path's L1 term on W;
  // the batched path has its L1 term on H, inside the gradient, so only prox-sgd keeps it here
  // (as src/core/model.ts and the reference do)
  const batched = ctlI32(ctl, MODE) != 0 && ctlI32(ctl, OPTIMIZER) != OPT_PROX_SGD;
  store<f32>(h + H_LAMBDA, batched ? 0 : (ctlF64(ctl, LAMBDA) as f32));
  store<f32>(h + H_SHRINK, (1 - lr * decay) as f32);
  store<f32>(h + H_BETA1, beta1 as f32);
  store<f32>(h + H_BETA2, beta2 as f32);
  store<f32>(h + H_ONE_MINUS_BETA1, (1 - beta1) as f32);
  store<f32>(h + H_ONE_MINUS_BETA2, (1 - beta2) as f32);
  store<f32>(h + H_EPS, ctlF64(ctl, EPS) as f32);
  store<f32>(h + H_STEP_SIZE, stepSize as f32);
  store<f32>(h + H_BC2_SQRT, bc2Sqrt as f32);
}

/**
 * Runs the current command on the calling (main) thread as thread 0, waking the workers first
 * when it uses several threads and waiting for them, then sums the per-instance statistics.
 */
export function run(ctl: usize): void {
  const threads = ctlI32(ctl, THREADS);
  if (threads > 1) {
    atomic.store<i32>(ctl + DONE, 0);
    atomic.add<i32>(ctl + GEN, 1);
    atomic.notify(ctl + GEN, threads);
  }
  const batched = ctlI32(ctl, MODE) != 0;
  if (batched) shareBatch(ctl, 0, threads);
  else share(ctl, 0, threads);
  if (threads > 1) waitFor(ctl, DONE, threads - 1);
  if (batched) finalizeBatch(ctl);
  else finalize(ctl);
}

/** A worker's life: wait for a command, do its share, report; returns on CMD_EXIT. */
export function workerLoop(ctl: usize, thread: i32): void {
  let seen = 0;
  atomic.add<i32>(ctl + READY, 1);
  atomic.notify(ctl + READY, 1);
  while (true) {
    seen = waitChange(ctl, GEN, seen);
    if (atomic.load<i32>(ctl + CMD) == CMD_EXIT) return;
    if (ctlI32(ctl, MODE) != 0) shareBatch(ctl, thread, atomic.load<i32>(ctl + THREADS));
    else share(ctl, thread, atomic.load<i32>(ctl + THREADS));
    atomic.add<i32>(ctl + DONE, 1);
    atomic.notify(ctl + DONE, 1);
  }
}

/** Tells the workers to leave their loop (they return from workerLoop). */
export function stopWorkers(ctl: usize): void {
  atomic.store<i32>(ctl + CMD, CMD_EXIT);
  atomic.add<i32>(ctl + GEN, 1);
  atomic.notify(ctl + GEN, 0x7fffffff);
}

/** Workers that have entered their loop so far. */
export function readyWorkers(ctl: usize): i32 {
  return atomic.load<i32>(ctl + READY);
}

/** Blocks (shared memory only) until `count` workers are ready or `timeoutMs` passed; returns the count. */
export function awaitWorkers(ctl: usize, count: i32, timeoutMs: f64): i32 {
  let ready = atomic.load<i32>(ctl + READY);
  if (ready < count) sleepWhile(ctl, READY, ready, timeoutMs);
  return atomic.load<i32>(ctl + READY);
}

export function weightsPtr(ctl: usize): usize {
  return ctlPtr(ctl, W_PTR);
}
/** float32 values in one optimizer-state slot (zero-filled by JS on setWeights). */
export function stateValues(ctl: usize): f64 {
  return (ctlI32(ctl, INSTANCES) as f64) * (ctlI32(ctl, N) as f64) * (ctlI32(ctl, M16) as f64);
}
/** Slots 0, 1: the (encoder) weights' state; 2, 3: the decoder's (batched path, untied). */
export function statePtr(ctl: usize, slot: i32): usize {
  return ctlPtr(ctl, slot == 0 ? S1_PTR : slot == 1 ? S2_PTR : slot == 2 ? S1D_PTR : S2D_PTR);
}
/** Batched path: the decoder [instances, n, m] (untied), the batch X [instances, B, n], ξ [instances, m16], float32. */
export function decoderPtr(ctl: usize): usize {
  return ctlPtr(ctl, WD_PTR);
}
export function batchPtr(ctl: usize): usize {
  return ctlPtr(ctl, X_PTR);
}
export function noisePtr(ctl: usize): usize {
  return ctlPtr(ctl, NOISE_PTR);
}
/** Batched path, after CMD_GRADIENT: ∇ of the last instance [R, m16] float32 (R = n, or 2n untied: encoder rows then decoder rows). */
export function gradientPtr(ctl: usize): usize {
  return ctlPtr(ctl, GRAD_PTR);
}
/** Batched path: whether the next command adds ξ (written at noisePtr) to the hidden layer. */
export function setNoise(ctl: usize, on: bool): void {
  store<i32>(ctl + HAS_NOISE, on ? 1 : 0);
}
export function lossPtr(ctl: usize): usize {
  return ctlPtr(ctl, LOSS_PTR);
}
export function forcesPtr(ctl: usize): usize {
  return ctlPtr(ctl, FORCES_PTR);
}
