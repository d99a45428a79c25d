/**
 * `reproduce()`, the paper's experiments through the job runner, in stages:
 * plan (every run the chosen experiments need, as jobs: validated configs, deduplicated by
 * key) → run store (OUT/runs.db with run directories in OUT/runs/<key>; stored runs are
 * reused) → schedule (the local pool, or the queue with `scheduler`) → analyse each
 * experiment from the stored runs → write the report. Interrupting (AbortSignal, Ctrl-C in
 * the CLI) loses only the runs in progress: the next call with the same OUT resumes.
 */
import os from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { TrainConfig } from '../core/config.js';
import { estimateWork, jobKey, JobsAborted } from '../jobs/job.js';
import { createLocalPool } from '../jobs/local-pool.js';
import { runDirOf, runJobs, type ActiveRun, type JobsProgress } from '../jobs/run-jobs.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { threadsAvailable } from '../jobs/training-thread.js';
import { RunStore } from '../store/run-store.js';
import { VERSION } from '../version.js';
import { keyedJobs, keyRuns, type SetAsideRun } from '../jobs/backend-keys.js';
import { loadOutcome, readRunSummary, runDirIsWhole } from './outcome.js';
import { EXPERIMENTS } from './registry.js';
import { writeReport } from './report.js';
import { EXPERIMENT_IDS, type ExperimentId, type ExperimentResult, type RunSpec, type ScaleName } from './types.js';

export type { ActiveRun };

export interface ReproduceOptions {
  out: string;
  scale?: ScaleName;
  only?: ExperimentId[];
  /** recompute the planned runs even if cached */
  fresh?: boolean;
  /** parallel training threads (default: min(2, cores)); 0 trains in this thread */
  workers?: number;
  /** threads each run's backend may use (config.threads; default 1 when several workers run, else 0 = automatic) */
  threadsPerRun?: number;
  /** where runs train (default: the local pool with `workers` threads); closed by the caller */
  scheduler?: Scheduler;
  signal?: AbortSignal;
  onProgress?: (p: ReproduceProgress) => void;
  /** also write PNG files (default true) */
  png?: boolean;
  /** the command line, for provenance */
  command?: string;
}

export interface ReproduceProgress extends JobsProgress {
  phase: 'plan' | 'train' | 'analyze' | 'report' | 'done';
}

export interface RunProvenance {
  key: string;
  labels: string[];
  experiments: ExperimentId[];
  seed: number;
  nInstances: number;
  nFeatures: number;
  nHidden: number;
  steps: number;
  backend: string;
  threads: number;
  wallTimeSeconds: number;
  /** true when this call reused it from the cache */
  cached: boolean;
  dir: string;
}

export interface Provenance {
  tool: 'incidental';
  version: string;
  command: string;
  scale: ScaleName;
  experiments: ExperimentId[];
  startedAt: string;
  wallTimeSeconds: number;
  trainingSeconds: number;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  workers: number;
  threadsPerRun: number;
  /** where the runs trained, e.g. "local, 2 training threads" or "queue redis://…" */
  scheduler: string;
  runs: RunProvenance[];
  /** runs cached by an earlier version under a key without the backend, trained on another backend than this call's: kept, not reused */
  setAside: SetAsideRun[];
}

export interface ReproduceResult {
  experiments: ExperimentResult[];
  provenance: Provenance;
  reportPath: string;
}

/** Interrupted before the report: the message says how much is cached and how to resume. */
export class ReproduceInterrupted extends UserError {
  override name = 'ReproduceInterrupted';
}

/** OUT/runs.db: the run store of a reproduce output directory. */
export const reproduceStorePath = (out: string) => join(out, 'runs.db');

/**
 * What a reproduce call would train, before it starts: the distinct runs of the chosen
 * experiments and their estimated work (multiply-adds; the retraining inside I's and J's
 * analyses is not included). The CLI states it before a long scale starts.
 */
