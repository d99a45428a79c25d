/**
 * What the timeline can scrub through, at bounded memory. Weight frames cost I·n·m floats
 * each, so when they pass a byte budget every other frame is dropped (the first and the
 * latest always stay): a long run keeps evenly thinned frames from its whole history.
 * The chart series (a few numbers per step) is thinned the same way past a point count.
 *
 * @example
 *   const h = new FrameHistory(64 * 2 ** 20);
 *   h.push(0, W0); h.push(10, W10);
 *   h.at(h.length - 1).step; // 10
 */
import type { SeriesPoint } from './protocol.js';

export interface Frame {
  step: number;
  /** Float32Array [instances, n, m] */
  W: Float32Array;
}

export class FrameHistory {
  private frames: Frame[] = [];
  private bytes = 0;

  constructor(readonly budgetBytes: number) {}

  get length(): number {
    return this.frames.length;
  }

  at(index: number): Frame {
    return this.frames[Math.max(0, Math.min(this.frames.length - 1, index))];
  }

  get latest(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  /** Index of the last frame at or before `step` (0 when none). */
  indexOfStep(step: number): number {
    let lo = 0;
    let hi = this.frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.frames[mid].step <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Adds a frame (a later step than the last; a repeat of the last step replaces it). */
  push(step: number, W: Float32Array): void {
    const last = this.latest;
    if (last && last.step >= step) {
      this.bytes -= last.W.byteLength;
      this.frames.pop();
    }
    this.frames.push({ step, W });
    this.bytes += W.byteLength;
    while (this.bytes > this.budgetBytes && this.frames.length > 2) this.thin();
  }

  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }

  get byteLength(): number {
    return this.bytes;
  }

  /** Drops every other frame, keeping the first and the latest. */
  private thin(): void {
    const kept = this.frames.filter((_, i) => i % 2 === 0 || i === this.frames.length - 1);
    this.frames = kept;
    this.bytes = kept.reduce((s, f) => s + f.W.byteLength, 0);
  }
}

/** Chart series of one run: one point per step until `maxPoints`, then thinned evenly. */
export class SeriesHistory {
  private points: SeriesPoint[] = [];

  constructor(readonly maxPoints: number) {}

  get all(): readonly SeriesPoint[] {
    return this.points;
  }

  /** Appends points in step order; a point for a step already present replaces it. */
  push(points: readonly SeriesPoint[]): void {
    for (const p of points) {
      while (this.points.length && this.points[this.points.length - 1].step >= p.step) this.points.pop();
      this.points.push(p);
    }
    if (this.points.length > this.maxPoints) {
      const last = this.points.length - 1;
      this.points = this.points.filter((_, i) => i % 2 === 0 || i === last);
    }
  }

  clear(): void {
    this.points = [];
  }
}
