// The batched kernels (assembly/batch*.ts) driven through their exports on one thread, against
// a plain float64 transcription of SCIENCE.md §8 written here (independent of every backend):
// loss, gradient (tied and untied, each hidden layer, with and without noise and λ, the
// benefit/interference switches), force norms and the fused update, at awkward sizes
// (n = 1, m = 1, m % 4 = 3, all-zero rows, B = 1).
import { describe, expect, it } from 'vitest';
import { GRAM } from './wasm-layout.generated.js';
import { CMD_EVALUATE, CMD_GRADIENT, CMD_STEP, KERNEL_HIDDEN_LAYERS, KERNEL_OPTIMIZERS, LAYERNORM_EPS, MAX_PAGES, instantiate, loadKernels } from './wasm-module.js';
import { uniform } from '../test-support/uniform.js';

type Hidden = 'linear' | 'relu' | 'layernorm';
interface Case {
  n: number;
  m: number;
  B: number;
  hidden: Hidden;
  untied: boolean;
  noise: boolean;
  lambda: number;
  benefit?: boolean;
  interference?: boolean;
}

/** SCIENCE.md §8 in float64, written out: returns the loss and ∇W (and ∇Wdec when untied). */
function model64(c: Case, X: Float32Array, W: Float32Array, Wd: Float32Array | null, xi: Float32Array | null, part?: { benefit: boolean; interference: boolean; lambda: number }) {
  const { n, m, B, hidden } = c;
  const lambda = part ? part.lambda : c.lambda;
  const benefit = part ? part.benefit : (c.benefit ?? true);
  const interference = part ? part.interference : (c.interference ?? true);
  const D = Wd ?? W;
  const gW = new Float64Array(n * m), gD = new Float64Array(n * m);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const z = new Float64Array(m);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) z[k] += X[b * n + i] * W[i * m + k];
    let h = new Float64Array(m);
    let inv = 0;
    if (hidden === 'linear') h = z;
    else if (hidden === 'relu') h = z.map((v) => Math.max(v, 0));
    else {
      const mu = z.reduce((s, v) => s + v, 0) / m;
      const variance = z.reduce((s, v) => s + (v - mu) ** 2, 0) / m;
      inv = 1 / Math.sqrt(variance + 1e-5);
      h = z.map((v) => (v - mu) * inv);
    }
    const hn = h.map((v, k) => v + (xi ? xi[k] : 0));
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let o = 0;
      for (let k = 0; k < m; k++) o += hn[k] * D[i * m + k];
      const x = X[b * n + i];
      if (!(x !== 0 ? benefit : interference)) continue;
      loss += (Math.max(o, 0) - x) ** 2;
      g[i] = o > 0 ? 2 * (o - x) : 0;
    }
    const q = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      for (let i = 0; i < n; i++) q[k] += g[i] * D[i * m + k];
      q[k] += lambda * Math.sign(h[k]);
      loss += lambda * Math.abs(h[k]);
    }
    let dz = q;
    if (hidden === 'relu') dz = q.map((v, k) => (z[k] > 0 ? v : 0));
    if (hidden === 'layernorm') {
      const mq = q.reduce((s, v) => s + v, 0) / m;
      const mqh = q.reduce((s, v, k) => s + v * h[k], 0) / m;
      dz = q.map((v, k) => (v - mq - h[k] * mqh) * inv);
    }
    const dec = Wd ? gD : gW;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        dec[i * m + k] += g[i] * hn[k];
        gW[i * m + k] += X[b * n + i] * dz[k];
      }
    }
  }
  return { loss, gW, gD };
}

const kernels = await loadKernels();

