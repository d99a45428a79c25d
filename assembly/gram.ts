/**
 * The symmetric Gram matrix G = W Wᵀ (SCIENCE.md §2), upper triangle computed and mirrored.
 *
 * W [n, m] is first packed into groups of 4 rows, interleaved by 4 columns:
 *   Wp[g][k/4][r][4] = W[4g + r][k .. k+4]   (rows ≥ n and columns ≥ m are zero)
 * so the 4×2 register-blocked dot-product kernel walks two pointers with constant offsets
 * (V8 spills and re-derives addresses otherwise; unrolling made it slower, see bench/).
 * Every entry is summed the same way whatever the block or thread split: lane l of one
 * accumulator adds W_ik W_jk for k ≡ l (mod 4) in increasing k, then (l0 + l2) + (l1 + l3).
 * Bits therefore never depend on the number of threads.
 */

/** Packs the row groups [g0, g1) of W [n, m] into Wp (layout above; m4 = m rounded up to 4). */
export function packGroups(W: usize, n: i32, m: i32, m4: i32, Wp: usize, g0: i32, g1: i32): void {
  const groupBytes = (m4 as usize) << 4;
  const m4floor = m & ~3;
  for (let i = g0 << 2; i < g1 << 2; i++) {
    let dst = Wp + ((i >> 2) as usize) * groupBytes + (((i & 3) as usize) << 4);
    if (i >= n) {
      for (let k = 0; k < m4; k += 4) {
        v128.store(dst, f32x4.splat(0));
        dst += 64;
      }
      continue;
    }
    let src = W + ((i as usize) * (m as usize) << 2);
    for (let k = 0; k < m4floor; k += 4) {
      v128.store(dst, v128.load(src));
      dst += 64;
      src += 16;
    }
    if (m4floor < m) {
      let v = f32x4.splat(0);
      const rest = m - m4floor;
      v = f32x4.replace_lane(v, 0, load<f32>(src));
      if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(src, 4));
      if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(src, 8));
      v128.store(dst, v);
    }
  }
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)] with hsum(v) = (v0 + v2) + (v1 + v3). */
// @ts-ignore: decorator
@inline function sumLanes(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** Bytes of packed W that a block of column groups of the Gram loop keeps in cache (L2 is ≥ 512 KiB on current x86 and ARM cores). */
const BLOCK_BYTES: i32 = 256 * 1024;

/**
 * G rows of the groups [g0, g1): G[i][j] and its mirror G[j][i] for every j ≥ 4·g0.
 * Wp as packed above; G [n4, n4] row-major (n4 = n rounded up to 4). The columns j go in blocks
 * of row groups that together fill BLOCK_BYTES, each block used by every row group before the
 * next is read, so Wp streams from memory once rather than once per row group. Each entry is
 * still one pass over k, so the bits do not depend on the blocking.
 */
export function gramGroups(Wp: usize, n4: i32, m4: i32, G: usize, g0: i32, g1: i32): void {
  const groupBytes = (m4 as usize) << 4;
  const rowBytes = (n4 as usize) << 2;
  const groups = n4 >> 2;
  const block = max(1, BLOCK_BYTES / (groupBytes as i32));
  for (let jb = 0; jb < groups; jb += block) {
    const jEnd = min(groups, jb + block) << 2;
    for (let g = g0; g < g1; g++) {
      const i = g << 2;
      const A = Wp + (g as usize) * groupBytes;
      const end = A + groupBytes;
      for (let j = max(i, jb << 2); j < jEnd; j += 2) {
        let pb = Wp + ((j >> 2) as usize) * groupBytes + (((j & 2) as usize) << 4);
        let pa = A;
        let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        while (pa < end) {
          const x0 = v128.load(pb);
          const x1 = v128.load(pb, 16);
          let y = v128.load(pa);
          c00 = f32x4.add(c00, f32x4.mul(y, x0));
          c01 = f32x4.add(c01, f32x4.mul(y, x1));
          y = v128.load(pa, 16);
          c10 = f32x4.add(c10, f32x4.mul(y, x0));
          c11 = f32x4.add(c11, f32x4.mul(y, x1));
          y = v128.load(pa, 32);
          c20 = f32x4.add(c20, f32x4.mul(y, x0));
          c21 = f32x4.add(c21, f32x4.mul(y, x1));
          y = v128.load(pa, 48);
          c30 = f32x4.add(c30, f32x4.mul(y, x0));
          c31 = f32x4.add(c31, f32x4.mul(y, x1));
          pa += 64;
          pb += 64;
        }
        // column j and j+1 of rows i..i+3, i.e. rows j and j+1 of G from column i on
        const col0 = sumLanes(c00, c10, c20, c30);
        const col1 = sumLanes(c01, c11, c21, c31);
        const mirror = G + (j as usize) * rowBytes + ((i as usize) << 2);
        v128.store(mirror, col0);
        v128.store(mirror + rowBytes, col1);
        const direct = G + (i as usize) * rowBytes + ((j as usize) << 2);
        store<f32>(direct, f32x4.extract_lane(col0, 0));
        store<f32>(direct, f32x4.extract_lane(col1, 0), 4);
        store<f32>(direct + rowBytes, f32x4.extract_lane(col0, 1));
        store<f32>(direct + rowBytes, f32x4.extract_lane(col1, 1), 4);
        store<f32>(direct + 2 * rowBytes, f32x4.extract_lane(col0, 2));
        store<f32>(direct + 2 * rowBytes, f32x4.extract_lane(col1, 2), 4);
        store<f32>(direct + 3 * rowBytes, f32x4.extract_lane(col0, 3));
        store<f32>(direct + 3 * rowBytes, f32x4.extract_lane(col1, 3), 4);
      }
    }
  }
}
