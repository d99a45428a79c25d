import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
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

it('removes partial runs of dead processes, keeps finished ones', () => {
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // exited already
  const stale = join(out, 'runs', `abc.partial-${deadPid}-abc`);
  mkdirSync(stale, { recursive: true });
  const done = runDir(out, 'def');
  mkdirSync(done, { recursive: true });
  writeFileSync(join(done, 'summary.json'), JSON.stringify({ status: 'finished' }));
  writeFileSync(join(done, 'W0.npy'), '');
  expect(isCached(stale)).toBe(false);
  expect(isCached(done)).toBe(true);
  expect(removeStalePartials(out)).toBe(1);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(done)).toBe(true);
  writeFileSync(join(done, 'summary.json'), JSON.stringify({ status: 'interrupted' }));
  expect(isCached(done)).toBe(false);
});
