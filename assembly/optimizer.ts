/**
 * Row statistics and the fused optimizer updates, float32, with the semantics of
 * src/core/optimizers.ts (PyTorch's SGD/Adam/AdamW, λ sign(W) added to the smooth gradient
 * D with sign(0) = 0; prox-sgd soft-thresholds instead). Every lane does the same IEEE
 * operations in the same order as the scalar tail, so results never depend on where a
 * vector starts.
 */
import { H_BC2_SQRT, H_BETA1, H_BETA2, H_EPS, H_LAMBDA, H_LR, H_ONE_MINUS_BETA1, H_ONE_MINUS_BETA2, H_SHRINK, H_STEP_SIZE, OPT_ADAM, OPT_ADAMW, OPT_PROX_SGD, OPT_SGD } from './control';

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
 * One optimizer step on m contiguous weights of one row (w, s1, s2 rows; d the gradient row).
 * `h` points at the float32 hyperparameters of this step (control.ts, H_*). Returns Σ|w|
 * before the update (the L1 term of the loss, summed exactly as rowStats does), so a step
 * without force norms reads the weights once.
 */
export function updateRow(opt: i32, h: usize, w: usize, d: usize, s1: usize, s2: usize, m: i32): f64 {
  if (opt == OPT_SGD) return sgdRow(h, w, d, m);
  if (opt == OPT_PROX_SGD) return proxRow(h, w, d, m);
  if (opt == OPT_ADAM || opt == OPT_ADAMW) return adamRow(h, w, d, s1, s2, m);
  unreachable();
  return 0;
}

/** W ← W − lr (D + λ sign W). */
function sgdRow(h: usize, w: usize, d: usize, m: i32): f64 {
  const lrS = load<f32>(h + H_LR), lamS = load<f32>(h + H_LAMBDA);
  const lr = f32x4.splat(lrS), lam = f32x4.splat(lamS), negLam = f32x4.splat(-lamS);
  let abs = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const o = (k as usize) << 2;
    const x = v128.load(w + o);
    abs = addAbs(abs, x);
    const g = f32x4.add(v128.load(d + o), lambdaSign(x, lam, negLam));
    v128.store(w + o, f32x4.sub(x, f32x4.mul(lr, g)));
  }
  let sAbs = sumLanes(abs);
  for (; k < m; k++) {
    const o = (k as usize) << 2;
    const x = load<f32>(w + o);
    sAbs += Math.abs(x as f64);
    store<f32>(w + o, x - lrS * (load<f32>(d + o) + lambdaSignScalar(x, lamS)));
  }
  return sAbs;
}

/** v = W − lr D, then soft-threshold at lr·λ (exact zeros survive). */
function proxRow(h: usize, w: usize, d: usize, m: i32): f64 {
  const lrS = load<f32>(h + H_LR);
  const thrS: f32 = lrS * load<f32>(h + H_LAMBDA);
  const lr = f32x4.splat(lrS), thr = f32x4.splat(thrS), negThr = f32x4.splat(-thrS);
  let abs = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const o = (k as usize) << 2;
    const x = v128.load(w + o);
    abs = addAbs(abs, x);
    const v = f32x4.sub(x, f32x4.mul(lr, v128.load(d + o)));
    const up = v128.and(f32x4.gt(v, thr), f32x4.sub(v, thr));
    const down = v128.and(f32x4.lt(v, negThr), f32x4.add(v, thr));
    v128.store(w + o, v128.or(up, down));
  }
  let sAbs = sumLanes(abs);
  for (; k < m; k++) {
    const o = (k as usize) << 2;
    const x = load<f32>(w + o);
    sAbs += Math.abs(x as f64);
    const v = x - lrS * load<f32>(d + o);
    store<f32>(w + o, v > thrS ? v - thrS : v < -thrS ? v + thrS : 0);
  }
  return sAbs;
}

/** Adam / AdamW (decay folded into h.shrink), as torch.optim.Adam(W) single-tensor. */
function adamRow(h: usize, w: usize, d: usize, s1: usize, s2: usize, m: i32): f64 {
  const lamS = load<f32>(h + H_LAMBDA), b1S = load<f32>(h + H_BETA1), b2S = load<f32>(h + H_BETA2);
  const c1S = load<f32>(h + H_ONE_MINUS_BETA1), c2S = load<f32>(h + H_ONE_MINUS_BETA2);
  const shrinkS = load<f32>(h + H_SHRINK), stepS = load<f32>(h + H_STEP_SIZE);
  const bc2S = load<f32>(h + H_BC2_SQRT), epsS = load<f32>(h + H_EPS);
  const lam = f32x4.splat(lamS), negLam = f32x4.splat(-lamS);
  const b1 = f32x4.splat(b1S), b2 = f32x4.splat(b2S);
  const c1 = f32x4.splat(c1S), c2 = f32x4.splat(c2S);
  const shrink = f32x4.splat(shrinkS), step = f32x4.splat(stepS);
  const bc2 = f32x4.splat(bc2S), eps = f32x4.splat(epsS);
  let abs = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const o = (k as usize) << 2;
    const x = v128.load(w + o);
    abs = addAbs(abs, x);
    const g = f32x4.add(v128.load(d + o), lambdaSign(x, lam, negLam));
    const a = f32x4.add(f32x4.mul(b1, v128.load(s1 + o)), f32x4.mul(c1, g));
    const b = f32x4.add(f32x4.mul(b2, v128.load(s2 + o)), f32x4.mul(f32x4.mul(c2, g), g));
    v128.store(s1 + o, a);
    v128.store(s2 + o, b);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(b), bc2), eps);
    v128.store(w + o, f32x4.sub(f32x4.mul(x, shrink), f32x4.div(f32x4.mul(step, a), denom)));
  }
  let sAbs = sumLanes(abs);
  for (; k < m; k++) {
    const o = (k as usize) << 2;
    const x = load<f32>(w + o);
    sAbs += Math.abs(x as f64);
    const g = load<f32>(d + o) + lambdaSignScalar(x, lamS);
    const a = b1S * load<f32>(s1 + o) + c1S * g;
    const b = b2S * load<f32>(s2 + o) + c2S * g * g;
    store<f32>(s1 + o, a);
    store<f32>(s2 + o, b);
    store<f32>(w + o, x * shrinkS - (stepS * a) / (Mathf.sqrt(b) / bc2S + epsS));
  }
  return sAbs;
}
