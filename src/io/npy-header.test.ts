/**
 * The .npy reader's header and size checks, one deterministic case per rule, each with the
 * exact message a user sees (the fuzzer in npy-fuzz.test.ts covers the space between them),
 * and the writer's header layout for every dtype and rank, checked against the format
 * (numpy.lib.format: magic, version, little-endian header length, 64-byte alignment).
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { decodeNpy, encodeNpy } from './npy.js';

const SRC = 'x.npy';

/** A version-`major` file with header `text` (padded to 64 bytes as numpy does) and `body` bytes. */
function file(text: string, body = 0, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const padded = text + ' '.repeat((64 - ((prefix + text.length + 1) % 64)) % 64) + '\n';
  const bytes = new TextEncoder().encode(padded);
  const out = new Uint8Array(prefix + bytes.length + body);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, bytes.length, true);
  else view.setUint32(8, bytes.length, true);
  out.set(bytes, prefix);
  return out;
}

const dict = (descr = "'<f4'", fortran = 'False', shape = '(2,)') => `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

function refusal(bytes: Uint8Array): string {
  try {
    decodeNpy(bytes, SRC);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toMatch(/\n/);
    return (e as Error).message;
  }
  throw new Error('decodeNpy accepted the bytes');
}

describe('.npy header: what is read', () => {
  it.each([1, 2, 3])('format version %i: the data after the header, as float32', (major) => {
    const bytes = file(dict(), 8, major);
    new DataView(bytes.buffer).setFloat32(bytes.length - 8, 1.5, true);
    new DataView(bytes.buffer).setFloat32(bytes.length - 4, -2, true);
    const a = decodeNpy(bytes, SRC);
    expect(a.dtype).toBe('<f4');
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data)).toEqual([1.5, -2]);
  });

  it('float64 and int32, extra body bytes ignored, a view into a larger buffer', () => {
    const f8 = file(dict("'<f8'", 'False', '(1, 2)'), 16 + 5);
    new DataView(f8.buffer).setFloat64(f8.length - 21, 0.25, true);
    const a = decodeNpy(f8, SRC);
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(Array.from(a.data)).toEqual([0.25, 0]);
    const i4 = file(dict("'<i4'", 'False', '(3,)'), 12);
    new DataView(i4.buffer).setInt32(i4.length - 4, -7, true);
    const b = decodeNpy(i4, SRC);
    expect(b.data).toBeInstanceOf(Int32Array);
    expect(Array.from(b.data)).toEqual([0, 0, -7]);
    const big = new Uint8Array(i4.length + 8);
    big.set(i4, 8);
    expect(Array.from(decodeNpy(big.subarray(8), SRC).data)).toEqual([0, 0, -7]);
  });

  it('spellings: double quotes, no spaces, newlines, any key order, no trailing comma, one-element and empty shapes, zero-size arrays', () => {
    const cases: Array<[string, number[]]> = [
      ['{"descr":"<f4","fortran_order":False,"shape":(2,)}', [2]],
      ["{'shape':(1,2),'descr':'<f4','fortran_order':False}", [1, 2]],
      ["{\n 'fortran_order' : False ,\n 'shape' : ( 2 , 1 , ) ,\n 'descr' : '<f4' }", [2, 1]],
      [dict("'<f4'", 'False', '()'), []],
      [dict("'<f4'", 'False', '(0, 5)'), [0, 5]],
    ];
    for (const [text, shape] of cases) {
      const a = decodeNpy(file(text, 8), SRC);
      expect(a.shape).toEqual(shape);
      expect(a.data.length).toBe(shape.reduce((x, y) => x * y, 1));
    }
  });
});

describe('.npy header: what is refused, and the message', () => {
  it.each([
    ['fewer than 10 bytes', new Uint8Array([0x93, 0x4e, 0x55]), 'x.npy: not a .npy file (3 bytes, too short for a header)'],
    ['a wrong magic byte', (() => { const b = file(dict(), 8); b[5] = 0x58; return b; })(), 'x.npy: not a .npy file (bad magic bytes)'],
    ['version 4', (() => { const b = file(dict(), 8); b[6] = 4; return b; })(), 'x.npy: unsupported .npy format version 4'],
    ['version 0', (() => { const b = file(dict(), 8); b[6] = 0; return b; })(), 'x.npy: unsupported .npy format version 0'],
    ['a version-2 prefix cut short', file(dict(), 0, 2).subarray(0, 11), 'x.npy: truncated .npy header'],
  ])('%s', (_label, bytes, message) => {
    expect(refusal(bytes)).toBe(message);
  });

  it('a header longer than the file', () => {
    const b = file(dict(), 0);
    expect(refusal(b.subarray(0, 40))).toBe(`x.npy: truncated .npy header (says ${b.length - 10} bytes, file has 30)`);
    const v2 = file(dict(), 0, 2);
    expect(refusal(v2.subarray(0, 40))).toBe(`x.npy: truncated .npy header (says ${v2.length - 12} bytes, file has 28)`);
  });

  it('a body shorter than the shape needs, per dtype', () => {
    expect(refusal(file(dict("'<f4'", 'False', '(2, 3)'), 23))).toBe('x.npy: truncated: shape (2, 3) needs 24 bytes, file has 23');
    expect(refusal(file(dict("'<f8'", 'False', '(3,)'), 16))).toBe('x.npy: truncated: shape (3) needs 24 bytes, file has 16');
    expect(decodeNpy(file(dict("'<f8'", 'False', '(3,)'), 24), SRC).shape).toEqual([3]);
  });

  it('Fortran order and unsupported dtypes', () => {
    expect(refusal(file(dict("'<f4'", 'True'), 8))).toBe('x.npy: Fortran-order arrays are not supported; save with np.ascontiguousarray');
    expect(refusal(file(dict("'>f4'"), 8))).toBe('x.npy: dtype ">f4" is not supported (use little-endian float32 or float64)');
    expect(refusal(file(dict("'<i8'"), 16))).toMatch(/dtype "<i8" is not supported/);
  });

  const malformed: Array<[string, string, string]> = [
    ['no opening brace', "'descr': '<f4'}", 'expected "{" at 0'],
    ['an unquoted key', "{descr: '<f4', 'fortran_order': False, 'shape': (2,)}", 'expected a quoted string at 1'],
    ['an unterminated string', "{'descr': '<f4", 'unterminated string'],
    ['an unknown key', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", `unexpected key "extra"`],
    ['a repeated key', "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "duplicate key 'descr'; numpy would silently use the last one"],
    ['a missing key', "{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"],
    ['a missing colon', "{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", 'expected ":" at 9'],
    ['fortran_order not a boolean', "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", 'fortran_order must be True or False'],
    ['fortran_order in lower case', "{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", 'fortran_order must be True or False'],
    ['a shape without parentheses', "{'descr': '<f4', 'fortran_order': False, 'shape': 2}", 'expected "(" at 50'],
    ['a negative dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", 'expected a dimension at 51'],
    ['dimensions without a comma', "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", 'expected "," or ")" at 53'],
    ['a dimension past 2^53', "{'descr': '<f4', 'fortran_order': False, 'shape': (9007199254740993,)}", 'dimension 9007199254740993 is too large'],
    ['entries without a comma', "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", 'expected "," or "}" at 16'],
    ['text after the dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", 'text after the closing "}"'],
  ];
  it.each(malformed)('malformed: %s', (_label, text, why) => {
    expect(refusal(file(text, 8))).toBe(`x.npy: malformed .npy header (${why}): ${JSON.stringify(text.trim())}`);
  });

  it('a long header is quoted cut to 120 characters', () => {
    const text = `{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'zz${'z'.repeat(200)}': 1}`;
    expect(refusal(file(text, 8))).toBe(`x.npy: malformed .npy header (unexpected key "zz${'z'.repeat(38)}"): ${JSON.stringify(text.slice(0, 120))}`);
  });
});

describe('.npy writer', () => {
  it.each([
    ['float32, 1-D', new Float32Array([1, 2, 3]), [3], "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"],
    ['float64, 2-D', new Float64Array(6), [2, 3], "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"],
    ['int32, 3-D', new Int32Array(8), [2, 2, 2], "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2, 2), }"],
  ] as const)('%s: version 1.0, the header numpy writes, padded to 64 bytes with a newline', (_label, data, shape, dictText) => {
    const bytes = encodeNpy(data, shape);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const len = bytes[8] | (bytes[9] << 8);
    expect((10 + len) % 64).toBe(0);
    const text = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + len));
    // numpy reserves room for the first axis to grow to 21 digits, then pads to the 64-byte boundary
    expect(text.startsWith(dictText + ' '.repeat(21 - String(shape[0]).length))).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1).trimEnd()).toBe(dictText);
    expect(bytes.length).toBe(10 + len + data.byteLength);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(back.data.constructor).toBe(data.constructor);
  });

  it('a header over 255 bytes: the length is written little-endian in two bytes', () => {
    const shape = Array.from({ length: 60 }, () => 1);
    const bytes = encodeNpy(new Float32Array(1), shape);
    const len = new DataView(bytes.buffer).getUint16(8, true);
    expect(len).toBeGreaterThan(255);
    expect(bytes[9]).toBe(len >> 8);
    expect(decodeNpy(bytes).shape).toEqual(shape);
  });

  it('a scalar (shape ()) and a view into a larger buffer', () => {
    expect(decodeNpy(encodeNpy(new Float64Array([4.5]), [])).shape).toEqual([]);
    const big = new Float32Array([9, 1, 2, 9]);
    expect(Array.from(decodeNpy(encodeNpy(big.subarray(1, 3), [2])).data)).toEqual([1, 2]);
  });

  it('refuses a shape that does not hold the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow('encodeNpy: shape [2,3] holds 6 values, data has 5');
  });
});

describe('.npy edges the mutation study found untested', () => {
  it('the header text is UTF-8 in version 3 and Latin-1 in versions 1 and 2 (é is the bytes C3 A9)', () => {
    const text = dict("'<fé'");
    expect(refusal(file(text, 8, 3))).toBe('x.npy: dtype "<fé" is not supported (use little-endian float32 or float64)');
    expect(refusal(file(text, 8, 2))).toBe('x.npy: dtype "<fÃ©" is not supported (use little-endian float32 or float64)');
    expect(refusal(file(text, 8, 1))).toBe('x.npy: dtype "<fÃ©" is not supported (use little-endian float32 or float64)');
  });

  it('an unsupported dtype is quoted cut to 40 characters', () => {
    const long = `<${'f'.repeat(99)}`;
    expect(refusal(file(dict(`'${long}'`), 8))).toBe(`x.npy: dtype ${JSON.stringify(long.slice(0, 40))} is not supported (use little-endian float32 or float64)`);
  });

  it('exactly 10 bytes (version 1) and exactly 12 bytes (version 2) are long enough for the prefix; the empty header is then malformed', () => {
    const v1 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
    expect(refusal(v1)).toBe('x.npy: malformed .npy header (expected "{" at 0): ""');
    const v2 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
    expect(refusal(v2)).toBe('x.npy: malformed .npy header (expected "{" at 0): ""');
  });

  it('a zero-size array: the header ends exactly at the end of the file, and that is a whole file', () => {
    const bytes = encodeNpy(new Float32Array(0), [0]);
    expect(bytes.length).toBe(128); // np.save(np.zeros((0,), np.float32)) writes 128 bytes (numpy 2.4.6)
    const a = decodeNpy(bytes, SRC);
    expect(a.shape).toEqual([0]);
    expect(a.data.length).toBe(0);
  });

  it('without a source name, messages say "npy data"', () => {
    expect(() => decodeNpy(new Uint8Array(3))).toThrow(/^npy data: not a \.npy file \(3 bytes/);
  });

  it('the growth room for the first axis is 21 minus its digits: a rank-14 header np.save writes in 128 bytes', () => {
    // np.save(f, np.zeros((10,) + (1,) * 13, np.float32)) (numpy 2.4.6): header length 118, the dict,
    // 21 − 2 = 19 spaces of growth room and 2 of alignment, then \n
    const shape = [10, ...new Array(13).fill(1)];
    const bytes = encodeNpy(new Float32Array(10), shape);
    expect(bytes[8] | (bytes[9] << 8)).toBe(118);
    const text = new TextDecoder('latin1').decode(bytes.subarray(10, 128));
    expect(text).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': (10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }${' '.repeat(21)}\n`);
    expect(bytes.length).toBe(128 + 40);
  });
});
