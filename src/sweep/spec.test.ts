/**
 * Sweep specs: grid and random expansion, explicit points, seeds, and invalid specs
 * rejected in one line naming the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweep, parseSweepSpec } from './spec.js';
import { loadSweepSpec } from './sweep.js';

const dir = mkdtempSync(join(tmpdir(), 'incidental-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expandSweep', () => {
  it('grid: the product of the `values` axes × seeds, over the fixed values', () => {
    const spec = parseSweepSpec({
      method: 'grid',
      parameters: { n: { value: 8 }, m: { values: [16, 32, 64] }, lambda: { values: [1e-3, 1e-2] }, 'init-scale': { value: 0.5 } },
      seeds: [0, 1],
    });
    const runs = expandSweep(spec);
    expect(runs).toHaveLength(12);
    expect(runs.every((r) => r.config.nFeatures === 8 && r.config.initScale === 0.5)).toBe(true);
    expect(new Set(runs.map((r) => `${r.config.nHidden},${r.config.lambda},${r.config.seed}`)).size).toBe(12);
    expect(runs[0].label).toBe('m=16 lambda=0.001 seed=0');
  });

  it('random: run_cap draws within the bounds, reproducible from sampler_seed', () => {
    const doc = {
      method: 'random',
      run_cap: 20,
      sampler_seed: 4,
      parameters: { n: { value: 8 }, m: { distribution: 'int_uniform', min: 8, max: 64 }, lambda: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 }, optimizer: { values: ['adam', 'adamw'] } },
      seeds: 2,
    };
    const a = expandSweep(parseSweepSpec(doc));
    expect(a).toHaveLength(40);
    for (const r of a) {
      expect(Number.isInteger(r.config.nHidden) && r.config.nHidden >= 8 && r.config.nHidden <= 64).toBe(true);
      expect(r.config.lambda).toBeGreaterThanOrEqual(1e-4);
      expect(r.config.lambda).toBeLessThanOrEqual(1e-1);
      expect([0, 1]).toContain(r.config.seed);
    }
    expect(new Set(a.map((r) => r.config.optimizer)).size).toBe(2);
    expect(expandSweep(parseSweepSpec(doc))).toEqual(a);
    expect(expandSweep(parseSweepSpec({ ...doc, sampler_seed: 5 }))).not.toEqual(a);
  });

  it('explicit points on top of the fixed values, duplicates kept once', () => {
    const runs = expandSweep(parseSweepSpec({ parameters: { n: { value: 8 }, m: { values: [16] } }, points: [{ m: 16 }, { m: 40, lambda: 0 }], seeds: [3] }));
    expect(runs.map((r) => [r.config.nHidden, r.config.lambda, r.config.seed])).toEqual([
      [16, 1e-3, 3],
      [40, 0, 3],
    ]);
  });
});

describe('invalid specs: one line naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ method: 'bayes' }, /invalid method: must be one of grid, random \(got "bayes"\)/],
    [{ parameters: { mm: { value: 3 } } }, /invalid parameters\.mm: unknown option; known: n, m, instances/],
    [{ parameters: { m: { values: [16, 0] } } }, /invalid parameters\.m\.values\[1\]: must be an integer >= 1 \(got 0\)/],
    [{ parameters: { lambda: { value: -1 } } }, /invalid parameters\.lambda\.value: must be a finite number >= 0/],
    [{ parameters: { m: { values: [] } } }, /invalid parameters\.m\.values: must be a non-empty list/],
    [{ parameters: { m: 16 } }, /invalid parameters\.m: must be a map/],
    [{ parameters: { seed: { value: 1 } } }, /invalid parameters\.seed: the seeds are the top-level `seeds` list/],
    [{ parameters: { lambda: { distribution: 'uniform', min: 0, max: 1 } } }, /distributions need method: random/],
    [{ method: 'random', parameters: {} }, /invalid run_cap: method: random needs run_cap/],
    [{ method: 'random', run_cap: 2, parameters: { lambda: { distribution: 'log_uniform_values', min: 0, max: 1 } } }, /parameters\.lambda\.min: must be > 0/],
    [{ seeds: [0, -1] }, /invalid seeds\[1\]: must be an integer in \[0, 2\^32\)/],
    [{ seeds: [1, 1] }, /invalid seeds: lists a seed twice/],
    [{ program: 'train.py' }, /invalid program: unknown key; known keys are name/],
    [{ points: [{ optimizer: 'lbfgs' }] }, /invalid points\[0\]\.optimizer: must be one of sgd/],
    ['grid', /invalid spec: must be a map/],
  ];
  for (const [doc, message] of cases) {
    it(String(message), () => {
      expect(() => parseSweepSpec(doc)).toThrow(message);
    });
  }

  it('a combination that is invalid only together names the run', () => {
    const spec = parseSweepSpec({ parameters: { n: { value: 4096 }, m: { values: [64, 100000] } } });
    expect(() => expandSweep(spec)).toThrow(/invalid sweep run m=100000 seed=0 .*over the 4096 MiB limit/);
  });

  it('files: YAML and JSON, with the file named in the message', () => {
    const yaml = join(dir, 's.yaml');
    writeFileSync(yaml, 'method: grid\nparameters:\n  m: {values: [16, 32]}\n  n: {value: 8}\nseeds: [0, 1]\n');
    expect(expandSweep(loadSweepSpec(yaml))).toHaveLength(4);
    expect(loadSweepSpec(yaml).name).toBe('s');
    const json = join(dir, 's.json');
    writeFileSync(json, JSON.stringify({ parameters: { m: { values: ['x'] } } }));
    expect(() => loadSweepSpec(json)).toThrow(new RegExp(`^invalid sweep spec ${json}: invalid parameters\\.m\\.values\\[0\\]`));
    const broken = join(dir, 'b.yaml');
    writeFileSync(broken, 'parameters: {m: [1, 2\n');
    expect(() => loadSweepSpec(broken)).toThrow(/^invalid sweep spec .*b\.yaml: /);
    expect(() => loadSweepSpec(join(dir, 'none.yaml'))).toThrow(/no such sweep spec/);
  });
});
