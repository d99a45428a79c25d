/**
 * The coordinator's side of a finished job: write its run directory (src/io/run-dir.ts
 * format, staged and renamed whole, so a kill leaves no half run), analyse
 * its weights, and insert its row into the run store. Only the coordinator calls this, so
 * the store has one writer however many machines train.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseCriterion } from '../analysis/criterion.js';
import { analyzeRun, type InstanceCounts } from '../analysis/neurons.js';
import { mean } from '../core/metrics.js';
import { newRunId, writeRunFiles, type RunConfigFile } from '../io/run-dir.js';
import { fsUserError } from '../io/fs-errors.js';
import { VERSION } from '../version.js';
import type { RunStore } from '../store/run-store.js';
import type { JobResult } from './job.js';

/** Staging directories live for one synchronous write; older ones are leftovers of a killed coordinator. */
const STALE_STAGING_MS = 10 * 60 * 1000;
const STAGING = '.staging-';

/**
 * Writes a result as the run directory `runsDir/key` (src/io/run-dir.ts format, through its
 * writeRunFiles): into `runsDir/.staging-<random>` first, renamed into place whole, replacing a
 * leftover of an earlier attempt. No per-run scan of `runsDir`, so a sweep of many runs
 * stays linear; `removeStaleStaging` clears what killed coordinators left.
 */
export function writeRunDir(dir: string, r: JobResult): void {
  const staging = join(dirname(dir), `${STAGING}${randomBytes(6).toString('hex')}`);
  try {
    const runId = r.summary.runId ?? newRunId();
    const meta = { tool: 'incidental' as const, version: VERSION, createdAt: new Date().toISOString(), runId, config: r.config, init: 'seed', data: r.data as RunConfigFile['data'], backend: r.backend, dtype: r.dtype };
    writeRunFiles(staging, { meta, W0: r.W0, W: r.W, W0dec: r.W0dec, Wdec: r.Wdec, snapshots: r.snapshots, summary: { ...r.summary, runId } });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw fsUserError(err, `writing the run directory ${dir}`);
  }
}

/** Removes staging directories in `runsDir` older than STALE_STAGING_MS (a killed coordinator's). */
export function removeStaleStaging(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  const now = Date.now();
  for (const name of readdirSync(runsDir)) {
    if (!name.startsWith(STAGING)) continue;
    const p = join(runsDir, name);
    try {
      if (now - statSync(p).mtimeMs > STALE_STAGING_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}

/**
 * Writes the run directory, analyses the final weights and stores the row. Returns false
 * when the key was stored already (the result is then dropped: a run is stored once).
 */
export function storeResult(store: RunStore, r: JobResult, o: { dir: string; sweep: string }): boolean {
  if (store.storedKeys([r.key]).size) return false;
  const status = r.summary.status === 'diverged' ? 'diverged' : 'finished';
  writeRunDir(o.dir, r);
  const c = r.config;
  // the same rule as `incidental analyze` by default: the band in the paper's setting, the share rule otherwise
  const { criterion } = chooseCriterion('auto', c);
  const a = status === 'finished' ? analyzeRun({ W0: r.W0, W: r.W, shape: [c.nInstances, c.nFeatures, c.nHidden] }, { criterion, fullCorrelation: false }) : null;
  const m = (k: keyof InstanceCounts) => (a ? a.counts[k].mean : null);
  return store.insert(r.key, status, c, {
    polysemantic: m('polysemantic'),
    polysemantic_std: a ? a.counts.polysemantic.std : null,
    monosemantic: m('monosemantic'),
    dead: m('dead'),
    collisions: m('collisions'),
    benign_collisions: m('benignCollisions'),
    malign_collisions: m('malignCollisions'),
    one_hot: status === 'finished' ? mean(r.summary.oneHotFeatures) : null,
    final_loss: r.summary.finalLoss.length ? mean(r.summary.finalLoss) : null,
    steps_done: r.summary.steps,
    wall_time: r.summary.wallTimeSeconds,
    backend: r.backend,
    worker: r.worker,
    dir: o.dir,
    sweep: o.sweep,
    created_at: new Date().toISOString(),
    version: VERSION,
    error: r.summary.error ?? null,
    config_json: JSON.stringify(c),
    counts_json: a ? JSON.stringify(Object.fromEntries(Object.entries(a.counts).map(([k, agg]) => [k, agg.values]))) : null,
  });
}
