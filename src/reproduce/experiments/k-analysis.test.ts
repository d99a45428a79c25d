/**
 * K's analysis on synthetic runs (no training): the agreement count that feeds its check is
 * recomputed here race by race, and the check is made to pass (99 of 100 races agree) and
 * made to fail (98 of 100). Each race's initial row is a rotation of (0.5, 0.3, 0.1), so the
 * exact simulation, which keeps the order of the weights, picks the initially largest; the
 * final weights of each condition are built to keep or lose that leader on chosen races,
 * with ties and signs that only |W| ranks correctly.
 */
import { describe, expect, it } from 'vitest';
import { sparsificationWinner } from '../../analysis/race.js';
import { fitLogistic, wilson } from '../proportions.js';
import type { ExperimentAnalysis, LoadRun, RunOutcome } from '../types.js';
import { experimentK, type RaceParams } from './k-race.js';

const p: RaceParams = { n: 10, m: 3, instances: 10, prox: { lr: 0.05, lambda: 0.01, steps: 10 }, adamw: { lr: 1e-3, lambda: 1e-3, steps: 10 }, bins: 2 };
const races = p.instances * p.n;
const leader = (r: number) => r % 3;

/** W0: race r's row is (0.5, 0.3, 0.1) rotated so that its largest weight sits at r mod 3; odd races get a smaller runner-up. */
function initial(): Float32Array {
  const W0 = new Float32Array(races * 3);
  for (let r = 0; r < races; r++) {
    const second = r % 2 ? 0.2 : 0.3;
    W0[r * 3 + leader(r)] = 0.5;
    W0[r * 3 + ((leader(r) + 1) % 3)] = second;
    W0[r * 3 + ((leader(r) + 2) % 3)] = 0.1;
  }
  return W0;
}

/** Final weights: the leader keeps |W| largest unless lost(r); ties between the first two positions and negative signs mixed in. */
function final(lost: (r: number) => boolean): Float32Array {
  const W = new Float32Array(races * 3);
  for (let r = 0; r < races; r++) {
    const win = lost(r) ? (leader(r) + 1) % 3 : leader(r);
    W[r * 3 + win] = r % 4 === 0 ? -1 : 1;
    // a runner-up as large as the winner but after it: the first maximum is the one that counts
    const other = (win + 1) % 3;
    if (r % 5 === 0 && other > win) W[r * 3 + other] = 1;
    else W[r * 3 + other] = r % 3 === 0 ? -0.4 : 0.4;
  }
  return W;
}

