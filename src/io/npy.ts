/**
 * NumPy `.npy` (format 1.0/2.0/3.0) reading and writing on byte arrays, so it runs in
 * Node and in the browser. Supports little-endian float32/float64 (and reads int32,
 * big-endian floats are rejected), C order. Spec: numpy.lib.format.
 *
 * @example
 *   const bytes = encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
 *   const { data, shape } = decodeNpy(bytes); // shape [2, 2]
 */
import { UserError } from '../core/errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyDtype = '<f4' | '<f8' | '<i4';
export interface NpyArray {
  data: Float32Array | Float64Array | Int32Array;
  shape: number[];
  dtype: NpyDtype;
}

/** Serializes a C-order array; float32 for Float32Array, float64 for Float64Array, int32 for Int32Array. */
export function encodeNpy(data: Float32Array | Float64Array | Int32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeNpy: shape [${shape}] holds ${count} values, data has ${data.length}`);
  const descr: NpyDtype = data instanceof Float32Array ? '<f4' : data instanceof Float64Array ? '<f8' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy leaves room to grow the first axis in place (GROWTH_AXIS_MAX_DIGITS = 21), then
  // pads magic 6 + version 2 + length 2 + text to a multiple of 64 ending in \n; doing the
  // same makes our files byte-identical to np.save's.
  if (shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (isLittleEndian()) out.set(body, 10 + header.length);
  else throw new Error('encodeNpy: big-endian hosts are not supported');
  return out;
}

/** Largest .npy file read (2 GiB): past it a typed array would not hold the data anyway. */
export const NPY_MAX_BYTES = 2 * 2 ** 30;

/**
 * Parses `.npy` bytes; `source` names the file in error messages. Every malformed input
 * (wrong magic, a truncated header or body, a header that is not the dict numpy writes,
 * duplicate or missing keys, a shape that does not fit the bytes) is a one-line UserError,
 * and nothing is allocated beyond the bytes given.
 */
export function decodeNpy(bytes: Uint8Array, source = 'npy data'): NpyArray {
  const bad = (why: string) => new UserError(`${source}: ${why}`);
  if (bytes.byteLength < 10) throw bad(`not a .npy file (${bytes.byteLength} bytes, too short for a header)`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw bad('not a .npy file (bad magic bytes)');
  }
  const major = bytes[6];
  let headerLen: number;
  let offset: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) throw bad('truncated .npy header');
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw bad(`unsupported .npy format version ${major}`);
  }
  if (offset + headerLen > bytes.byteLength) throw bad(`truncated .npy header (says ${headerLen} bytes, file has ${bytes.byteLength - offset})`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(offset, offset + headerLen));
  const fields = parseHeader(header, bad);
  const descr = fields.descr;
  const shape = fields.shape;
  if (fields.fortran_order === true) throw bad('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const itemSize = descr === '<f4' || descr === '<i4' ? 4 : descr === '<f8' ? 8 : 0;
  if (itemSize === 0) throw bad(`dtype ${JSON.stringify(String(descr).slice(0, 40))} is not supported (use little-endian float32 or float64)`);
  const start = offset + headerLen;
  const available = bytes.byteLength - start;
  // compare in floating point, dimension by dimension: a shape like (2**40, 2**40) must not overflow into a small count
  let count = 1;
  for (const d of shape) count *= d;
  if (count * itemSize > available) {
    throw bad(`truncated: shape (${shape.join(', ')}) needs ${count * itemSize} bytes, file has ${available}`);
  }
  const body = bytes.slice(start, start + count * itemSize); // copy: aligned and detached from the file buffer
  const data =
    descr === '<f4' ? new Float32Array(body.buffer) : descr === '<f8' ? new Float64Array(body.buffer) : new Int32Array(body.buffer);
  return { data, shape, dtype: descr as NpyDtype };
}

interface HeaderFields {
  descr: string;
  fortran_order: boolean;
  shape: number[];
}

/**
 * The header dict, read strictly: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
 * with any spacing, either quote, and exactly these three keys. numpy evaluates the header
 * as a Python literal, so a repeated key silently takes its last value there; it is refused
 * here rather than guessed.
 */
function parseHeader(text: string, bad: (why: string) => Error): HeaderFields {
  const shown = JSON.stringify(text.trim().slice(0, 120));
  const malformed = (why: string) => bad(`malformed .npy header (${why}): ${shown}`);
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (ch: string) => {
    ws();
    if (text[i] !== ch) throw malformed(`expected "${ch}" at ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') throw malformed(`expected a quoted string at ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) throw malformed('unterminated string');
    const v = text.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  const value = (key: string): string | boolean | number[] => {
    ws();
    if (key === 'fortran_order') {
      for (const [word, v] of [['True', true], ['False', false]] as const) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return v;
        }
      }
      throw malformed('fortran_order must be True or False');
    }
    if (key === 'descr') return str();
    expect('(');
    const dims: number[] = [];
    for (;;) {
      ws();
      if (text[i] === ')') break;
      const m = /^\d+/.exec(text.slice(i, i + 32));
      if (!m) throw malformed(`expected a dimension at ${i}`);
      const d = Number(m[0]);
      if (!Number.isSafeInteger(d)) throw malformed(`dimension ${m[0]} is too large`);
      dims.push(d);
      i += m[0].length;
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== ')') throw malformed(`expected "," or ")" at ${i}`);
    }
    i++;
    return dims;
  };
  const out: Record<string, unknown> = {};
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const key = str();
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') throw malformed(`unexpected key ${JSON.stringify(key.slice(0, 40))}`);
    if (key in out) throw malformed(`duplicate key '${key}'; numpy would silently use the last one`);
    expect(':');
    out[key] = value(key);
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw malformed(`expected "," or "}" at ${i}`);
  }
  i++;
  ws();
  if (i !== text.length) throw malformed('text after the closing "}"');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in out)) throw malformed(`missing key '${key}'`);
  }
  return out as unknown as HeaderFields;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
