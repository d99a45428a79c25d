/**
 * Which backend trains each run a reproduce call or a sweep plans, and the key its result is
 * cached under. The backends differ by float32 rounding (native fuses multiply-adds, wasm cannot, the
 * reference is float64), so a cached run is only reused for the backend that trained it: an
 * `auto` run is pinned here, at plan time, to the backend this machine picks for it, and its
 * job carries that backend explicitly, so its key is the key of the explicit config (the same
 * as a run asked for with that backend). With --queue the coordinator pins, so every worker
 * trains on that backend (a worker without it fails the run, saying why). Kernel builds (AVX-512, AVX2, portable C) and
 * thread counts give identical bytes by design, so neither enters the key.
 *
 * Earlier versions cached an `auto` run under the key of its `auto` config, whatever trained it
 * (legacy keys). Such a run is still reused when the backend recorded with it is the one
 * pinned now; otherwise it is kept, never deleted, and reported as not reused.
 */
import type { TrainConfig } from '../core/config.js';
import { hasNoise, problemOf } from '../core/train.js';
import { jobKey, type Job } from './job.js';
import { selectBackend } from '../kernels/select.js';
import type { RunStore } from '../store/run-store.js';

/** A run cached under a legacy key by another backend than this call's: kept in OUT/runs, not reused. */
export interface SetAsideRun {
  key: string;
  /** the backend that trained it */
  backend: string;
  /** the backend this call trains it on */
  now: string;
  labels: string[];
}

/** A planned run: the config as the experiment wrote it, and where its result is (or will be) cached. */
export interface KeyedRun {
  /** the config with `auto` replaced by the backend that trains it */
  config: TrainConfig;
  /** the key it is cached under: jobKey(config), or the legacy key of a reusable older run */
  key: string;
}

/**
 * `config` with `backend: 'auto'` replaced by the backend `auto` selects for it on this machine
 * with `threads` threads (0 = automatic); other choices, and runs on a data file, unchanged.
 */
export async function pinBackend(config: TrainConfig, threads: number): Promise<TrainConfig> {
  if (config.backend !== 'auto' || config.data === 'file') return config;
  const backend = await selectBackend('auto', problemOf(config, threads), hasNoise(config), config.memoryLimitMiB);
  return { ...config, backend: backend.name };
}

/**
 * Keys for the planned configs (deduplicated by their own key, `labels` per config key): each
 * pinned, cached under its pinned key unless a legacy run of the same backend is stored. Returns
 * the keyed runs by the key of the config as written, and the legacy runs set aside.
 */
export async function keyRuns(
  store: RunStore,
  configs: ReadonlyMap<string, { config: TrainConfig; labels: string[] }>,
  threads: number,
): Promise<{ runs: Map<string, KeyedRun>; setAside: SetAsideRun[] }> {
  const runs = new Map<string, KeyedRun>();
  const setAside: SetAsideRun[] = [];
  for (const [legacyKey, { config, labels }] of configs) {
    const pinned = await pinBackend(config, threads);
    const key = jobKey(pinned);
    if (pinned === config || store.storedKeys([key]).size > 0) {
      runs.set(legacyKey, { config: pinned, key });
      continue;
    }
    const legacy = store.get(legacyKey);
    if (legacy && legacy.backend === pinned.backend) {
      runs.set(legacyKey, { config: pinned, key: legacyKey });
      continue;
    }
    if (legacy) setAside.push({ key: legacyKey, backend: String(legacy.backend ?? '?'), now: pinned.backend, labels });
    runs.set(legacyKey, { config: pinned, key });
  }
  return { runs, setAside };
}

/** One job per planned run (keyed by the key of its config as written): its pinned config, cached under its key from keyRuns. */
export function keyedJobs(planned: ReadonlyMap<string, { labels: string[] }>, runs: ReadonlyMap<string, KeyedRun>): Job[] {
  return [...planned].map(([k, r]) => {
    const { key, config } = runs.get(k)!;
    return { key, label: r.labels[0], config };
  });
}

/**
 * One sentence on the runs an earlier version cached under keys without the backend that this
 * call did not reuse (keyRuns), for the report and the CLI.
 */
export function setAsideLine(runs: ReadonlyArray<{ key: string; backend: string; now: string }>, where: string): string {
  const by = (f: 'backend' | 'now') => [...new Set(runs.map((r) => r[f]))].sort().join(', ');
  return (
    `${runs.length} cached run${runs.length > 1 ? 's' : ''} from an earlier version (cached without the backend in the key) trained on ${by('backend')}, ` +
    `not reused because this call trains on ${by('now')}; kept in ${where} (${runs.length > 3 ? 'e.g. ' : ''}${runs.slice(0, 3).map((r) => r.key).join(', ')})`
  );
}
