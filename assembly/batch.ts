/**
 * Kernels of the general model's batched path (SCIENCE.md §8), float32 with 128-bit SIMD.
 * Every product of a step is one shape: a row of the output, 16 columns at a time, is a sum
 * over a list of records { u32 address of an input row, f32 coefficient },
 *   out[r][c .. c+16] = Σ_{records (a, v) of row r, in list order} v · f32x4x4 at (a + 4c),
 * so the zeros of X (sparse Bernoulli rows), of H (ReLU) and of G (outputs with O ≤ 0) are
 * never visited:
 *   Z = X W        rows b, records (row i of packed W, X_bi) for X_bi ≠ 0
 *   O = H̃ Wdecᵀ    rows b, records (row k of packed Wdecᵀ, H̃_bk) for H̃_bk ≠ 0
 *   Q = G Wdec     rows b, records (row i of packed Wdec, G_bi) for G_bi ≠ 0
 *   ∇ = Gᵀ H̃ + Xᵀ dZ   rows i, records (H̃_b, G_bi) then (dZ_b, X_bi), b increasing
 * Weights are packed by panels ([panels][rows][16], packRows, transposePanels), so a record
 * holds the address of its row in panel 0 and each panel adds its own offset; H̃ and dZ stay
 * row-major (offset 4c). Each entry is summed in list order by one thread, so bits never
 * depend on the thread count.
 */
import { HIDDEN_LAYERNORM, HIDDEN_RELU } from './control';

/** Bytes of one list record { u32 address, f32 value }. */
export const LIST_RECORD_BYTES: usize = 8;

/**
 * Appends a record (base + j·stride, v_j) for each nonzero v_j of the float32 row src[0 .. count),
 * in increasing j; returns the new end. Writes never pass q + count records (a vector block
 * stores two records per half, both inside the block's share).
 */
export function compactRow(src: usize, count: i32, base: u32, stride: u32, q: usize): usize {
  let offsets = i32x4(base, base + stride, base + 2 * stride, base + 3 * stride);
  const step = i32x4.splat((4 * stride) as i32);
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const v = v128.load(src + ((j as usize) << 2));
    const mask = i32x4.bitmask(f32x4.ne(v, zero));
    if (mask != 0) {
      const low = v128.shuffle<i32>(offsets, v, 0, 4, 1, 5);
      const high = v128.shuffle<i32>(offsets, v, 2, 6, 3, 7);
      const maskLow = mask & 3, maskHigh = mask >> 2;
      v128.store(q, v128.bitselect(v128.shuffle<i64>(low, low, 1, 1), low, i32x4.splat(maskLow == 2 ? -1 : 0)));
      q += (popcnt<i32>(maskLow) as usize) * LIST_RECORD_BYTES;
      v128.store(q, v128.bitselect(v128.shuffle<i64>(high, high, 1, 1), high, i32x4.splat(maskHigh == 2 ? -1 : 0)));
      q += (popcnt<i32>(maskHigh) as usize) * LIST_RECORD_BYTES;
    }
    offsets = i32x4.add(offsets, step);
  }
  for (; j < count; j++) {
    const v = load<f32>(src + ((j as usize) << 2));
    if (v != 0) {
      store<u32>(q, base + (j as u32) * stride);
      store<f32>(q, v, 4);
      q += LIST_RECORD_BYTES;
    }
  }
  return q;
}

/**
 * Rows [r0, r1) of one 16-column panel: out + r·outStride ← Σ records of list r (at
 * lists + r·listStride, counts[r] records), each reading 16 floats at its address + off.
 */
export function listPanel(lists: usize, listStride: usize, counts: usize, r0: i32, r1: i32, off: usize, out: usize, outStride: usize): void {
  for (let r = r0; r < r1; r++) {
    listRow(lists + (r as usize) * listStride, load<i32>(counts + ((r as usize) << 2)), off, out + (r as usize) * outStride);
  }
}

