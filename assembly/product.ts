/**
 * The product D = M W with M given as per-row lists of nonzero coefficients (coefficients.ts).
 * W [n, m] is copied 16 columns at a time into a contiguous panel P [n][16] (zero past m);
 * for each row i the kernel walks its list and accumulates 16 columns in four registers:
 *   D[i][c .. c+16] = Σ_{j: M_ij ≠ 0} M_ij · P[j]   in increasing j.
 * Skipping the zeros of ReLU makes this ~1.6× faster than a dense 4×2 register-blocked kernel
 * at the ~40 % density of the paper's runs (bench/kernels.mjs). Each entry's sum never depends
 * on the row split, so bits do not depend on the number of threads. D [n, m16] has its row
 * stride rounded up to 16 columns.
 */
import { PANEL_ROW_BYTES, RECORD_BYTES } from './coefficients';

/** Columns per panel. */
export const PANEL_COLUMNS: i32 = 16;

/** Copies W[:, c .. c+16] into P [n][16], zero-filling columns ≥ m. */
// @ts-ignore: decorator
@inline function packPanel(W: usize, n: i32, m: i32, c: i32, P: usize): void {
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
 * D rows [r0, r1). lists/counts as written by coefficientRows (row stride n4 records); W [n, m]; D [n, m16];
 * P: panel scratch of n × 16 floats owned by the calling thread.
 */
export function productRows(lists: usize, counts: usize, W: usize, n: i32, m: i32, m16: i32, D: usize, P: usize, r0: i32, r1: i32): void {
  const n4 = (n + 3) & ~3;
  const dRowBytes = (m16 as usize) << 2;
  for (let c = 0; c < m16; c += PANEL_COLUMNS) {
    packPanel(W, n, m, c, P);
    for (let i = r0; i < r1; i++) {
      let q = lists + (i as usize) * (n4 as usize) * RECORD_BYTES;
      const end = q + (load<i32>(counts + ((i as usize) << 2)) as usize) * RECORD_BYTES;
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      while (q < end) {
        const p = P + (load<u32>(q) as usize);
        const s = v128.load32_splat(q, 4);
        a0 = f32x4.add(a0, f32x4.mul(s, v128.load(p)));
        a1 = f32x4.add(a1, f32x4.mul(s, v128.load(p, 16)));
        a2 = f32x4.add(a2, f32x4.mul(s, v128.load(p, 32)));
        a3 = f32x4.add(a3, f32x4.mul(s, v128.load(p, 48)));
        q += RECORD_BYTES;
      }
      const d = D + (i as usize) * dRowBytes + ((c as usize) << 2);
      v128.store(d, a0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
  }
}
