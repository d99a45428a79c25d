import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateSparsification } from '../analysis/sparsify.js';
import { decodeNpy, encodeNpy } from '../io/npy.js';
import { runCapture } from './test-helpers.js';
import { tempDir } from '../test-support/temp-dir.js';

const tmp = () => tempDir('sparsify');

describe('incidental sparsify', () => {
  it('writes trajectory.jsonl, trajectory.csv and summary.json with t*', async () => {
    const out = tmp();
    const r = await runCapture(['sparsify', '--m', '1e3', '--lambda', '1e-3', '--seed', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/t\* = .*t\*·λ/);
    const expected = simulateSparsification({ m: 1000, lambda: 1e-3, seed: 2 });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ m: 1000, lambda: 1e-3, step: 0.5, initScale: 0.9, seed: 2, tStar: expected.tStar, finished: true, implementation: 'fast', init: 'seed' });
    expect(summary.tStarTimesLambda).toBeCloseTo(expected.tStar! * 1e-3, 12);
    expect(summary.timings.totalSeconds).toBeGreaterThan(0);
    const jsonl = readFileSync(join(out, 'trajectory.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl).toHaveLength(summary.points);
    expect(jsonl).toEqual(expected.points);
    const csv = readFileSync(join(out, 'trajectory.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,t,mPrime,l1,normSq,relativeVariance,l1Theory,mPrimeTheory');
    expect(csv).toHaveLength(jsonl.length + 1);
    expect(Number(csv[5].split(',')[3])).toBe(jsonl[4].l1);
  });

  it('--reference gives the same trajectory; --record-every records every k-th step', async () => {
    const [a, b] = [tmp(), tmp()];
    const args = ['--m', '300', '--lambda', '3e-3', '--record-every', '10'];
    expect((await runCapture(['sparsify', ...args, '--out', a])).code).toBe(0);
    expect((await runCapture(['sparsify', ...args, '--reference', '--out', b])).code).toBe(0);
    const rows = (d: string) => readFileSync(join(d, 'trajectory.csv'), 'utf8').trim().split('\n');
    const fa = rows(a).map((l) => l.split(',').map(Number));
    const fb = rows(b).map((l) => l.split(',').map(Number));
    expect(fa.length).toBe(fb.length);
    for (let i = 1; i < fa.length; i++) {
      expect(fa[i][2]).toBe(fb[i][2]); // m'
      expect(fa[i][3]).toBeCloseTo(fb[i][3], 9); // ‖w‖₁
    }
    expect(fa.slice(1, -1).every((row) => row[0] % 10 === 0)).toBe(true);
  });

  it('--init takes a vector from a .npy file (m from its length); a conflicting --m is refused', async () => {
    const dir = tmp();
    const file = join(dir, 'w.npy');
    writeFileSync(file, encodeNpy(Float64Array.from({ length: 64 }, (_, k) => Math.cos(k) / 8), [64]));
    const out = join(dir, 'out');
    expect((await runCapture(['sparsify', '--init', file, '--lambda', '1e-2', '--out', out])).code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ m: 64, init: file });
    const bad = await runCapture(['sparsify', '--init', file, '--m', '100', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --m: 100 .* 64 weights/);
    writeFileSync(file, encodeNpy(new Float64Array(6), [2, 3]));
    const matrix = await runCapture(['sparsify', '--init', file, '--out', out]);
    expect(matrix.code).toBe(2);
    expect(matrix.stderr).toMatch(/invalid --init: .* shape \(2, 3\)/);
  });

  it('cross-check: `train --no-interference` with prox-sgd lr = step/4 and λ_train = 4λ matches `sparsify --init W0.npy --init-row i`', async () => {
    // Reduced Euler step 0.5 ↔ lr 0.125 (flow time t = 4·lr·steps), λ = 1e-3 ↔ λ_train = 4e-3 (SCIENCE.md §3)
    const dir = tmp();
    const run = join(dir, 'run');
    const steps = 400;
    const train = await runCapture(['train', '--n', '2', '--m', '500', '--no-interference', '--optimizer', 'prox-sgd', '--lr', '0.125', '--lambda', '4e-3', '--init-scale', '0.9', '--steps', String(steps), '--backend', 'reference', '--quiet', '--out', run]);
    expect(train.code).toBe(0);
    const W = decodeNpy(new Uint8Array(readFileSync(join(run, 'W.npy')))).data; // float32 (1, 2, 500)
    for (const row of [0, 1]) {
      const out = join(dir, `sim${row}`);
      const sim = await runCapture(['sparsify', '--init', join(run, 'W0.npy'), '--init-row', String(row), '--step', '0.5', '--lambda', '1e-3', '--record-every', String(steps), '--out', out]);
      expect(sim.code).toBe(0);
      const at = readFileSync(join(out, 'trajectory.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((p) => p.step === steps);
      let l1 = 0;
      let nonzero = 0;
      for (let k = 0; k < 500; k++) {
        l1 += Math.abs(W[row * 500 + k]);
        if (W[row * 500 + k] !== 0) nonzero++;
      }
      expect(at.mPrime).toBeLessThan(250); // it did sparsify
      expect(nonzero).toBe(at.mPrime);
      expect(Math.abs(l1 - at.l1) / at.l1).toBeLessThan(1e-5); // W.npy is float32
    }
    const bad = await runCapture(['sparsify', '--init', join(run, 'W0.npy'), '--init-row', '2', '--out', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --init-row: must be an integer in \[0, 2\) .*\(got 2\)/);
  });

  it('bad values name the flag and the value', async () => {
    const out = tmp();
    const frac = await runCapture(['sparsify', '--m', '1.5', '--out', out]);
    expect(frac.code).toBe(2);
    expect(frac.stderr).toMatch(/invalid m \(--m\): must be an integer >= 1 \(got 1.5\)/);
    const zero = await runCapture(['sparsify', '--lambda', '0', '--out', out]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--lambda.*got 0/);
    const text = await runCapture(['sparsify', '--step', 'big', '--out', out]);
    expect(text.code).not.toBe(0);
    expect(text.stderr).toMatch(/--step.*"big"/);
  });

  it('--help shows the defaults', async () => {
    const r = await runCapture(['sparsify', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--m <int> [^-]*\(default: 1e5\)/);
    expect(help).toMatch(/--lambda <x> [^(]*\(= λ_train\/4\) \(default: 1e-5\)/);
    expect(help).toMatch(/--step <x> [^-]*\(default: 0\.5\)/);
  });
});
