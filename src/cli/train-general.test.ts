// `incidental train` with the general model (SCIENCE.md §8): data files, Bernoulli batches,
// hidden layers, untied weights; reproducibility to the byte; one clear line for every bad
// value of a new option.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../io/npy.js';
import { readRun } from '../io/read-run.js';
import { runCapture } from './test-helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'incidental-general-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const small = ['--n', '6', '--m', '10', '--steps', '60', '--quiet'];
const bytes = (d: string, f = 'W.npy') => readFileSync(join(d, f));
const weights = (d: string, f = 'W.npy') => decodeNpy(new Uint8Array(bytes(d, f))).data;

async function train(args: string[]): Promise<string> {
  const out = join(tmp(), 'run');
  const r = await runCapture(['train', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/invalid|error/i); // at most the notice that native kernels are missing
  return out;
}

describe('general data', () => {
  it('bernoulli: same config and seed twice give identical W.npy bytes, on 1 and 2 threads; another seed does not', async () => {
    const args = [...small, '--data', 'bernoulli', '--p', '0.3', '--batch', '16', '--magnitude', 'uniform', '--instances', '2'];
    const a = await train([...args, '--threads', '1']);
    const b = await train([...args, '--threads', '1']);
    const c = await train([...args, '--threads', '2']);
    const d = await train([...args, '--threads', '2', '--seed', '1']);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(c))).toBe(true);
    expect(bytes(a).equals(bytes(d))).toBe(false);
  });

  it('bernoulli: instance 0 trains identically whether the run has 1 or 2 instances (one data stream per instance)', async () => {
    const args = [...small, '--data', 'bernoulli', '--p', '0.3', '--batch', '8', '--hidden', 'relu', '--noise', 'gaussian', '--noise-std', '0.05'];
    const one = weights(await train(args));
    const two = weights(await train([...args, '--instances', '2']));
    expect(Array.from(two.subarray(0, one.length))).toEqual(Array.from(one));
    expect(Array.from(two.subarray(one.length))).not.toEqual(Array.from(one));
  });

  it('records the data source in config.json: a data file by path and content hash', async () => {
    const dir = tmp();
    const file = join(dir, 'X.npy');
    const X = Float64Array.from({ length: 5 * 6 }, (_, e) => (e % 4 === 0 ? 1 : 0));
    writeFileSync(file, encodeNpy(X, [5, 6]));
    const out = await train([...small, '--data', 'file', '--data-file', file, '--batch', '3']);
    const meta = readRun(out).meta;
    expect(meta.config.dataFile).toBe(file);
    expect(meta.data).toMatchObject({ kind: 'file', path: file, shape: [5, 6], dtype: 'float64' });
    const { createHash } = await import('node:crypto');
    expect((meta.data as { sha256: string }).sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const bern = await train([...small, '--data', 'bernoulli']);
    expect(readRun(bern).meta.data).toEqual({ kind: 'bernoulli' });
  });

  it('untied: writes the decoder (W0_dec.npy, W_dec.npy); the encoder starts from the tied W0', async () => {
    const tied = await train([...small, '--data', 'bernoulli']);
    const untied = await train([...small, '--data', 'bernoulli', '--untied']);
    expect(bytes(untied, 'W0.npy').equals(bytes(tied, 'W0.npy'))).toBe(true);
    const dec0 = weights(untied, 'W0_dec.npy');
    expect(dec0.length).toBe(60);
    expect(Array.from(dec0)).not.toEqual(Array.from(weights(untied, 'W0.npy')));
    expect(Array.from(weights(untied, 'W_dec.npy'))).not.toEqual(Array.from(dec0));
  });
});