/** A single-thread batched session on the raw exports. */
function lab(c: Case, optimizer = 'sgd', lr = 0.01) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  const k = instantiate(kernels!.single, memory);
  const ctl = k.heapBase();
  const end = k.configureBatch(ctl, 1, c.n, c.m, c.B, KERNEL_HIDDEN_LAYERS[c.hidden], c.untied ? 1 : 0, (c.benefit ?? true) ? 1 : 0, (c.interference ?? true) ? 1 : 0, KERNEL_OPTIMIZERS[optimizer], optimizer.startsWith('adam') ? 2 : 0, 1);
  memory.grow(Math.ceil(end / 65536) - 1);
  k.setHyper(ctl, lr, c.lambda, 0.01, 0.9, 0.999, 1e-8);
  const f32 = (ptr: number, len: number) => new Float32Array(memory.buffer, ptr, len);
  return {
    k,
    W: f32(k.weightsPtr(ctl), c.n * c.m),
    Wd: f32(k.decoderPtr(ctl), c.n * c.m),
    X: f32(k.batchPtr(ctl), c.B * c.n),
    xi: f32(k.noisePtr(ctl), c.m),
    grad: f32(k.gradientPtr(ctl), (c.untied ? 2 : 1) * c.n * Math.ceil(c.m / 16) * 16),
    loss: () => new Float64Array(memory.buffer, k.lossPtr(ctl), 1)[0],
    forces: () => Array.from(new Float64Array(memory.buffer, k.forcesPtr(ctl), 3)),
    gram: () => new Int32Array(memory.buffer, ctl + GRAM, 1)[0],
    run(cmd: number, withForces = false, noise = false, t = 1) {
      k.setNoise(ctl, noise ? 1 : 0);
      k.setCommand(ctl, cmd, 1, withForces ? 1 : 0, lr / (1 - 0.9 ** t), Math.sqrt(1 - 0.999 ** t));
      k.run(ctl);
    },
  };
}

/** Random problem data: sparse X (some rows all zero, magnitudes 1 or uniform), W, Wd, ξ. */
function data(c: Case, seed: number) {
  const u = uniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const X = new Float32Array(c.B * c.n);
  for (let b = 0; b < c.B; b++) {
    if (b % 3 === 1) continue; // all-zero rows
    for (let i = 0; i < c.n; i++) if (u() < 0.35 || (c.n === 1 && b % 3 === 0)) X[b * c.n + i] = b % 2 ? 1 : u() + 0.05;
  }
  const W = Float32Array.from({ length: c.n * c.m }, () => gauss() * 0.5);
  const Wd = Float32Array.from({ length: c.n * c.m }, () => gauss() * 0.5);
  const xi = Float32Array.from({ length: c.m }, () => gauss() * 0.1);
  return { X, W, Wd, xi };
}

const scaleOf = (a: ArrayLike<number>) => Math.max(1, ...Array.from(a, Math.abs));

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [5, 7, 6],
  [17, 19, 9],
  [3, 33, 4],
  [5, 23, 40], // n (m + B) < B m: a linear hidden layer takes O through C = W Wdecᵀ
];
const cases: Case[] = [];
for (const [n, m, B] of shapes) {
  for (const hidden of Object.keys(KERNEL_HIDDEN_LAYERS) as Hidden[]) {
    for (const untied of [false, true]) cases.push({ n, m, B, hidden, untied, noise: n % 2 === 1 && m > 1, lambda: B > 1 ? 0.1 : 0 });
    if (B === 40) cases.push({ n, m, B, hidden, untied: false, noise: false, lambda: 0.1 });
  }
}
cases.push({ n: 6, m: 11, B: 7, hidden: 'relu', untied: false, noise: true, lambda: 0.05, benefit: false });
cases.push({ n: 6, m: 11, B: 7, hidden: 'layernorm', untied: true, noise: false, lambda: 0.05, interference: false });

const name = (c: Case) => `n=${c.n} m=${c.m} B=${c.B} ${c.hidden} ${c.untied ? 'untied' : 'tied'}${c.noise ? ' noise' : ''} λ=${c.lambda}${c.benefit === false ? ' benefit off' : ''}${c.interference === false ? ' interference off' : ''}`;

