/**
 * The chunked training loop shared by `train` (into a run directory), the job runner
 * (into memory, in a worker thread or a queue worker) and anything else that trains to the
 * end: advances in chunks of about 0.2 s and yields between them, so progress shows, a
 * stop request is seen and a queue worker's lock keeps being renewed. A divergence or a
 * stop ends the loop with everything recorded so far; other errors propagate.
 */
import { DivergenceError } from './errors.js';
import type { Snapshot, Trainer } from './train.js';

export interface TrainLoopHooks {
  /** each chunk's snapshots as they are recorded (the final one included; after a divergence, those before it) */
  onSnapshots?: (s: Snapshot[]) => void;
  /** after each chunk: steps done and the latest recorded mean loss */
  onProgress?: (step: number, lossMean: number) => void;
  /** polled between chunks; true ends the loop as 'interrupted' */
  shouldStop?: () => boolean;
}

export interface TrainLoopResult {
  status: 'finished' | 'diverged' | 'interrupted';
  divergence?: DivergenceError;
  wallTimeSeconds: number;
}

const yieldOnce = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Trains `trainer` to its last step (or a stop or divergence). */
export async function trainToEnd(trainer: Trainer, hooks: TrainLoopHooks = {}): Promise<TrainLoopResult> {
  const { onSnapshots = () => {}, onProgress = () => {}, shouldStop = () => false } = hooks;
  const started = performance.now();
  let status: TrainLoopResult['status'] = 'finished';
  let divergence: DivergenceError | undefined;
  try {
    let chunk = 1;
    let lastLoss = NaN;
    while (!trainer.done) {
      if (shouldStop()) {
        status = 'interrupted';
        break;
      }
      const t0 = performance.now();
      const recorded = trainer.advance(chunk);
      onSnapshots(recorded);
      if (recorded.length > 0) lastLoss = recorded[recorded.length - 1].lossMean;
      chunk = Math.max(1, Math.min(100_000, Math.round((chunk * 200) / Math.max(performance.now() - t0, 1))));
      onProgress(trainer.step, lastLoss);
      await yieldOnce();
    }
    if (status === 'finished') onSnapshots([trainer.finish()]);
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    onSnapshots(trainer.takeRecorded()); // the diverging chunk's snapshots before the step that failed
    status = 'diverged';
    divergence = err;
  }
  return { status, divergence, wallTimeSeconds: (performance.now() - started) / 1000 };
}