/** One row, 16 columns, two records per iteration into the same four accumulators (list order kept). */
// @ts-ignore: decorator
@inline function listRow(q: usize, count: i32, off: usize, d: usize): void {
  const end = q + (count as usize) * LIST_RECORD_BYTES;
  const pairs = q + ((count & ~1) as usize) * LIST_RECORD_BYTES;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  while (q < pairs) {
    let p = (load<u32>(q) as usize) + off;
    let s = v128.load32_splat(q, 4);
    a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
    p = (load<u32>(q, LIST_RECORD_BYTES) as usize) + off;
    s = v128.load32_splat(q, LIST_RECORD_BYTES + 4);
    a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
    q += 2 * LIST_RECORD_BYTES;
  }
  if (q < end) {
    const p = (load<u32>(q) as usize) + off;
    const s = v128.load32_splat(q, 4);
    a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
  }
  v128.store(d, a0);
  v128.store(d, a1, 16);
  v128.store(d, a2, 32);
  v128.store(d, a3, 48);
}

/**
 * H = φ(Z) in place on one row of m values (row padded to m16 with zeros afterwards);
 * returns Σ|H| in float64. LayerNorm (no affine): mean and variance over the m neurons in
 * float64, H = (Z − μ)/√(var + eps), and 1/√(var + eps) stored at inv (float64).
 */
export function hiddenRow(z: usize, m: i32, m16: i32, hidden: i32, eps: f64, inv: usize): f64 {
  if (hidden == HIDDEN_RELU) {
    const zero = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= m; k += 4) v128.store(z + ((k as usize) << 2), f32x4.max(v128.load(z + ((k as usize) << 2)), zero));
    for (; k < m; k++) {
      const v = load<f32>(z + ((k as usize) << 2));
      store<f32>(z + ((k as usize) << 2), v > 0 ? v : 0);
    }
  } else if (hidden == HIDDEN_LAYERNORM) {
    let mu: f64 = 0;
    for (let k = 0; k < m; k++) mu += load<f32>(z + ((k as usize) << 2)) as f64;
    mu /= m as f64;
    let v: f64 = 0;
    for (let k = 0; k < m; k++) {
      const d = (load<f32>(z + ((k as usize) << 2)) as f64) - mu;
      v += d * d;
    }
    const s = 1 / Math.sqrt(v / (m as f64) + eps);
    store<f64>(inv, s);
    for (let k = 0; k < m; k++) {
      const a = z + ((k as usize) << 2);
      store<f32>(a, (((load<f32>(a) as f64) - mu) * s) as f32);
    }
  }
  for (let k = m; k < m16; k++) store<f32>(z + ((k as usize) << 2), 0);
  let l1: f64 = 0;
  for (let k = 0; k < m; k++) l1 += Math.abs(load<f32>(z + ((k as usize) << 2)) as f64);
  return l1;
}

/** dst = h + ξ over m values (pads to m16 zero). */
export function addNoiseRow(h: usize, xi: usize, m: i32, m16: i32, dst: usize): void {
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const o = (k as usize) << 2;
    v128.store(dst + o, f32x4.add(v128.load(h + o), v128.load(xi + o)));
  }
  for (; k < m16; k++) {
    const o = (k as usize) << 2;
    store<f32>(dst + o, k < m ? load<f32>(h + o) + load<f32>(xi + o) : 0);
  }
}

/**
 * One row's outputs: from O_b [n] and X_b [n], the loss terms kept by the switches
 * (target X_bi ≠ 0: `benefit`; target 0: `interference`), G_bi = 2 (ReLU(O_bi) − X_bi) where
 * kept and O_bi > 0, else 0, written to gt + i·gtStride (Gᵀ); records (wdec + i·rowBytes, G_bi)
 * appended at q for G_bi ≠ 0. Returns the reconstruction loss (float64); the record count is
 * stored at count.
 */
export function outputRow(o: usize, x: usize, n: i32, benefit: bool, interference: bool, gt: usize, gtStride: usize, wdec: u32, rowBytes: u32, q: usize, count: usize): f64 {
  let loss: f64 = 0;
  const start = q;
  for (let i = 0; i < n; i++) {
    const ov = load<f32>(o + ((i as usize) << 2));
    const xv = load<f32>(x + ((i as usize) << 2));
    const kept = xv != 0 ? benefit : interference;
    const e: f32 = (ov > 0 ? ov : 0) - xv;
    let g: f32 = 0;
    if (kept) {
      loss += (e as f64) * (e as f64);
      if (ov > 0) g = 2 * e;
    }
    store<f32>(gt + (i as usize) * gtStride, g);
    if (g != 0) {
      store<u32>(q, wdec + (i as u32) * rowBytes);
      store<f32>(q, g, 4);
      q += LIST_RECORD_BYTES;
    }
  }
  store<i32>(count, ((q - start) / LIST_RECORD_BYTES) as i32);
  return loss;
}

