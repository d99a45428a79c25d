// Reproduce caches a run per backend that trained it (src/jobs/backend-keys.ts): `auto`
// runs are pinned to the backend this machine picks, keyed by that explicit config, and
// reused by the next call; runs an earlier version cached under the `auto` key are reused when
// they were trained on the same backend, and otherwise kept (files and store row) and reported.
// Trains experiment B (3 small runs) at the test scale in this thread.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { jobKey, makeJob } from '../jobs/job.js';
import { createLocalPool } from '../jobs/local-pool.js';
import { runDirOf, runJobs } from '../jobs/run-jobs.js';
import { loadNative } from '../kernels/native.js';
import { RunStore } from '../store/run-store.js';
import { pinBackend } from '../jobs/backend-keys.js';
import { EXPERIMENTS } from './registry.js';
import { reproduce, reproduceStorePath } from './runner.js';

const dirs: string[] = [];
const tempOut = () => {
  const d = mkdtempSync(join(tmpdir(), 'incidental-backend-keys-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What `auto` picks here for B's runs (one-hot, AdamW): native where the addon loaded, else wasm. */
const HERE = (await loadNative()).addon ? 'native' : 'wasm';
const specs = EXPERIMENTS.B.runs(EXPERIMENTS.B.params.test);

/** Stores B's runs as an earlier version did: keyed by their `auto` config. */
async function legacyCache(out: string): Promise<string[]> {
  const store = RunStore.open(reproduceStorePath(out));
  try {
    const jobs = specs.map((s) => makeJob(s.config, s.label));
    await runJobs(jobs, { store, runsDir: join(out, 'runs'), scheduler: createLocalPool({ workers: 0 }), sweep: 'reproduce test' });
    return [...new Set(jobs.map((j) => j.key))];
  } finally {
    store.close();
  }
}

describe('pinBackend', () => {
  it('replaces auto by the backend auto selects here and leaves an explicit choice alone', async () => {
    const auto = parseConfig({ nFeatures: 6, nHidden: 12 });
    expect((await pinBackend(auto, 0)).backend).toBe(HERE);
    expect((await pinBackend({ ...auto, hidden: 'relu' }, 0)).backend).toBe('reference'); // no kernel for ReLU on one-hot data
    const wasm = parseConfig({ nFeatures: 6, nHidden: 12, backend: 'wasm' });
    expect(await pinBackend(wasm, 0)).toBe(wasm);
  });
});

describe('reproduce caches each run under the backend that trained it', () => {
  it('keys a fresh run by its pinned backend, records it, and reuses it next time', async () => {
    const out = tempOut();
    const first = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    const runs = first.provenance.runs;
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.backend).toBe(HERE);
      const spec = specs.find((s) => s.label === r.labels[0])!;
      expect(r.key).toBe(jobKey({ ...spec.config, backend: HERE }));
      expect(r.key).not.toBe(jobKey(spec.config));
      expect(JSON.parse(readFileSync(join(r.dir, 'config.json'), 'utf8')).config.backend).toBe(HERE);
    }
    expect(first.provenance.setAside).toEqual([]);
    const second = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    expect(second.provenance.runs.every((r) => r.cached)).toBe(true);
  });

  it("reuses an earlier version's run (auto key) that the same backend trained", async () => {
    const out = tempOut();
    const legacy = await legacyCache(out);
    const result = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    expect(result.provenance.runs.map((r) => r.key).sort()).toEqual([...legacy].sort());
    expect(result.provenance.runs.every((r) => r.cached && r.backend === HERE)).toBe(true);
    expect(result.provenance.setAside).toEqual([]);
  });

  it("keeps and reports an earlier version's run that another backend trained, and trains its own", async () => {
    const out = tempOut();
    const legacy = await legacyCache(out);
    // as if an earlier call had trained them elsewhere: on the float64 reference
    const db = new Database(reproduceStorePath(out));
    db.prepare("UPDATE runs SET backend = 'reference'").run();
    db.close();
    const result = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    expect(result.provenance.runs.every((r) => !r.cached && r.backend === HERE && !legacy.includes(r.key))).toBe(true);
    expect(result.provenance.setAside.map((r) => r.key).sort()).toEqual([...legacy].sort());
    expect(result.provenance.setAside.every((r) => r.backend === 'reference' && r.now === HERE)).toBe(true);
    // nothing lost: the earlier runs' rows and files are still there
    const store = RunStore.open(reproduceStorePath(out));
    expect(store.storedKeys(legacy).size).toBe(legacy.length);
    store.close();
    for (const key of legacy) expect(existsSync(join(runDirOf(join(out, 'runs'), key), 'W.npy'))).toBe(true);
    const html = readFileSync(result.reportPath, 'utf8');
    expect(html).toContain(`id="set-aside"`);
    expect(html).toMatch(new RegExp(`${legacy.length} cached runs? from an earlier version .* trained on reference, not reused because this call trains on ${HERE}`));
  });
});
