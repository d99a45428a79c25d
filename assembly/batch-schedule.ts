/**
 * The batched path's layout and one command split over threads (SCIENCE.md §8; kernels in
 * batch.ts). Instances go one after another; the threads share each one, with a barrier
 * between phases:
 *   A  rows i: W (and Wdec) packed by panels; columns k: Wdecᵀ packed by panels; rows b: X lists
 *      and Xᵀ │ rows b: Z = X W, H = φ(Z), Σ|H|, H̃ = H + ξ and its lists
 *   B  rows b: O = H̃ Wdecᵀ; G, the loss and Gᵀ; Q = G Wdec + λ sign(H); dZ = φ′ ⊙ Q
 *   C  rows r of the gradient (R = n tied, 2n untied: encoder rows, then decoder rows):
 *      column lists of Gᵀ and Xᵀ, ∇ panel by panel, each panel fused into the optimizer update
 * With forces, B and C first run three times on the noiseless forward pass, once per part
 * of the loss (benefit terms, interference terms, L1), accumulating ‖∇_part‖² per row.
 * Which thread handles a row never changes how its entries are summed: any thread count gives
 * the same bits.
 */
import {
  ACC_OFF, BATCH, BENEFIT, BSTATS_PTR, CC_PTR, CL_PTR, CMD, CMD_EVALUATE, CMD_GRADIENT, CMD_STEP, DP_PTR, FORCES_PTR, FSQ_PTR, GC_PTR, GL_PTR,
  GRAD_PTR, GT_PTR, H_BASE, HA_PTR, HAS_NOISE, HC_PTR, HIDDEN, HL_PTR, HN_PTR, INSTANCES, INTERFERENCE, INV_PTR, LAMBDA, LOSS_PTR, M, M4,
  M16, MAX_THREADS, MODE, N, N4, N16, NOISE_PTR, O_PTR, OPTIMIZER, Q_PTR, RACC_PTR, ROW_STATS, ROWS, RSTATS_PTR, S1_PTR, S1D_PTR, S2_PTR,
  S2D_PTR, THREADS, UNTIED, W_PTR, WD_PTR, WITH_FORCES, WT_PTR, X_PTR, XC_PTR, XL_PTR, XT_PTR, ctlF64, ctlI32, ctlPtr, CTL_BYTES, PE_PTR, PD_PTR, GRAM, C_PTR, WL_PTR, WLC_PTR, XO_PTR, XOC_PTR, HIDDEN_LINEAR,
} from './control';
import { LIST_RECORD_BYTES, addNoiseRow, backwardRow, compactRow, hiddenRow, listPanel, outputRow, packRows, transposePanels } from './batch';
import { updatePanel } from './optimizer';
import { barrier } from './sync';

/** LayerNorm's ε (src/core/model.ts LAYERNORM_EPS). */
export const LAYERNORM_EPS: f64 = 1e-5;

/**
 * Bytes between rows of H, H̃ and Q: m16 floats and 64 bytes more, so that rows are never a
 * multiple of 4 KiB apart (a panel walks one 64-byte piece of every row; rows 4 KiB apart
 * would all fall into the same few cache sets).
 */
// @ts-ignore: decorator
@inline function hiddenRowBytes(m16: i32): usize {
  return ((m16 as usize) << 2) + 64;
}

/** Bytes between the rows of Gᵀ and Xᵀ [n][B]: B floats and 64 bytes more (the same reason). */
// @ts-ignore: decorator
@inline function columnRowBytes(B: i32): usize {
  return ((B as usize) << 2) + 64;
}

/** Records an address at `field` if it fits in 32 bits; returns the next 64-byte-aligned one. */
function put(ctl: usize, field: usize, at: f64, bytes: f64): f64 {
  store<u32>(ctl + field, at < 4294967296.0 ? (at as u32) : 0);
  return Math.ceil((at + bytes) / 64) * 64 + 64; // + 64: panels may read up to 60 bytes past a row
}

/**
 * Lays out a batched session after the control block at `ctl`; returns the end address (f64,
 * so a layout past 4 GiB is reported instead of wrapping). Weights [instances, n, m] (and the
 * decoder likewise when untied); each optimizer state slot [instances, m16/16, n, 16].
 */
