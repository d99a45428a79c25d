/**
 * `incidental duplicate` on a run whose weights are known exactly: one benign pair
 * (features 0 and 1 on neuron 2, opposite signs) and two monosemantic features, trained
 * for 0 steps so W = W0 is the hand-made matrix. The expected run directory follows from
 * SCIENCE.md §8 by hand: column 2 becomes two columns ±1/√2 (index 2 and the new index 6).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../io/npy.js';
import { readRun } from '../io/read-run.js';
import { runCapture } from './test-helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'incidental-duplicate-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const n = 4;
const m = 6;
/** feature 0: +1 on neuron 2; feature 1: −1 on neuron 2; feature 2: neuron 0; feature 3: neuron 4 */
function knownWeights(): Float32Array {
  const W = new Float32Array(n * m);
  W[0 * m + 2] = 1;
  W[1 * m + 2] = -1;
  W[2 * m + 0] = 1;
  W[3 * m + 4] = 0.95;
  return W;
}

async function knownRun(): Promise<string> {
  const dir = tmp();
  writeFileSync(join(dir, 'init.npy'), encodeNpy(knownWeights(), [n, m]));
  const run = join(dir, 'run');
  const r = await runCapture(['train', '--n', `${n}`, '--m', `${m}`, '--steps', '0', '--backend', 'reference', '--quiet', '--init', join(dir, 'init.npy'), '--out', run]);
  expect(r.code, r.stderr).toBe(0);
  return run;
}

describe('incidental duplicate', () => {
  it('duplicates the polysemantic neuron into two halves: the expected run directory', async () => {
    const run = await knownRun();
    const out = join(tmp(), 'dup');
    const r = await runCapture(['duplicate', run, '--neurons', 'polysemantic', '--noise', '0', '--steps', '0', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const d = readRun(out);
    expect(d.shape).toEqual([1, n, m + 1]);
    const h = Math.fround(Math.SQRT1_2);
    const want = new Float32Array(n * (m + 1));
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) want[i * (m + 1) + k] = knownWeights()[i * m + k];
    want[0 * 7 + 2] = h;
    want[0 * 7 + 6] = h;
    want[1 * 7 + 2] = -h;
    want[1 * 7 + 6] = -h;
    expect(Array.from(d.W0)).toEqual(Array.from(want));
    expect(d.meta.config.nHidden).toBe(m + 1);
    expect(d.meta.init).toBe(`duplicate of ${run}`);
    const report = JSON.parse(readFileSync(join(out, 'duplication.json'), 'utf8'));
    expect(report.nHidden).toEqual([m, m + 1]);
    expect(report.outcomes).toHaveLength(1);
    expect(report.outcomes[0]).toMatchObject({ instance: 0, neuron: 2, copy: 6, features: [0, 1] });
    // outputs ReLU(WWᵀ) unchanged up to float32 rounding of 1/√2 (relative 2⁻²⁴ per factor)
    expect(report.outputChangeAtDuplication).toBeLessThan(1e-6);
  });

  it('without noise the two copies stay identical while training, so none splits', async () => {
    const run = await knownRun();
    const out = join(tmp(), 'dup');
    const r = await runCapture(['duplicate', run, '--neurons', '2', '--noise', '0', '--steps', '100', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const d = readRun(out);
    for (let i = 0; i < n; i++) expect(d.W[i * 7 + 6]).toBe(d.W[i * 7 + 2]);
    expect(JSON.parse(readFileSync(join(out, 'duplication.json'), 'utf8')).split).toBe(0);
  });

  it('noise moves the copies apart, from a seed: same seed, same bytes', async () => {
    const run = await knownRun();
    const [a, b] = [join(tmp(), 'a'), join(tmp(), 'b')];
    for (const out of [a, b]) expect((await runCapture(['duplicate', run, '--neurons', 'polysemantic', '--noise', '0.05', '--steps', '10', '--seed', '5', '--quiet', '--out', out])).code).toBe(0);
    expect(readFileSync(join(a, 'W.npy')).equals(readFileSync(join(b, 'W.npy')))).toBe(true);
    const W0 = readRun(a).W0;
    expect(W0[2]).not.toBe(W0[6]);
  });

  it.each([
    [['--neurons', '9'], 'invalid --neurons: neuron 9 does not exist'],
    [['--neurons', 'most'], 'invalid --neurons: "most" must be "polysemantic" or a comma-separated list'],
    [['--neurons', '2', '--noise=-0.1'], 'invalid --noise: must be a finite number >= 0 (got -0.1)'],
    [['--neurons', '2', '--steps', '1.5'], 'invalid --steps: must be an integer >= 0 (got 1.5)'],
  ])('bad input %j: one clear line, nothing written', async (args, message) => {
    const run = await knownRun();
    const out = join(tmp(), 'dup');
    const r = await runCapture(['duplicate', run, ...args, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a run directory without W.npy: one clear line', async () => {
    const run = await knownRun();
    unlinkSync(join(run, 'W.npy'));
    const out = join(tmp(), 'dup');
    const r = await runCapture(['duplicate', run, '--neurons', 'polysemantic', '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('W.npy is missing');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a run without polysemantic neurons: nothing to duplicate', async () => {
    const dir = tmp();
    const W = knownWeights();
    W[1 * m + 2] = 0;
    W[1 * m + 5] = 1;
    writeFileSync(join(dir, 'init.npy'), encodeNpy(W, [n, m]));
    const run = join(dir, 'run');
    await runCapture(['train', '--n', `${n}`, '--m', `${m}`, '--steps', '0', '--backend', 'reference', '--quiet', '--init', join(dir, 'init.npy'), '--out', run]);
    const r = await runCapture(['duplicate', run, '--neurons', 'polysemantic', '--out', join(dir, 'dup')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nothing to duplicate');
  });
});
