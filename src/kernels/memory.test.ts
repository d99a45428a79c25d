/**
 * Memory is estimated honestly: each backend's `memory(problem)` is what its session really
 * holds, and backend selection refuses, with the real figures, what no backend can hold.
 * Large problems are only estimated here (the wasm layout is computed on a throwaway
 * one-page memory), never allocated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { initWeights } from '../core/init.js';
import { problemOf } from '../core/train.js';
import type { Backend, Session } from './backend.js';
import { createNativeBackend, loadNative, nativeBatchMemory, nativeMemory, type Addon } from './native.js';
import { batchProblem } from '../test-support/batch-fixtures.js';
import { referenceBackend } from './reference.js';
import { selectBackend } from './select.js';
import { createWasmBackend, WASM_MEMORY_BYTES } from './wasm.js';

let wasm: Backend;
const sessions: Session[] = [];
beforeAll(async () => {
  wasm = (await createWasmBackend())!;
});
afterAll(() => sessions.forEach((s) => s.dispose()));

describe('memory estimates', () => {
  for (const [name, fields, threads] of [
    ['adamw, one thread', { nFeatures: 5, nHidden: 11, nInstances: 2 }, 1],
    ['sgd, one thread', { nFeatures: 37, nHidden: 300, nInstances: 3, optimizer: 'sgd', lr: 0.01 }, 1],
    ['adamw, three threads (a scratch slot each)', { nFeatures: 64, nHidden: 256, nInstances: 4 }, 3],
  ] as const) {
    it(`wasm: the estimate is the memory a session allocates (${name})`, () => {
      const config = parseConfig({ ...fields, weightDecay: 0.01 });
      const p = problemOf(config, threads);
      const need = wasm.memory!(p);
      const s = wasm.createSession(p, initWeights(config));
      sessions.push(s);
      const allocated = (s as unknown as { memory: WebAssembly.Memory }).memory.buffer.byteLength;
      expect(Math.ceil(need.bytes / 65536) * 65536).toBe(allocated);
      expect(need.fits).toBeNull();
      expect(s.threads).toBe(threads);
    });
  }

  it('reference: float64 weights, optimizer state, one instance of D and Dclean, G and M', () => {
    // counted from ReferenceSession's constructor: W (2·55) + two Adam slots (2·2·55) + D, Dclean (2·55) + G, M (2·25)
    const p = problemOf(parseConfig({ nFeatures: 5, nHidden: 11, nInstances: 2 }));
    expect(referenceBackend.memory!(p)).toEqual({ bytes: 8 * (110 + 220 + 110 + 50), fits: null });
  });

  it('wasm uses fewer threads when their scratch would not fit one wasm memory', () => {
    // n = m = 10000 (adamw): about 3.6 GB on one thread, 6 GB on two (each thread has its own scratch)
    const one = wasm.memory!(problemOf(parseConfig({ nFeatures: 10000, nHidden: 10000, memoryLimitMiB: 1e6 }), 1));
    const two = wasm.memory!(problemOf(parseConfig({ nFeatures: 10000, nHidden: 10000, memoryLimitMiB: 1e6 }), 2));
    expect(one.bytes).toBeLessThan(WASM_MEMORY_BYTES);
    expect(two).toEqual(one);
  });
});

describe('native memory estimate', () => {
  it('counts W and the optimizer state, and per thread the packed W, G, coefficient lists and panels', () => {
    // n = 40 (nP = 64), m = 100 (128 in panels of 64), 2 instances, adamw:
    // W 4·8000 + state 2·4·2·40·128 + stats 40·2·40 + threads·4·(64·100 + 64² + 2·40² + 2·40 + 2·40·64)
    const p = problemOf(parseConfig({ nFeatures: 40, nHidden: 100, nInstances: 2 }));
    const perThread = 4 * (6400 + 4096 + 3200 + 80 + 5120);
    expect(nativeMemory(p, 1)).toEqual({ bytes: 32000 + 81920 + 3200 + perThread, fits: null });
    expect(nativeMemory(p, 3).bytes - nativeMemory(p, 1).bytes).toBe(2 * perThread);
  });
});

const LOADED = await loadNative();

(LOADED.addon ? describe : () => {})('native batched memory estimate', () => {
  it.each([
    [{ instances: 2, n: 37, m: 100, B: 50 }, 'relu', false, 'adamw'],
    [{ instances: 1, n: 20, m: 300, B: 64 }, 'linear', false, 'sgd'], // n (m + B) < B m: the GRAM shortcut
    [{ instances: 3, n: 33, m: 17, B: 9 }, 'layernorm', true, 'adam'],
  ] as const)('%o %s untied=%s %s: the estimate is what the addon allocates, up to its 64-byte rounding', async (shape, hidden, untied, optimizer) => {
    const native = (await createNativeBackend())!;
    const p = batchProblem(shape, hidden, untied, 0.01, optimizer, 2);
    const size = shape.instances * shape.n * shape.m;
    const s = native.createSession(p, new Float32Array(size), untied ? new Float32Array(size) : undefined);
    sessions.push(s);
    const addonBytes = (LOADED.addon as Addon).batchBytes((s as unknown as { handle: object }).handle);
    // what JavaScript holds: W (and W_dec), loss, forces and the float32 noise [instances, m16]
    const js = 4 * size * (untied ? 2 : 1) + 8 * 4 * shape.instances + 4 * shape.instances * Math.ceil(shape.m / 16) * 16;
    const need = nativeBatchMemory(p, 2);
    expect(native.memory!(p)).toEqual(need);
    expect(need.fits).toBeNull();
    expect(need.bytes).toBeLessThanOrEqual(js + addonBytes);
    expect(js + addonBytes - need.bytes).toBeLessThan(64 * 30); // at most 30 allocations, each rounded up by < 64 bytes
  });
});

describe('backend selection refuses what no backend can hold, with the real figures', () => {
  it('n = m = 12000: over a wasm memory even on one thread, over --memory-limit on the reference', async () => {
    const p = problemOf(parseConfig({ nFeatures: 12000, nHidden: 12000 }));
    const err = await selectBackend('auto', p, false, 4096).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^invalid nInstances × nFeatures × nHidden: 1 × 12000 × 12000 needs (?:\d+\.\d GiB on the native backend \(over the 4096 MiB of --memory-limit; raise it to allow more\) and )?(\d+\.\d) GiB on the wasm backend \(over the 4 GiB of a wasm memory\) and (\d+\.\d) GiB on the reference backend \(over the 4096 MiB of --memory-limit; raise it to allow more\); use fewer instances or a smaller n or m$/,
    );
    const [, w, r] = /(\d+\.\d) GiB on the wasm backend .* and (\d+\.\d) GiB on the reference/.exec((err as Error).message)!;
    expect(Number(w)).toBeGreaterThan(4); // the issue measured 8 GiB on two threads; one thread still needs over 4
    expect(Number(r)).toBeGreaterThan(Number(w)); // float64
  });

  it('a limit raised past the machine: the machine\'s memory and the longest array refuse it', async () => {
    const p = problemOf(parseConfig({ nFeatures: 100000, nHidden: 100000, memoryLimitMiB: 1e9 }));
    await expect(selectBackend('auto', p, false, 1e9)).rejects.toThrow(/on the reference backend \(over the 4294967295 values one array can hold\)/);
    // 65000² values fit one array; in float64 with Adam's state they need about 270 GB
    const q = problemOf(parseConfig({ nFeatures: 65000, nHidden: 65000, memoryLimitMiB: 1e9 }));
    await expect(selectBackend('reference', q, false, 1e9)).rejects.toThrow(/GiB on the reference backend \(more than this machine's \d+\.\d GiB of memory\)/);
  });

  it('a problem that fits is not refused', async () => {
    expect(['native', 'wasm']).toContain((await selectBackend('auto', problemOf(parseConfig({ nFeatures: 64, nHidden: 256 })), false, 4096)).name);
  });
});