export function configureBatch(ctl: usize, instances: i32, n: i32, m: i32, batch: i32, hidden: i32, untied: bool, benefit: bool, interference: bool, optimizer: i32, stateSlots: i32, maxThreads: i32): f64 {
  const n16 = (n + 15) & ~15, m16 = (m + 15) & ~15, rows = untied ? 2 * n : n;
  store<i32>(ctl + MODE, 1);
  store<i32>(ctl + INSTANCES, instances);
  store<i32>(ctl + N, n);
  store<i32>(ctl + M, m);
  store<i32>(ctl + N4, (n + 3) & ~3);
  store<i32>(ctl + M4, (m + 3) & ~3);
  store<i32>(ctl + M16, m16);
  store<i32>(ctl + N16, n16);
  store<i32>(ctl + ROWS, rows);
  store<i32>(ctl + BATCH, batch);
  store<i32>(ctl + HIDDEN, hidden);
  store<i32>(ctl + UNTIED, untied ? 1 : 0);
  store<i32>(ctl + BENEFIT, benefit ? 1 : 0);
  store<i32>(ctl + INTERFERENCE, interference ? 1 : 0);
  store<i32>(ctl + OPTIMIZER, optimizer);
  store<i32>(ctl + MAX_THREADS, maxThreads);
  store<i32>(ctl + THREADS, 1);
  store<i32>(ctl + HAS_NOISE, 0);
  const I = instances as f64, N_ = n as f64, M_ = m as f64, B = batch as f64, R = rows as f64;
  const weights = I * N_ * M_ * 4, state = I * N_ * (m16 as f64) * 4;
  let p: f64 = (ctl + CTL_BYTES) as f64;
  p = put(ctl, W_PTR, p, weights);
  p = put(ctl, WD_PTR, p, untied ? weights : 0);
  p = put(ctl, S1_PTR, p, stateSlots >= 1 ? state : 0);
  p = put(ctl, S2_PTR, p, stateSlots >= 2 ? state : 0);
  p = put(ctl, S1D_PTR, p, untied && stateSlots >= 1 ? state : 0);
  p = put(ctl, S2D_PTR, p, untied && stateSlots >= 2 ? state : 0);
  p = put(ctl, X_PTR, p, I * B * N_ * 4);
  p = put(ctl, NOISE_PTR, p, I * (m16 as f64) * 4);
  p = put(ctl, LOSS_PTR, p, I * 8);
  p = put(ctl, FORCES_PTR, p, I * 24);
  p = put(ctl, BSTATS_PTR, p, I * B * 16);
  p = put(ctl, FSQ_PTR, p, I * 3 * R * 8);
  p = put(ctl, RSTATS_PTR, p, R * (ROW_STATS as f64) * 8);
  p = put(ctl, RACC_PTR, p, R * 16);
  p = put(ctl, WT_PTR, p, M_ * (n16 as f64) * 4);
  p = put(ctl, PE_PTR, p, N_ * (m16 as f64) * 4);
  if (untied) p = put(ctl, PD_PTR, p, N_ * (m16 as f64) * 4);
  else store<u32>(ctl + PD_PTR, load<u32>(ctl + PE_PTR));
  const hBytes = (B * (hiddenRowBytes(m16) as f64));
  p = put(ctl, XL_PTR, p, B * N_ * 8);
  p = put(ctl, XC_PTR, p, B * 4);
  p = put(ctl, HA_PTR, p, hBytes);
  p = put(ctl, HN_PTR, p, hBytes);
  p = put(ctl, HL_PTR, p, B * M_ * 8);
  p = put(ctl, HC_PTR, p, B * 4);
  p = put(ctl, O_PTR, p, B * (n16 as f64) * 4);
  p = put(ctl, GL_PTR, p, B * N_ * 8);
  p = put(ctl, GC_PTR, p, B * 4);
  p = put(ctl, Q_PTR, p, hBytes);
  p = put(ctl, GT_PTR, p, N_ * (columnRowBytes(batch) as f64));
  p = put(ctl, XT_PTR, p, N_ * (columnRowBytes(batch) as f64));
  p = put(ctl, CL_PTR, p, R * 2 * B * 8);
  p = put(ctl, CC_PTR, p, R * 4);
  p = put(ctl, INV_PTR, p, B * 8);
  p = put(ctl, DP_PTR, p, R * 64);
  p = put(ctl, GRAD_PTR, p, R * (m16 as f64) * 4);
  // O through C = W Wdecᵀ costs n·m·n16 + B·nnz(X_b)·n16 instead of B·nnz(H_b)·n16: for a
  // linear hidden layer (H dense) whenever n (m + B) < B m, whatever the data (X dense at worst)
  const gram = hidden == HIDDEN_LINEAR && N_ * (M_ + B) < B * M_;
  store<i32>(ctl + GRAM, gram ? 1 : 0);
  if (gram) {
    p = put(ctl, C_PTR, p, (N_ + 1) * (n16 as f64) * 4);
    p = put(ctl, WL_PTR, p, (N_ + 1) * M_ * 8);
    p = put(ctl, WLC_PTR, p, (N_ + 1) * 4);
    p = put(ctl, XO_PTR, p, B * (N_ + 1) * 8);
    p = put(ctl, XOC_PTR, p, B * 4);
  }
  return p;
}

