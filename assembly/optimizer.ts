/**
 * Row statistics and the fused optimizer updates, float32, with the semantics of
 * src/core/optimizers.ts (PyTorch's SGD/Adam/AdamW, λ sign(W) added to the smooth gradient
 * D with sign(0) = 0; prox-sgd soft-thresholds instead). Every lane does the same IEEE
 * operations in the same order as the scalar tail, so results never depend on where a
 * vector starts.
 */
import { H_BC2_SQRT, H_BETA1, H_BETA2, H_EPS, H_LAMBDA, H_LR, H_ONE_MINUS_BETA1, H_ONE_MINUS_BETA2, H_SHRINK, H_STEP_SIZE, OPT_ADAM, OPT_ADAMW, OPT_PROX_SGD, OPT_SGD, ROW_STATS } from './control';

/**
 * Per-row statistics before the update, into stats[2..4]: Σ|w| and the number of nonzero
 * weights (float64), and with `forces` the interference force² Σ_k (D_ik − M_ii W_ik)².
 * Only for evaluations and steps that report forces: other steps get Σ|w| from updateRow.
 */
export function rowStats(w: usize, d: usize, m: i32, mii: f32, forces: bool, st: usize): void {
  let abs = f64x2.splat(0);
  let nz = i32x4.splat(0);
  let inter = f64x2.splat(0);
  const zero = f32x4.splat(0);
  const diag = f32x4.splat(mii);
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const o = (k as usize) << 2;
    const x = v128.load(w + o);
    abs = addAbs(abs, x);
    nz = i32x4.sub(nz, f32x4.ne(x, zero));
    if (forces) {
      const r = f32x4.sub(v128.load(d + o), f32x4.mul(diag, x));
      const lo = f64x2.promote_low_f32x4(r);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(r, r, 2, 3, 2, 3));
      inter = f64x2.add(inter, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
    }
  }
  let sAbs = sumLanes(abs);
  let sNz = i32x4.extract_lane(nz, 0) + i32x4.extract_lane(nz, 1) + i32x4.extract_lane(nz, 2) + i32x4.extract_lane(nz, 3);
  let sInter = f64x2.extract_lane(inter, 0) + f64x2.extract_lane(inter, 1);
  for (; k < m; k++) {
    const o = (k as usize) << 2;
    const x = load<f32>(w + o);
    sAbs += Math.abs(x as f64);
    if (x != 0) sNz++;
    if (forces) {
      const r = (load<f32>(d + o) - mii * x) as f64;
      sInter += r * r;
    }
  }
  store<f64>(st, sAbs, 16);
  store<f64>(st, sNz as f64, 24);
  if (forces) store<f64>(st, sInter, 32);
}

/** acc + [|x0| + |x2|, |x1| + |x3|] in float64 (the same lanes and order in every loop). */
// @ts-ignore: decorator
@inline function addAbs(acc: v128, x: v128): v128 {
  const a = f32x4.abs(x);
  return f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3))));
}

