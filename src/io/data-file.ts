/**
 * Loading a user's data matrix for `--data file`: a float32 or float64 .npy of shape (N, n),
 * checked (width, finiteness) before any training starts, with one clear line per problem,
 * and described for config.json (path, content hash, shape, dtype) so a run says exactly
 * which data it saw.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fieldLabel } from '../core/config.js';
import type { DataMatrix } from '../core/data.js';
import { UserError } from '../core/errors.js';
import { decodeNpy } from './npy.js';

/** Where a run's data came from, recorded in config.json. */
export interface DataSourceRecord {
  kind: 'file';
  /** the path as given and resolved */
  path: string;
  absolutePath: string;
  /** sha256 of the file's bytes */
  sha256: string;
  shape: [number, number];
  dtype: string;
}

/** Reads X.npy (N, n) as float32 rows; throws UserError naming the file and the problem. */
export function readDataFile(path: string, nFeatures: number): { matrix: DataMatrix; record: DataSourceRecord } {
  const label = `invalid ${fieldLabel('dataFile')}`;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`${label}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code === 'EACCES' ? 'permission denied' : code})`);
  }
  let arr;
  try {
    arr = decodeNpy(bytes, path);
  } catch (err) {
    throw new UserError(`${label}: ${(err as Error).message}`);
  }
  if (arr.dtype === '<i4') throw new UserError(`${label}: ${path} holds int32; save it as float32 or float64`);
  const [N, width] = arr.shape;
  if (arr.shape.length !== 2 || width !== nFeatures || N < 1) {
    throw new UserError(`${label}: ${path} has shape (${arr.shape.join(', ')}), expected (N, ${nFeatures}) with N >= 1 rows of n = ${nFeatures} features`);
  }
  for (let e = 0; e < arr.data.length; e++) {
    const v = arr.data[e];
    if (!Number.isFinite(v)) throw new UserError(`${label}: ${path} holds ${v} at row ${Math.floor(e / width)}, column ${e % width}; every value must be finite`);
  }
  const X = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  for (let e = 0; e < X.length; e++) {
    if (!Number.isFinite(X[e])) throw new UserError(`${label}: ${path} holds ${arr.data[e]} at row ${Math.floor(e / width)}, column ${e % width}, beyond float32's range`);
  }
  return {
    matrix: { X, rows: N },
    record: { kind: 'file', path, absolutePath: resolve(path), sha256: createHash('sha256').update(bytes).digest('hex'), shape: [N, width], dtype: arr.dtype === '<f4' ? 'float32' : 'float64' },
  };
}
