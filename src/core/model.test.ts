// Gradient checks: the closed-form gradient of SCIENCE.md §2 (and its hidden-noise form), one-hot path of model.ts,
// against central finite differences of the loss, all in float64.
import { describe, expect, it } from 'vitest';
import { createStreams } from './rng.js';
import { addRankOne, coefficients, gram, l1, matmul, noisyCoefficients } from './model.js';
import { lossByDefinition } from '../test-support/model-by-definition.js';

function randomW(n: number, m: number, seed: number, scale = 1): Float64Array {
  const [s] = createStreams(seed, 1);
  return Float64Array.from({ length: n * m }, () => (scale / Math.sqrt(m)) * s.nextGaussian());
}

function closedFormGradient(W: Float64Array, n: number, m: number, lambda: number, xi: Float64Array | null, interference = true, benefit = true): Float64Array {
  const G = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const D = new Float64Array(n * m);
  gram(W, n, m, G);
  if (xi) {
    const c = new Float64Array(n);
    noisyCoefficients(G, W, xi, n, m, interference, M, c, new Float64Array(n), benefit);
    matmul(M, W, n, m, D);
    addRankOne(D, c, xi, n, m);
  } else {
    coefficients(G, n, interference, M, benefit);
    matmul(M, W, n, m, D);
  }
  for (let k = 0; k < D.length; k++) D[k] += lambda * Math.sign(W[k]);
  return D;
}

function maxRelativeError(W: Float64Array, grad: Float64Array, f: (W: Float64Array) => number): number {
  const h = 1e-6;
  let worst = 0;
  for (let k = 0; k < W.length; k++) {
    const w = W[k];
    W[k] = w + h;
    const up = f(W);
    W[k] = w - h;
    const down = f(W);
    W[k] = w;
    const fd = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(Math.abs(fd), Math.abs(grad[k]), 1e-3));
  }
  return worst;
}

describe('closed-form gradient', () => {
  const cases: Array<[number, number, number]> = [
    [1, 1, 0],
    [2, 3, 1e-3],
    [4, 8, 1e-2],
    [5, 7, 0.1],
    [8, 16, 1e-3],
  ];
  for (const [n, m, lambda] of cases) {
    it(`matches central differences (n=${n}, m=${m}, λ=${lambda})`, () => {
      const W = randomW(n, m, 100 + n * m, 1.3);
      const grad = closedFormGradient(W, n, m, lambda, null);
      expect(maxRelativeError(W, grad, (x) => lossByDefinition(x, n, m, lambda, null))).toBeLessThan(1e-6);
    });
  }

  it('matches central differences without interference', () => {
    const [n, m, lambda] = [6, 9, 1e-3];
    const W = randomW(n, m, 7, 1.5);
    const grad = closedFormGradient(W, n, m, lambda, null, false);
    expect(maxRelativeError(W, grad, (x) => lossByDefinition(x, n, m, lambda, null, false))).toBeLessThan(1e-6);
  });

  it('matches central differences without feature benefit (with and without noise)', () => {
    const [n, m, lambda] = [5, 6, 1e-3];
    const W = randomW(n, m, 17, 1.5);
    const grad = closedFormGradient(W, n, m, lambda, null, true, false);
    expect(maxRelativeError(W, grad, (x) => lossByDefinition(x, n, m, lambda, null, true, false))).toBeLessThan(1e-6);
    const xi = Float64Array.from({ length: m }, (_, k) => 0.2 * Math.cos(k));
    const noisy = closedFormGradient(W, n, m, lambda, xi, true, false);
    expect(maxRelativeError(W, noisy, (x) => lossByDefinition(x, n, m, lambda, xi, true, false))).toBeLessThan(1e-6);
  });

  it('matches central differences with hidden noise', () => {
    const [n, m, lambda] = [5, 8, 1e-3];
    const W = randomW(n, m, 11, 1.2);
    const [s] = createStreams(3, 1);
    const xi = Float64Array.from({ length: m }, () => 0.3 * s.nextGaussian());
    const grad = closedFormGradient(W, n, m, lambda, xi);
    expect(maxRelativeError(W, grad, (x) => lossByDefinition(x, n, m, lambda, xi))).toBeLessThan(1e-6);
  });

  it('reports the loss of the definition', () => {
    const [n, m, lambda] = [7, 5, 0.05];
    const W = randomW(n, m, 21, 1.4);
    const G = new Float64Array(n * n);
    gram(W, n, m, G);
    const smooth = coefficients(G, n, true, new Float64Array(n * n));
    expect(smooth + l1(W, lambda).penalty).toBeCloseTo(lossByDefinition(W, n, m, lambda, null), 12);
  });
});