/** [lo, hi) of `count` items split evenly over `parts`. */
// @ts-ignore: decorator
@inline function evenLo(count: i32, part: i32, parts: i32): i32 {
  return ((count as i64) * part / parts) as i32;
}

/** Thread t's share of the current batched command, among `threads`. */
export function shareBatch(ctl: usize, t: i32, threads: i32): void {
  const instances = ctlI32(ctl, INSTANCES);
  for (let inst = 0; inst < instances; inst++) batchInstance(ctl, inst, t, threads);
}

/** Where phase C sends the gradient. */
const TO_UPDATE: i32 = 0, TO_GRADIENT: i32 = 1, TO_FORCES: i32 = 2;

function batchInstance(ctl: usize, inst: i32, t: i32, parts: i32): void {
  const cmd = ctlI32(ctl, CMD);
  const forces = ctlI32(ctl, WITH_FORCES) != 0;
  const noise = ctlI32(ctl, HAS_NOISE) != 0;
  const B = ctlI32(ctl, BATCH);
  const b0 = evenLo(B, t, parts), b1 = evenLo(B, t + 1, parts);
  const lambda = ctlF64(ctl, LAMBDA) as f32;
  const benefit = ctlI32(ctl, BENEFIT) != 0, interference = ctlI32(ctl, INTERFERENCE) != 0;
  barrier(ctl, parts); // the previous instance is finished with the shared scratch
  if (forces) {
    forward(ctl, inst, t, parts, false);
    barrier(ctl, parts);
    outputs(ctl, inst, b0, b1);
    for (let part = 0; part < 3; part++) {
      errors(ctl, inst, b0, b1, part == 0, part == 1, part == 2 ? lambda : 0, false, true);
      barrier(ctl, parts);
      gradient(ctl, inst, t, parts, TO_FORCES, part);
      barrier(ctl, parts);
    }
    if (noise) {
      forward(ctl, inst, t, parts, true);
      barrier(ctl, parts);
      outputs(ctl, inst, b0, b1);
    }
  } else {
    forward(ctl, inst, t, parts, noise);
    barrier(ctl, parts);
    outputs(ctl, inst, b0, b1);
  }
  const backward = cmd == CMD_STEP || cmd == CMD_GRADIENT;
  errors(ctl, inst, b0, b1, benefit, interference, lambda, true, backward);
  if (!backward) return;
  barrier(ctl, parts);
  gradient(ctl, inst, t, parts, cmd == CMD_STEP ? TO_UPDATE : TO_GRADIENT, 0);
}