describe('bad input for the new options: one clear line, non-zero exit', () => {
  const dir = tmp();
  const write = (name: string, data: Float32Array | Float64Array | Int32Array, shape: number[]) => {
    writeFileSync(join(dir, name), encodeNpy(data, shape));
    return join(dir, name);
  };
  const wide = write('wide.npy', new Float32Array(4 * 7), [4, 7]);
  const flat = write('flat.npy', new Float32Array(6), [6]);
  const nan = write('nan.npy', Float64Array.from({ length: 12 }, (_, e) => (e === 9 ? NaN : 0)), [2, 6]);
  const inf = write('inf.npy', Float32Array.from({ length: 12 }, (_, e) => (e === 4 ? -Infinity : 0)), [2, 6]);
  const big = write('big.npy', Float64Array.from({ length: 6 }, (_, e) => (e === 1 ? 1e300 : 0)), [1, 6]);
  const ints = write('ints.npy', new Int32Array(12), [2, 6]);
  writeFileSync(join(dir, 'text.npy'), 'not a numpy file');
  const cases: Array<[string, string[], RegExp]> = [
    ['p = 0', ['--data', 'bernoulli', '--p', '0'], /^incidental: invalid featureProbability \(--p\): must be in \(0, 1\] \(got 0\)$/],
    ['p > 1', ['--data', 'bernoulli', '--p', '1.5'], /invalid featureProbability \(--p\): must be in \(0, 1\] \(got 1\.5\)/],
    ['B = 0', ['--data', 'bernoulli', '--batch', '0'], /invalid batch \(--batch\): must be an integer >= 1 \(got 0\)/],
    ['B fractional', ['--data', 'bernoulli', '--batch', '2.5'], /invalid batch \(--batch\): must be an integer >= 1 \(got 2\.5\)/],
    ['unknown hidden layer', ['--hidden', 'tanh'], /invalid hidden \(--hidden\): must be one of linear, relu, layernorm \(got "tanh"\)/],
    ['unknown data kind', ['--data', 'gaussian'], /invalid data \(--data\): must be one of onehot, bernoulli, file \(got "gaussian"\)/],
    ['unknown magnitude', ['--data', 'bernoulli', '--magnitude', 'big'], /invalid magnitude \(--magnitude\): must be one of one, uniform/],
    ['file data without a file', ['--data', 'file'], /invalid dataFile \(--data-file\): file data needs a data file/],
    ['a data file without file data', ['--data-file', wide], /invalid dataFile \(--data-file\): is read only with --data file/],
    ['batch with one-hot data', ['--batch', '4'], /invalid batch \(--batch\): one-hot data is the full batch/],
    ['prox-sgd outside the paper model', ['--data', 'bernoulli', '--optimizer', 'prox-sgd'], /invalid optimizer \(--optimizer\): soft-thresholds W/],
    ['wrong width', ['--data', 'file', '--data-file', wide], /invalid dataFile \(--data-file\): .*wide\.npy has shape \(4, 7\), expected \(N, 6\)/],
    ['not 2-d', ['--data', 'file', '--data-file', flat], /flat\.npy has shape \(6\), expected \(N, 6\)/],
    ['NaN in the file', ['--data', 'file', '--data-file', nan], /nan\.npy holds NaN at row 1, column 3; every value must be finite/],
    ['Inf in the file', ['--data', 'file', '--data-file', inf], /inf\.npy holds -Infinity at row 0, column 4/],
    ['beyond float32', ['--data', 'file', '--data-file', big], /big\.npy holds 1e\+300 at row 0, column 1, beyond float32's range/],
    ['int32 file', ['--data', 'file', '--data-file', ints], /ints\.npy holds int32; save it as float32 or float64/],
    ['unreadable file', ['--data', 'file', '--data-file', join(dir, 'missing.npy')], /invalid dataFile \(--data-file\): cannot read .*missing\.npy \(no such file\)/],
    ['a directory', ['--data', 'file', '--data-file', dir], /cannot read .* \(a directory\)/],
    ['not a .npy', ['--data', 'file', '--data-file', join(dir, 'text.npy')], /invalid dataFile \(--data-file\): .*text\.npy: not a \.npy file/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const out = join(dir, 'never');
    const r = await runCapture(['train', ...small, ...args, '--out', out]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('p that is not a number: the line from commander naming the flag (and its usual hint)', async () => {
    const r = await runCapture(['train', ...small, '--data', 'bernoulli', '--p', 'half', '--out', join(dir, 'never')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/option '--p <x>' argument 'half' is invalid\. expected a decimal number, got "half"/);
  });
});