describe('batched kernels against SCIENCE.md §8 in float64', () => {
  it('the kernels know every hidden layer of the model, and the same ε', () => {
    expect(Object.keys(KERNEL_HIDDEN_LAYERS).sort()).toEqual(['layernorm', 'linear', 'relu']);
    expect(LAYERNORM_EPS).toBe(1e-5);
  });

  it.each(cases.map((c) => [name(c), c] as const))('%s: loss and gradient', (_, c) => {
    const L = lab(c);
    const d = data(c, c.n * 1000 + c.m * 10 + c.B);
    L.W.set(d.W);
    L.Wd.set(d.Wd);
    L.X.set(d.X);
    L.xi.set(d.xi);
    L.run(CMD_GRADIENT, false, c.noise);
    expect(L.gram(), 'O through C = W Wdecᵀ').toBe(c.hidden === 'linear' && c.n * (c.m + c.B) < c.B * c.m ? 1 : 0);
    const want = model64(c, d.X, d.W, c.untied ? d.Wd : null, c.noise ? d.xi : null);
    expect(Math.abs(L.loss() - want.loss)).toBeLessThanOrEqual(2e-5 * Math.max(1, want.loss));
    const m16 = Math.ceil(c.m / 16) * 16;
    const scale = scaleOf([...want.gW, ...want.gD]);
    let diff = 0;
    for (let r = 0; r < (c.untied ? 2 : 1) * c.n; r++) {
      for (let k = 0; k < c.m; k++) {
        const w = r < c.n ? want.gW[r * c.m + k] : want.gD[(r - c.n) * c.m + k];
        diff = Math.max(diff, Math.abs(L.grad[r * m16 + k] - w));
      }
    }
    expect(diff / scale).toBeLessThan(3e-5);
    // the gradient command leaves the weights alone
    expect(Array.from(L.W)).toEqual(Array.from(d.W));
  });

  it.each(cases.filter((c) => c.B > 1).map((c) => [name(c), c] as const))('%s: force norms (benefit, interference, L1; no noise)', (_, c) => {
    const L = lab(c);
    const d = data(c, c.n + c.m + c.B);
    L.W.set(d.W);
    L.Wd.set(d.Wd);
    L.X.set(d.X);
    L.xi.set(d.xi);
    L.run(CMD_EVALUATE, true, c.noise);
    const parts = [
      { benefit: true, interference: false, lambda: 0 },
      { benefit: false, interference: true, lambda: 0 },
      { benefit: false, interference: false, lambda: c.lambda },
    ];
    const got = L.forces();
    parts.forEach((part, p) => {
      const g = model64(c, d.X, d.W, c.untied ? d.Wd : null, null, part);
      const want = Math.sqrt([...g.gW, ...g.gD].reduce((s, v) => s + v * v, 0));
      expect(Math.abs(got[p] - want), `force ${p}`).toBeLessThanOrEqual(3e-5 * Math.max(1, want));
    });
    // evaluate reports the loss with the noise of this command
    const want = model64(c, d.X, d.W, c.untied ? d.Wd : null, c.noise ? d.xi : null).loss;
    expect(Math.abs(L.loss() - want)).toBeLessThanOrEqual(2e-5 * Math.max(1, want));
  });

  it.each(['sgd', 'prox-sgd'])('%s step: W ← W − lr ∇ on both matrices (prox-sgd: then soft-threshold at lr λ)', (opt) => {
    const c: Case = { n: 9, m: 21, B: 8, hidden: 'relu', untied: true, noise: false, lambda: 0.2 };
    const lr = 0.05;
    const L = lab(c, opt, lr);
    const d = data(c, 77);
    L.W.set(d.W);
    L.Wd.set(d.Wd);
    L.X.set(d.X);
    L.run(CMD_STEP);
    const g = model64(c, d.X, d.W, d.Wd, null);
    const thr = opt === 'prox-sgd' ? lr * c.lambda : 0;
    const soft = (v: number) => (v > thr ? v - thr : v < -thr ? v + thr : 0);
    let diff = 0;
    for (let j = 0; j < c.n * c.m; j++) {
      diff = Math.max(diff, Math.abs(L.W[j] - soft(d.W[j] - lr * g.gW[j])), Math.abs(L.Wd[j] - soft(d.Wd[j] - lr * g.gD[j])));
    }
    expect(diff).toBeLessThan(2e-5 * scaleOf([...g.gW, ...g.gD]));
  });

  it('compactRow lists the nonzeros in order with their addresses, never writing past its share', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
    const k = instantiate(kernels!.single, memory);
    const base = k.heapBase();
    const values = [0, 3, 0, 0, 1.5, -2, 0, 7, 0, 0, 0, 4, 5];
    new Float32Array(memory.buffer, base, values.length).set(values);
    const q = base + 256;
    const guard = new Float32Array(memory.buffer, q, 64).fill(-9);
    const end = k.compactRow(base, values.length, 1000, 12, q);
    const nonzero = values.map((v, j) => [j, v]).filter(([, v]) => v !== 0);
    expect((end - q) / 8).toBe(nonzero.length);
    const u = new Uint32Array(memory.buffer, q, 2 * nonzero.length);
    const f = new Float32Array(memory.buffer, q, 2 * nonzero.length);
    nonzero.forEach(([j, v], r) => {
      expect(u[2 * r]).toBe(1000 + 12 * j);
      expect(f[2 * r + 1]).toBe(v);
    });
    // records beyond the count of all 13 values are untouched
    expect(guard[2 * values.length]).toBe(-9);
  });
});
