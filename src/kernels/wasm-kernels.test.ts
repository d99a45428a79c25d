// Each wasm kernel against the float64 reference (src/core/model.ts, optimizers.ts) on random
// inputs of awkward sizes: n and m not multiples of the SIMD width or the 4×2 blocks, n = 1, m = 1.
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from '../core/optimizers.js';
import { createStreams, type RandomStream } from '../core/rng.js';
import { addL1Subgradient, coefficients, gram, matmul } from '../core/model.js';
import { CMD_STEP, DENSE_SHARE, HYPER_OFFSET, KERNEL_OPTIMIZERS, ROW_STATS, loadKernels, instantiate, type KernelExports } from './wasm-module.js';

const SIZES: [number, number][] = [[1, 1], [1, 7], [5, 1], [3, 5], [6, 9], [13, 33], [17, 64], [32, 30]];

/** A fresh unshared memory with a bump allocator (64-byte aligned, like the kernels' layout). */
class Lab {
  readonly k: KernelExports;
  readonly memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 });
  private next: number;
  constructor(module: WebAssembly.Module) {
    this.k = instantiate(module, this.memory);
    this.next = this.k.heapBase();
  }
  alloc(bytes: number): number {
    const p = this.next;
    this.next += Math.ceil(bytes / 64) * 64;
    return p;
  }
  f32(ptr: number, length: number) {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  f64(ptr: number, length: number) {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
}

let lab: () => Lab;
beforeAll(async () => {
  const kernels = await loadKernels();
  expect(kernels, 'this Node has WebAssembly SIMD').not.toBeNull();
  lab = () => new Lab(kernels!.single);
});

const up = (x: number, k: number) => Math.ceil(x / k) * k;
const gaussians = (s: RandomStream, count: number, scale: number) => Float32Array.from({ length: count }, () => scale * s.nextGaussian());

/** Packs W and computes G on the wasm side; returns G [n4, n4]. */
function wasmGram(L: Lab, W: Float32Array, n: number, m: number, split?: number): Float32Array {
  const n4 = up(n, 4), m4 = up(m, 4), groups = n4 / 4;
  const pW = L.alloc(4 * n * m), pWp = L.alloc(4 * n4 * m4), pG = L.alloc(4 * n4 * n4);
  L.f32(pW, n * m).set(W);
  L.k.packGroups(pW, n, m, m4, pWp, 0, groups);
  if (split === undefined) L.k.gramGroups(pWp, n4, m4, pG, 0, groups);
  else {
    L.k.gramGroups(pWp, n4, m4, pG, split, groups);
    L.k.gramGroups(pWp, n4, m4, pG, 0, split);
  }
  return L.f32(pG, n4 * n4).slice();
}

describe('wasm gram', () => {
  it.each(SIZES)('n=%i m=%i matches the reference to float32 rounding', (n, m) => {
    const [s] = createStreams(n * 100 + m, 1);
    const W = gaussians(s, n * m, 1 / Math.sqrt(m));
    const G = wasmGram(lab(), W, n, m);
    const ref = new Float64Array(n * n);
    gram(W, n, m, ref);
    const n4 = up(n, 4);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let scale = 0;
        for (let k = 0; k < m; k++) scale += Math.abs(W[i * m + k] * W[j * m + k]);
        expect(Math.abs(G[i * n4 + j] - ref[i * n + j])).toBeLessThanOrEqual(2e-6 * scale + 1e-30);
      }
    }
  });

  it('is exactly symmetric and does not depend on how row groups are split', () => {
    const [s] = createStreams(7, 1);
    const n = 19, m = 23;
    const W = gaussians(s, n * m, 0.3);
    const whole = wasmGram(lab(), W, n, m);
    const split = wasmGram(lab(), W, n, m, 3);
    expect(split).toEqual(whole);
    const n4 = up(n, 4);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(whole[i * n4 + j]).toBe(whole[j * n4 + i]);
  });
});

/** Reads row i's coefficient list back as a dense row (records: j·64, M_ij; increasing j; row stride n4). */
function denseRow(L: Lab, lists: number, counts: number, panel: number, i: number, n: number): { row: Float64Array; js: number[] } {
  const count = new Int32Array(L.memory.buffer, counts, n)[i];
  const offsets = new Uint32Array(L.memory.buffer, lists + 8 * up(n, 4) * i, 2 * count);
  const values = new Float32Array(L.memory.buffer, lists + 8 * up(n, 4) * i, 2 * count);
  const row = new Float64Array(n);
  const js: number[] = [];
  for (let p = 0; p < count; p++) {
    const j = (offsets[2 * p] - panel) / 64; // records hold the address of panel row j
    js.push(j);
    row[j] = values[2 * p + 1];
  }
  return { row, js };
}

