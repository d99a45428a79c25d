/**
 * Every field of the config at the edges of its domain: the last value accepted and the
 * first refused, each refusal naming the field, its flag and the value (the project's rule
 * for bad input). Written against parseConfig alone, so it holds however the fields are
 * declared. Covers the narrow spots the mutation study found: `--lr 0` and `--m 0`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, estimateMemoryBytes, parseConfig } from './config.js';
import { ConfigError } from './errors.js';

type Field = keyof typeof DEFAULTS;

/** [field, flag, values accepted (edges), [value refused, what the message says], other fields the value needs]. */
const EDGES: Array<[Field, string, unknown[], Array<[unknown, RegExp]>, Record<string, unknown>?]> = [
  ['nFeatures', '--n', [1, 3], [[0, /integer >= 1/], [-1, /integer >= 1/], [1.5, /integer >= 1/], ['4', /must be a number/]]],
  ['nHidden', '--m', [1, 7], [[0, /integer >= 1/], [2.5, /integer >= 1/], [Infinity, /integer >= 1/]]],
  ['nInstances', '--instances', [1], [[0, /integer >= 1/], [0.5, /integer >= 1/]]],
  ['lambda', '--lambda', [0, 1e-300, 10], [[-1e-300, /finite number >= 0/], [Infinity, /finite number >= 0/], [NaN, /must be a number/]]],
  ['optimizer', '--optimizer', ['sgd', 'prox-sgd', 'adam', 'adamw'], [['Adam', /one of sgd, prox-sgd, adam, adamw/], [3, /one of sgd, prox-sgd, adam, adamw/]]],
  ['lr', '--lr', [1e-300, 5], [[0, /finite number > 0/], [-0, /finite number > 0/], [-1, /finite number > 0/], [Infinity, /finite number > 0/]]],
  ['steps', '--steps', [0, 1], [[-1, /integer >= 0/], [0.5, /integer >= 0/]]],
  ['seed', '--seed', [0, 2 ** 32 - 1], [[-1, /integer in \[0, 2\^32\)/], [2 ** 32, /integer in \[0, 2\^32\)/], [0.5, /integer in \[0, 2\^32\)/]]],
  ['initScale', '--init-scale', [1e-300], [[0, /finite number > 0/], [Infinity, /finite number > 0/]]],
  ['data', '--data', ['onehot', 'bernoulli'], [['gaussian', /one of onehot, bernoulli, file/]]],
  ['featureProbability', '--p', [1, 1e-300, 0.5], [[0, /in \(0, 1\]/], [1.0000001, /in \(0, 1\]/], [-0.1, /in \(0, 1\]/], [Infinity, /in \(0, 1\]/]]],
  ['magnitude', '--magnitude', ['one', 'uniform'], [['two', /one of one, uniform/]]],
  ['batch', '--batch', [null, 1, 7], [[0, /integer >= 1/], [1.5, /integer >= 1/]], { data: 'bernoulli' }],
  ['dataFile', '--data-file', ['x.npy'], [['', /must be a file path/], [3, /must be a file path/]], { data: 'file' }],
  ['hidden', '--hidden', ['linear', 'relu', 'layernorm'], [['tanh', /one of linear, relu, layernorm/]]],
  ['untied', '--untied', [false, true], [['no', /true or false/]]],
  ['benefit', '--no-benefit', [true, false], [['yes', /true or false/], [1, /true or false/]]],
  ['interference', '--no-interference', [true, false], [[0, /true or false/]]],
  ['regularization', '--no-regularization', [true, false], [[null, /true or false/]]],
  ['noise', '--noise', ['none', 'bipolar', 'gaussian'], [['normal', /one of none, bipolar, gaussian/]]],
  ['noiseStd', '--noise-std', [0, 0.5], [[-1e-9, /finite number >= 0/], [Infinity, /finite number >= 0/]]],
  ['snapshotEvery', '--snapshot-every', [1], [[0, /integer >= 1/], [1.5, /integer >= 1/]]],
  ['backend', '--backend', ['auto', 'reference', 'wasm', 'native'], [['gpu', /one of auto, reference, wasm, native/]]],
  ['threads', '--threads', [0, 1, 64], [[-1, /integer in \[0, 64\] \(0 = automatic\)/], [1.5, /integer in \[0, 64\]/], [65, /integer in \[0, 64\]/]]],
  ['weightDecay', '--weight-decay', [0, 0.5], [[-0.01, /finite number >= 0/], [Infinity, /finite number >= 0/]]],
  ['beta1', '--beta1', [0, 0.999999], [[1, /in \[0, 1\)/], [-1e-9, /in \[0, 1\)/], [-Infinity, /in \[0, 1\)/]]],
  ['beta2', '--beta2', [0, 0.999999], [[1, /in \[0, 1\)/], [-1e-9, /in \[0, 1\)/]]],
  ['eps', '--eps', [1e-300], [[0, /finite number > 0/], [-1e-8, /finite number > 0/], [Infinity, /finite number > 0/]]],
  ['memoryLimitMiB', '--memory-limit', [1e6], [[0, /finite number > 0/], [Infinity, /finite number > 0/]]],
];