/** Phase A: rows [b0, b1) of X lists, Xᵀ, H = φ(X W), Σ|H|, H̃ and its lists; this thread's columns of Wdecᵀ. */
function forward(ctl: usize, inst: i32, t: i32, parts: i32, noise: bool): void {
  const n = ctlI32(ctl, N), m = ctlI32(ctl, M), m16 = ctlI32(ctl, M16), n16 = ctlI32(ctl, N16), B = ctlI32(ctl, BATCH);
  const b0 = evenLo(B, t, parts), b1 = evenLo(B, t + 1, parts);
  const size = (n as usize) * (m as usize) << 2;
  const W = ctlPtr(ctl, W_PTR) + (inst as usize) * size;
  const Wdec = ctlI32(ctl, UNTIED) != 0 ? ctlPtr(ctl, WD_PTR) + (inst as usize) * size : W;
  const X = ctlPtr(ctl, X_PTR) + (inst as usize) * (B as usize) * ((n as usize) << 2);
  const XL = ctlPtr(ctl, XL_PTR), XC = ctlPtr(ctl, XC_PTR), XT = ctlPtr(ctl, XT_PTR);
  const H = ctlPtr(ctl, HA_PTR), HN = noise ? ctlPtr(ctl, HN_PTR) : H, HL = ctlPtr(ctl, HL_PTR), HC = ctlPtr(ctl, HC_PTR);
  const Wt = ctlPtr(ctl, WT_PTR), inv = ctlPtr(ctl, INV_PTR), PE = ctlPtr(ctl, PE_PTR), PD = ctlPtr(ctl, PD_PTR);
  const bstats = ctlPtr(ctl, BSTATS_PTR) + ((inst as usize) * (B as usize) << 4);
  const xi = ctlPtr(ctl, NOISE_PTR) + (inst as usize) * ((m16 as usize) << 2);
  const hidden = ctlI32(ctl, HIDDEN);
  const hRow = hiddenRowBytes(m16), xRow = (n as usize) << 2;
  const i0 = evenLo(n, t, parts), i1 = evenLo(n, t + 1, parts);
  transposePanels(Wdec, n, m, n16, Wt, evenLo(m, t, parts), evenLo(m, t + 1, parts));
  packRows(W, n, m, m16, PE, i0, i1);
  if (PD != PE) packRows(Wdec, n, m, m16, PD, i0, i1);
  for (let b = b0; b < b1; b++) {
    const x = X + (b as usize) * xRow;
    const q = XL + (b as usize) * (n as usize) * LIST_RECORD_BYTES;
    store<i32>(XC + ((b as usize) << 2), ((compactRow(x, n, PE as u32, 64, q) - q) / LIST_RECORD_BYTES) as i32);
    const xt = XT + ((b as usize) << 2), stride = columnRowBytes(B);
    for (let i = 0; i < n; i++) store<f32>(xt + (i as usize) * stride, load<f32>(x + ((i as usize) << 2)));
  }
  barrier(ctl, parts); // every row of the packed weights is written before any panel reads it
  for (let c = 0; c < m16; c += 16) listPanel(XL, (n as usize) * LIST_RECORD_BYTES, XC, b0, b1, (c as usize) * (n as usize) << 2, H + ((c as usize) << 2), hRow);
  for (let b = b0; b < b1; b++) {
    const h = H + (b as usize) * hRow;
    store<f64>(bstats + ((b as usize) << 4), hiddenRow(h, m, m16, hidden, LAYERNORM_EPS, inv + ((b as usize) << 3)), 8);
    if (noise) addNoiseRow(h, xi, m, m16, HN + (b as usize) * hRow);
  }
  if (ctlI32(ctl, GRAM) != 0) {
    gramRows(ctl, W, xi, noise, n, m, n16, i0, t == parts - 1 ? n + 1 : i1);
    const C = ctlPtr(ctl, C_PTR), XO = ctlPtr(ctl, XO_PTR), XOC = ctlPtr(ctl, XOC_PTR);
    const stride = ((n + 1) as usize) * LIST_RECORD_BYTES;
    for (let b = b0; b < b1; b++) {
      const q = XO + (b as usize) * stride;
      let end = compactRow(X + (b as usize) * xRow, n, C as u32, 64, q);
      if (noise) {
        store<u32>(end, (C as u32) + ((n as u32) << 6));
        store<f32>(end, 1, 4);
        end += LIST_RECORD_BYTES;
      }
      store<i32>(XOC + ((b as usize) << 2), ((end - q) / LIST_RECORD_BYTES) as i32);
    }
    return; // O comes from C: no lists of H̃
  }
  // the lists hold addresses into Wdecᵀ only: they are read after the barrier that ends this phase
  for (let b = b0; b < b1; b++) {
    const q = HL + (b as usize) * (m as usize) * LIST_RECORD_BYTES;
    store<i32>(HC + ((b as usize) << 2), ((compactRow(HN + (b as usize) * hRow, m, Wt as u32, 64, q) - q) / LIST_RECORD_BYTES) as i32);
  }
}

