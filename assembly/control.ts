/**
 * The control block: one 512-byte record in shared memory through which the main thread
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

// --- the general model's batched path (SCIENCE.md §8; set by configureBatch, batch.ts) ---
/** 1 when the session runs the batched path (configureBatch), 0 for the one-hot path. */
export const MODE: usize = 256;
/** Rows per batch B, the hidden map (HIDDEN_*), untied decoder, the loss switches, noise on this step. */
export const BATCH: usize = 260;
export const HIDDEN: usize = 264;
export const UNTIED: usize = 268;
export const BENEFIT: usize = 272;
export const HAS_NOISE: usize = 276;
/** n rounded up to 16 (panels over the outputs), and R = n (tied) or 2n (untied): rows of the gradient. */
export const N16: usize = 280;
export const ROWS: usize = 284;
/** Inputs written by JS before each command: X [instances, B, n] and ξ [instances, m], float32. */
export const X_PTR: usize = 288;
export const NOISE_PTR: usize = 292;
/** Decoder weights [instances, n, m] and their optimizer state (untied only). */
export const WD_PTR: usize = 296;
export const S1D_PTR: usize = 300;
export const S2D_PTR: usize = 304;
/** float64 per-row loss terms [instances, B, 2] (reconstruction, Σ|H|) and force² [instances, 3, R]. */
export const BSTATS_PTR: usize = 308;
export const FSQ_PTR: usize = 312;
/** Scratch shared by the threads of one instance (batch-schedule.ts says what each holds). */
export const WT_PTR: usize = 316;
export const XL_PTR: usize = 320;
export const XC_PTR: usize = 324;
export const HA_PTR: usize = 328;
export const HN_PTR: usize = 332;
export const HL_PTR: usize = 336;
export const HC_PTR: usize = 340;
export const O_PTR: usize = 344;
export const GL_PTR: usize = 348;
export const GC_PTR: usize = 352;
export const Q_PTR: usize = 356;
export const GT_PTR: usize = 360;
export const XT_PTR: usize = 364;
export const CL_PTR: usize = 368;
export const CC_PTR: usize = 372;
export const INV_PTR: usize = 376;
export const DP_PTR: usize = 380;
export const GRAD_PTR: usize = 384;
export const RSTATS_PTR: usize = 388;
export const RACC_PTR: usize = 392;
/** Panel-packed encoder and decoder weights [m16/16][n][16] (the same block when tied). */
export const PE_PTR: usize = 396;
export const PD_PTR: usize = 400;
/**
 * Linear hidden layer, when cheaper: O = X (W Wdecᵀ) + ξ Wdecᵀ through C = [W Wdecᵀ; ξ Wdecᵀ]
 * [(n+1) × n], packed by panels (GRAM = 1); WL: lists of W's rows (and ξ) over Wdecᵀ; XO: X's
 * row lists over C (plus the ξ row with coefficient 1 when there is noise).
 */
export const GRAM: usize = 404;
export const C_PTR: usize = 408;
export const WL_PTR: usize = 412;
export const WLC_PTR: usize = 416;
export const XO_PTR: usize = 420;
export const XOC_PTR: usize = 424;

export const CTL_BYTES: usize = 512;

export const CMD_EXIT: i32 = 0;
export const CMD_STEP: i32 = 1;
export const CMD_EVALUATE: i32 = 2;
/** Batched path only: the gradient of the loss into GRAD [R, m16] (gradientPtr), no update. */
export const CMD_GRADIENT: i32 = 3;

/** f64 fields per row in the statistics array: smooth loss, benefit², |w| sum, nonzeros, interference². */
export const ROW_STATS: i32 = 5;

/** Optimizer ids, as in src/core/optimizers.ts. */
export const OPT_SGD: i32 = 0;
export const OPT_PROX_SGD: i32 = 1;
export const OPT_ADAM: i32 = 2;
export const OPT_ADAMW: i32 = 3;

/** Hidden maps of the batched path, as named in src/core/model.ts HIDDEN_LAYERS. */
export const HIDDEN_LINEAR: i32 = 0;
export const HIDDEN_RELU: i32 = 1;
export const HIDDEN_LAYERNORM: i32 = 2;

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
