/**
 * The random streams at the edges of their contracts: the seed range, stream state
 * validation at the int32 bounds, copies where a caller could otherwise alter a live
 * generator, the uniform doubles' range and resolution, and the streams' golden first
 * values (so a change to the seeding, the jump or the double construction is seen).
 */
import { describe, expect, it } from 'vitest';
import { createStreams, isValidSeed, restoreStream, seedState } from './rng.js';

describe('seeds', () => {
  it('valid seeds are the integers in [0, 2^32)', () => {
    for (const s of [0, 1, 2 ** 31, 2 ** 32 - 1]) expect(isValidSeed(s)).toBe(true);
    for (const s of [-1, 2 ** 32, 0.5, NaN, Infinity, -0]) expect(isValidSeed(s)).toBe(Object.is(s, -0));
    expect(() => createStreams(2 ** 32, 1)).toThrow('seed must be an integer in [0, 2^32), got 4294967296');
    expect(createStreams(2 ** 32 - 1, 1).length).toBe(1);
  });

  it('seedState: four int32 words, the splitmix32 sequence on golden-ratio increments', () => {
    const st = seedState(12345);
    expect(st.length).toBe(4);
    for (const w of st) expect(w).toBe(w | 0);
    // word k mixes seed + (k+1)·0x9e3779b9, so seeds one increment apart share three words
    expect(seedState(0).slice(1)).toEqual(seedState(0x9e3779b9).slice(0, 3));
    expect(new Set(seedState(7)).size).toBe(4);
  });

  it('createStreams(seed, 0) is empty; count streams otherwise', () => {
    expect(createStreams(3, 0)).toEqual([]);
    expect(createStreams(3, 5).length).toBe(5);
  });
});

describe('stream state', () => {
  it('accepts the int32 bounds and refuses one past them, non-integers and wrong lengths', () => {
    for (const v of [-(2 ** 31), 2 ** 31 - 1, 0]) expect(() => restoreStream([v, 1, 2, 3])).not.toThrow();
    for (const v of [2 ** 31, -(2 ** 31) - 1, 0.5, NaN]) expect(() => restoreStream([1, 2, 3, v])).toThrow(/^a stream state is 4 int32 values, got \[/);
    expect(() => restoreStream([1, 2, 3, 4, 5])).toThrow(/4 int32 values, got \[1,2,3,4,5\]/);
    expect(() => restoreStream([])).toThrow(/4 int32 values/);
  });

  it('getState is a copy, and restoreStream copies what it is given', () => {
    const [s] = createStreams(4, 1);
    const state = s.getState();
    const expected = restoreStream(state.slice()).nextUint32();
    const r = restoreStream(state);
    state[0] ^= 0x55555555;
    state[2] ^= 0x33333333;
    expect(r.nextUint32()).toBe(expected);
    const mine = s.getState();
    mine[1] ^= 1;
    expect(s.nextUint32()).toBe(expected);
  });
});

describe('draws', () => {
  it('nextUint32 is an unsigned 32-bit integer; nextDouble is in [0, 1) with 53-bit resolution', () => {
    const [s] = createStreams(1, 1);
    let odd = false;
    let high = false;
    for (let i = 0; i < 2000; i++) {
      const u = s.nextUint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      if (u >= 2 ** 31) high = true;
      const d = s.nextDouble();
      expect(d >= 0 && d < 1).toBe(true);
      if (Number.isInteger(d * 2 ** 53) && !Number.isInteger(d * 2 ** 52)) odd = true;
    }
    expect(high).toBe(true); // the top bit is used (>>> 0, not a signed int)
    expect(odd).toBe(true); // the lowest of the 53 bits is used
  });

  it('nextDouble is (hi·2²⁶ + lo)/2⁵³ from the top 27 and 26 bits of two generator outputs', () => {
    const [s] = createStreams(21, 1);
    for (let t = 0; t < 50; t++) {
      const state = s.getState();
      const a = restoreStream(state);
      const hi = a.nextUint32() >>> 5;
      const lo = a.nextUint32() >>> 6;
      expect(s.nextDouble()).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
    }
  });

  it('stream 0 of a seed is the same whatever the count; the Gaussian is Box–Muller on the next two doubles', () => {
    const take = (i: number) => {
      const s = createStreams(0, 2)[i];
      return [s.nextUint32(), s.nextDouble(), s.nextGaussian()];
    };
    const [a, b] = [take(0), take(1)];
    expect(a).toEqual(take(0));
    expect(b).not.toEqual(a);
    expect(createStreams(0, 1)[0].nextUint32()).toBe(a[0]);
    // Box–Muller from two uniforms of the same stream, by hand
    const s = createStreams(0, 1)[0];
    s.nextUint32();
    s.nextDouble();
    const u1 = 1 - s.nextDouble();
    const u2 = s.nextDouble();
    expect(a[2]).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    const t = createStreams(0, 1)[0];
    t.nextUint32();
    expect(restoreStream(t.getState()).nextDouble()).toBe(a[1]);
  });
});