/**
 * Rows [r0, r1) of C = [W Wdecᵀ; ξ Wdecᵀ] [(n+1), n16], packed by panels [n16/16][n+1][16]
 * (row n: ξ Wdecᵀ, zero without noise), from Wdecᵀ (complete: called after a barrier).
 */
function gramRows(ctl: usize, W: usize, xi: usize, noise: bool, n: i32, m: i32, n16: i32, r0: i32, r1: i32): void {
  const Wt = ctlPtr(ctl, WT_PTR), C = ctlPtr(ctl, C_PTR), WL = ctlPtr(ctl, WL_PTR), WLC = ctlPtr(ctl, WLC_PTR);
  const stride = (m as usize) * LIST_RECORD_BYTES;
  for (let r = r0; r < r1; r++) {
    const q = WL + (r as usize) * stride;
    const src = r < n ? W + (((r as usize) * (m as usize)) << 2) : xi;
    const end = r < n || noise ? compactRow(src, m, Wt as u32, 64, q) : q;
    store<i32>(WLC + ((r as usize) << 2), ((end - q) / LIST_RECORD_BYTES) as i32);
  }
  const panel = ((n + 1) as usize) << 6;
  for (let c = 0; c < n16; c += 16) listPanel(WL, stride, WLC, r0, r1, (c as usize) * (m as usize) << 2, C + ((c >> 4) as usize) * panel, 64);
}

/** Phase B, first half: O = H̃ Wdecᵀ for rows [b0, b1) (through C when GRAM). */
function outputs(ctl: usize, inst: i32, b0: i32, b1: i32): void {
  const m = ctlI32(ctl, M), n16 = ctlI32(ctl, N16), n = ctlI32(ctl, N);
  if (ctlI32(ctl, GRAM) != 0) {
    const XO = ctlPtr(ctl, XO_PTR), XOC = ctlPtr(ctl, XOC_PTR), O = ctlPtr(ctl, O_PTR);
    const stride = ((n + 1) as usize) * LIST_RECORD_BYTES;
    for (let c = 0; c < n16; c += 16) listPanel(XO, stride, XOC, b0, b1, (c as usize) * ((n + 1) as usize) << 2, O + ((c as usize) << 2), (n16 as usize) << 2);
    return;
  }
  const HL = ctlPtr(ctl, HL_PTR), HC = ctlPtr(ctl, HC_PTR), O = ctlPtr(ctl, O_PTR);
  for (let c = 0; c < n16; c += 16) listPanel(HL, (m as usize) * LIST_RECORD_BYTES, HC, b0, b1, (c as usize) * (m as usize) << 2, O + ((c as usize) << 2), (n16 as usize) << 2);
}

/**
 * Phase B, second half, rows [b0, b1): G for the terms kept (and the reconstruction loss into
 * the row statistics when `withLoss`), Gᵀ and G's lists; with `backward`, Q = G Wdec and dZ.
 */