// @ts-ignore: decorator
@inline function sumLanes(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** λ·sign(w) as a vector: +λ, −λ or +0. */
// @ts-ignore: decorator
@inline function lambdaSign(x: v128, lam: v128, negLam: v128): v128 {
  const zero = f32x4.splat(0);
  return v128.or(v128.and(f32x4.gt(x, zero), lam), v128.and(f32x4.lt(x, zero), negLam));
}

// @ts-ignore: decorator
@inline function lambdaSignScalar(x: f32, lam: f32): f32 {
  return x > 0 ? lam : x < 0 ? -lam : 0;
}

/**
 * One optimizer step on one panel, columns [c, c + 16) ∩ [0, m), of the rows [r0, r1):
 * W [n, m] row-major; D the panel's gradient, row i at D + i·dRowBytes; S1, S2 the panel's
 * optimizer state, row i at + i·64 (the state is stored panel by panel, [m16/16][n][16], so
 * that this reads it contiguously); `h` the float32 hyperparameters of this step (control.ts
 * H_*). Σ|w| before the update is carried across a row's panels in acc [n] (f64x2, the same
 * lanes and order as rowStats) and, at the last panel, summed and stored in stats[2] (row
 * stride ROW_STATS f64). Panels must come in increasing c for every row.
 */
export function updatePanel(opt: i32, h: usize, W: usize, m: i32, c: i32, D: usize, dRowBytes: usize, S1: usize, S2: usize, r0: i32, r1: i32, acc: usize, stats: usize): void {
  if (opt == OPT_SGD) sgdPanel(h, W, m, c, D, dRowBytes, r0, r1, acc, stats);
  else if (opt == OPT_PROX_SGD) proxPanel(h, W, m, c, D, dRowBytes, r0, r1, acc, stats);
  else if (opt == OPT_ADAM || opt == OPT_ADAMW) adamPanel(h, W, m, c, D, dRowBytes, S1, S2, r0, r1, acc, stats);
  else unreachable();
}

/** Whole 4-vectors of the panel at c (those below m & ~3). */
// @ts-ignore: decorator
@inline function panelVectors(m: i32, c: i32): i32 {
  return max(0, min(c + 16, m & ~3) - c) >> 2;
}

/** The row's Σ|w| so far (zero at the first panel). */
// @ts-ignore: decorator
@inline function accIn(acc: usize, i: i32, c: i32): v128 {
  return c == 0 ? f64x2.splat(0) : v128.load(acc + ((i as usize) << 4));
}

/** First scalar column of the last panel: the columns [tail, m) after the last whole vector. */
// @ts-ignore: decorator
@inline function tailStart(m: i32, c: i32): i32 {
  return max(c, m & ~3);
}

// @ts-ignore: decorator
@inline function rowL1(stats: usize, i: i32): usize {
  return stats + ((i as usize) * (ROW_STATS as usize) << 3) + 16;
}

/** W ← W − lr (D + λ sign W). */
function sgdPanel(h: usize, W: usize, m: i32, c: i32, D: usize, dRowBytes: usize, r0: i32, r1: i32, acc: usize, stats: usize): void {
  const lrS = load<f32>(h + H_LR), lamS = load<f32>(h + H_LAMBDA);
  const lr = f32x4.splat(lrS), lam = f32x4.splat(lamS), negLam = f32x4.splat(-lamS);
  const vectors = panelVectors(m, c), tail = tailStart(m, c), last = c + 16 >= m;
  for (let i = r0; i < r1; i++) {
    const w = W + (((i as usize) * (m as usize) + (c as usize)) << 2);
    const d = D + (i as usize) * dRowBytes;
    let abs = accIn(acc, i, c);
    for (let v = 0; v < vectors; v++) {
      const o = (v as usize) << 4;
      const x = v128.load(w + o);
      abs = addAbs(abs, x);
      const g = f32x4.add(v128.load(d + o), lambdaSign(x, lam, negLam));
      v128.store(w + o, f32x4.sub(x, f32x4.mul(lr, g)));
    }
    if (!last) {
      v128.store(acc + ((i as usize) << 4), abs);
      continue;
    }
    let sAbs = sumLanes(abs);
    for (let k = tail; k < m; k++) {
      const o = ((k - c) as usize) << 2;
      const x = load<f32>(w + o);
      sAbs += Math.abs(x as f64);
      store<f32>(w + o, x - lrS * (load<f32>(d + o) + lambdaSignScalar(x, lamS)));
    }
    store<f64>(rowL1(stats, i), sAbs);
  }
}

/** v = W − lr D, then soft-threshold at lr·λ (exact zeros survive). */
function proxPanel(h: usize, W: usize, m: i32, c: i32, D: usize, dRowBytes: usize, r0: i32, r1: i32, acc: usize, stats: usize): void {
  const lrS = load<f32>(h + H_LR);
  const thrS: f32 = lrS * load<f32>(h + H_LAMBDA);
  const lr = f32x4.splat(lrS), thr = f32x4.splat(thrS), negThr = f32x4.splat(-thrS);
  const vectors = panelVectors(m, c), tail = tailStart(m, c), last = c + 16 >= m;
  for (let i = r0; i < r1; i++) {
    const w = W + (((i as usize) * (m as usize) + (c as usize)) << 2);
    const d = D + (i as usize) * dRowBytes;
    let abs = accIn(acc, i, c);
    for (let v = 0; v < vectors; v++) {
      const o = (v as usize) << 4;
      const x = v128.load(w + o);
      abs = addAbs(abs, x);
      const u = f32x4.sub(x, f32x4.mul(lr, v128.load(d + o)));
      const up = v128.and(f32x4.gt(u, thr), f32x4.sub(u, thr));
      const down = v128.and(f32x4.lt(u, negThr), f32x4.add(u, thr));
      v128.store(w + o, v128.or(up, down));
    }
    if (!last) {
      v128.store(acc + ((i as usize) << 4), abs);
      continue;
    }
    let sAbs = sumLanes(abs);
    for (let k = tail; k < m; k++) {
      const o = ((k - c) as usize) << 2;
      const x = load<f32>(w + o);
      sAbs += Math.abs(x as f64);
      const u = x - lrS * load<f32>(d + o);
      store<f32>(w + o, u > thrS ? u - thrS : u < -thrS ? u + thrS : 0);
    }
    store<f64>(rowL1(stats, i), sAbs);
  }
}

/**
 * Adam / AdamW (decay folded into h.shrink), torch.optim.Adam(W) single-tensor up to rounding:
 * w·shrink − step_size·m / (sqrt(v)/bc2 + eps) is evaluated as
 * w·shrink − (step_size·bc2)·m / (sqrt(v) + eps·bc2), one division instead of two.
 */
function adamPanel(h: usize, W: usize, m: i32, c: i32, D: usize, dRowBytes: usize, S1: usize, S2: usize, r0: i32, r1: i32, acc: usize, stats: usize): void {
  const lam = v128.load32_splat(h + H_LAMBDA), negLam = f32x4.neg(lam);
  const b1 = v128.load32_splat(h + H_BETA1), b2 = v128.load32_splat(h + H_BETA2);
  const c1 = v128.load32_splat(h + H_ONE_MINUS_BETA1), c2 = v128.load32_splat(h + H_ONE_MINUS_BETA2);
  const shrink = v128.load32_splat(h + H_SHRINK);
  const stepBc2 = f32x4.splat(adamStepBc2(h)), epsBc2 = f32x4.splat(adamEpsBc2(h));
  const vectors = panelVectors(m, c), last = c + 16 >= m;
  for (let i = r0; i < r1; i++) {
    const w = W + (((i as usize) * (m as usize) + (c as usize)) << 2);
    const d = D + (i as usize) * dRowBytes;
    const s1 = S1 + ((i as usize) << 6), s2 = S2 + ((i as usize) << 6);
    let abs = accIn(acc, i, c);
    if (vectors == 4) {
      // the usual case, unrolled: with a loop V8 reloads its constants every vector (AdamW update
      // of n=256, m=1024: 0.32–0.34 ms unrolled, 0.37–0.38 ms as a loop)
      abs = adamVector(w, d, s1, s2, 0, abs, lam, negLam, b1, b2, c1, c2, shrink, stepBc2, epsBc2);
      abs = adamVector(w, d, s1, s2, 16, abs, lam, negLam, b1, b2, c1, c2, shrink, stepBc2, epsBc2);
      abs = adamVector(w, d, s1, s2, 32, abs, lam, negLam, b1, b2, c1, c2, shrink, stepBc2, epsBc2);
      abs = adamVector(w, d, s1, s2, 48, abs, lam, negLam, b1, b2, c1, c2, shrink, stepBc2, epsBc2);
    } else {
      for (let v = 0; v < vectors; v++) abs = adamVector(w, d, s1, s2, (v as usize) << 4, abs, lam, negLam, b1, b2, c1, c2, shrink, stepBc2, epsBc2);
    }
    if (!last) {
      v128.store(acc + ((i as usize) << 4), abs);
      continue;
    }
    store<f64>(rowL1(stats, i), adamTail(h, w, d, s1, s2, tailStart(m, c) - c, m - c, sumLanes(abs)));
  }
}

// @ts-ignore: decorator
@inline function adamStepBc2(h: usize): f32 {
  return load<f32>(h + H_STEP_SIZE) * load<f32>(h + H_BC2_SQRT);
}

// @ts-ignore: decorator
@inline function adamEpsBc2(h: usize): f32 {
  return load<f32>(h + H_EPS) * load<f32>(h + H_BC2_SQRT);
}

/** Four weights at byte offset o; returns abs plus their |w| (before the update). */
// @ts-ignore: decorator
@inline function adamVector(w: usize, d: usize, s1: usize, s2: usize, o: usize, abs: v128, lam: v128, negLam: v128, b1: v128, b2: v128, c1: v128, c2: v128, shrink: v128, stepBc2: v128, epsBc2: v128): v128 {
  const x = v128.load(w + o);
  const g = f32x4.add(v128.load(d + o), lambdaSign(x, lam, negLam));
  const a = f32x4.add(f32x4.mul(b1, v128.load(s1 + o)), f32x4.mul(c1, g));
  const b = f32x4.add(f32x4.mul(b2, v128.load(s2 + o)), f32x4.mul(f32x4.mul(c2, g), g));
  v128.store(s1 + o, a);
  v128.store(s2 + o, b);
  v128.store(w + o, f32x4.sub(f32x4.mul(x, shrink), f32x4.div(f32x4.mul(stepBc2, a), f32x4.add(f32x4.sqrt(b), epsBc2))));
  return addAbs(abs, x);
}

/** The scalar columns [k0, k1) (relative to the panel) after the last whole vector, lane by lane as above. */
function adamTail(h: usize, w: usize, d: usize, s1: usize, s2: usize, k0: i32, k1: i32, sAbs: f64): f64 {
  const lamS = load<f32>(h + H_LAMBDA), b1S = load<f32>(h + H_BETA1), b2S = load<f32>(h + H_BETA2);
  const c1S = load<f32>(h + H_ONE_MINUS_BETA1), c2S = load<f32>(h + H_ONE_MINUS_BETA2);
  const shrinkS = load<f32>(h + H_SHRINK), stepBc2S = adamStepBc2(h), epsBc2S = adamEpsBc2(h);
  for (let k = k0; k < k1; k++) {
    const o = (k as usize) << 2;
    const x = load<f32>(w + o);
    sAbs += Math.abs(x as f64);
    const g = load<f32>(d + o) + lambdaSignScalar(x, lamS);
    const a = b1S * load<f32>(s1 + o) + c1S * g;
    const b = b2S * load<f32>(s2 + o) + c2S * g * g;
    store<f32>(s1 + o, a);
    store<f32>(s2 + o, b);
    store<f32>(w + o, x * shrinkS - (stepBc2S * a) / (Mathf.sqrt(b) + epsBc2S));
  }
  return sAbs;
}
