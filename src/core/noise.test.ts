/**
 * The hidden-noise samplers' scale and shape (SCIENCE.md §6 E), and how the training loop
 * hands the noise out: instance i draws from its own stream, so it trains the same whatever
 * the number of instances, and two instances never share draws. Through createTrainer and
 * the Backend interface only.
 */
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../kernels/reference.js';
import type { Backend, Session } from '../kernels/backend.js';
import { parseConfig } from './config.js';
import { createNoiseStreams } from './init.js';
import { NOISE_KINDS, NOISE_NAMES } from './noise.js';
import { createStreams } from './rng.js';
import { createTrainer } from './train.js';

function draws(kind: keyof typeof NOISE_KINDS, std: number, count: number, seed = 5): Float64Array {
  const out = new Float64Array(count).fill(123); // whatever was there must be overwritten
  NOISE_KINDS[kind].sample(createStreams(seed, 1)[0], std, out);
  return out;
}

function moments(x: Float64Array): { mean: number; std: number; kurtosis: number } {
  let s = 0;
  for (const v of x) s += v;
  const mean = s / x.length;
  let v2 = 0;
  let v4 = 0;
  for (const v of x) {
    v2 += (v - mean) ** 2;
    v4 += (v - mean) ** 4;
  }
  v2 /= x.length;
  v4 /= x.length;
  return { mean, std: Math.sqrt(v2), kurtosis: v4 / (v2 * v2) };
}