/** Slot buffers for coefficientGroups/productGroups at size n (layouts as in assembly/coefficients.ts). */
function coefficientBuffers(L: Lab, n: number) {
  const n4 = up(n, 4);
  return { lists: L.alloc(8 * n * n4), counts: L.alloc(4 * n), diag: L.alloc(4 * n), Mi: L.alloc(4 * n4 * n4), dense: L.alloc(n4), stats: L.alloc(8 * n * ROW_STATS), panel: L.alloc(64 * n) };
}

/** Random symmetric G [n4, n4]: diagonal around 1 (one zero-norm row), off-diagonal N(shift, 0.4²). */
function randomGram(n: number, seed: number, shift: number): Float32Array {
  const [s] = createStreams(seed, 1);
  const n4 = up(n, 4);
  const G = new Float32Array(n4 * n4);
  for (let i = 0; i < n; i++) {
    G[i * n4 + i] = Math.abs(1 + 0.5 * s.nextGaussian()) * (i % 5 === 4 ? 0 : 1); // ReLU'(0) = 0 on the diagonal
    for (let j = i + 1; j < n; j++) G[i * n4 + j] = G[j * n4 + i] = shift + 0.4 * s.nextGaussian();
  }
  return G;
}

describe('wasm coefficients', () => {
  const cases = [...SIZES.map(([n]) => [n, true, 0] as const), [6, false, 0] as const, [13, false, 0] as const, [13, true, 0.6] as const, [32, true, 0.6] as const];
  it.each(cases)('n=%i interference=%s (off-diagonal mean %s) matches the reference', (n, interference, shift) => {
    const n4 = up(n, 4);
    const G = randomGram(n, n + (interference ? 0 : 1000), shift);
    const L = lab();
    const b = coefficientBuffers(L, n);
    const pG = L.alloc(4 * n4 * n4);
    L.f32(pG, n4 * n4).set(G);
    // two calls over a split of the row groups, as two threads would
    const groups = n4 / 4;
    const split = groups >> 1;
    L.k.coefficientGroups(pG, n, n4, interference ? 1 : 0, b.lists, b.counts, b.diag, b.Mi, b.dense, b.stats, b.panel, split, groups);
    L.k.coefficientGroups(pG, n, n4, interference ? 1 : 0, b.lists, b.counts, b.diag, b.Mi, b.dense, b.stats, b.panel, 0, split);
    const stats = L.f64(b.stats, n * ROW_STATS);
    const diag = L.f32(b.diag, n);
    const dense = new Int32Array(L.memory.buffer, b.dense, groups);
    const Mi = L.f32(b.Mi, n4 * n4);

    const G64 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G64[i * n + j] = G[i * n4 + j];
    const M = new Float64Array(n * n);
    const loss = coefficients(G64, n, interference, M);
    let smooth = 0;
    let benefit = 0;
    for (let i = 0; i < n; i++) {
      const { row, js } = denseRow(L, b.lists, b.counts, b.panel, i, n);
      expect(js).toEqual([...js].sort((a, b) => a - b)); // increasing j: the summation order
      for (let j = 0; j < n; j++) {
        const want = M[i * n + j];
        expect(Math.abs(row[j] - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want));
        expect(js.includes(j)).toBe(want !== 0); // exactly the nonzeros are listed
        // dense groups also hold M interleaved: Mi[g][j][r] = M[4g + r][j]
        if (dense[i >> 2]) expect(Mi[(i >> 2) * n4 * 4 + j * 4 + (i & 3)]).toBe(Math.fround(row[j]));
      }
      expect(diag[i]).toBe(Math.fround(row[i]));
      smooth += stats[i * ROW_STATS];
      benefit += stats[i * ROW_STATS + 1];
    }
    // a group is dense exactly when more than DENSE_SHARE of its coefficients are nonzero
    for (let g = 0; g < groups; g++) {
      let nonzero = 0;
      for (let i = 4 * g; i < Math.min(4 * g + 4, n); i++) for (let j = 0; j < n; j++) nonzero += M[i * n + j] !== 0 ? 1 : 0;
      expect(dense[g]).toBe(interference && nonzero > DENSE_SHARE * 4 * n ? 1 : 0);
    }
    if (shift > 0 && n >= 13) expect(Array.from(dense)).toContain(1);
    expect(smooth).toBeCloseTo(loss, 10);
    let refBenefit = 0;
    for (let i = 0; i < n; i++) refBenefit += M[i * n + i] ** 2 * G64[i * n + i];
    expect(Math.abs(benefit - refBenefit)).toBeLessThanOrEqual(1e-6 * refBenefit + 1e-30);
  });
});

