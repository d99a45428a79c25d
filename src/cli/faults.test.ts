/**
 * Every user-side fault the CLI can meet ends in one line, a non-zero exit, no stack trace,
 * and nothing lost (issue #14). Each case is a repro: the command a user would type after
 * the mistake, and, where something was on disk before, a byte-for-byte check that it still
 * is. File-system faults (full disk, read-only) are in fs-faults.test.ts.
 */
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../io/npy.js';
import { readRun } from '../io/read-run.js';
import { expectOneLineFault, treeHashes } from './fault-helpers.js';
import { runCapture } from './test-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'incidental-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `case-${count++}`);
const small = ['--n', '4', '--m', '8', '--steps', '30', '--quiet', '--backend', 'reference', '--snapshot-every', '10'];

/** A finished run to copy and damage. */
const good = join(root, 'good');
beforeAll(async () => {
  expect((await runCapture(['train', ...small, '--instances', '2', '--out', good])).code).toBe(0);
});
function copyOfGood(): string {
  const dir = fresh();
  cpSync(good, dir, { recursive: true });
  return dir;
}

describe('an existing run is never silently destroyed', () => {
  it('train into a non-empty --out is refused and the old run stays byte for byte', async () => {
    const dir = copyOfGood();
    expect((await runCapture(['analyze', dir, '--json'])).code).toBe(0);
    const before = treeHashes(dir);
    await expectOneLineFault(['train', '--n', '3', '--m', '6', '--steps', '10', '--quiet', '--out', dir], /--out .* is not empty \(.*\); pass --force/);
    expect(treeHashes(dir)).toEqual(before);
  });

  it('with --force the old run is replaced whole: no stale analysis.json beside the new run', async () => {
    const dir = copyOfGood();
    expect((await runCapture(['analyze', dir, '--json'])).code).toBe(0);
    const r = await runCapture(['train', '--n', '3', '--m', '6', '--steps', '10', '--quiet', '--backend', 'reference', '--force', '--out', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['W.npy', 'W0.npy', 'config.json', 'metrics.jsonl', 'summary.json']);
    expect(readRun(dir).shape).toEqual([1, 3, 6]);
  });

  it('sparsify into a non-empty --out is refused; --force replaces it whole', async () => {
    const dir = copyOfGood();
    const before = treeHashes(dir);
    await expectOneLineFault(['sparsify', '--m', '100', '--lambda', '0.01', '--out', dir], /--out .* is not empty .*--force/);
    expect(treeHashes(dir)).toEqual(before);
    const r = await runCapture(['sparsify', '--m', '100', '--lambda', '0.01', '--force', '--out', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['summary.json', 'trajectory.csv', 'trajectory.jsonl']);
  });

  it('--out "" and --out naming a file are one-line refusals', async () => {
    await expectOneLineFault(['train', ...small, '--out', ''], /invalid --out: must name a directory \(got ""\)/);
    await expectOneLineFault(['sparsify', '--m', '10', '--out', ''], /invalid --out: must name a directory \(got ""\)/);
    const file = fresh();
    writeFileSync(file, 'precious');
    await expectOneLineFault(['train', ...small, '--force', '--out', file], /invalid --out: .* exists and is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });
});

describe('analyze refuses a broken or mixed run directory in one line', () => {
  const damage: Array<[string, (d: string) => void, RegExp]> = [
    ['config.json invalid JSON', (d) => writeFileSync(join(d, 'config.json'), '{"config": {'), /config\.json is not valid JSON/],
    ['config.json empty', (d) => writeFileSync(join(d, 'config.json'), ''), /config\.json is empty/],
    ['config.json null', (d) => writeFileSync(join(d, 'config.json'), 'null'), /config\.json is not a run config/],
    ['config.json without the config', (d) => writeFileSync(join(d, 'config.json'), '{"tool": "incidental"}'), /config\.json is not a run config/],
    ['config.json with a bad field', (d) => writeFileSync(join(d, 'config.json'), '{"config": {"nFeatures": "four"}}'), /config\.json: invalid nFeatures \(--n\)/],
    ['config.json a directory', (d) => (rmSync(join(d, 'config.json')), mkdirSync(join(d, 'config.json'))), /config\.json is a directory, not a file/],
    ['summary.json missing (killed run)', (d) => rmSync(join(d, 'summary.json')), /is not a whole run: summary\.json is missing/],
    ['summary.json invalid JSON', (d) => writeFileSync(join(d, 'summary.json'), '{"status": "fin'), /summary\.json is not valid JSON/],
    ['summary.json null', (d) => writeFileSync(join(d, 'summary.json'), 'null'), /summary\.json is not a run summary/],
    ['summary.json unknown status', (d) => patchJson(d, 'summary.json', { status: 'running' }), /summary\.json has status "running"/],
    ['summary.json from another run', (d) => patchJson(d, 'summary.json', { runId: 'ffffffffffffffff' }), /come from different runs/],
    ['metrics.jsonl missing', (d) => rmSync(join(d, 'metrics.jsonl')), /metrics\.jsonl is missing/],
    ['metrics.jsonl invalid line', (d) => writeFileSync(join(d, 'metrics.jsonl'), '{"step": 0, "loss": [1]}\n{"step": 1, "lo\n'), /metrics\.jsonl line 2 is not valid JSON/],
    ['metrics.jsonl not snapshots', (d) => writeFileSync(join(d, 'metrics.jsonl'), '[1, 2]\n'), /metrics\.jsonl line 1 is not a snapshot/],
    ['W.npy a directory', (d) => (rmSync(join(d, 'W.npy')), mkdirSync(join(d, 'W.npy'))), /W\.npy is a directory, not a file/],
    ['W.npy missing', (d) => rmSync(join(d, 'W.npy')), /W\.npy is missing/],
    ['W.npy truncated', (d) => writeFileSync(join(d, 'W.npy'), readFileSync(join(d, 'W.npy')).subarray(0, 140)), /W\.npy: truncated/],
    ['W.npy from another shape (config says (2, 4, 8))', (d) => writeFileSync(join(d, 'W.npy'), encodeNpy(new Float32Array(2 * 3 * 8), [2, 3, 8])), /W\.npy has shape \(2, 3, 8\) but config\.json says \(2, 4, 8\)/],
    ['config.json from another run (mixed directory)', (d) => patchJson(d, 'config.json', { runId: '0000000000000000' }), /come from different runs/],
    ['NaN inside W.npy', (d) => writeFileSync(join(d, 'W.npy'), encodeNpy(Float32Array.from({ length: 64 }, (_, i) => (i === 37 ? NaN : 0.1)), [2, 4, 8])), /W\.npy holds NaN at \[1, 0, 5\] \(instance, feature, neuron\)/],
    ['Infinity inside W0.npy', (d) => writeFileSync(join(d, 'W0.npy'), encodeNpy(Float32Array.from({ length: 64 }, (_, i) => (i === 3 ? -Infinity : 0.1)), [2, 4, 8])), /W0\.npy holds -Infinity at \[0, 0, 3\]/],
  ];
  for (const [name, hurt, message] of damage) {
    it(name, async () => {
      const dir = copyOfGood();
      hurt(dir);
      await expectOneLineFault(['analyze', dir], message);
    });
  }

  it('a directory that is not there, or the staging directory of a killed train', async () => {
    await expectOneLineFault(['analyze', join(root, 'nope')], /no such run directory: .*nope$/);
    const staging = join(root, `half.incomplete-999999`);
    cpSync(good, staging, { recursive: true });
    rmSync(join(staging, 'summary.json'));
    await expectOneLineFault(['analyze', staging], /summary\.json is missing .*staging directory of a train that was killed/);
  });
});

describe('--init that cannot be weights', () => {
  it('a directory, an 8-byte .npy, a file over 2 GiB, /dev/zero: one line each, nothing written', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const eight = join(dir, 'eight.npy');
    writeFileSync(eight, Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
    const huge = join(dir, 'huge.npy');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 2 * 2 ** 30 + 1); // sparse: no disk space used
    closeSync(fd);
    const cases: Array<[string, RegExp]> = [
      [dir, /--init .* is a directory, not a file/],
      [eight, /--init .*eight\.npy: not a \.npy file \(8 bytes, too short for a header\)/],
      [huge, /--init .*huge\.npy is 2\.00 GiB, over the 2 GiB this reader accepts/],
      ['/dev/zero', /--init \/dev\/zero is not a regular file/],
    ];
    for (const [init, message] of cases) {
      const out = fresh();
      await expectOneLineFault(['train', ...small, '--init', init, '--out', out], message);
      expect(readdirSync(root).filter((n) => n.startsWith(out.split('/').pop()!))).toEqual([]);
    }
    for (const [init, message] of cases) {
      await expectOneLineFault(['sparsify', '--init', init, '--out', fresh()], message);
    }
  });
});

describe('divergence', () => {
  it('keeps every snapshot recorded before the diverging step (the issue\'s repro) and blames the learning rate', async () => {
    const out = fresh();
    const line = await expectOneLineFault(['train', '--optimizer', 'sgd', '--lr', '0.4', '--n', '16', '--m', '64', '--steps', '20000', '--snapshot-every', '1', '--quiet', '--out', out], /diverged at step (\d+)/);
    const step = Number(/diverged at step (\d+)/.exec(line)![1]);
    expect(line).toMatch(/likely cause: --lr 0\.4 \(try a smaller learning rate/);
    const run = readRun(out);
    expect(run.summary?.status).toBe('diverged');
    expect(step).toBeGreaterThan(1);
    expect(run.snapshots.map((s) => s.step)).toEqual(Array.from({ length: step }, (_, i) => i)); // 0 … step−1, none dropped
  });

  const causes: Array<[string[], RegExp]> = [
    [['--init-scale', '1e30', '--backend', 'wasm'], /diverged at step 0 .*likely cause: --init-scale 1e\+30/], // float32: the first Gram product overflows
    [['--lambda', '1e30', '--optimizer', 'sgd'], /likely cause: --lambda 1e\+30/],
    [['--noise', 'gaussian', '--noise-std', '1e30', '--optimizer', 'sgd'], /likely cause: --noise-std 1e\+30/],
  ];
  for (const [args, message] of causes) {
    it(`names the likely cause: ${args.join(' ')}`, async () => {
      const out = fresh();
      await expectOneLineFault(['train', '--n', '4', '--m', '8', '--steps', '50', '--quiet', '--backend', 'reference', ...args, '--out', out], message);
      expect(readRun(out).summary?.status).toBe('diverged');
    });
  }
});

describe('nothing accepted silently that does nothing', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--n', '0x10'], /--n <int>.*expected a decimal number, got "0x10"/],
    [['--m', '0b1000'], /--m <int>.*expected a decimal number, got "0b1000"/],
    [['--steps', '1_000'], /--steps <int>.*expected a decimal number, got "1_000"/],
    [['--lr', ''], /--lr <x>.*expected a decimal number, got ""/],
    [['--optimizer', 'sgd', '--beta1', '0.5'], /invalid beta1 \(--beta1\): has no effect with --optimizer sgd \(only adam and adamw use it\) \(got 0\.5\)/],
    [['--optimizer', 'prox-sgd', '--beta2', '0.9'], /invalid beta2 \(--beta2\): has no effect with --optimizer prox-sgd/],
    [['--optimizer', 'sgd', '--eps', '1e-6'], /invalid eps \(--eps\): has no effect with --optimizer sgd/],
    [['--optimizer', 'sgd', '--weight-decay', '0.1'], /invalid weightDecay \(--weight-decay\): has no effect with --optimizer sgd \(only adamw decays weights\)/],
    [['--optimizer', 'adam', '--weight-decay', '0.1'], /invalid weightDecay \(--weight-decay\): has no effect with --optimizer adam/],
    [['--noise-std', '0.3'], /invalid noiseStd \(--noise-std\): has no effect with --noise none/],
    [['--threads', '1000', '--backend', 'wasm'], /invalid threads \(--threads\): must be an integer in \[0, 64\] \(0 = automatic\) \(got 1000\)/],
    [['--threads', '2'], /invalid threads \(--threads\): has no effect with --backend reference/], // `small` asks for the reference backend
  ];
  for (const [args, message] of cases) {
    it(`train ${args.join(' ')}`, async () => {
      const out = fresh();
      await expectOneLineFault(['train', ...small, ...args, '--out', out], message);
      expect(readdirSync(root).filter((n) => n.startsWith(out.split('/').pop()!))).toEqual([]);
    });
  }

  it('--init-scale with --init', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'w.npy'), encodeNpy(new Float32Array(32).fill(0.1), [4, 8]));
    await expectOneLineFault(['train', ...small, '--init', join(dir, 'w.npy'), '--init-scale', '2', '--out', join(dir, 'run')], /invalid initScale \(--init-scale\): has no effect with --init/);
  });

  it('the same flags are accepted where they act, and given at their defaults where they act', async () => {
    for (const args of [['--optimizer', 'adamw', '--beta1', '0.9', '--weight-decay', '0.01'], ['--noise', 'gaussian', '--noise-std', '0.1'], ['--init-scale', '0.5']]) {
      expect((await runCapture(['train', ...small, ...args, '--out', fresh()])).code).toBe(0);
    }
  });

  it('summary.json records the threads that ran, not the ones asked for', async () => {
    const auto = fresh();
    expect((await runCapture(['train', '--n', '4', '--m', '8', '--steps', '5', '--quiet', '--backend', 'wasm', '--out', auto])).code).toBe(0);
    expect(readRun(auto).summary?.threads).toBe(1); // 0 = automatic: a problem this small runs on one thread
    const three = fresh();
    expect((await runCapture(['train', '--n', '4', '--m', '8', '--steps', '5', '--quiet', '--backend', 'wasm', '--threads', '3', '--out', three])).code).toBe(0);
    expect(readRun(three).summary?.threads).toBe(3);
    expect(readRun(three).meta.config.threads).toBe(3);
  });
});