function errors(ctl: usize, inst: i32, b0: i32, b1: i32, benefit: bool, interference: bool, lambda: f32, withLoss: bool, backward: bool): void {
  const n = ctlI32(ctl, N), m = ctlI32(ctl, M), m16 = ctlI32(ctl, M16), n16 = ctlI32(ctl, N16), B = ctlI32(ctl, BATCH);
  const X = ctlPtr(ctl, X_PTR) + (inst as usize) * (B as usize) * ((n as usize) << 2);
  const O = ctlPtr(ctl, O_PTR), GL = ctlPtr(ctl, GL_PTR), GC = ctlPtr(ctl, GC_PTR), GT = ctlPtr(ctl, GT_PTR);
  const Q = ctlPtr(ctl, Q_PTR), H = ctlPtr(ctl, HA_PTR), inv = ctlPtr(ctl, INV_PTR), PD = ctlPtr(ctl, PD_PTR);
  const bstats = ctlPtr(ctl, BSTATS_PTR) + ((inst as usize) * (B as usize) << 4);
  const hRow = hiddenRowBytes(m16);
  for (let b = b0; b < b1; b++) {
    const loss = outputRow(O + (b as usize) * ((n16 as usize) << 2), X + (b as usize) * ((n as usize) << 2), n, benefit, interference,
      GT + ((b as usize) << 2), columnRowBytes(B), PD as u32, 64, GL + (b as usize) * (n as usize) * LIST_RECORD_BYTES, GC + ((b as usize) << 2));
    if (withLoss) store<f64>(bstats + ((b as usize) << 4), loss);
  }
  if (!backward) return;
  for (let c = 0; c < m16; c += 16) listPanel(GL, (n as usize) * LIST_RECORD_BYTES, GC, b0, b1, (c as usize) * (n as usize) << 2, Q + ((c as usize) << 2), hRow);
  const hidden = ctlI32(ctl, HIDDEN);
  for (let b = b0; b < b1; b++) {
    backwardRow(Q + (b as usize) * hRow, H + (b as usize) * hRow, m, m16, hidden, lambda, load<f64>(inv + ((b as usize) << 3)));
  }
}

/**
 * Phase C, this thread's rows of the gradient: column lists (tied row i: Gᵀ_i over H̃, then Xᵀ_i
 * over dZ; untied: encoder rows Xᵀ only, decoder rows Gᵀ only), then panel by panel either the
 * fused optimizer update, the gradient stored whole, or ‖∇‖² per row for force `part`.
 */