describe('wasm product', () => {
  it.each(SIZES.flatMap(([n, m]) => [[n, m, 0.4], [n, m, 0.9]]))('n=%i m=%i density %s: D = M W matches the reference', (n, m, density) => {
    const [s] = createStreams(31 * n + m + Math.round(100 * density), 1);
    const n4 = up(n, 4), m16 = up(m, 16);
    const W = gaussians(s, n * m, 1 / Math.sqrt(m));
    const G = new Float32Array(n4 * n4);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n4 + j] = s.nextDouble() < density ? Math.abs(s.nextGaussian()) + 0.01 : -1;
    // the coefficient lists, interleaved groups and dense flags from the kernel, M from the reference
    const L = lab();
    const b = coefficientBuffers(L, n);
    const pG = L.alloc(4 * n4 * n4), pW = L.alloc(4 * n * m), pD = L.alloc(4 * n4 * m16), pP = b.panel;
    L.f32(pG, n4 * n4).set(G);
    L.f32(pW, n * m).set(W);
    L.k.coefficientGroups(pG, n, n4, 1, b.lists, b.counts, b.diag, b.Mi, b.dense, b.stats, b.panel, 0, n4 / 4);
    const G64 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G64[i * n + j] = G[i * n4 + j];
    const M = new Float64Array(n * n);
    coefficients(G64, n, true, M);
    const groups = n4 / 4;
    L.k.productGroups(b.lists, b.counts, b.Mi, b.dense, pW, n, m, m16, pD, pP, groups >> 1, groups);
    L.k.productGroups(b.lists, b.counts, b.Mi, b.dense, pW, n, m, m16, pD, pP, 0, groups >> 1);
    const D = L.f32(pD, n4 * m16);
    const ref = new Float64Array(n * m);
    matmul(M, W, n, m, ref);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        let scale = 0;
        for (let j = 0; j < n; j++) scale += Math.abs(M[i * n + j] * W[j * m + k]);
        expect(Math.abs(D[i * m16 + k] - ref[i * m + k])).toBeLessThanOrEqual(2e-6 * scale + 1e-30);
      }
    }
    if (density > 0.8 && n >= 5) expect(new Int32Array(L.memory.buffer, b.dense, groups)).toContain(1);
  });
});

describe('wasm row statistics', () => {
  it.each([1, 3, 4, 9, 64, 67])('m=%i: Σ|w|, nonzeros and the interference force²', (m) => {
    const [s] = createStreams(m, 1);
    const w = gaussians(s, m, 0.2);
    for (let k = 0; k < m; k += 3) w[k] = 0;
    const d = gaussians(s, m, 0.5);
    const mii = Math.fround(-0.7);
    const L = lab();
    const pw = L.alloc(4 * m), pd = L.alloc(4 * m), pst = L.alloc(8 * ROW_STATS);
    L.f32(pw, m).set(w);
    L.f32(pd, m).set(d);
    L.k.rowStats(pw, pd, m, mii, 1, pst);
    const st = L.f64(pst, ROW_STATS);
    let abs = 0;
    let nz = 0;
    let inter = 0;
    for (let k = 0; k < m; k++) {
      abs += Math.abs(w[k]);
      if (w[k] !== 0) nz++;
      inter += (d[k] - mii * w[k]) ** 2;
    }
    expect(st[2]).toBeCloseTo(abs, 12);
    expect(st[3]).toBe(nz);
    expect(Math.abs(st[4] - inter)).toBeLessThanOrEqual(1e-6 * inter);
  });
});

