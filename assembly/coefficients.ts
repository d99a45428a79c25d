/**
 * From G, the coefficient matrix M = 4 (ReLU(G) − I) (SCIENCE.md §2; the diagonal is
 * 4 (G_ii − 1) when G_ii > 0, else 0, the derivative of (ReLU(G_ii) − 1)²; the off-diagonal
 * is zero when interference is off), written interleaved by groups of 4 rows for the product:
 *   Mi[g][j][r] = M[4g + r][j]   (j < n4; rows ≥ n are zero)
 * and per row the smooth loss Σ_j (G_ij − 1)²[i = j] + ReLU(G_ij)²[i ≠ j] and the feature-benefit
 * force² M_ii² G_ii, in float64 (squares of float32 are exact in float64).
 */
import { ROW_STATS } from './control';

/**
 * Rows of groups [g0, g1). G [n4, n4] float32; Mi [n4/4][n4][4] float32; stats float64
 * [n4, ROW_STATS] for this instance (fields 0 and 1 written for rows < n).
 */
export function coefficientGroups(G: usize, n: i32, n4: i32, interference: bool, Mi: usize, stats: usize, g0: i32, g1: i32): void {
  const rowBytes = (n4 as usize) << 2;
  const groupBytes = (n4 as usize) << 4;
  const zero = f32x4.splat(0);
  const four = f32x4.splat(4);
  for (let g = g0; g < g1; g++) {
    const i = g << 2;
    const r0 = G + (i as usize) * rowBytes;
    let out = Mi + (g as usize) * groupBytes;
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    if (interference) {
      for (let j = 0; j < n4; j += 4) {
        const o = (j as usize) << 2;
        const g0v = f32x4.max(v128.load(r0 + o), zero);
        const g1v = f32x4.max(v128.load(r0 + rowBytes + o), zero);
        const g2v = f32x4.max(v128.load(r0 + 2 * rowBytes + o), zero);
        const g3v = f32x4.max(v128.load(r0 + 3 * rowBytes + o), zero);
        s0 = addSquares(s0, g0v);
        s1 = addSquares(s1, g1v);
        s2 = addSquares(s2, g2v);
        s3 = addSquares(s3, g3v);
        // transpose the 4×4 block so that each stored vector holds the 4 rows of one column j
        const t0 = v128.shuffle<f32>(g0v, g1v, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(g2v, g3v, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(g0v, g1v, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(g2v, g3v, 2, 6, 3, 7);
        v128.store(out, f32x4.mul(four, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5)));
        v128.store(out, f32x4.mul(four, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7)), 16);
        v128.store(out, f32x4.mul(four, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5)), 32);
        v128.store(out, f32x4.mul(four, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7)), 48);
        out += 64;
      }
    } else {
      for (let j = 0; j < n4; j++) {
        v128.store(out, zero);
        out += 16;
      }
    }
    finishRow(G, n, rowBytes, interference, Mi + (g as usize) * groupBytes, stats, i, 0, s0);
    finishRow(G, n, rowBytes, interference, Mi + (g as usize) * groupBytes, stats, i, 1, s1);
    finishRow(G, n, rowBytes, interference, Mi + (g as usize) * groupBytes, stats, i, 2, s2);
    finishRow(G, n, rowBytes, interference, Mi + (g as usize) * groupBytes, stats, i, 3, s3);
  }
}

/** Diagonal entry of row i + r: its own coefficient and loss term instead of the off-diagonal ones. */
function finishRow(G: usize, n: i32, rowBytes: usize, interference: bool, group: usize, stats: usize, i: i32, r: i32, offDiagonal: v128): void {
  const row = i + r;
  const diagM = group + ((row as usize) << 4) + ((r as usize) << 2);
  if (row >= n) {
    store<f32>(diagM, 0);
    return;
  }
  const gd = load<f32>(G + (row as usize) * rowBytes + ((row as usize) << 2));
  const gd64 = gd as f64;
  let smooth = f64x2.extract_lane(offDiagonal, 0) + f64x2.extract_lane(offDiagonal, 1);
  if (interference && gd > 0) smooth -= gd64 * gd64;
  smooth += (gd64 - 1) * (gd64 - 1);
  const md: f32 = gd > 0 ? 4 * (gd - 1) : 0;
  store<f32>(diagM, md);
  const st = stats + ((row as usize) * (ROW_STATS as usize) << 3);
  store<f64>(st, smooth);
  store<f64>(st, (md as f64) * (md as f64) * gd64, 8);
}

/** acc += [v0², v1²] + [v2², v3²] in float64 (lane order fixed). */
// @ts-ignore: decorator
@inline function addSquares(acc: v128, v: v128): v128 {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
  return f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
}
