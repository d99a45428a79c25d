/**
 * The training worker: the core library's Trainer (openTrainer → backend selection →
 * Trainer.advance), exactly what `incidental train` runs, so the same seed and config give
 * the same weights. It trains in chunks of `stepsPerFrame` steps (cut short after
 * CHUNK_BUDGET_MS so pause stays responsive) and posts one frame per chunk; it runs at most
 * MAX_IN_FLIGHT frames ahead of the page's 'ack's, so training never outruns the drawing.
 */
import type { Trainer } from '../core/train.js';
import { openTrainer } from '../kernels/select.js';
import { trainChunk } from './chunk.js';
import type { FromWorker, ToWorker } from './protocol.js';

const CHUNK_BUDGET_MS = 60;
/** Frames sent but not yet drawn: 2 lets the next chunk train while the page draws the last one. */
const MAX_IN_FLIGHT = 2;
const scope = self as unknown as DedicatedWorkerGlobalScope;

class TrainingLoop {
  private trainer: Trainer | null = null;
  private generation = -1;
  private playing = false;
  private inFlight = 0;
  private scheduled = false;
  private stepsPerFrame = 1;
  private stopAt = 0;

  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'start':
        return this.start(msg.generation, msg);
      case 'play':
        this.playing = true;
        this.stepsPerFrame = msg.stepsPerFrame;
        this.stopAt = msg.stopAt;
        this.schedule();
        return;
      case 'pause':
        this.playing = false;
        return;
      case 'step':
        this.stopAt = msg.stopAt;
        this.playing = false;
        return this.runChunk(msg.count);
      case 'ack':
        this.inFlight = Math.max(0, this.inFlight - msg.frames);
        if (this.playing) this.schedule();
        return;
    }
  }

  private async start(generation: number, msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
    this.generation = generation;
    this.playing = false;
    this.inFlight = 0;
    this.trainer?.session.dispose();
    this.trainer = null;
    this.stopAt = msg.stopAt;
    let trainer: Trainer;
    try {
      trainer = await openTrainer(msg.config);
    } catch (err) {
      return this.postError(err, 0);
    }
    if (generation !== this.generation) return trainer.session.dispose(); // replaced while loading
    this.trainer = trainer;
    post({ type: 'ready', generation, backend: trainer.session.backend, dtype: trainer.session.dtype, W0: Float32Array.from(trainer.W0) });
    this.runChunk(0);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (this.playing && this.inFlight < MAX_IN_FLIGHT) this.runChunk(this.stepsPerFrame);
    }, 0);
  }

  /** Trains up to `count` steps (never past stopAt) and posts the frame. */
  private runChunk(count: number): void {
    const trainer = this.trainer;
    if (!trainer) return;
    try {
      const { W, points } = trainChunk(trainer, count, this.stopAt, CHUNK_BUDGET_MS);
      const done = trainer.step >= this.stopAt;
      if (done) this.playing = false;
      if (this.playing) this.inFlight++;
      post({ type: 'frame', generation: this.generation, step: trainer.step, W, points, playing: this.playing, done }, [W.buffer]);
      if (this.playing) this.schedule();
    } catch (err) {
      this.playing = false;
      this.postError(err, trainer.step);
    }
  }

  private postError(err: unknown, step: number): void {
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'error', generation: this.generation, message, step });
  }
}

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

const loop = new TrainingLoop();
// messages are handled one at a time, in order, even while a start awaits its backend
let queue = Promise.resolve();
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue.then(() => loop.handle(e.data));
};