describe('wasm optimizer updates', () => {
  it('the kernels define an id for every optimizer of the registry, distinct', () => {
    for (const name of OPTIMIZER_NAMES) expect(KERNEL_OPTIMIZERS[name], name).toBeTypeOf('number');
    expect(new Set(Object.values(KERNEL_OPTIMIZERS)).size).toBe(Object.keys(KERNEL_OPTIMIZERS).length);
  });

  it.each(OPTIMIZER_NAMES.flatMap((name) => [1, 6, 16, 37].map((m) => [name, m] as const)))('%s, 3 rows, m=%i, step 3, panel by panel: matches src/core/optimizers.ts', (name, m) => {
    const [s] = createStreams(m + name.length, 1);
    const hyper = { ...OPTIMIZER_DEFAULTS, lr: 0.05, lambda: 0.3, weightDecay: 0.1 };
    const opt = OPTIMIZERS[name];
    const n = 3, size = n * m, m16 = up(m, 16);
    const w = gaussians(s, size, 0.2);
    w[0] = 0; // sign(0) = 0
    const d = gaussians(s, size, 0.5);
    const s1 = gaussians(s, size, 0.1);
    const s2 = Float32Array.from(gaussians(s, size, 0.1), (x) => x * x);
    const t = 3;

    const L = lab();
    const ctl = L.alloc(L.k.controlBytes());
    L.k.configure(ctl, 1, n, m, 1, KERNEL_OPTIMIZERS[name], opt.stateSlots, 1);
    L.k.setHyper(ctl, hyper.lr, hyper.lambda, hyper.weightDecay, hyper.beta1, hyper.beta2, hyper.eps);
    L.k.setCommand(ctl, CMD_STEP, 1, 0, hyper.lr / (1 - hyper.beta1 ** t), Math.sqrt(1 - hyper.beta2 ** t));
    // W row-major, D with rows padded to m16, the state panel by panel [m16/16][n][16]
    const pw = L.alloc(4 * size), pd = L.alloc(4 * n * m16), p1 = L.alloc(4 * n * m16), p2 = L.alloc(4 * n * m16);
    const acc = L.alloc(16 * n), pst = L.alloc(8 * ROW_STATS * n);
    const panelIndex = (i: number, k: number) => (k >> 4) * n * 16 + i * 16 + (k & 15);
    L.f32(pw, size).set(w);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        L.f32(pd, n * m16)[i * m16 + k] = d[i * m + k];
        L.f32(p1, n * m16)[panelIndex(i, k)] = s1[i * m + k];
        L.f32(p2, n * m16)[panelIndex(i, k)] = s2[i * m + k];
      }
    }
    for (let c = 0; c < m; c += 16) {
      L.k.updatePanel(KERNEL_OPTIMIZERS[name], ctl + HYPER_OFFSET, pw, m, c, pd + 4 * c, 4 * m16, p1 + 4 * c * n, p2 + 4 * c * n, 0, n, acc, pst);
    }
    for (let i = 0; i < n; i++) {
      const l1 = w.subarray(i * m, (i + 1) * m).reduce((s, x) => s + Math.abs(x), 0);
      expect(L.f64(pst, ROW_STATS * n)[i * ROW_STATS + 2]).toBeCloseTo(l1, 12);
    }

    const W64 = Float64Array.from(w);
    const state = [Float64Array.from(s1), Float64Array.from(s2)].slice(0, opt.stateSlots);
    // the wasm update adds λ sign(W) itself (fused); the core optimizers get it in the gradient
    const d64 = Float64Array.from(d);
    if (!opt.proximal) addL1Subgradient(d64, W64, hyper.lambda);
    opt.update(W64, d64, state, t, hyper);
    // float32 rounding of each term, relative to the terms' magnitudes (m1 may cancel)
    const sign = (x: number) => Math.sign(x);
    const gAbs = (k: number) => Math.abs(d[k]) + hyper.lambda * Math.abs(sign(w[k]));
    const m1Scale = (k: number) => hyper.beta1 * Math.abs(s1[k]) + (1 - hyper.beta1) * gAbs(k);
    const m2Scale = (k: number) => hyper.beta2 * s2[k] + (1 - hyper.beta2) * gAbs(k) ** 2;
    const got = L.f32(pw, size);
    for (let k = 0; k < size; k++) {
      let scale = Math.abs(w[k]) + hyper.lr * (gAbs(k) + hyper.lambda);
      if (opt.stateSlots === 2) {
        const stepSize = hyper.lr / (1 - hyper.beta1 ** t);
        scale = Math.abs(w[k]) + (stepSize * m1Scale(k)) / (Math.sqrt(state[1][k] / (1 - hyper.beta2 ** t)) + hyper.eps);
      }
      expect(Math.abs(got[k] - W64[k])).toBeLessThanOrEqual(2e-6 * scale);
    }
    if (name === 'prox-sgd') expect(Array.from(got).some((x) => x === 0)).toBe(W64.some((x) => x === 0));
    for (let slot = 0; slot < opt.stateSlots; slot++) {
      const g = L.f32(slot === 0 ? p1 : p2, n * m16);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) {
          const e = i * m + k;
          expect(Math.abs(g[panelIndex(i, k)] - state[slot][e])).toBeLessThanOrEqual(1e-6 * (slot === 0 ? m1Scale(e) : m2Scale(e)));
        }
      }
    }
  });
});