/**
 * dZ = φ′ ⊙ (Q + λ sign(H)) in place of Q for one row (m values, pads zeroed): ReLU keeps the
 * entries with H > 0 (H = ReLU(Z), so exactly Z > 0); LayerNorm applies its Jacobian,
 * (Q − mean(Q) − Ĥ·mean(Q ⊙ Ĥ))·inv with Ĥ = H and the means in float64.
 */
export function backwardRow(q: usize, h: usize, m: i32, m16: i32, hidden: i32, lambda: f32, inv: f64): void {
  if (lambda != 0) {
    for (let k = 0; k < m; k++) {
      const a = q + ((k as usize) << 2);
      const hv = load<f32>(h + ((k as usize) << 2));
      store<f32>(a, load<f32>(a) + (hv > 0 ? lambda : hv < 0 ? -lambda : 0));
    }
  }
  if (hidden == HIDDEN_RELU) {
    for (let k = 0; k < m; k++) {
      if (!(load<f32>(h + ((k as usize) << 2)) > 0)) store<f32>(q + ((k as usize) << 2), 0);
    }
  } else if (hidden == HIDDEN_LAYERNORM) {
    let mq: f64 = 0, mqh: f64 = 0;
    for (let k = 0; k < m; k++) {
      const qv = load<f32>(q + ((k as usize) << 2)) as f64;
      mq += qv;
      mqh += qv * (load<f32>(h + ((k as usize) << 2)) as f64);
    }
    mq /= m as f64;
    mqh /= m as f64;
    for (let k = 0; k < m; k++) {
      const a = q + ((k as usize) << 2);
      store<f32>(a, (((load<f32>(a) as f64) - mq - (load<f32>(h + ((k as usize) << 2)) as f64) * mqh) * inv) as f32);
    }
  }
  for (let k = m; k < m16; k++) store<f32>(q + ((k as usize) << 2), 0);
}

/**
 * Wdecᵀ packed by 16-column panels, Wt [n16/16][m][16], for the columns k in [k0, k1) of
 * W [n, m] (entries i ≥ n zero): panel P of row k holds W[16P .. 16P+16][k], so a panel of
 * O = H̃ Wdecᵀ reads one contiguous block.
 */
export function transposePanels(W: usize, n: i32, m: i32, n16: i32, Wt: usize, k0: i32, k1: i32): void {
  const panelBytes = (m as usize) << 6;
  for (let k = k0; k < k1; k++) {
    const src = W + ((k as usize) << 2);
    const dst = Wt + ((k as usize) << 6);
    for (let i = 0; i < n16; i++) {
      const v: f32 = i < n ? load<f32>(src + (((i as usize) * (m as usize)) << 2)) : 0;
      store<f32>(dst + ((i >> 4) as usize) * panelBytes + (((i & 15) as usize) << 2), v);
    }
  }
}

/**
 * W [n, m] packed by 16-column panels, P [m16/16][n][16] (columns ≥ m zero), rows [i0, i1):
 * a panel of X W or G Wdec then reads rows 64 bytes apart in one block (rows of W itself are
 * 4 KiB apart at m = 1024, which maps them onto the same cache sets).
 */
export function packRows(W: usize, n: i32, m: i32, m16: i32, P: usize, i0: i32, i1: i32): void {
  const panelBytes = (n as usize) << 6;
  for (let i = i0; i < i1; i++) {
    const src = W + (((i as usize) * (m as usize)) << 2);
    let dst = P + ((i as usize) << 6);
    let c = 0;
    for (; c + 16 <= m; c += 16) {
      const s = src + ((c as usize) << 2);
      v128.store(dst, v128.load(s));
      v128.store(dst, v128.load(s, 16), 16);
      v128.store(dst, v128.load(s, 32), 32);
      v128.store(dst, v128.load(s, 48), 48);
      dst += panelBytes;
    }
    if (c < m16) {
      for (let q = 0; q < 16; q++) store<f32>(dst + ((q as usize) << 2), c + q < m ? load<f32>(src + (((c + q) as usize) << 2)) : 0);
    }
  }
}
