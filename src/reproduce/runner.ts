/**
 * `reproduce()`: plans every run the chosen experiments need, reuses the cached ones,
 * trains the rest on both cores with progress and ETA, analyses each experiment and writes
 * the report. Interrupting (AbortSignal, Ctrl-C in the CLI) loses only the runs in
 * progress: the next call with the same OUT resumes from the cache.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import type { TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { isCached, loadOutcome, partialDir, readRunSummary, removeStalePartials, runDir, runKey } from './cache.js';
import { PoolAborted, runJobs, workersAvailable } from './pool.js';
import { EXPERIMENTS } from './registry.js';
import { writeReport } from './report.js';
import type { TrainJob } from './train-run.js';
import { EXPERIMENT_IDS, type ExperimentId, type ExperimentResult, type RunSpec, type ScaleName } from './types.js';

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
  signal?: AbortSignal;
  onProgress?: (p: ReproduceProgress) => void;
  /** also write PNG files (default true) */
  png?: boolean;
  /** the command line, for provenance */
  command?: string;
}

export interface ActiveRun {
  label: string;
  step: number;
  steps: number;
}

export interface ReproduceProgress {
  phase: 'plan' | 'train' | 'analyze' | 'report' | 'done';
  totalRuns: number;
  cachedRuns: number;
  finishedRuns: number;
  /** estimated work (multiply-adds) of the runs to train, and how much is done */
  totalWork: number;
  doneWork: number;
  active: ActiveRun[];
  elapsedSeconds: number;
  etaSeconds: number | null;
  /** e.g. "analysing B" */
  message: string;
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
  runs: RunProvenance[];
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

/** Rough multiply-add count of a run, for progress and ETA only (the rate is measured). */
export function estimateWork(c: TrainConfig): number {
  const n = c.nFeatures;
  const m = c.nHidden;
  return c.steps * c.nInstances * (1.5 * n * n * m + 30 * n * m + 50_000);
}

interface PlannedRun {
  key: string;
  spec: RunSpec;
  labels: string[];
  experiments: ExperimentId[];
  dir: string;
  cached: boolean;
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const scale = o.scale ?? 'quick';
  const ids = o.only ?? [...EXPERIMENT_IDS];
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const workers = o.workers ?? Math.min(2, cores);
  const parallel = workers > 0 && workersAvailable() ? workers : 1;
  const threadsPerRun = o.threadsPerRun ?? (parallel > 1 ? 1 : 0);
  const elapsed = () => (performance.now() - started) / 1000;

  // plan: every run of every chosen experiment, deduplicated by key
  const planned = new Map<string, PlannedRun>();
  for (const id of ids) {
    const exp = EXPERIMENTS[id];
    for (const spec of exp.runs(exp.params[scale])) {
      const key = runKey(spec.config);
      const have = planned.get(key);
      if (have) {
        if (!have.experiments.includes(id)) have.experiments.push(id);
        have.labels.push(spec.label);
        continue;
      }
      planned.set(key, { key, spec, labels: [spec.label], experiments: [id], dir: runDir(o.out, key), cached: false });
    }
  }
  removeStalePartials(o.out);
  for (const run of planned.values()) {
    if (o.fresh) rmSync(run.dir, { recursive: true, force: true });
    run.cached = isCached(run.dir);
  }
  const todo = [...planned.values()].filter((r) => !r.cached);
  const jobs: TrainJob[] = todo
    .map((r) => ({ key: r.key, label: r.spec.label, config: { ...r.spec.config, threads: threadsPerRun }, dir: r.dir, partial: partialDir(r.dir, r.key) }))
    .sort((a, b) => estimateWork(b.config) - estimateWork(a.config)); // longest first balances the lanes

  // train
  const totalWork = jobs.reduce((s, j) => s + estimateWork(j.config), 0);
  const active = new Map<string, ActiveRun>();
  let doneWork = 0;
  let finishedRuns = 0;
  const trainStart = performance.now();
  const progress = (phase: ReproduceProgress['phase'], message = ''): void => {
    if (!o.onProgress) return;
    let partial = 0;
    for (const [key, a] of active) {
      const job = jobs.find((j) => j.key === key);
      if (job) partial += (estimateWork(job.config) * a.step) / Math.max(1, a.steps);
    }
    const done = doneWork + partial;
    const t = (performance.now() - trainStart) / 1000;
    const eta = phase === 'train' && done > 0 && t > 1 ? ((totalWork - done) * t) / done : null;
    o.onProgress({
      phase,
      totalRuns: planned.size,
      cachedRuns: planned.size - todo.length,
      finishedRuns,
      totalWork,
      doneWork: done,
      active: [...active.values()],
      elapsedSeconds: elapsed(),
      etaSeconds: eta,
      message,
    });
  };
  progress('plan', `${planned.size} runs planned, ${planned.size - todo.length} cached`);
  try {
    await runJobs(jobs, {
      workers: parallel > 1 ? parallel : workers > 0 ? 1 : 0,
      signal: o.signal,
      events: {
        onStart: (job) => {
          active.set(job.key, { label: job.label, step: 0, steps: job.config.steps });
          progress('train');
        },
        onStep: (job, step) => {
          const a = active.get(job.key);
          if (a) a.step = step;
          progress('train');
        },
        onDone: (job) => {
          active.delete(job.key);
          doneWork += estimateWork(job.config);
          finishedRuns++;
          progress('train', `finished ${job.label}`);
        },
      },
    });
  } catch (err) {
    if (err instanceof PoolAborted) {
      const cachedNow = [...planned.values()].filter((r) => isCached(r.dir)).length;
      throw new ReproduceInterrupted(
        `interrupted: ${cachedNow} of ${planned.size} runs are finished and cached in ${o.out}/runs; run the same command again to resume`,
      );
    }
    throw err;
  }
  const trainingSeconds = (performance.now() - trainStart) / 1000;

  // analyse
  const experiments: ExperimentResult[] = [];
  for (const id of ids) {
    if (o.signal?.aborted) throw new ReproduceInterrupted(`interrupted while analysing; every run is cached in ${o.out}/runs; run the same command again to write the report`);
    progress('analyze', `analysing ${id}`);
    const exp = EXPERIMENTS[id];
    const t0 = performance.now();
    const load = (spec: RunSpec) => loadOutcome(runDir(o.out, runKey(spec.config)), spec.label);
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

  const runs: RunProvenance[] = [...planned.values()].map((r) => {
    const s = readRunSummary(r.dir);
    return {
      key: r.key,
      labels: r.labels,
      experiments: r.experiments,
      seed: r.spec.config.seed,
      nInstances: r.spec.config.nInstances,
      nFeatures: r.spec.config.nFeatures,
      nHidden: r.spec.config.nHidden,
      steps: r.spec.config.steps,
      backend: s?.backend ?? '?',
      threads: s?.threads ?? 0,
      wallTimeSeconds: s?.wallTimeSeconds ?? NaN,
      cached: r.cached,
      dir: r.dir,
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
    runs,
  };
  progress('report', 'rendering figures and writing the report');
  const reportPath = await writeReport(o.out, { experiments, provenance }, { png: o.png ?? true, finalize: () => (provenance.wallTimeSeconds = elapsed()) });
  progress('done', `wrote ${reportPath}`);
  return { experiments, provenance, reportPath };
}
