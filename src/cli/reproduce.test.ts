import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { formatProgress } from './reproduce.js';
import { runCapture } from './test-helpers.js';

const out = mkdtempSync(join(tmpdir(), 'incidental-cli-reproduce-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('rejects bad flags with one line naming the flag and the value', async () => {
  const only = await runCapture(['reproduce', '--only', 'B,Z', '--out', out]);
  expect(only.code).toBe(2);
  expect(only.stderr).toBe('incidental: invalid only (--only): "Z" is not an experiment; choose among A, B, C, D, E, F, G, H, I, J, K, L (got "B,Z")\n');
  const scale = await runCapture(['reproduce', '--scale', 'huge', '--out', out]);
  expect(scale.code).toBe(2);
  expect(scale.stderr).toContain('invalid scale (--scale): must be one of quick, paper, test (got "huge")');
});

it('runs an experiment, prints its checks and the report path', async () => {
  const r = await runCapture(['reproduce', '--scale', 'test', '--only', 'a', '--out', out, '--quiet', '--no-png', '--workers', '0']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^(PASS|FAIL) {2}A: ‖w‖₁ follows the prediction \(median of 16 seeds\): median of the per-seed max deviation/m);
  expect(r.stdout).toContain(`report: ${join(out, 'report.html')}`);
  expect(existsSync(join(out, 'report.html'))).toBe(true);
  expect(existsSync(join(out, 'figures', 'A-sparsification.png'))).toBe(false);
});

it('formats the progress line: bar, runs, runs in progress, ETA', () => {
  const line = formatProgress({
    phase: 'train',
    totalRuns: 10,
    cachedRuns: 2,
    finishedRuns: 3,
    totalWork: 100,
    doneWork: 50,
    active: [{ label: 'B n=64 m=256', step: 2500, steps: 10_000 }],
    elapsedSeconds: 30,
    etaSeconds: 75,
    message: '',
  }, 10);
  expect(line).toBe('[#####-----] 50% 5/10 runs (2 cached) | B n=64 m=256 25% | ETA 1 min 15 s');
});

it('states the cost of a scale before it starts', async () => {
  const { costLine } = await import('./reproduce.js');
  const { planCost } = await import('../reproduce/runner.js');
  const quick = planCost('quick');
  const paper = planCost('paper');
  expect(paper.work).toBeGreaterThan(100 * quick.work);
  expect(costLine('paper')).toMatch(/^incidental: scale paper: \d+ training runs, about \d\.\d+e\+\d+ multiply-adds \(roughly .+ of training/);
  expect(planCost('test', ['A']).runs).toBe(0);
});
