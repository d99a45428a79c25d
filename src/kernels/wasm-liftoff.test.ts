// The wasm kernels in V8's baseline tier only. V8 11 (Node 20) runs new wasm code in Liftoff
// first, and its Liftoff loses integer registers across memory.atomic.wait32: with the wait
// instruction in the barriers, workers read a clobbered local after a barrier and trapped
// (assembly/sync.ts). This file sets the flag before any kernel is compiled (vitest runs each
// test file in its own process), so every function, in every thread, stays in Liftoff.
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { initWeights } from '../core/init.js';
import { problemOf } from '../core/train.js';
import type { Session } from './backend.js';
import { referenceBackend } from './reference.js';
import { createWasmBackend } from './wasm.js';

setFlagsFromString('--liftoff-only');
const sessions: Session[] = [];
afterAll(() => {
  sessions.forEach((s) => s.dispose());
  setFlagsFromString('--no-liftoff-only');
});

describe('wasm kernels compiled by Liftoff alone', () => {
  it('2 instances split over 3 threads: same bits as 1 thread, close to the reference', async () => {
    const wasm = (await createWasmBackend())!;
    const config = parseConfig({ nInstances: 2, nFeatures: 22, nHidden: 19, optimizer: 'adam', lr: 0.01, seed: 4 });
    const W0 = initWeights(config);
    const runs = [1, 3].map((threads) => {
      const s = wasm.createSession(problemOf(config, threads), W0);
      sessions.push(s);
      expect((s as Session & { threadsInUse: number }).threadsInUse).toBe(threads);
      for (let t = 0; t < 12; t++) s.step(null, t % 5 === 0);
      return Float32Array.from(s.weights());
    });
    expect(Buffer.from(runs[1].buffer).equals(Buffer.from(runs[0].buffer))).toBe(true);
    const ref = referenceBackend.createSession(problemOf(config, 1), W0);
    for (let t = 0; t < 12; t++) ref.step(null, false);
    let diff = 0;
    ref.weights().forEach((x, i) => (diff = Math.max(diff, Math.abs(x - runs[0][i]))));
    expect(diff).toBeLessThan(2e-5);
  });
});