function analyze(lostBy: Record<string, (r: number) => boolean>, reshape: (key: string, W: Float32Array) => Float32Array = (_, W) => W): ExperimentAnalysis {
  const W0 = initial();
  const load: LoadRun = (spec) => {
    const key = Object.keys(lostBy).find((k) => spec.label.endsWith(k));
    if (!key) throw new Error(`unexpected run ${spec.label}`);
    const out: RunOutcome = { config: spec.config, shape: [p.instances, p.n, p.m], W0: W0.slice(), W: reshape(key, final(lostBy[key])), snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
    return out;
  };
  const a = experimentK.analyze(p, load, 'test');
  if (a instanceof Promise) throw new Error('K analyzes synchronously');
  return a;
}

const never = () => false;
const conditions = (free: (r: number) => boolean) => ({
  'prox-SGD, full training': (r: number) => r < 30,
  'AdamW, full training': (r: number) => r >= 60,
  'prox-SGD, no interference': free,
  'AdamW, no interference': never,
});

describe('K: the agreement of simulation and interference-free prox-SGD, from the runs', () => {
  it('the runs: four conditions from one seed, each optimizer with its own lr, λ and steps, a snapshot every steps/20', () => {
    const runs = experimentK.runs({ ...p, prox: { lr: 0.05, lambda: 0.01, steps: 400 }, adamw: { lr: 1e-3, lambda: 1e-3, steps: 10 } });
    expect(runs.map((r) => [r.label, r.config.optimizer, r.config.interference, r.config.lr, r.config.lambda, r.config.steps, r.config.snapshotEvery, r.config.seed, r.config.nFeatures, r.config.nHidden, r.config.nInstances])).toEqual([
      ['K prox-SGD, full training', 'prox-sgd', true, 0.05, 0.01, 400, 20, 11_011, 10, 3, 10],
      ['K AdamW, full training', 'adamw', true, 1e-3, 1e-3, 10, 1, 11_011, 10, 3, 10],
      ['K prox-SGD, no interference', 'prox-sgd', false, 0.05, 0.01, 400, 20, 11_011, 10, 3, 10],
      ['K AdamW, no interference', 'adamw', false, 1e-3, 1e-3, 10, 1, 11_011, 10, 3, 10],
    ]);
  });

  it('the simulation keeps the initial order: every race is won by the initially largest weight', () => {
    const W0 = initial();
    for (let r = 0; r < races; r++) expect(sparsificationWinner(W0, r * 3, 3, p.prox.lambda / 4, 4 * p.prox.lr)).toBe(leader(r));
  });

  it('each race\'s final leader is looked for in its own row only: a larger weight at the start of the next row does not count', () => {
    // row r scaled by 1 + r/100, so the next row's first weight is often larger than this row's largest
    const grow = (key: string, W: Float32Array) => (key === 'prox-SGD, no interference' ? W.map((v, j) => v * (1 + Math.floor(j / 3) / 100)) : W);
    const a = analyze(conditions(never), grow);
    expect(a.checks[0].measured).toMatch(/^same winner in 100 of 100 races/);
  });

  it('99 of 100 races agree: pass; the answer states 99.0 % and each condition\'s win share', () => {
    const a = analyze(conditions((r) => r === 7));
    expect(a.checks.length).toBe(1);
    expect(a.checks[0].pass).toBe(true);
    expect(a.checks[0].measured).toMatch(/^same winner in 99 of 100 races \(99\.0 %/);
    expect(a.answer).toContain('the initially largest one wins 100.0 % (95 % CI 96.3–100.0 %) of 100 races');
    expect(a.answer).toContain('picks the same winner in 99.0 % of them');
    // prox-SGD loses races 0–29, AdamW races 60–99
    expect(a.answer).toContain('wins only 70.0 % (95 % CI');
    expect(a.answer).toContain('under prox-SGD and 60.0 % (95 % CI');
    expect(a.answer).toContain('moves 30 % (prox-SGD) and 40 % (AdamW) of the features');
    // the intervals and the logistic fits of win on the gap 1 − r, recomputed from the races
    const pct = (k: number) => { const [lo, hi] = wilson(k, 100); return `${k.toFixed(1)} % (95 % CI ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)} %)`; };
    expect(a.answer).toContain(`wins only ${pct(70)} of races under prox-SGD and ${pct(60)} under AdamW`);
    const gap = (r: number) => 1 - (r % 2 ? Math.fround(0.2) : Math.fround(0.3)) / 0.5;
    const fitOf = (lost: (r: number) => boolean) => fitLogistic(Array.from({ length: races }, (_, r) => gap(r)), Array.from({ length: races }, (_, r) => (lost(r) ? 0 : 1)));
    const prox = fitOf((r) => r < 30);
    const adam = fitOf((r) => r >= 60);
    expect(prox.converged && adam.converged).toBe(true);
    const f1 = (v: number) => v.toFixed(1).replace('-', '−');
    const tie = (f: typeof prox) => (1 / (1 + Math.exp(-f.a))).toFixed(2);
    expect(a.answer).toContain(`the logistic slope on the gap 1 − r is b = ${f1(prox.b)} ± ${f1(prox.bSE)} (prox-SGD) and b = ${f1(adam.b)} ± ${f1(adam.bSE)} (AdamW), from ${tie(prox)} and ${tie(adam)} at a tie.`);
  });

  it('98 of 100 agree: fail', () => {
    const a = analyze(conditions((r) => r === 7 || r === 55));
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toMatch(/^same winner in 98 of 100 races/);
  });

  it('ties in the final weights go to the first maximum, and |W| decides, not W', () => {
    // race 0: leader 0, final W (−1, 1, 0): |W| ties, the first (the leader) wins; races with r % 4 = 0 end negative
    const a = analyze(conditions(never));
    expect(a.checks[0].measured).toMatch(/^same winner in 100 of 100 races/);
  });

  it('the figure bins the races in equal-count bins of the initial ratio r, each with its win share', () => {
    const a = analyze(conditions(never));
    const measured = a.figures[0].rows.filter((r) => r.kind === 'measured');
    // r is 0.6 (even races) or 0.4 (odd races): two bins of 50 races each per series
    const prox = measured.filter((r) => r.series === 'prox-SGD, full training');
    expect(prox.map((r) => [r.x, r.races])).toEqual([[Math.fround(0.2) / 0.5, 50], [Math.fround(0.3) / 0.5, 50]]);
    // prox-SGD lost races 0–29: 15 odd and 15 even ones
    expect(prox.map((r) => r.value)).toEqual([35 / 50, 35 / 50]);
    const sim = measured.filter((r) => r.series === 'exact simulation (no interference)');
    expect(sim.map((r) => r.value)).toEqual([1, 1]);
  });
});
