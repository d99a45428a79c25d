/**
 * The control block: one 256-byte record in shared memory through which the main thread
 * describes the problem and each command, and through which threads synchronize.
 * i32 fields first, then f64 hyperparameters. Offsets are private to assembly/: the JS side
 * only passes scalars to exported functions and reads pointers back through getters.
 */

// --- synchronization (touched with atomics only) ---
/** Command generation, bumped by the main thread to wake the workers. */
export const GEN: usize = 0;
/** Workers finished with the current command. */
export const DONE: usize = 4;
/** Barrier arrival count and generation. */
export const BAR_COUNT: usize = 8;
export const BAR_GEN: usize = 12;
/** Workers that entered their loop (ready to take commands). */
export const READY: usize = 16;

// --- the current command ---
export const CMD: usize = 20;
export const THREADS: usize = 24;
export const WITH_FORCES: usize = 28;

// --- the problem (fixed by configure) ---
export const INSTANCES: usize = 32;
export const N: usize = 36;
export const M: usize = 40;
export const INTERFERENCE: usize = 44;
export const OPTIMIZER: usize = 48;
/** n rounded up to a multiple of 4 (Gram row groups), m up to 4 (vectors) and 16 (product panels). */
export const N4: usize = 52;
export const M4: usize = 56;
export const M16: usize = 60;

// --- pointers into linear memory (set by configure) ---
export const W_PTR: usize = 64;
export const S1_PTR: usize = 68;
export const S2_PTR: usize = 72;
export const STATS_PTR: usize = 76;
export const LOSS_PTR: usize = 80;
export const FORCES_PTR: usize = 84;
export const SLOTS_PTR: usize = 88;
export const SLOT_BYTES: usize = 92;
export const PANELS_PTR: usize = 96;
export const PANEL_BYTES: usize = 100;
/** Offsets inside a scratch slot: packed W, Gram matrix, coefficient lists and counts, product (more below). */
export const WP_OFF: usize = 104;
export const G_OFF: usize = 108;
export const LISTS_OFF: usize = 112;
export const D_OFF: usize = 116;
export const MAX_THREADS: usize = 120;
export const COUNTS_OFF: usize = 124;
/** (after the float32 hyperparameters) M_ii, the interleaved M of dense groups, the dense flags. */
export const DIAG_OFF: usize = 232;
export const MI_OFF: usize = 236;
export const DENSE_OFF: usize = 240;
/** Per-row Σ|w| carried across the panels of an update (f64x2 per row). */
export const ACC_OFF: usize = 244;
/**
 * Set (to 1, by JS) when a thread stopped with an error: every thread sleeping in env.wait
 * then throws instead of waiting forever (src/kernels/wasm-module.ts FAILED_OFFSET).
 */
export const FAILED: usize = 248;

// --- f64 hyperparameters ---
export const LR: usize = 128;
export const LAMBDA: usize = 136;
export const WEIGHT_DECAY: usize = 144;
export const BETA1: usize = 152;
export const BETA2: usize = 160;
export const EPS: usize = 168;
/** Per step: Adam's lr / (1 − β1ᵗ) and sqrt(1 − β2ᵗ), computed in JS exactly like the reference. */
export const STEP_SIZE: usize = 176;
export const BC2_SQRT: usize = 184;

export const CTL_BYTES: usize = 256;

export const CMD_EXIT: i32 = 0;
export const CMD_STEP: i32 = 1;
export const CMD_EVALUATE: i32 = 2;

/** f64 fields per row in the statistics array: smooth loss, benefit², |w| sum, nonzeros, interference². */
export const ROW_STATS: i32 = 5;

/** Optimizer ids, as in src/core/optimizers.ts. */
export const OPT_SGD: i32 = 0;
export const OPT_PROX_SGD: i32 = 1;
export const OPT_ADAM: i32 = 2;
export const OPT_ADAMW: i32 = 3;

@inline export function ctlI32(ctl: usize, field: usize): i32 {
  return load<i32>(ctl + field);
}

@inline export function ctlPtr(ctl: usize, field: usize): usize {
  return load<u32>(ctl + field) as usize;
}

@inline export function ctlF64(ctl: usize, field: usize): f64 {
  return load<f64>(ctl + field);
}

// --- float32 hyperparameters of the current step (from the f64 ones, see setStep) ---
export const H_BASE: usize = 192;
/** Offsets relative to H_BASE. */
export const H_LR: usize = 0;
export const H_LAMBDA: usize = 4;
export const H_SHRINK: usize = 8;
export const H_BETA1: usize = 12;
export const H_BETA2: usize = 16;
export const H_ONE_MINUS_BETA1: usize = 20;
export const H_ONE_MINUS_BETA2: usize = 24;
export const H_EPS: usize = 28;
export const H_STEP_SIZE: usize = 32;
export const H_BC2_SQRT: usize = 36;
