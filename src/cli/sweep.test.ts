/**
 * Acceptance of `incidental sweep` (compiled CLI, child processes):
 * - while a sweep writes, the store opens read-only and `incidental runs` lists the runs
 *   finished so far (WAL);
 * - killed with SIGKILL mid-way and rerun, the 3 m × 4 seeds sweep ends with 12 rows,
 *   each once, and no staging directory left behind;
 * - every row's counts equal `incidental train` + `incidental analyze` for the same config
 *   and seed, and its weights are the same bits.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MS, readRows, SEEDS, startCli, STEPS, waitFor, writeSpec } from './sweep-test-helpers.js';
import { runCapture } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'incidental-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('incidental sweep', () => {
  it('is readable while it writes, survives SIGKILL, resumes, and stores each run once with train + analyze counts', async () => {
    const spec = join(dir, 'sweep.yaml');
    const store = join(dir, 'sweep.db');
    writeSpec(spec);
    const first = startCli(['sweep', spec, '--store', store]);
    // some runs stored, the sweep still going
    const partial = await waitFor('the first stored runs', () => {
      const rows = readRows(store);
      return rows && rows.length >= 2 && rows.length < 12 ? rows : undefined;
    });
    const listed = await runCapture(['runs', store, '--json']);
    expect(first.child.exitCode).toBeNull(); // still writing while we read
    expect(listed.code).toBe(0);
    const shown = JSON.parse(listed.stdout) as Array<{ key: string; status: string; m: number; seed: number; polysemantic: number }>;
    expect(shown.length).toBeGreaterThanOrEqual(partial.length);
    expect(shown.every((r) => r.status === 'finished' && typeof r.polysemantic === 'number')).toBe(true);
    const table = await runCapture(['runs', store]);
    expect(table.stdout).toMatch(/key\s+(n\s+)?m\s+seed\s+status\s+polysemantic/);

    first.child.kill('SIGKILL');
    await first.exited;
    const afterKill = readRows(store)!;
    expect(afterKill.length).toBeLessThan(12);

    const second = startCli(['sweep', spec, '--store', store, '--quiet']);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(new RegExp(`12 runs: ${12 - afterKill.length} trained, ${afterKill.length} already stored`));
    const rows = readRows(store)!;
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.key)).size).toBe(12);
    expect(rows.map((r) => `${r.m}/${r.seed}`).sort()).toEqual(MS.flatMap((m) => SEEDS.map((s) => `${m}/${s}`)).sort());
    // the rows stored before the kill were not retrained
    for (const r of afterKill) expect(rows.find((x) => x.key === r.key)!.dir).toBe(r.dir);
    const runsDir = join(dir, 'sweep-runs');
    expect(readdirSync(runsDir).sort()).toEqual(rows.map((r) => r.key).sort());

    // each row against `incidental train` + `incidental analyze` of the same config and seed
    for (const r of rows) {
      const out = join(dir, `train-${r.m}-${r.seed}`);
      const args = ['train', '--n', '8', '--m', String(r.m), '--instances', '2', '--steps', String(STEPS), '--snapshot-every', '5000', '--seed', String(r.seed), '--out', out, '--quiet'];
      expect((await runCapture(args)).code).toBe(0);
      const analyzed = await runCapture(['analyze', out, '--json']);
      const analysis = JSON.parse(analyzed.stdout) as { counts: Record<string, { values: number[] }> };
      const counts = JSON.parse(r.counts_json) as Record<string, number[]>;
      for (const [name, agg] of Object.entries(analysis.counts)) expect(counts[name], `${name} m=${r.m} seed=${r.seed}`).toEqual(agg.values);
      expect(r.polysemantic).toBe(analysis.counts.polysemantic.values.reduce((a, b) => a + b, 0) / 2);
      expect(readFileSync(join(r.dir, 'W.npy')).equals(readFileSync(join(out, 'W.npy')))).toBe(true);
      expect(existsSync(join(r.dir, 'metrics.jsonl'))).toBe(true);
    }
    // the sweep measures something: some neurons end polysemantic across the 12 runs
    expect(rows.some((r) => r.polysemantic > 0)).toBe(true);
  }, 240_000);

  it('Ctrl-C stops cleanly: exit 130, the finished runs stay stored, the same command resumes', async () => {
    const spec = join(dir, 'sigint.yaml');
    const store = join(dir, 'sigint.db');
    writeSpec(spec);
    const run = startCli(['sweep', spec, '--store', store, '--quiet']);
    await waitFor('the first stored runs', () => {
      const rows = readRows(store);
      return rows && rows.length >= 1 && rows.length < 12 ? rows : undefined;
    });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/incidental: interrupted; finished runs are stored in .*sigint\.db; run the same command again to resume/);
    const kept = readRows(store)!.length;
    expect(kept).toBeGreaterThanOrEqual(1);
    const again = startCli(['sweep', spec, '--store', store, '--quiet']);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(new RegExp(`12 runs: ${12 - kept} trained, ${kept} already stored`));
  }, 120_000);

  it('rejects an invalid spec in one line naming the field, before touching the store', async () => {
    const spec = join(dir, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(spec, 'parameters:\n  m: {values: [16, -2]}\n');
    const r = await runCapture(['sweep', spec, '--store', join(dir, 'bad.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`incidental: invalid sweep spec ${spec}: invalid parameters.m.values[1]: must be an integer >= 1 (got -2)`]);
    expect(existsSync(join(dir, 'bad.db'))).toBe(false);
  });
});
