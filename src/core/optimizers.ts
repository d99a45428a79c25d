/**
 * Optimizers as `{init, update}` pairs, selected by name (registry drives CLI choices,
 * URL keys, docs and the wasm kernels' ids). `update` mutates W and the state in place:
 * training allocates nothing per step.
 *
 * `D` is the gradient of the whole loss, L1 term included (src/core/model.ts computes it),
 * except for a `proximal` optimizer: prox-sgd receives the smooth gradient only and applies
 * the L1 term λ‖W‖₁ through its proximal operator (soft-thresholding), which needs the
 * penalty to be on W itself, i.e. the paper's one-hot linear setting.
 * Semantics follow PyTorch (torch.optim.SGD/Adam/AdamW, foreach=False, maximize=False).
 *
 * @example
 *   const opt = OPTIMIZERS.adamw;
 *   const state = opt.init(W.length, Float64Array);
 *   opt.update(W, D, state, 1, { ...OPTIMIZER_DEFAULTS, lr: 1e-3, lambda: 1e-3 });
 *   // D: gradient of the loss incl. λ sign(W) (addL1Subgradient) unless opt.proximal
 */
export type FloatArray = Float32Array | Float64Array;
export type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

export interface OptimizerHyper {
  lr: number;
  /** L1 coefficient λ of the loss: used only by proximal optimizers (the others get it in D). */
  lambda: number;
  /** Decoupled weight decay (AdamW only). */
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export const OPTIMIZER_DEFAULTS: Omit<OptimizerHyper, 'lr' | 'lambda'> = {
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
};

export interface Optimizer {
  readonly summary: string;
  /** Number of state arrays, each the size of W. */
  readonly stateSlots: number;
  /** true: `D` excludes the L1 term, which the update applies as a proximal step. */
  readonly proximal: boolean;
  init(size: number, ctor: FloatArrayConstructor): FloatArray[];
  /** One step in place; `t` is the 1-based step count (Adam bias correction). */
  update(W: FloatArray, D: FloatArray, state: FloatArray[], t: number, h: OptimizerHyper): void;
}

function zeros(slots: number) {
  return (size: number, ctor: FloatArrayConstructor) => Array.from({ length: slots }, () => new ctor(size));
}

const sgd: Optimizer = {
  summary: 'plain (sub)gradient descent: W ← W − lr ∇L (∇L with λ sign W)',
  stateSlots: 0,
  proximal: false,
  init: zeros(0),
  update(W, D, _state, _t, { lr }) {
    for (let i = 0; i < W.length; i++) W[i] = W[i] - lr * D[i];
  },
};

const proxSgd: Optimizer = {
  summary: 'proximal gradient: W ← soft-threshold(W − lr D, lr λ); keeps exact zeros (the faithful gradient-flow discretization)',
  stateSlots: 0,
  proximal: true,
  init: zeros(0),
  update(W, D, _state, _t, { lr, lambda }) {
    const thr = lr * lambda;
    for (let i = 0; i < W.length; i++) {
      const v = W[i] - lr * D[i];
      W[i] = v > thr ? v - thr : v < -thr ? v + thr : 0;
    }
  },
};

/** Adam/AdamW core; `decay` is the decoupled weight decay factor (0 for Adam). */
function adamUpdate(W: FloatArray, D: FloatArray, state: FloatArray[], t: number, h: OptimizerHyper, decay: number): void {
  const [m1, m2] = state;
  const { lr, beta1, beta2, eps } = h;
  const bc1 = 1 - beta1 ** t;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
  const stepSize = lr / bc1;
  const shrink = 1 - lr * decay;
  for (let i = 0; i < W.length; i++) {
    const w = W[i];
    const g = D[i];
    const a = (m1[i] = beta1 * m1[i] + (1 - beta1) * g);
    const b = (m2[i] = beta2 * m2[i] + (1 - beta2) * g * g);
    W[i] = w * shrink - (stepSize * a) / (Math.sqrt(b) / bc2Sqrt + eps);
  }
}

const adam: Optimizer = {
  summary: 'Adam (PyTorch defaults: betas 0.9/0.999, eps 1e-8, no weight decay)',
  stateSlots: 2,
  proximal: false,
  init: zeros(2),
  update: (W, D, state, t, h) => adamUpdate(W, D, state, t, h, 0),
};

const adamw: Optimizer = {
  summary: "AdamW with PyTorch's defaults (decoupled weight decay 0.01, as the paper's runs used silently)",
  stateSlots: 2,
  proximal: false,
  init: zeros(2),
  update: (W, D, state, t, h) => adamUpdate(W, D, state, t, h, h.weightDecay),
};

export const OPTIMIZERS = { sgd, 'prox-sgd': proxSgd, adam, adamw } satisfies Record<string, Optimizer>;
export type OptimizerName = keyof typeof OPTIMIZERS;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];
