/**
 * From G, the coefficients M = 4 (ReLU(G) − I) of the product D = M W (SCIENCE.md §2; the
 * diagonal is 4 (G_ii − 1) when G_ii > 0, else 0, the derivative of (ReLU(G_ii) − 1)²; the
 * off-diagonal is zero when interference is off). ReLU zeroes a varying share of M (40–60 %
 * during most of the paper's runs, 20 % for a while early on), so each group of 4 rows gets the
 * layout its product kernel runs fastest on (product.ts):
 *   sparse: per row, a list of its nonzero entries in increasing j, built with SIMD compaction,
 *     records { u32 P + j·64 (address of row j in the calling thread's 16-column panel P), f32 M_ij };
 *   dense (more than DENSE_SHARE of the group nonzero): also M interleaved by the group's rows,
 *     Mi[g][j][r] = M[4g + r][j].
 * The choice depends on M only, never on how rows are split between threads.
 * Also per row, in float64 (squares of float32 are exact there): the smooth loss
 * Σ_j (G_ij − 1)²[i = j] + ReLU(G_ij)²[i ≠ j] and the feature-benefit force² M_ii² G_ii.
 */
import { ROW_STATS } from './control';

/**
 * Above this share of nonzero coefficients a group uses the dense kernel: the two break even
 * at about 80 % (measured for n = 256, m = 256 … 4096 on the 2-core development machine).
 */
export const DENSE_SHARE: f64 = 0.8;

/** Bytes of one list record. */
export const RECORD_BYTES: usize = 8;
/** Bytes of one panel row (16 float32 columns). */
export const PANEL_ROW_BYTES: usize = 64;

/**
 * Row groups [g0, g1) (rows 4g .. 4g+3 below n). G [n4, n4] float32 (zero past n); lists
 * [n][n4] records (row stride n4, so the 16-byte stores of the last block stay inside the row);
 * counts [n] i32; diag [n] float32 (M_ii); Mi [n4/4][n4][4] float32, written for dense groups;
 * dense [n4/4] i32 (1 = dense); stats float64 [n, ROW_STATS] for this instance (fields 0, 1);
 * P the panel the same thread's productPanel will read (the lists hold addresses in it).
 */
export function coefficientGroups(G: usize, n: i32, n4: i32, interference: bool, lists: usize, counts: usize, diag: usize, Mi: usize, dense: usize, stats: usize, P: usize, g0: i32, g1: i32): void {
  for (let g = g0; g < g1; g++) {
    const r0 = g << 2, r1 = min(r0 + 4, n);
    coefficientRows(G, n, n4, interference, lists, counts, diag, stats, P, r0, r1);
    let nonzero = 0;
    for (let i = r0; i < r1; i++) nonzero += load<i32>(counts + ((i as usize) << 2));
    const isDense = interference && (nonzero as f64) > DENSE_SHARE * 4 * (n as f64);
    store<i32>(dense + ((g as usize) << 2), isDense ? 1 : 0);
    if (isDense) interleave(G, n, n4, diag, Mi + (g as usize) * ((n4 as usize) << 4), g);
  }
}

