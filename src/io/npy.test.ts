// .npy round trips against files written by numpy 1.24 (test/fixtures/make_npy_fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeNpy, encodeNpy } from './npy.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url)));

describe('npy', () => {
  it('reads a float32 (2, 3, 4) array written by numpy', () => {
    const { data, shape, dtype } = decodeNpy(fixture('numpy-f4-2x3x4.npy'));
    expect(dtype).toBe('<f4');
    expect(shape).toEqual([2, 3, 4]);
    expect(data).toBeInstanceOf(Float32Array);
    // np.arange(24, dtype=float32).reshape(2,3,4) / float32(7) - float32(1)
    expect(data[0]).toBe(-1);
    expect(data[7]).toBe(Math.fround(Math.fround(7 / 7) - 1));
    expect(data[23]).toBeCloseTo(23 / 7 - 1, 6);
  });

  it('writes the exact bytes numpy writes (so numpy reads ours)', () => {
    for (const name of ['numpy-f4-2x3x4.npy', 'numpy-f8-5.npy']) {
      const bytes = fixture(name);
      const { data, shape } = decodeNpy(bytes);
      expect(Buffer.from(encodeNpy(data, shape)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('reads float64 as Float64Array', () => {
    const { data, shape } = decodeNpy(fixture('numpy-f8-5.npy'));
    expect(shape).toEqual([5]);
    expect(Array.from(data)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('rejects Fortran order, unsupported dtypes, truncation and non-npy bytes with clear messages', () => {
    expect(() => decodeNpy(fixture('numpy-f4-fortran.npy'), 'f.npy')).toThrow(/f\.npy: Fortran-order/);
    expect(() => decodeNpy(fixture('numpy-i8.npy'), 'i.npy')).toThrow(/i\.npy: dtype "<i8" is not supported/);
    const good = fixture('numpy-f4-2x3x4.npy');
    expect(() => decodeNpy(good.subarray(0, good.length - 4), 't.npy')).toThrow(/t\.npy: truncated/);
    expect(() => decodeNpy(new TextEncoder().encode('hello world'), 'x.txt')).toThrow(/x\.txt: not a \.npy file/);
  });

  it('round-trips any float32 array and shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), fc.integer(), (shape, seed) => {
        const count = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: count }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3));
        const back = decodeNpy(encodeNpy(data, shape));
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(data));
        expect((10 + new DataView(encodeNpy(data, shape).buffer).getUint16(8, true)) % 64).toBe(0);
      }),
      { numRuns: 50 },
    );
  });
});
