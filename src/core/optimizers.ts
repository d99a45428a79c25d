/**
 * Optimizers as `{init, update}` pairs, selected by name (registry drives CLI choices,
 * URL keys, docs and the wasm kernels' ids). `update` mutates W and the state in place:
 * training allocates nothing per step. Each optimizer also owns the L1 term λ‖W‖₁,
 * because prox-sgd treats it differently (soft-thresholding) from subgradient methods
 * (λ·sign(W) added to the smooth gradient, sign(0) = 0 as in PyTorch).
 *
 * `D` is the gradient of the smooth part, 4 (ReLU(WWᵀ) − I) W (SCIENCE.md §2).
 * Semantics follow PyTorch (torch.optim.SGD/Adam/AdamW, foreach=False, maximize=False).
 *
 * @example
 *   const opt = OPTIMIZERS.adamw;
 *   const state = opt.init(W.length, Float64Array);
 *   opt.update(W, D, state, 1, { ...OPTIMIZER_DEFAULTS, lr: 1e-3, lambda: 1e-3 });
 */
export type FloatArray = Float32Array | Float64Array;
export type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

export interface OptimizerHyper {
  lr: number;
  /** L1 coefficient λ of the loss. */
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
  init(size: number, ctor: FloatArrayConstructor): FloatArray[];
  /** One step in place; `t` is the 1-based step count (Adam bias correction). */
  update(W: FloatArray, D: FloatArray, state: FloatArray[], t: number, h: OptimizerHyper): void;
}

function zeros(slots: number) {
  return (size: number, ctor: FloatArrayConstructor) => Array.from({ length: slots }, () => new ctor(size));
}

const sgd: Optimizer = {
  summary: 'plain (sub)gradient descent: W ← W − lr (D + λ sign W)',
  stateSlots: 0,
  init: zeros(0),
  update(W, D, _state, _t, { lr, lambda }) {
    for (let i = 0; i < W.length; i++) {
      const w = W[i];
      W[i] = w - lr * (D[i] + lambda * Math.sign(w));
    }
  },
};

const proxSgd: Optimizer = {
  summary: 'proximal gradient: W ← soft-threshold(W − lr D, lr λ); keeps exact zeros (the faithful gradient-flow discretization)',
  stateSlots: 0,
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
  const { lr, lambda, beta1, beta2, eps } = h;
  const bc1 = 1 - beta1 ** t;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
  const stepSize = lr / bc1;
  const shrink = 1 - lr * decay;
  for (let i = 0; i < W.length; i++) {
    const w = W[i];
    const g = D[i] + lambda * Math.sign(w);
    const a = (m1[i] = beta1 * m1[i] + (1 - beta1) * g);
    const b = (m2[i] = beta2 * m2[i] + (1 - beta2) * g * g);
    W[i] = w * shrink - (stepSize * a) / (Math.sqrt(b) / bc2Sqrt + eps);
  }
}

const adam: Optimizer = {
  summary: 'Adam (PyTorch defaults: betas 0.9/0.999, eps 1e-8, no weight decay)',
  stateSlots: 2,
  init: zeros(2),
  update: (W, D, state, t, h) => adamUpdate(W, D, state, t, h, 0),
};

const adamw: Optimizer = {
  summary: "AdamW with PyTorch's defaults (decoupled weight decay 0.01, as the paper's runs used silently)",
  stateSlots: 2,
  init: zeros(2),
  update: (W, D, state, t, h) => adamUpdate(W, D, state, t, h, h.weightDecay),
};

export const OPTIMIZERS = { sgd, 'prox-sgd': proxSgd, adam, adamw } satisfies Record<string, Optimizer>;
export type OptimizerName = keyof typeof OPTIMIZERS;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];