function refusal(input: Record<string, unknown>): ConfigError {
  try {
    parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(input)}`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('parseConfig at the edges of every field', () => {
  it('covers every field of the defaults', () => {
    expect(EDGES.map(([f]) => f).sort()).toEqual(Object.keys(DEFAULTS).sort());
  });

  for (const [field, flag, accepted, refused, base = {}] of EDGES) {
    it(`${field} (${flag}): accepts ${accepted.map(String).join(', ')}`, () => {
      for (const value of accepted) expect(parseConfig({ ...base, [field]: value })[field]).toBe(value);
    });
    it(`${field} (${flag}): refuses ${refused.map(([v]) => String(v)).join(', ')}, naming the field, the flag and the value`, () => {
      for (const [value, reason] of refused) {
        const e = refusal({ ...base, [field]: value });
        expect(e.message).toMatch(new RegExp(`^invalid ${field} \\(${escape(flag)}\\): `));
        expect(e.message).toMatch(reason);
        expect(e.message.endsWith(`(got ${typeof value === 'string' ? JSON.stringify(value) : String(value)})`)).toBe(true);
        expect(e.message).not.toMatch(/\n/);
      }
    });
  }

  it('m = 0 is refused as nHidden (--m), not passed on to a backend', () => {
    expect(refusal({ nFeatures: 4, nHidden: 0 }).message).toBe('invalid nHidden (--m): must be an integer >= 1 (got 0)');
  });

  it('lr = 0 is refused (training would not move), as is any lr that is not a finite positive number', () => {
    expect(refusal({ lr: 0 }).message).toBe('invalid lr (--lr): must be a finite number > 0 (got 0)');
    expect(parseConfig({ lr: Number.MIN_VALUE }).lr).toBe(Number.MIN_VALUE);
  });

  it('refuses combinations that do not make sense, naming the field', () => {
    expect(refusal({ data: 'file' }).message).toBe('invalid dataFile (--data-file): file data needs a data file (--data file --data-file X.npy) (got null)');
    expect(refusal({ dataFile: 'x.npy' }).message).toBe('invalid dataFile (--data-file): is read only with --data file (data is onehot) (got "x.npy")');
    expect(refusal({ data: 'bernoulli', dataFile: 'x.npy' }).message).toMatch(/\(data is bernoulli\)/);
    expect(refusal({ batch: 4 }).message).toMatch(/^invalid batch \(--batch\): one-hot data is the full batch of n basis vectors/);
    for (const over of [{ data: 'bernoulli' }, { hidden: 'relu' }, { hidden: 'layernorm' }, { untied: true }]) {
      expect(refusal({ ...over, optimizer: 'prox-sgd' }).message).toMatch(/^invalid optimizer \(--optimizer\): soft-thresholds W, which is the L1 term only for one-hot data/);
    }
    expect(parseConfig({ optimizer: 'prox-sgd' }).optimizer).toBe('prox-sgd');
    expect(parseConfig({ data: 'file', dataFile: 'x.npy', batch: 3 }).batch).toBe(3);
  });

  it('reports the first bad field when several are bad, and unknown keys by name', () => {
    expect(refusal({ nFeatures: 0, nHidden: 0 }).field).toMatch(/^nFeatures/);
    const e = refusal({ nFeatures: 4, learningRate: 0.1 });
    expect(e.message).toMatch(/^invalid learningRate: unknown option; known options are nFeatures, nHidden, /);
    expect(e.message).toMatch(/\(got 0\.1\)$/);
  });

  it('keeps every given value and fills the rest from the defaults', () => {
    const given = { nFeatures: 5, nHidden: 9, nInstances: 2, lambda: 0.5, optimizer: 'sgd', lr: 0.25, steps: 3, seed: 7, noise: 'gaussian', noiseStd: 0.2, benefit: false };
    expect(parseConfig(given)).toEqual({ ...DEFAULTS, ...given });
    expect(parseConfig({})).toEqual(DEFAULTS);
  });
});

describe('memory estimate', () => {
  it('counts float32 weights, W0, gradient and optimizer state per weight, and two n×n scratch matrices', () => {
    // 4 bytes × instances × (n·m·(3 + optimizer slots) + 2n²), by hand
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 5, optimizer: 'adamw' })).toBe(4 * 5 * (6 * 5 + 8));
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 5, optimizer: 'adam' })).toBe(4 * 5 * (6 * 5 + 8));
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 1, optimizer: 'sgd' })).toBe(4 * (6 * 3 + 8));
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 1, optimizer: 'prox-sgd' })).toBe(4 * (6 * 3 + 8));
    // untied: the decoder doubles the per-weight state
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 1, optimizer: 'adamw', untied: true })).toBe(4 * (6 * 5 * 2 + 8));
    // batches: float32 X [I, B, n] instead of the Gram scratch, and float64 rows Z, H, Q [B, m], O, G [B, n]
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 1, optimizer: 'sgd', data: 'bernoulli', batch: 5 })).toBe(4 * (18 + 10) + 8 * 5 * (9 + 4));
    expect(estimateMemoryBytes({ nFeatures: 2, nHidden: 3, nInstances: 2, optimizer: 'sgd', data: 'bernoulli', batch: null })).toBe(4 * 2 * (18 + 4) + 8 * 2 * (9 + 4));
  });

  it('refuses exactly above the limit, naming the sizes and the flag to raise it', () => {
    const size = { nFeatures: 64, nHidden: 1024, nInstances: 4, optimizer: 'adamw' as const };
    const mib = estimateMemoryBytes(size) / 2 ** 20;
    expect(parseConfig({ ...size, memoryLimitMiB: mib }).nInstances).toBe(4);
    const e = refusal({ ...size, memoryLimitMiB: mib * 0.999 });
    expect(e.message).toBe(
      `invalid nInstances × nFeatures × nHidden: needs about ${mib.toFixed(0)} MiB, over the ${mib * 0.999} MiB limit (raise --memory-limit to allow it) (got "4 × 64 × 1024")`,
    );
  });
});
