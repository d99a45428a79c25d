import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { trainToDir } from '../io/train-to-dir.js';
import { isCached, removeStalePartials, runDir, runKey } from './cache.js';

const out = mkdtempSync(join(tmpdir(), 'incidental-cache-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('keys runs by the config that matters', () => {
  const a = parseConfig({ nFeatures: 8, nHidden: 16, seed: 1 });
  expect(runKey(a)).toMatch(/^[0-9a-f]{16}$/);
  expect(runKey(a)).toBe(runKey(parseConfig({ nHidden: 16, seed: 1, nFeatures: 8 })));
  expect(runKey({ ...a, threads: 2, memoryLimitMiB: 10 })).toBe(runKey(a)); // do not change results
  expect(runKey({ ...a, seed: 2 })).not.toBe(runKey(a));
  expect(runKey({ ...a, lambda: 0.01 })).not.toBe(runKey(a));
});

it('removes partial runs of dead processes, keeps finished ones', async () => {
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // exited already
  const stale = join(out, 'runs', `abc.partial-${deadPid}-abc`);
  mkdirSync(stale, { recursive: true });
  const done = runDir(out, 'def');
  await trainToDir(parseConfig({ nFeatures: 3, nHidden: 5, steps: 5, backend: 'reference' }), done);
  expect(isCached(stale)).toBe(false);
  expect(isCached(done)).toBe(true);
  expect(removeStalePartials(out)).toBe(1);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(done)).toBe(true);
  const summary = JSON.parse(readFileSync(join(done, 'summary.json'), 'utf8'));
  writeFileSync(join(done, 'summary.json'), JSON.stringify({ ...summary, status: 'interrupted' }));
  expect(isCached(done)).toBe(false);
});

it('a damaged cached run is not cached (it is retrained), whatever file is broken', async () => {
  const damage: Array<[string, (dir: string) => void]> = [
    ['config.json invalid', (d) => writeFileSync(join(d, 'config.json'), '{"config": ')],
    ['config.json empty', (d) => writeFileSync(join(d, 'config.json'), '')],
    ['config.json null', (d) => writeFileSync(join(d, 'config.json'), 'null')],
    ['config.json without fields', (d) => writeFileSync(join(d, 'config.json'), '{"config": {"nFeatures": "many"}}')],
    ['summary.json invalid', (d) => writeFileSync(join(d, 'summary.json'), '{')],
    ['metrics.jsonl invalid', (d) => writeFileSync(join(d, 'metrics.jsonl'), '{"step": 0, "loss": [1]}\nnot json\n')],
    ['W.npy truncated', (d) => writeFileSync(join(d, 'W.npy'), readFileSync(join(d, 'W.npy')).subarray(0, 100))],
    ['W.npy a directory', (d) => (rmSync(join(d, 'W.npy')), mkdirSync(join(d, 'W.npy')))],
  ];
  for (const [name, hurt] of damage) {
    const dir = runDir(out, `damaged-${name.replace(/\W+/g, '-')}`);
    await trainToDir(parseConfig({ nFeatures: 3, nHidden: 5, steps: 5, backend: 'reference' }), dir);
    expect(isCached(dir), name).toBe(true);
    hurt(dir);
    expect(isCached(dir), name).toBe(false);
  }
});

it('the general model fields leave a paper run its old key, and change the key when set', () => {
  // golden keys: runKey of these configs computed by the build before the general model existed (commit ea90a4d)
  expect(runKey(parseConfig({}))).toBe('b143c38399ea66db');
  expect(runKey(parseConfig({ nFeatures: 64, nHidden: 128, nInstances: 4, seed: 3, lambda: 0.01 }))).toBe('24207e81ff1efba8');
  const a = parseConfig({});
  for (const change of [{ data: 'bernoulli' }, { data: 'bernoulli', featureProbability: 0.2 }, { hidden: 'relu' }, { untied: true }, { data: 'bernoulli', batch: 32 }]) {
    expect(runKey(parseConfig(change)), JSON.stringify(change)).not.toBe(runKey(a));
  }
});
