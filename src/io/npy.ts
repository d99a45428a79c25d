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

/** Parses `.npy` bytes; `source` names the file in error messages. */
export function decodeNpy(bytes: Uint8Array, source = 'npy data'): NpyArray {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new UserError(`${source}: not a .npy file (bad magic bytes)`);
  }
  const major = bytes[6];
  let headerLen: number;
  let offset: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    throw new UserError(`${source}: unsupported .npy format version ${major}`);
  }
  const header = new TextDecoder('latin1').decode(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UserError(`${source}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') throw new UserError(`${source}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  const itemSize = descr === '<f4' || descr === '<i4' ? 4 : descr === '<f8' ? 8 : 0;
  if (itemSize === 0) {
    throw new UserError(`${source}: dtype ${descr} is not supported (use little-endian float32 or float64)`);
  }
  if (bytes.byteLength - start < count * itemSize) {
    throw new UserError(`${source}: truncated: shape (${shape.join(', ')}) needs ${count * itemSize} bytes, file has ${bytes.byteLength - start}`);
  }
  const body = bytes.slice(start, start + count * itemSize); // copy: aligned and detached from the file buffer
  const data =
    descr === '<f4' ? new Float32Array(body.buffer) : descr === '<f8' ? new Float64Array(body.buffer) : new Int32Array(body.buffer);
  return { data, shape, dtype: descr as NpyDtype };
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