export function planCost(scale: ScaleName, ids: readonly ExperimentId[] = EXPERIMENT_IDS): { runs: number; work: number } {
  const keys = new Map<string, number>();
  for (const id of ids) {
    const exp = EXPERIMENTS[id];
    for (const spec of exp.runs(exp.params[scale])) keys.set(jobKey(spec.config), estimateWork(spec.config));
  }
  return { runs: keys.size, work: [...keys.values()].reduce((a, b) => a + b, 0) };
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const scale = o.scale ?? 'quick';
  const ids = o.only ?? [...EXPERIMENT_IDS];
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const workers = o.workers ?? Math.min(2, cores);
  const parallel = workers > 0 && threadsAvailable() ? workers : 1;
  const threadsPerRun = o.threadsPerRun ?? (parallel > 1 ? 1 : 0);
  const elapsed = () => (performance.now() - started) / 1000;

  // plan: every run of every chosen experiment, by the key of its config as written
  const labels = new Map<string, { config: TrainConfig; labels: string[]; experiments: ExperimentId[]; spec: RunSpec }>();
  for (const id of ids) {
    const exp = EXPERIMENTS[id];
    for (const spec of exp.runs(exp.params[scale])) {
      const key = jobKey(spec.config);
      const have = labels.get(key) ?? { config: spec.config, labels: [], experiments: [], spec };
      have.labels.push(spec.label);
      if (!have.experiments.includes(id)) have.experiments.push(id);
      labels.set(key, have);
    }
  }
  const runsDir = join(o.out, 'runs');
  const store = RunStore.open(reproduceStorePath(o.out));
  // each run pinned to the backend that trains it, and cached per backend (backend-keys.ts)
  let keyed: Awaited<ReturnType<typeof keyRuns>>;
  try {
    keyed = await keyRuns(store, labels, threadsPerRun);
  } catch (err) {
    store.close();
    throw err;
  }
  const keyOf = (configKey: string) => keyed.runs.get(configKey)!.key;
  const jobs = keyedJobs(labels, keyed.runs);
  const scheduler = o.scheduler ?? createLocalPool({ workers: parallel > 1 ? parallel : workers > 0 ? 1 : 0, threadsPerRun });
  let phase: ReproduceProgress['phase'] = 'plan';
  let last: JobsProgress | null = null;
  const progress = (p: JobsProgress | null, message = ''): void => {
    if (p) last = p;
    const base = last ?? { totalRuns: labels.size, cachedRuns: 0, finishedRuns: 0, totalWork: 0, doneWork: 0, active: [], etaSeconds: null, message: '' };
    o.onProgress?.({ ...base, message: p ? p.message : message, elapsedSeconds: elapsed(), etaSeconds: phase === 'train' ? base.etaSeconds : null, phase });
  };
  let ran: Awaited<ReturnType<typeof runJobs>>;
  try {
    ran = await runJobs(jobs, {
      store,
      runsDir,
      scheduler,
      sweep: `reproduce ${scale}`,
      fresh: o.fresh,
      dirIsWhole: runDirIsWhole,
      signal: o.signal,
      onProgress: (p) => {
        progress(p);
        phase = 'train';
      },
    });
  } catch (err) {
    if (err instanceof JobsAborted) {
      const stored = store.storedKeys(jobs.map((j) => j.key)).size;
      throw new ReproduceInterrupted(
        `interrupted: ${stored} of ${labels.size} runs are finished and cached in ${o.out}/runs; run the same command again to resume`,
      );
    }
    throw err;
  } finally {
    store.close();
  }
  const trainingSeconds = ran.trainingSeconds;

  // analyse
  const experiments: ExperimentResult[] = [];
  for (const id of ids) {
    if (o.signal?.aborted) throw new ReproduceInterrupted(`interrupted while analysing; every run is cached in ${o.out}/runs; run the same command again to write the report`);
    phase = 'analyze';
    progress(null, `analysing ${id}`);
    const exp = EXPERIMENTS[id];
    const t0 = performance.now();
    const load = (spec: RunSpec) => loadOutcome(runDirOf(runsDir, keyed.runs.get(jobKey(spec.config))?.key ?? jobKey(spec.config)), spec.label);
    const analysis = await exp.analyze(exp.params[scale], load, scale);
    experiments.push({
      id,
      part: exp.part ?? 'paper',
      title: exp.title,
      claim: exp.claim,
      parameters: exp.describe(exp.params[scale]),
      paperParameters: exp.describe(exp.params.paper),
      scaleNote: scale === 'paper' ? '' : (exp.scaleNotes[scale] ?? ''),
      analysisSeconds: (performance.now() - t0) / 1000,
      ...analysis,
    });
  }

  const runs: RunProvenance[] = [...labels.entries()].map(([configKey, r]) => {
    const key = keyOf(configKey);
    const dir = runDirOf(runsDir, key);
    const s = readRunSummary(dir);
    const c = r.spec.config;
    return {
      key,
      labels: r.labels,
      experiments: r.experiments,
      seed: c.seed,
      nInstances: c.nInstances,
      nFeatures: c.nFeatures,
      nHidden: c.nHidden,
      steps: c.steps,
      backend: s?.backend ?? '?',
      threads: s?.threads ?? 0,
      wallTimeSeconds: s?.wallTimeSeconds ?? NaN,
      cached: ran.cached.has(key),
      dir,
    };
  });
  const provenance: Provenance = {
    tool: 'incidental',
    version: VERSION,
    command: o.command ?? `incidental reproduce --scale ${scale}${o.only ? ` --only ${ids.join(',')}` : ''} --out ${o.out}`,
    scale,
    experiments: ids,
    startedAt,
    wallTimeSeconds: 0,
    trainingSeconds,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores,
    workers: parallel,
    threadsPerRun,
    scheduler: scheduler.description,
    runs,
    setAside: keyed.setAside,
  };
  phase = 'report';
  progress(null, 'rendering figures and writing the report');
  const reportPath = await writeReport(o.out, { experiments, provenance }, { png: o.png ?? true, finalize: () => (provenance.wallTimeSeconds = elapsed()) });
  phase = 'done';
  progress(null, `wrote ${reportPath}`);
  return { experiments, provenance, reportPath };
}