function gradient(ctl: usize, inst: i32, t: i32, parts: i32, to: i32, part: i32): void {
  const n = ctlI32(ctl, N), m = ctlI32(ctl, M), m16 = ctlI32(ctl, M16), B = ctlI32(ctl, BATCH), R = ctlI32(ctl, ROWS);
  const untied = ctlI32(ctl, UNTIED) != 0;
  const r0 = evenLo(R, t, parts), r1 = evenLo(R, t + 1, parts);
  const CL = ctlPtr(ctl, CL_PTR), CC = ctlPtr(ctl, CC_PTR), GT = ctlPtr(ctl, GT_PTR), XT = ctlPtr(ctl, XT_PTR);
  const HN = ctlI32(ctl, HAS_NOISE) != 0 && to != TO_FORCES ? ctlPtr(ctl, HN_PTR) : ctlPtr(ctl, HA_PTR);
  const Q = ctlPtr(ctl, Q_PTR);
  const listStride = (2 * B as usize) * LIST_RECORD_BYTES;
  const hRow = hiddenRowBytes(m16) as u32;
  for (let r = r0; r < r1; r++) {
    const start = CL + (r as usize) * listStride;
    let q = start;
    const i = r < n ? r : r - n;
    if (!untied || r >= n) q = compactRow(GT + (i as usize) * columnRowBytes(B), B, HN as u32, hRow, q);
    if (!untied || r < n) q = compactRow(XT + (i as usize) * columnRowBytes(B), B, Q as u32, hRow, q);
    store<i32>(CC + ((r as usize) << 2), ((q - start) / LIST_RECORD_BYTES) as i32);
  }
  const DP = ctlPtr(ctl, DP_PTR);
  if (to == TO_GRADIENT) {
    const grad = ctlPtr(ctl, GRAD_PTR);
    for (let c = 0; c < m16; c += 16) listPanel(CL, listStride, CC, r0, r1, (c as usize) << 2, grad + ((c as usize) << 2), (m16 as usize) << 2);
    return;
  }
  if (to == TO_FORCES) {
    const fsq = ctlPtr(ctl, FSQ_PTR) + (((inst * 3 + part) as usize) * (R as usize) << 3);
    for (let r = r0; r < r1; r++) store<f64>(fsq + ((r as usize) << 3), 0);
    for (let c = 0; c < m16; c += 16) {
      listPanel(CL, listStride, CC, r0, r1, 0 + ((c as usize) << 2), DP, 64);
      const width = min(16, m - c);
      for (let r = r0; r < r1; r++) {
        let s = load<f64>(fsq + ((r as usize) << 3));
        for (let k = 0; k < width; k++) {
          const d = load<f32>(DP + ((r as usize) << 6) + ((k as usize) << 2)) as f64;
          s += d * d;
        }
        store<f64>(fsq + ((r as usize) << 3), s);
      }
    }
    return;
  }
  // the update: encoder rows [r0, e1) of W, decoder rows [d0, r1) of Wdec addressed as rows n .. 2n
  const size = (n as usize) * (m as usize) << 2;
  const stateBytes = (n as usize) * (m16 as usize) << 2;
  const W = ctlPtr(ctl, W_PTR) + (inst as usize) * size;
  const S1 = ctlPtr(ctl, S1_PTR) + (inst as usize) * stateBytes, S2 = ctlPtr(ctl, S2_PTR) + (inst as usize) * stateBytes;
  const shift = (n as usize) * (m as usize) << 2, stateShift = (n as usize) << 6;
  const Wd = untied ? ctlPtr(ctl, WD_PTR) + (inst as usize) * size - shift : 0;
  const S1d = untied ? ctlPtr(ctl, S1D_PTR) + (inst as usize) * stateBytes - stateShift : 0;
  const S2d = untied ? ctlPtr(ctl, S2D_PTR) + (inst as usize) * stateBytes - stateShift : 0;
  const e1 = min(r1, n), d0 = max(r0, n);
  const opt = ctlI32(ctl, OPTIMIZER), h = ctl + H_BASE;
  const acc = ctlPtr(ctl, RACC_PTR), rstats = ctlPtr(ctl, RSTATS_PTR);
  const panelState = (n as usize) << 6;
  for (let c = 0; c < m16; c += 16) {
    listPanel(CL, listStride, CC, r0, r1, (c as usize) << 2, DP, 64);
    const s = ((c >> 4) as usize) * panelState;
    if (r0 < e1) updatePanel(opt, h, W, m, c, DP, 64, S1 + s, S2 + s, r0, e1, acc, rstats);
    if (d0 < r1) updatePanel(opt, h, Wd, m, c, DP, 64, S1d + s, S2d + s, d0, r1, acc, rstats);
  }
}

/** Per instance: loss = Σ_b reconstruction_b + λ Σ_b Σ|H_b|, and the force norms, summed in row order. */
export function finalizeBatch(ctl: usize): void {
  const instances = ctlI32(ctl, INSTANCES), B = ctlI32(ctl, BATCH), R = ctlI32(ctl, ROWS);
  const lambda = ctlF64(ctl, LAMBDA);
  const loss = ctlPtr(ctl, LOSS_PTR), forces = ctlPtr(ctl, FORCES_PTR);
  const withForces = ctlI32(ctl, WITH_FORCES) != 0;
  for (let inst = 0; inst < instances; inst++) {
    let recon: f64 = 0, l1: f64 = 0;
    let st = ctlPtr(ctl, BSTATS_PTR) + ((inst as usize) * (B as usize) << 4);
    for (let b = 0; b < B; b++) {
      recon += load<f64>(st);
      l1 += load<f64>(st, 8);
      st += 16;
    }
    store<f64>(loss + ((inst as usize) << 3), recon + lambda * l1);
    if (!withForces) continue;
    for (let part = 0; part < 3; part++) {
      const fsq = ctlPtr(ctl, FSQ_PTR) + (((inst * 3 + part) as usize) * (R as usize) << 3);
      let s: f64 = 0;
      for (let r = 0; r < R; r++) s += load<f64>(fsq + ((r as usize) << 3));
      store<f64>(forces + ((inst as usize) * 24) + ((part as usize) << 3), Math.sqrt(s));
    }
  }
}
