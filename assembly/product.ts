/**
 * The product D = M W, M as written by coefficients.ts. W [n, m] is copied 16 columns at a
 * time into a contiguous panel P [n][16] (zero past m), then per group of 4 rows:
 *   sparse: each row walks its list of nonzeros, accumulating 16 columns in four registers,
 *     D[i][c .. c+16] = Σ_{j: M_ij ≠ 0} M_ij · P[j]   in increasing j;
 *   dense: a 4×2 register-blocked kernel (4 rows × 8 columns per pass, two passes) that reads
 *     one panel row and one interleaved M column per j, D[4g + r][..] = Σ_j M[4g + r][j] · P[j].
 * At the ~40 % density of most of a paper run the sparse kernel is ~1.9× faster; they break even
 * at ~80 %, and at 100 % the dense one is ~1.2× faster. Each entry is summed in increasing j whichever
 * thread computes it, so bits do not depend on the number of threads. D [n4, m16] has its row
 * stride rounded up to 16 columns.
 */
import { PANEL_ROW_BYTES, RECORD_BYTES } from './coefficients';

/** Columns per panel. */
export const PANEL_COLUMNS: i32 = 16;

/** Copies W[:, c .. c+16] into P [n][16], zero-filling columns ≥ m. */
// @ts-ignore: decorator
@inline export function packPanel(W: usize, n: i32, m: i32, c: i32, P: usize): void {
  const rowBytes = (m as usize) << 2;
  let src = W + ((c as usize) << 2);
  let dst = P;
  if (c + 16 <= m) {
    for (let j = 0; j < n; j++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      v128.store(dst, v128.load(src, 32), 32);
      v128.store(dst, v128.load(src, 48), 48);
      src += rowBytes;
      dst += PANEL_ROW_BYTES;
    }
  } else {
    const width = m - c;
    for (let j = 0; j < n; j++) {
      for (let q = 0; q < 16; q++) store<f32>(dst + ((q as usize) << 2), q < width ? load<f32>(src + ((q as usize) << 2)) : 0);
      src += rowBytes;
      dst += PANEL_ROW_BYTES;
    }
  }
}

/**
 * D rows of the groups [g0, g1), panel by panel. lists/counts/Mi/dense as written by
 * coefficientGroups (list row stride n4 records); W [n, m]; D [n4, m16]; P: panel scratch of
 * n × 16 floats owned by the calling thread.
 */
export function productGroups(lists: usize, counts: usize, Mi: usize, dense: usize, W: usize, n: i32, m: i32, m16: i32, D: usize, P: usize, g0: i32, g1: i32): void {
  const dRowBytes = (m16 as usize) << 2;
  for (let c = 0; c < m16; c += PANEL_COLUMNS) {
    packPanel(W, n, m, c, P);
    productPanel(lists, counts, Mi, dense, n, P, D + ((c as usize) << 2), dRowBytes, g0, g1);
  }
}

/**
 * One panel of D for the row groups [g0, g1): D[i][0 .. 16] = Σ_j M_ij P[j] for the panel P
 * packed by packPanel; D's row i starts at D + i·dRowBytes (the whole D, or a one-panel
 * buffer of 64-byte rows when the update follows at once, schedule.ts).
 */
export function productPanel(lists: usize, counts: usize, Mi: usize, dense: usize, n: i32, P: usize, D: usize, dRowBytes: usize, g0: i32, g1: i32): void {
  const n4 = (n + 3) & ~3;
  const groupBytes = (n4 as usize) << 4;
  for (let g = g0; g < g1; g++) {
    const i0 = g << 2;
    if (load<i32>(dense + ((g as usize) << 2)) != 0) {
      const d = D + (i0 as usize) * dRowBytes;
      denseGroup(Mi + (g as usize) * groupBytes, P, n, d, dRowBytes, 0);
      denseGroup(Mi + (g as usize) * groupBytes, P, n, d, dRowBytes, 32);
    } else {
      for (let i = i0; i < min(i0 + 4, n); i++) {
        sparseRow(lists + (i as usize) * (n4 as usize) * RECORD_BYTES, load<i32>(counts + ((i as usize) << 2)), D + (i as usize) * dRowBytes);
      }
    }
  }
}

/**
 * One row, 16 columns: walk the list of `count` records at q (each holds the address of a
 * panel row), two records per iteration into the same four accumulators, so the sum is
 * still taken in list order.
 */
// @ts-ignore: decorator
@inline function sparseRow(q: usize, count: i32, d: usize): void {
  const end = q + (count as usize) * RECORD_BYTES;
  const pairs = q + ((count & ~1) as usize) * RECORD_BYTES;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  while (q < pairs) {
    let p = load<u32>(q) as usize;
    let s = v128.load32_splat(q, 4);
    a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
    p = load<u32>(q, RECORD_BYTES) as usize;
    s = v128.load32_splat(q, RECORD_BYTES + 4);
    a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
    q += 2 * RECORD_BYTES;
  }
  if (q < end) {
    const p = load<u32>(q) as usize;
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

/** Four rows (interleaved M of one group at pm), 8 columns at byte `half` (0 or 32) of each panel row. */
function denseGroup(pm: usize, P: usize, n: i32, d: usize, dRowBytes: usize, half: usize): void {
  let pp = P + half;
  const end = pp + (n as usize) * PANEL_ROW_BYTES;
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  while (pp < end) {
    const x0 = v128.load(pp);
    const x1 = v128.load(pp, 16);
    let s = v128.load32_splat(pm);
    c00 = f32x4.add(c00, f32x4.mul(s, x0));
    c01 = f32x4.add(c01, f32x4.mul(s, x1));
    s = v128.load32_splat(pm, 4);
    c10 = f32x4.add(c10, f32x4.mul(s, x0));
    c11 = f32x4.add(c11, f32x4.mul(s, x1));
    s = v128.load32_splat(pm, 8);
    c20 = f32x4.add(c20, f32x4.mul(s, x0));
    c21 = f32x4.add(c21, f32x4.mul(s, x1));
    s = v128.load32_splat(pm, 12);
    c30 = f32x4.add(c30, f32x4.mul(s, x0));
    c31 = f32x4.add(c31, f32x4.mul(s, x1));
    pp += PANEL_ROW_BYTES;
    pm += 16;
  }
  d += half;
  v128.store(d, c00);
  v128.store(d, c01, 16);
  v128.store(d + dRowBytes, c10);
  v128.store(d + dRowBytes, c11, 16);
  v128.store(d + 2 * dRowBytes, c20);
  v128.store(d + 2 * dRowBytes, c21, 16);
  v128.store(d + 3 * dRowBytes, c30);
  v128.store(d + 3 * dRowBytes, c31, 16);
}
