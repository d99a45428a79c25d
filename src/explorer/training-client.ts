/**
 * The page's handle on the training worker: start/play/pause/step, and callbacks for the
 * frames it sends back. Frames of a replaced run (older generation) are dropped here, so
 * the rest of the page never sees them.
 */
import type { TrainConfig } from '../core/config.js';
import type { FromWorker, SeriesPoint, ToWorker } from './protocol.js';

export interface TrainingEvents {
  ready(info: { backend: string; dtype: string; W0: Float32Array }): void;
  frame(frame: { step: number; W: Float32Array; points: SeriesPoint[]; playing: boolean; done: boolean }): void;
  error(error: { message: string; step: number }): void;
}

export class TrainingClient {
  private readonly worker: Worker;
  private generation = 0;

  constructor(private readonly events: TrainingEvents) {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'incidental-training' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.events.error({ message: `the training worker failed: ${e.message || 'could not load'}`, step: 0 });
    };
  }

  /** Starts a fresh run (step 0) with this config; the previous one is discarded. */
  start(config: TrainConfig, stopAt: number): void {
    this.generation++;
    this.send({ type: 'start', generation: this.generation, config, stopAt });
  }

  play(stepsPerFrame: number, stopAt: number): void {
    this.send({ type: 'play', stepsPerFrame, stopAt });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  step(count: number, stopAt: number): void {
    this.send({ type: 'step', count, stopAt });
  }

  /** Tells the worker `frames` more frames are drawn, so it may send more. */
  ack(frames: number): void {
    this.send({ type: 'ack', frames });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    if (msg.generation !== this.generation) return; // a run already replaced ('start' resets the worker's pacing)
    if (msg.type === 'ready') this.events.ready(msg);
    else if (msg.type === 'frame') this.events.frame(msg);
    else this.events.error(msg);
  }
}