describe('memory is bounded, and refused with the real figure', () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--n', '12000', '--m', '12000'], /\d+\.\d GiB on the wasm backend \(over the 4 GiB of a wasm memory\) and \d+\.\d GiB on the reference backend \(over the 4096 MiB of --memory-limit/],
    [['train', '--n', '100000', '--m', '100000', '--memory-limit', '1e9'], /1 × 100000 × 100000 needs .* on the reference backend \(over the 4294967295 values one array can hold\)/],
    [['train', '--n', '4096', '--m', '100000', '--instances', '16'], /needs about \d+ MiB, over the 4096 MiB limit/],
    [['sparsify', '--m', '1e10'], /invalid m \(--m\): is more weights than one array can hold/],
    [['sparsify', '--m', '2e9'], /invalid m \(--m\): needs about 76294 MiB \(40 bytes per weight\), over the 4096 MiB limit/],
    [['sparsify', '--lambda', '1e-300'], /invalid lambda \(--lambda\): would need up to 4\.0e\+301 Euler steps .*use λ >= 4\.0e-9 or set --max-steps/],
    [['sparsify', '--lambda', '1e-9', '--record-every', '1', '--max-steps', '1e9'], /invalid record\.every \(--record-every\): would record up to 1\.0e\+9 points/],
    [['sparsify', '--max-steps', '1e12'], /invalid maxSteps \(--max-steps\): must be at most 1e\+10/],
    [['sparsify', '--lambda', '1e-8', '--points-per-decade', '1e9'], /invalid record\.pointsPerDecade \(--points-per-decade\): would record more than 1e\+7 points/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ')}`, async () => {
      const out = fresh();
      await expectOneLineFault([...args, '--quiet', '--out', out].filter((a) => args[0] === 'train' || a !== '--quiet'), message);
      expect(readdirSync(root).filter((n) => n.startsWith(out.split('/').pop()!))).toEqual([]);
    });
  }

  it('sparsify --record-every 1 streams its points: a long trajectory is written whole', async () => {
    const out = fresh();
    const r = await runCapture(['sparsify', '--m', '1000', '--lambda', '1e-4', '--record-every', '1', '--out', out]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const lines = readFileSync(join(out, 'trajectory.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(summary.points);
    expect(summary.points).toBe(summary.steps + 1); // every step 0 … steps
    expect(JSON.parse(lines[lines.length - 1])).toEqual(summary.final);
    expect(readFileSync(join(out, 'trajectory.csv'), 'utf8').trim().split('\n')).toHaveLength(summary.points + 1);
  });
});

function patchJson(dir: string, file: string, patch: Record<string, unknown>): void {
  const v = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  writeFileSync(join(dir, file), JSON.stringify({ ...v, ...patch }));
}