/** Mi[g][j][r] = M[4g + r][j] for all j < n4 (rows ≥ n zero), with interference on. */
function interleave(G: usize, n: i32, n4: i32, diag: usize, out: usize, g: i32): void {
  const rowBytes = (n4 as usize) << 2;
  const zero = f32x4.splat(0);
  const four = f32x4.splat(4);
  const r0 = G + ((g << 2) as usize) * rowBytes;
  const start = out;
  for (let j = 0; j < n4; j += 4) {
    const o = (j as usize) << 2;
    const v0 = f32x4.mul(four, f32x4.max(v128.load(r0 + o), zero));
    const v1 = f32x4.mul(four, f32x4.max(v128.load(r0 + rowBytes + o), zero));
    const v2 = f32x4.mul(four, f32x4.max(v128.load(r0 + 2 * rowBytes + o), zero));
    const v3 = f32x4.mul(four, f32x4.max(v128.load(r0 + 3 * rowBytes + o), zero));
    // transpose the 4×4 block: each stored vector holds the 4 rows of one column j
    const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
    const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
    const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
    v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
    v128.store(out, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
    v128.store(out, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
    v128.store(out, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
    out += 64;
  }
  for (let r = 0; r < 4; r++) {
    const i = (g << 2) + r;
    if (i < n) store<f32>(start + ((i as usize) << 4) + ((r as usize) << 2), load<f32>(diag + ((i as usize) << 2)));
  }
}

/** Rows [r0, r1) of the above: loss terms, M_ii and the list of nonzeros. */
function coefficientRows(G: usize, n: i32, n4: i32, interference: bool, lists: usize, counts: usize, diag: usize, stats: usize, P: usize, r0: i32, r1: i32): void {
  const rowBytes = (n4 as usize) << 2;
  const zero = f32x4.splat(0);
  const four = f32x4.splat(4);
  const lanes = i32x4(0, 1, 2, 3);
  for (let i = r0; i < r1; i++) {
    const row = G + (i as usize) * rowBytes;
    const gd = load<f32>(row + ((i as usize) << 2));
    const md: f32 = gd > 0 ? 4 * (gd - 1) : 0;
    let q = lists + (i as usize) * (n4 as usize) * RECORD_BYTES;
    const start = q;
    let offDiagonal: f64 = 0;
    if (interference) {
      let acc = f64x2.splat(0);
      let offsets = i32x4.add(i32x4.splat(P as i32), i32x4.mul(lanes, i32x4.splat(PANEL_ROW_BYTES as i32)));
      const diagBlock = i & ~3;
      for (let j = 0; j < n4; j += 4) {
        const g = f32x4.max(v128.load(row + ((j as usize) << 2)), zero);
        // Σ_j ReLU(G_ij)² over the whole row (the diagonal's term is swapped out below)
        const lo = f64x2.promote_low_f32x4(g);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 2, 3));
        acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
        let v = f32x4.mul(four, g);
        if (j == diagBlock) v = v128.bitselect(f32x4.splat(md), v, i32x4.eq(i32x4.add(lanes, i32x4.splat(j)), i32x4.splat(i)));
        q = appendNonzeros(q, offsets, v);
        offsets = i32x4.add(offsets, i32x4.splat(4 * (PANEL_ROW_BYTES as i32)));
      }
      offDiagonal = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (gd > 0) offDiagonal -= (gd as f64) * (gd as f64);
    } else {
      store<u32>(q, (P as u32) + (i as u32) * (PANEL_ROW_BYTES as u32));
      store<f32>(q, md, 4);
      q += md != 0 ? RECORD_BYTES : 0;
    }
    store<i32>(counts + ((i as usize) << 2), ((q - start) / RECORD_BYTES) as i32);
    store<f32>(diag + ((i as usize) << 2), md);
    const gd64 = gd as f64;
    const st = stats + ((i as usize) * (ROW_STATS as usize) << 3);
    store<f64>(st, offDiagonal + (gd64 - 1) * (gd64 - 1));
    store<f64>(st, (md as f64) * (md as f64) * gd64, 8);
  }
}

/**
 * Appends the records (offset, value) of the nonzero lanes of `v` at `q`, in lane order, and
 * returns the new end. Branch-free: each half (two records) is stored whole and the cursor
 * advances by its nonzero count; a half whose first record is zero is shifted down first.
 */
// @ts-ignore: decorator
@inline function appendNonzeros(q: usize, offsets: v128, v: v128): usize {
  const mask = i32x4.bitmask(f32x4.ne(v, f32x4.splat(0)));
  const low = v128.shuffle<i32>(offsets, v, 0, 4, 1, 5);
  const high = v128.shuffle<i32>(offsets, v, 2, 6, 3, 7);
  const maskLow = mask & 3, maskHigh = mask >> 2;
  v128.store(q, v128.bitselect(v128.shuffle<i64>(low, low, 1, 1), low, i32x4.splat(maskLow == 2 ? -1 : 0)));
  q += (popcnt<i32>(maskLow) as usize) * RECORD_BYTES;
  v128.store(q, v128.bitselect(v128.shuffle<i64>(high, high, 1, 1), high, i32x4.splat(maskHigh == 2 ? -1 : 0)));
  return q + (popcnt<i32>(maskHigh) as usize) * RECORD_BYTES;
}
