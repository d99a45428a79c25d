/**
 * Fuzzing the .npy reader (fast-check): arbitrary bytes and mutated valid files either
 * decode to an array no larger than the file's body, or fail with the reader's own one-line
 * UserError naming the source, never another exception. Every loop in the reader advances
 * through a bounded header, so a hang would show as this test timing out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { decodeNpy, encodeNpy } from './npy.js';

const SOURCE = 'fuzz.npy';

/** Decodes and checks the contract; returns 'ok' or 'refused'. */
function decodeChecked(bytes: Uint8Array): 'ok' | 'refused' {
  try {
    const arr = decodeNpy(bytes, SOURCE);
    // never more data than the file holds, and the shape accounts for every value
    expect(arr.data.byteLength).toBeLessThanOrEqual(bytes.byteLength);
    expect(arr.shape.reduce((a, b) => a * b, 1)).toBe(arr.data.length);
    return 'ok';
  } catch (err) {
    if (!(err instanceof UserError)) throw new Error(`not the reader's error: ${String(err)}`);
    expect(err.message.startsWith(`${SOURCE}: `)).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.message.length).toBeLessThan(400);
    return 'refused';
  }
}

const header = (text: string, major = 1): Uint8Array => {
  const padded = text + ' '.repeat((64 - ((10 + text.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + padded.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, padded.length & 0xff, padded.length >> 8]);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  return out;
};
const withBody = (h: Uint8Array, bodyBytes: number) => {
  const out = new Uint8Array(h.length + bodyBytes);
  out.set(h);
  return out;
};

const validFile = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }),
    f64: fc.boolean(),
  })
  .map(({ shape, f64 }) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = f64 ? Float64Array.from({ length: count }, (_, i) => i / 3) : Float32Array.from({ length: count }, (_, i) => i / 3);
    return encodeNpy(data, shape.length ? shape : [count]);
  });

type Mutation = { kind: 'flip'; at: number; value: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; bytes: number[] };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }) }),
);
function mutate(bytes: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = Array.from(bytes);
  for (const m of muts) {
    const at = b.length ? m.at % b.length : 0;
    if (m.kind === 'flip' && b.length) b[at] = m.value;
    else if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'insert') b.splice(at, 0, ...m.bytes);
  }
  return Uint8Array.from(b);
}

describe('npy reader under fuzzing', () => {
  it('arbitrary bytes: the reader\'s one-line error or a valid array', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => void decodeChecked(bytes)), { numRuns: 3000 });
  });

  it('arbitrary bytes behind a valid magic and version', () => {
    const magic = fc.tuple(fc.constantFrom(1, 2, 3), fc.uint8Array({ maxLength: 300 })).map(([major, rest]) => {
      const out = new Uint8Array(8 + rest.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
      out.set(rest, 8);
      return out;
    });
    fc.assert(fc.property(magic, (bytes) => void decodeChecked(bytes)), { numRuns: 3000 });
  });

  it('mutated valid files (flipped, truncated, inserted bytes)', () => {
    const outcomes = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 4 }), (file, muts) => {
        outcomes[decodeChecked(mutate(file, muts))]++;
      }),
      { numRuns: 3000 },
    );
    expect(outcomes.ok).toBeGreaterThan(0); // the mutations leave some files readable …
    expect(outcomes.refused).toBeGreaterThan(0); // … and break others
  });

  it('mutated header text: keys, values and punctuation replaced by fragments of other headers', () => {
    const fragments = ["'descr'", "'<f4'", "'<f8'", "'>f4'", "'|u1'", "'fortran_order'", 'True', 'False', "'shape'", '(', ')', ',', ':', '{', '}', ' ', '2', '99999999999999999999', '-1', '3L', '"shape"', "'", '\\'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 30 }), fc.nat({ max: 4096 }), (parts, body) => {
        void decodeChecked(withBody(header(parts.join('')), body));
      }),
      { numRuns: 3000 },
    );
  });

  it('a shape far larger than the file is refused before anything is allocated', () => {
    for (const shape of ['(1099511627776, 1099511627776)', '(9007199254740991,)', '(4294967296, 2)']) {
      const bytes = withBody(header(`{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`), 16);
      expect(() => decodeNpy(bytes, SOURCE)).toThrow(/^fuzz\.npy: truncated: shape .* needs \d+(\.\d+)?(e\+\d+)? bytes, file has 16$/);
    }
  });

  it('a repeated key is refused (numpy would silently take the last value)', () => {
    const bytes = withBody(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (1,), }"), 8);
    expect(() => decodeNpy(bytes, SOURCE)).toThrow(/duplicate key 'shape'; numpy would silently use the last one/);
  });

  it('reads every spelling numpy accepts: either quote, any spacing, any key order, no trailing comma, a scalar', () => {
    const cases: Array<[string, number[]]> = [
      ['{"descr":"<f4","fortran_order":False,"shape":(2,)}', [2]],
      ["{ 'shape' : ( 1 , 2 ) , 'fortran_order' : False , 'descr' : '<f4' }", [1, 2]],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (), }", []],
    ];
    for (const [text, shape] of cases) {
      const arr = decodeNpy(withBody(header(text), 8), SOURCE);
      expect(arr.shape).toEqual(shape);
      expect(arr.data.length).toBe(shape.reduce((a, b) => a * b, 1));
    }
  });
});
