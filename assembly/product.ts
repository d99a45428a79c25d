/**
 * The product D = M W (M from coefficients.ts, interleaved by groups of 4 rows).
 * W [n, m] is copied 8 columns at a time into a contiguous panel P [n][8] (zero past m), so
 * the 4×2 register-blocked kernel reads one panel row and one interleaved M column per j:
 *   D[4g + r][c .. c+8] = Σ_j M[4g + r][j] · P[j]   summed in increasing j.
 * Each entry is accumulated in the same order whatever the split, so bits never depend on
 * the number of threads. D [n4, m8] has its row stride rounded up to 8 columns.
 */

/** Copies W[:, c .. c+8] into P [n][8], zero-filling columns ≥ m. */
// @ts-ignore: decorator
@inline function packPanel(W: usize, n: i32, m: i32, c: i32, P: usize): void {
  const rowBytes = (m as usize) << 2;
  let src = W + ((c as usize) << 2);
  let dst = P;
  if (c + 8 <= m) {
    for (let j = 0; j < n; j++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rowBytes;
      dst += 32;
    }
  } else {
    const width = m - c;
    for (let j = 0; j < n; j++) {
      for (let q = 0; q < 8; q++) store<f32>(dst + ((q as usize) << 2), q < width ? load<f32>(src + ((q as usize) << 2)) : 0);
      src += rowBytes;
      dst += 32;
    }
  }
}

/**
 * D rows of the groups [g0, g1). Mi [n4/4][n4][4]; W [n, m]; D [n4, m8]; P: panel scratch of
 * n × 8 floats owned by the calling thread.
 */
export function productGroups(Mi: usize, W: usize, n: i32, n4: i32, m: i32, m8: i32, D: usize, P: usize, g0: i32, g1: i32): void {
  const dRowBytes = (m8 as usize) << 2;
  const groupBytes = (n4 as usize) << 4;
  const panelEnd = P + ((n as usize) << 5);
  for (let c = 0; c < m8; c += 8) {
    packPanel(W, n, m, c, P);
    for (let g = g0; g < g1; g++) {
      let pm = Mi + (g as usize) * groupBytes;
      let pp = P;
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      while (pp < panelEnd) {
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
        pp += 32;
        pm += 16;
      }
      const d = D + ((g << 2) as usize) * dRowBytes + ((c as usize) << 2);
      v128.store(d, c00);
      v128.store(d, c01, 16);
      v128.store(d + dRowBytes, c10);
      v128.store(d + dRowBytes, c11, 16);
      v128.store(d + 2 * dRowBytes, c20);
      v128.store(d + 2 * dRowBytes, c21, 16);
      v128.store(d + 3 * dRowBytes, c30);
      v128.store(d + 3 * dRowBytes, c31, 16);
    }
  }
}
