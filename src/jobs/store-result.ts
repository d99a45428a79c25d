/**
 * The coordinator's side of a finished job: write its run directory (src/io/run-dir.ts
 * format, staged beside it and renamed whole, so a kill leaves no half run), analyse
 * its weights, and insert its row into the run store. Only the coordinator calls this, so
 * the store has one writer however many machines train.
 */
import { join } from 'node:path';
import { analyzeRun, type InstanceCounts } from '../analysis/neurons.js';
import { mean } from '../core/metrics.js';
import { newRunId, RunWriter, writeWeights } from '../io/run-dir.js';
import { stageDir } from '../io/staged-dir.js';
import { VERSION } from '../version.js';
import type { RunStore } from '../store/run-store.js';
import type { JobResult } from './job.js';

/** Writes a result as a run directory at `dir`, staged and renamed whole (src/io/staged-dir.ts), replacing any leftover there. */
export function writeRunDir(dir: string, r: JobResult): void {
  const staged = stageDir(dir, { force: true, flag: 'run directory' });
  try {
    const shape = [r.config.nInstances, r.config.nFeatures, r.config.nHidden];
    const runId = r.summary.runId ?? newRunId();
    const writer = new RunWriter(staged.path);
    writer.writeConfig({ tool: 'incidental', version: VERSION, createdAt: new Date().toISOString(), runId, config: r.config, init: 'seed', backend: r.backend, dtype: r.dtype });
    writeWeights(join(staged.path, 'W0.npy'), r.W0, shape);
    writer.appendSnapshots(r.snapshots);
    writeWeights(join(staged.path, 'W.npy'), r.W, shape);
    writer.writeSummary({ ...r.summary, runId });
  } catch (err) {
    staged.discard();
    throw err;
  }
  staged.commit();
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
  const a = status === 'finished' ? analyzeRun({ W0: r.W0, W: r.W, shape: [c.nInstances, c.nFeatures, c.nHidden] }, { fullCorrelation: false }) : null;
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
