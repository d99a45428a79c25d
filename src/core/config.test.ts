import { describe, expect, it } from 'vitest';
import { DEFAULTS, estimateMemoryBytes, parseConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('parseConfig', () => {
  it('fills defaults and keeps given values', () => {
    const c = parseConfig({ nFeatures: 8 });
    expect(c).toEqual({ ...DEFAULTS, nFeatures: 8 });
  });

  it('rejects unknown keys, naming them', () => {
    expect(() => parseConfig({ nFeature: 8 })).toThrow(/invalid nFeature: unknown option.*\(got 8\)/);
  });

  it('names the field and the bad value', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ nFeatures: 0 }, /nFeatures \(--n\): must be an integer >= 1 \(got 0\)/],
      [{ nHidden: '8' }, /nHidden \(--m\): must be a number \(got "8"\)/],
      [{ lambda: NaN }, /lambda \(--lambda\): must be a number \(got NaN\)/],
      [{ lambda: -Infinity }, /lambda \(--lambda\): must be a finite number >= 0 \(got -Infinity\)/],
      [{ lr: -1e-3 }, /lr \(--lr\): must be a finite number > 0 \(got -0\.001\)/],
      [{ steps: 1.5 }, /steps \(--steps\): must be an integer >= 0 \(got 1\.5\)/],
      [{ seed: 2 ** 32 }, /seed \(--seed\): must be an integer in \[0, 2\^32\)/],
      [{ interference: 'no' }, /interference.*must be true or false/],
      [{ beta2: 1 }, /beta2 \(--beta2\): must be in \[0, 1\) \(got 1\)/],
    ];
    for (const [input, message] of cases) {
      let err: unknown;
      try {
        parseConfig(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('refuses configs over the memory limit and accepts them when the limit is raised', () => {
    const big = { nFeatures: 2048, nHidden: 65536, nInstances: 4 };
    expect(estimateMemoryBytes({ ...DEFAULTS, ...big })).toBeGreaterThan(4096 * 2 ** 20);
    expect(() => parseConfig(big)).toThrow(/over the 4096 MiB limit/);
    expect(parseConfig({ ...big, memoryLimitMiB: 1e6 }).nHidden).toBe(65536);
  });

  it('rejects non-objects', () => {
    expect(() => parseConfig(null)).toThrow(/invalid config: must be an object/);
    expect(() => parseConfig([1])).toThrow(/invalid config: must be an object/);
  });
});
