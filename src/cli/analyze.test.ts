import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { RunWriter, writeWeights } from '../io/run-dir.js';
import { runCapture } from './test-helpers.js';
import { tempDir } from '../test-support/temp-dir.js';

const tmp = () => tempDir('analyze');

/**
 * A hand-built run, n = 3, m = 4, one instance: features 0 (+) and 1 (−) start on neuron 0
 * and end sharing it (benign), feature 2 (+) starts on neuron 0 too and ends on neuron 2.
 */
function handBuiltRun(): string {
  const dir = tmp();
  const W0 = Float32Array.from([0.5, 0.1, 0.2, 0.05, -0.6, 0.1, 0.2, 0.05, 0.4, 0.1, 0.3, 0.05]);
  const W = Float32Array.from([1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0.9, 0]);
  const writer = new RunWriter(dir);
  writer.writeConfig({ tool: 'incidental', version: '0.0.0', createdAt: '', config: parseConfig({ nFeatures: 3, nHidden: 4 }), init: 'seed', backend: 'reference', dtype: 'float64' });
  writeWeights(join(dir, 'W0.npy'), W0, [1, 3, 4]);
  writeWeights(join(dir, 'W.npy'), W, [1, 3, 4]);
  writer.writeSummary({ status: 'finished', steps: 100, finalLoss: [0], wallTimeSeconds: 1, stepsPerSecond: 100, backend: 'reference', threads: 1, oneHotFeatures: [3], nFeatures: 3 });
  return dir;
}

describe('incidental analyze', () => {
  it('prints the table and writes analysis.json', async () => {
    const dir = handBuiltRun();
    const r = await runCapture(['analyze', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^polysemantic neurons\s+1\.00 ± 0\.00\s+n\(n−1\)\/4m = 0\.38, exact 0\.33$/m); // 4(1 − 2(7/8)³ + (3/4)³) = 0.332
    expect(r.stdout).toMatch(/^colliding pairs at init\s+3\.00 ± 0\.00\s+n\(n−1\)\/2m = 0\.75$/m);
    expect(r.stdout).toMatch(/^neurons winning ≥ 3 features at init\s+1\.00/m);
    expect(r.stdout).toMatch(/^inst\s+poly\s+mono\s+dead/m);
    expect(r.stdout).toMatch(/^\s*0\s+1\s+1\s+2\s+3\s+2\s+1\s+1\s+2\s+0\s+0$/m);
    const a = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8'));
    expect(a.shape).toEqual([1, 3, 4]);
    expect(a.counts.polysemantic.mean).toBe(1);
    expect(a.instances[0].collisions).toHaveLength(3);
    expect(a.correlation.matrix).toHaveLength(9); // a plain array, not a typed-array object
    expect(a.correlation.matrix[0]).toBeCloseTo(0.5, 6); // C_00 = W0_0 · W_0
    expect(a.config.nFeatures).toBe(3);
  });

  it('--json prints the JSON instead; --band changes the counting rule', async () => {
    const dir = handBuiltRun();
    const r = await runCapture(['analyze', dir, '--json', '--band', '0.95,1.05']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.band).toEqual([0.95, 1.05]);
    expect(a.counts.unrepresentedFeatures.mean).toBe(1); // feature 2 (0.9) falls outside
    expect(JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')).band).toEqual([0.95, 1.05]);
  });

  it('analyzes a run written by incidental train', async () => {
    const dir = tmp();
    const train = await runCapture(['train', '--n', '4', '--m', '8', '--steps', '20', '--instances', '2', '--quiet', '--backend', 'reference', '--out', dir]);
    expect(train.code).toBe(0);
    const r = await runCapture(['analyze', dir, '--no-correlation-matrix']);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'analysis.json'))).toBe(true);
    const a = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8'));
    expect(a.instances).toHaveLength(2);
    expect(a.correlation.matrix).toBeNull();
    expect(a.theory.expectedCollisions).toBeCloseTo(12 / 16, 12);
  });

  it('bad input names the flag or the file', async () => {
    const dir = handBuiltRun();
    const reversed = await runCapture(['analyze', dir, '--band', '1.2,0.8']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/invalid band \(--band\).*\[1\.2,0\.8\]/);
    const one = await runCapture(['analyze', dir, '--band', '0.8']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/invalid --band: expected two numbers/);
    const missing = await runCapture(['analyze', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such run directory: .*nope\n$/);
  });
});
