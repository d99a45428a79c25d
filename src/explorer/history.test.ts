import { describe, expect, it } from 'vitest';
import { FrameHistory, SeriesHistory } from './history.js';
import type { SeriesPoint } from './protocol.js';

const frame = (floats: number) => new Float32Array(floats);
const point = (step: number): SeriesPoint => ({ step, loss: [step], benefit: [0], interference: [0], regularization: [0], polysemantic: [0] });

describe('FrameHistory', () => {
  it('stays within its byte budget, keeping the first and latest frames', () => {
    const h = new FrameHistory(10 * 400); // room for 10 frames of 100 floats
    for (let step = 0; step <= 1000; step++) h.push(step, frame(100));
    expect(h.byteLength).toBeLessThanOrEqual(10 * 400);
    expect(h.length).toBeGreaterThanOrEqual(5);
    expect(h.at(0).step).toBe(0);
    expect(h.latest?.step).toBe(1000);
    const steps = Array.from({ length: h.length }, (_, i) => h.at(i).step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('finds the frame at or before a step', () => {
    const h = new FrameHistory(1e6);
    for (const s of [0, 5, 10, 20]) h.push(s, frame(1));
    expect(h.indexOfStep(0)).toBe(0);
    expect(h.indexOfStep(7)).toBe(1);
    expect(h.indexOfStep(20)).toBe(3);
    expect(h.indexOfStep(99)).toBe(3);
  });

  it('replaces a frame pushed again for the same step', () => {
    const h = new FrameHistory(1e6);
    h.push(0, frame(1));
    h.push(3, frame(1));
    h.push(3, Float32Array.of(7));
    expect(h.length).toBe(2);
    expect(h.latest?.W[0]).toBe(7);
  });
});

describe('SeriesHistory', () => {
  it('dedupes repeated steps and thins past its point count', () => {
    const s = new SeriesHistory(100);
    s.push([point(0), point(1)]);
    s.push([point(1), point(2)]);
    expect(s.all.map((p) => p.step)).toEqual([0, 1, 2]);
    for (let i = 3; i < 1000; i++) s.push([point(i)]);
    expect(s.all.length).toBeLessThanOrEqual(100);
    expect(s.all[0].step).toBe(0);
    expect(s.all[s.all.length - 1].step).toBe(999);
  });
});
