/** Job keys: the config that matters, stable across property order, and the keys runs had before the general model. */
import { expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { jobKey } from './job.js';

it('keys runs by the config that matters', () => {
  const a = parseConfig({ nFeatures: 8, nHidden: 16, seed: 1 });
  expect(jobKey(a)).toMatch(/^[0-9a-f]{16}$/);
  expect(jobKey(a)).toBe(jobKey(parseConfig({ nHidden: 16, seed: 1, nFeatures: 8 })));
  expect(jobKey({ ...a, threads: 2, memoryLimitMiB: 10 })).toBe(jobKey(a)); // do not change results
  expect(jobKey({ ...a, seed: 2 })).not.toBe(jobKey(a));
  expect(jobKey({ ...a, lambda: 0.01 })).not.toBe(jobKey(a));
});

it('the general model fields leave a paper run its old key, and change the key when set', () => {
  // golden keys: the reproduce cache's runKey of these configs, computed by the build before the general model existed (commit ea90a4d)
  expect(jobKey(parseConfig({}))).toBe('b143c38399ea66db');
  expect(jobKey(parseConfig({ nFeatures: 64, nHidden: 128, nInstances: 4, seed: 3, lambda: 0.01 }))).toBe('24207e81ff1efba8');
  const a = parseConfig({});
  for (const change of [{ data: 'bernoulli' }, { data: 'bernoulli', featureProbability: 0.2 }, { hidden: 'relu' }, { untied: true }, { data: 'bernoulli', batch: 32 }]) {
    expect(jobKey(parseConfig(change)), JSON.stringify(change)).not.toBe(jobKey(a));
  }
});
