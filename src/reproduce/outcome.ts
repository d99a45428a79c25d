/**
 * Reading a stored run back for the analysis stage of reproduce: the run directory the
 * coordinator wrote (src/jobs/store-result.ts) as the RunOutcome an experiment analyses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { readRun } from '../io/read-run.js';
import type { RunSummary } from '../io/run-dir.js';
import type { RunOutcome } from './types.js';

/** Loads a stored run for analysis; a diverged run is a UserError naming its directory. */
export function loadOutcome(dir: string, label: string): RunOutcome {
  const run = readRun(dir);
  const s = run.summary;
  if (!s || s.status !== 'finished') {
    throw new UserError(`run "${label}" (${dir}) did not finish (${s?.status ?? 'no summary'}${s?.error ? `: ${s.error}` : ''}); rerun with --fresh or lower its learning rate`);
  }
  return {
    config: run.meta.config,
    shape: run.shape,
    W0: run.W0,
    W: run.W,
    snapshots: run.snapshots,
    backend: run.meta.backend,
    wallTimeSeconds: s.wallTimeSeconds,
  };
}

/**
 * Whether a stored run's directory reads back whole (readRun: files present, parse, agree);
 * a damaged one (invalid config.json, a truncated W.npy, a directory where a file belongs)
 * is retrained instead of failing the report.
 */
export function runDirIsWhole(dir: string): boolean {
  try {
    readRun(dir, { requireSummary: true });
    return true;
  } catch (err) {
    if (err instanceof UserError) return false;
    throw err;
  }
}

export function readRunSummary(dir: string): RunSummary | null {
  const p = join(dir, 'summary.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RunSummary;
  } catch {
    return null;
  }
}
