// The optimizers against PyTorch: three full-batch steps of each, from the closed-form
// gradient (SCIENCE.md §2) and OPTIMIZERS, compared with golden numbers that
// bench/golden_steps.py printed (torch 1.13, float64: einsum forward over the identity batch,
// autograd, torch.optim.SGD/Adam/AdamW defaults; prox-sgd soft-thresholded by hand there).
import { describe, expect, it } from 'vitest';
import { addL1Subgradient, coefficients, gram, l1, matmul } from './model.js';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from './optimizers.js';

const N = 3;
const M = 4;
const W0 = [0.5, -0.3, 0.0, 0.2, 0.4, 0.1, -0.6, 0.0, -0.2, 0.7, 0.3, 0.45];
const HYPER = { ...OPTIMIZER_DEFAULTS, lr: 0.1, lambda: 0.05 };

// Pasted from `/usr/bin/python3 bench/golden_steps.py` (n=3 m=4 lr=0.1 lambda=0.05 steps=3).
const GOLDEN: Record<OptimizerName, { losses: number[]; W: number[] }> = {
  sgd: {
    losses: [0.8821062500000001, 0.5656893420043165, 0.3698290497565887],
    W: [0.7053271169011173, -0.5007186207614455, 0.1400721865335917, 0.311641564583677, 0.42723104087971403, 0.20082396103451952, -0.8368094024685715, -0.0392763970040602, -0.20845809056927844, 0.7678423278305524, 0.32033493802153323, 0.4881502091999154],
  },
  'prox-sgd': {
    losses: [0.8821062500000001, 0.5689835855386366, 0.3725966217610454],
    W: [0.7043758239880306, -0.501656672106746, 0.13622661587868992, 0.31126223800889796, 0.4253773907329103, 0.20235239672328287, -0.8368607155197969, -0.034252000627684506, -0.20845809056927844, 0.7678423278305524, 0.32033493802153323, 0.4881502091999154],
  },
  adam: {
    losses: [0.8821062500000001, 0.501856248115113, 0.2973214517224199],
    W: [0.7772939430109993, -0.5820031164254116, 0.28313654296607055, 0.4836324199550745, 0.586723356056542, 0.3556219974178806, -0.8469493751876224, -0.24354355226916477, -0.19135826959572613, 0.7388584450888864, 0.30949527632005075, 0.47529601373169394],
  },
  adamw: {
    losses: [0.8821062500000001, 0.5020333073547107, 0.2964859166361805],
    W: [0.7759364479696138, -0.5810843960180465, 0.2829975641728816, 0.48307345489224807, 0.5870013808709139, 0.3555502720322706, -0.845546113407158, -0.24391189025123508, -0.1912529802439485, 0.7378219905425164, 0.3093218775129337, 0.47486205073645843],
  },
};

/** Three steps in float64 with the closed-form gradient; returns the loss before each step. */
function train(name: OptimizerName): { losses: number[]; W: Float64Array } {
  const opt = OPTIMIZERS[name];
  const W = Float64Array.from(W0);
  const state = opt.init(W.length, Float64Array);
  const G = new Float64Array(N * N);
  const C = new Float64Array(N * N);
  const D = new Float64Array(N * M);
  const losses: number[] = [];
  for (let t = 1; t <= 3; t++) {
    gram(W, N, M, G);
    losses.push(coefficients(G, N, true, C) + l1(W, HYPER.lambda).penalty);
    matmul(C, W, N, M, D);
    if (!opt.proximal) addL1Subgradient(D, W, HYPER.lambda);
    opt.update(W, D, state, t, HYPER);
  }
  return { losses, W };
}

describe('optimizers against PyTorch (bench/golden_steps.py)', () => {
  it.each(OPTIMIZER_NAMES)('%s: three steps match torch to 1e-12', (name) => {
    const { losses, W } = train(name);
    const golden = GOLDEN[name];
    for (let t = 0; t < 3; t++) expect(Math.abs(losses[t] - golden.losses[t])).toBeLessThan(1e-12);
    for (let i = 0; i < W.length; i++) expect(Math.abs(W[i] - golden.W[i])).toBeLessThan(1e-12);
  });

  it('prox-sgd soft-thresholds to exact zeros where sgd jitters around them', () => {
    const sgd = Float64Array.from([0.001]);
    const D = new Float64Array(1);
    addL1Subgradient(D, sgd, HYPER.lambda); // the subgradient methods get λ sign(W) in D
    OPTIMIZERS.sgd.update(sgd, D, [], 1, HYPER);
    expect(sgd[0]).toBeCloseTo(-0.004, 15);
    const opt = OPTIMIZERS['prox-sgd'];
    const W = Float64Array.from([0, 0.001, -0.001, 0.5]);
    opt.update(W, new Float64Array(4), [], 1, { ...HYPER, lambda: 0.05 }); // threshold lr·λ = 0.005
    expect(Array.from(W)).toEqual([0, 0, 0, 0.495]);
  });

  it('AdamW differs from Adam only by the decoupled decay', () => {
    const W = Float64Array.from([1, -1]);
    const D = Float64Array.from([0, 0]);
    const a = Float64Array.from(W);
    OPTIMIZERS.adamw.update(W, D, OPTIMIZERS.adamw.init(2, Float64Array), 1, { ...HYPER, lambda: 0 });
    OPTIMIZERS.adam.update(a, D, OPTIMIZERS.adam.init(2, Float64Array), 1, { ...HYPER, lambda: 0 });
    expect(Array.from(a)).toEqual([1, -1]);
    expect(W[0]).toBeCloseTo(1 - HYPER.lr * HYPER.weightDecay, 15);
  });
});