describe('noise samplers', () => {
  const N = 40_000;

  it('gaussian: mean 0, standard deviation σ (not σ²), kurtosis 3', () => {
    for (const std of [0.1, 0.5, 2]) {
      const m = moments(draws('gaussian', std, N));
      // sampling error of the sd is σ/√(2N) ≈ 0.35 % of σ; of the mean σ/√N; of the kurtosis √(24/N) ≈ 0.025
      expect(Math.abs(m.std / std - 1)).toBeLessThan(0.015);
      expect(Math.abs(m.mean)).toBeLessThan((5 * std) / Math.sqrt(N));
      expect(m.kurtosis).toBeGreaterThan(2.9);
      expect(m.kurtosis).toBeLessThan(3.1);
    }
  });

  it('bipolar: every draw is exactly +σ or −σ, each about half the time', () => {
    for (const std of [0.07, 0.15, 3]) {
      const x = draws('bipolar', std, N);
      let plus = 0;
      let other = 0;
      for (const v of x) {
        if (Math.abs(v) !== std) other++;
        if (v > 0) plus++;
      }
      expect(other).toBe(0);
      expect(Math.abs(plus / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
      expect(moments(x).kurtosis).toBeCloseTo(1, 2); // negative excess kurtosis: what sparsifies
    }
  });

  it('none: zeros, whatever the buffer held', () => {
    expect(draws('none', 0.3, 64).every((v) => v === 0)).toBe(true);
  });

  it('draws come from the stream given (same stream state, same draws; next state, new draws)', () => {
    for (const kind of ['bipolar', 'gaussian'] as const) {
      const [s] = createStreams(9, 1);
      const a = new Float64Array(16);
      const b = new Float64Array(16);
      NOISE_KINDS[kind].sample(s, 1, a);
      NOISE_KINDS[kind].sample(s, 1, b);
      expect(Array.from(a)).not.toEqual(Array.from(b));
      expect(Array.from(a)).toEqual(Array.from(draws(kind, 1, 16, 9)));
    }
  });

  it('each value takes its draws from the stream and no more: bipolar one uint32, Gaussian one Box–Muller draw', () => {
    const [s] = createStreams(12, 1);
    const [ref] = createStreams(12, 1);
    const out = new Float64Array(9);
    NOISE_KINDS.bipolar.sample(s, 0.5, out);
    for (let k = 0; k < 9; k++) expect(out[k]).toBe(ref.nextUint32() & 1 ? 0.5 : -0.5);
    expect(s.nextUint32()).toBe(ref.nextUint32());
    NOISE_KINDS.gaussian.sample(s, 2, out);
    for (let k = 0; k < 9; k++) expect(out[k]).toBe(2 * ref.nextGaussian());
    expect(s.nextUint32()).toBe(ref.nextUint32());
  });

  it('the registry names the three kinds', () => {
    expect(NOISE_NAMES).toEqual(['none', 'bipolar', 'gaussian']);
  });
});

/** Wraps the reference backend and records the noise handed to every step. */
function recordingBackend(): { backend: Backend; steps: Array<Float64Array | null> } {
  const steps: Array<Float64Array | null> = [];
  const backend: Backend = {
    name: 'reference',
    supports: referenceBackend.supports,
    createSession(problem, W0) {
      const inner = referenceBackend.createSession(problem, W0);
      const session: Session = Object.create(inner);
      session.step = (noise, withForces) => {
        steps.push(noise ? Float64Array.from(noise) : null);
        return inner.step(noise, withForces);
      };
      return session;
    },
  };
  return { backend, steps };
}

describe('hidden noise in training', () => {
  const base = { nFeatures: 4, nHidden: 6, lambda: 0, optimizer: 'sgd', lr: 0.05, steps: 30, seed: 17, backend: 'reference', snapshotEvery: 10 } as const;

  it.each(['bipolar', 'gaussian'] as const)('%s: instance i gets draws of its own stream i, every step', async (noise) => {
    const config = parseConfig({ ...base, nInstances: 3, noise, noiseStd: 0.2 });
    const { backend, steps } = recordingBackend();
    const trainer = createTrainer(config, { backend });
    trainer.advance(config.steps);
    expect(steps.length).toBe(30);
    const streams = createNoiseStreams(config.seed, 3);
    const row = new Float64Array(6);
    for (const rows of steps) {
      expect(rows).not.toBeNull();
      for (let i = 0; i < 3; i++) {
        NOISE_KINDS[noise].sample(streams[i], 0.2, row);
        expect(Array.from(rows!.subarray(i * 6, (i + 1) * 6))).toEqual(Array.from(row));
      }
    }
  });

  it('instance 0 trains identically whether the run has 1 or 2 instances', async () => {
    const one = createTrainer(parseConfig({ ...base, nInstances: 1, noise: 'bipolar', noiseStd: 0.3 }), { backend: referenceBackend });
    const two = createTrainer(parseConfig({ ...base, nInstances: 2, noise: 'bipolar', noiseStd: 0.3 }), { backend: referenceBackend });
    one.advance(30);
    two.advance(30);
    expect(Array.from(two.weights().subarray(0, 24))).toEqual(Array.from(one.weights()));
    expect(one.finish().loss[0]).toBe(two.finish().loss[0]);
  });

  it('two instances started from the same weights part ways: their noise differs', async () => {
    const config = parseConfig({ ...base, nInstances: 2, noise: 'gaussian', noiseStd: 0.3 });
    const W1 = createTrainer(parseConfig({ ...base, nInstances: 1 }), { backend: referenceBackend }).W0;
    const W0 = new Float32Array(48);
    W0.set(W1, 0);
    W0.set(W1, 24);
    const t = createTrainer(config, { backend: referenceBackend, W0 });
    t.advance(30);
    const W = t.weights();
    expect(Array.from(W.subarray(0, 24))).not.toEqual(Array.from(W.subarray(24)));
  });

  it('the noise does not depend on the initial weights (loading --init leaves it unchanged)', async () => {
    const config = parseConfig({ ...base, nInstances: 2, noise: 'bipolar', noiseStd: 0.1 });
    const a = recordingBackend();
    const b = recordingBackend();
    createTrainer(config, { backend: a.backend }).advance(5);
    createTrainer(config, { backend: b.backend, W0: new Float32Array(48).fill(0.25) }).advance(5);
    expect(a.steps.map((r) => Array.from(r!))).toEqual(b.steps.map((r) => Array.from(r!)));
  });

  it('noise none, or σ = 0, hands the backend no noise at all', async () => {
    for (const over of [{ noise: 'none', noiseStd: 0.3 }, { noise: 'bipolar', noiseStd: 0 }] as const) {
      const { backend, steps } = recordingBackend();
      createTrainer(parseConfig({ ...base, ...over }), { backend }).advance(3);
      expect(steps).toEqual([null, null, null]);
    }
  });
});
