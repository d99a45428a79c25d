/**
 * A sweep stores each run under the backend that trained it (src/jobs/backend-keys.ts), as
 * reproduce does: `backend: auto` is pinned at plan time to what `auto` picks on this machine,
 * so a store never mixes native and wasm bytes under one key. A run an earlier version stored
 * under its `auto` key is reused when that backend trained it, and otherwise kept and reported.
 * Trains 2 tiny runs (n = 4, m = 6) in this thread.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobKey, makeJob } from '../jobs/job.js';
import { createLocalPool } from '../jobs/local-pool.js';
import { runDirOf, runJobs } from '../jobs/run-jobs.js';
import { loadNative } from '../kernels/native.js';
import { RunStore } from '../store/run-store.js';
import { parseSweepSpec, expandSweep } from './spec.js';
import { defaultRunsDir, runSweep } from './sweep.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempStore = () => {
  const d = mkdtempSync(join(tmpdir(), 'incidental-sweep-backend-'));
  dirs.push(d);
  return join(d, 'runs.db');
};

/** What `auto` picks here for these one-hot AdamW runs: native where the addon loaded, else wasm. */
const HERE = (await loadNative()).addon ? 'native' : 'wasm';
const spec = parseSweepSpec({ parameters: { n: { value: 4 }, m: { value: 6 }, steps: { value: 200 } }, seeds: [0, 1] }, 'backend-test');
const sweep = (storePath: string) => runSweep({ spec, storePath, scheduler: createLocalPool({ workers: 0 }) });
const stored = (storePath: string) => {
  const db = new Database(storePath, { readonly: true });
  try {
    return db.prepare('SELECT key, backend FROM runs ORDER BY key').all() as Array<{ key: string; backend: string }>;
  } finally {
    db.close();
  }
};

/** Stores the spec's runs as an earlier version did: keyed by their `auto` config. */
async function legacyStore(storePath: string): Promise<string[]> {
  const store = RunStore.open(storePath);
  try {
    const jobs = expandSweep(spec).map((r) => makeJob(r.config, r.label));
    await runJobs(jobs, { store, runsDir: defaultRunsDir(storePath), scheduler: createLocalPool({ workers: 0 }), sweep: spec.name });
    return jobs.map((j) => j.key).sort();
  } finally {
    store.close();
  }
}

describe('sweep: runs stored per backend', () => {
  it('pins auto to the backend that trains the run, keys and records it, and reuses it on the next call', async () => {
    const storePath = tempStore();
    const first = await sweep(storePath);
    const configs = expandSweep(spec).map((r) => r.config);
    expect(configs.every((c) => c.backend === 'auto')).toBe(true);
    const pinnedKeys = configs.map((c) => jobKey({ ...c, backend: HERE })).sort();
    expect(first.jobs.map((j) => j.key).sort()).toEqual(pinnedKeys);
    expect(first.jobs.every((j) => j.config.backend === HERE)).toBe(true);
    expect(stored(storePath)).toEqual(pinnedKeys.map((key) => ({ key, backend: HERE })));
    for (const { key } of stored(storePath)) {
      expect(JSON.parse(readFileSync(join(runDirOf(first.runsDir, key), 'config.json'), 'utf8')).config.backend).toBe(HERE);
    }
    expect(first.setAside).toEqual([]);
    const second = await sweep(storePath);
    expect(second.cached.size).toBe(2);
  });

  it("reuses an earlier version's run (auto key) that the same backend trained", async () => {
    const storePath = tempStore();
    const legacy = await legacyStore(storePath);
    const result = await sweep(storePath);
    expect(result.jobs.map((j) => j.key).sort()).toEqual(legacy);
    expect(result.cached.size).toBe(2);
    expect(result.setAside).toEqual([]);
  });

  it("keeps and reports an earlier version's run that another backend trained, and trains its own", async () => {
    const storePath = tempStore();
    const legacy = await legacyStore(storePath);
    const db = new Database(storePath);
    db.prepare("UPDATE runs SET backend = 'reference'").run(); // as if trained elsewhere, on the float64 reference
    db.close();
    const result = await sweep(storePath);
    expect(result.cached.size).toBe(0);
    expect(result.jobs.every((j) => !legacy.includes(j.key) && j.config.backend === HERE)).toBe(true);
    expect(result.setAside.map((r) => r.key).sort()).toEqual(legacy);
    expect(result.setAside.every((r) => r.backend === 'reference' && r.now === HERE)).toBe(true);
    expect(stored(storePath).length).toBe(4); // nothing lost: both versions' rows
    for (const key of legacy) expect(existsSync(join(runDirOf(result.runsDir, key), 'W.npy'))).toBe(true);
  });
});
