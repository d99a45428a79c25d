/**
 * Trains jobs in memory and returns their results: the code a local worker thread, the
 * in-process fallback and a queue worker all run. Several small runs of the paper's model
 * (one-hot data, tied weights, no hidden noise: nothing else drawn from the seed) that
 * differ only in seed and instance count are *packed* into one multi-instance session: their initial
 * weights are drawn from their own seeds and stacked, and instances train independently,
 * so each packed run's weights are bit-identical to training it alone (tested), while the
 * per-step cost of the kernels is paid once for the pack. A pack that diverges is
 * retrained run by run, so one bad run does not take the others' results with it.
 */
import { hostname } from 'node:os';
import type { TrainConfig } from '../core/config.js';
import { initWeights } from '../core/init.js';
import { mean } from '../core/metrics.js';
import { hasNoise, type Snapshot } from '../core/train.js';
import { openTrainer } from '../kernels/select.js';
import { trainToEnd } from '../core/train-loop.js';
import { readDataFile } from '../io/data-file.js';
import { runSummary } from '../io/train-to-dir.js';
import { jobKey, type JobResult } from './job.js';

export interface ExecuteOptions {
  /** steps done so far (the same for every run of a pack) */
  onStep?: (step: number) => void;
  /** polled between chunks; true ends with status 'interrupted' */
  shouldStop?: () => boolean;
  /** recorded in each result (default: "<host> pid <pid>") */
  worker?: string;
}

/** Fields that may differ between the runs of one pack. */
const PACK_FREE: ReadonlyArray<keyof TrainConfig> = ['seed', 'nInstances', 'threads', 'memoryLimitMiB'];

/**
 * Runs with the same pack key can train as one session: only the initial weights may come
 * from the seed (not hidden noise, data batches or an untied decoder, whose streams follow
 * the session's seed).
 */
export function packKey(c: TrainConfig): string | null {
  if (hasNoise(c) || c.data !== 'onehot' || c.untied) return null;
  const rest: Record<string, unknown> = { ...c };
  for (const f of PACK_FREE) delete rest[f];
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Trains `configs` (one run, or a pack of runs with equal packKey) and returns one result
 * per config, in order. The pack trains with the first config's `threads`.
 */
export async function executeJobs(configs: TrainConfig[], o: ExecuteOptions = {}): Promise<JobResult[]> {
  const worker = o.worker ?? `${hostname()} pid ${process.pid}`;
  if (configs.length === 1) return trainPack(configs, worker, o);
  const key = packKey(configs[0]);
  if (key === null || configs.some((c) => packKey(c) !== key)) throw new Error('executeJobs: these runs cannot be packed');
  const results = await trainPack(configs, worker, o);
  if (results.some((r) => r.summary.status === 'diverged')) {
    const alone: JobResult[] = [];
    for (const c of configs) alone.push(...(await trainPack([c], worker, o)));
    return alone;
  }
  return results;
}

async function trainPack(configs: TrainConfig[], worker: string, o: ExecuteOptions): Promise<JobResult[]> {
  const total = configs.reduce((s, c) => s + c.nInstances, 0);
  const packed: TrainConfig = { ...configs[0], nInstances: total };
  const W0 = configs.length === 1 ? undefined : concat(configs.map((c) => initWeights(c)));
  const data = packed.data === 'file' ? readDataFile(packed.dataFile!, packed.nFeatures) : null;
  const trainer = await openTrainer(packed, { W0, data: data?.matrix });
  try {
    const recorded: Snapshot[] = [];
    const end = await trainToEnd(trainer, { onSnapshots: (snaps) => recorded.push(...snaps), onProgress: (step) => o.onStep?.(step), shouldStop: o.shouldStop });
    const W = trainer.weights();
    const decoder = trainer.decoderWeights(); // untied runs only, never packed
    const dataRecord = data ? data.record : { kind: packed.data };
    const backend = trainer.session.backend;
    const dtype = trainer.session.dtype;
    const size = packed.nFeatures * packed.nHidden;
    const out: JobResult[] = [];
    let first = 0;
    for (const config of configs) {
      const to = first + config.nInstances;
      const snapshots = recorded.map((s) => sliceSnapshot(s, first, to));
      const w = W.slice(first * size, to * size);
      const divergence = end.divergence && end.divergence.instance >= first && end.divergence.instance < to ? end.divergence : undefined;
      const status = end.status === 'diverged' && !divergence ? 'interrupted' : end.status;
      const summary = runSummary(config, snapshots[snapshots.length - 1] ?? null, w, { ...end, status, divergence, steps: trainer.step, backend, threads: packed.threads });
      out.push({
        key: jobKey(config),
        config,
        backend,
        dtype,
        W0: trainer.W0.slice(first * size, to * size),
        W: w,
        ...(trainer.decoder0 && decoder ? { W0dec: trainer.decoder0.slice(), Wdec: decoder } : {}),
        data: dataRecord,
        snapshots,
        summary,
        worker,
      });
      first = to;
    }
    return out;
  } finally {
    trainer.session.dispose();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The snapshot of instances [from, to) of a packed session, with its means recomputed. */
export function sliceSnapshot(s: Snapshot, from: number, to: number): Snapshot {
  const cut = (xs: number[]) => xs.slice(from, to);
  const loss = cut(s.loss);
  const l1 = cut(s.l1);
  const nonzero = cut(s.nonzero);
  const fourth = cut(s.fourth);
  return {
    step: s.step,
    time: s.time,
    loss,
    lossMean: mean(loss),
    forces: { benefit: cut(s.forces.benefit), interference: cut(s.forces.interference), regularization: cut(s.forces.regularization) },
    l1,
    normSq: cut(s.normSq),
    fourth,
    nonzero,
    l1Mean: mean(l1),
    nonzeroMean: mean(nonzero),
    fourthMean: mean(fourth),
  };
}
