import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../io/npy.js';
import { readRun } from '../io/read-run.js';
import { runCapture } from './test-helpers.js';
import { tempDir } from '../test-support/temp-dir.js';

const tmp = () => tempDir('train');
const small = ['--n', '4', '--m', '8', '--steps', '50', '--quiet', '--backend', 'reference'];

describe('incidental train', () => {
  it('writes a complete run directory', async () => {
    const out = tmp();
    const r = await runCapture(['train', ...small, '--instances', '2', '--snapshot-every', '10', '--out', out]);
    expect(r.code).toBe(0);
    const run = readRun(out);
    expect(run.shape).toEqual([2, 4, 8]);
    expect(run.meta.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.meta.config.seed).toBe(0);
    expect(run.snapshots.map((s) => s.step)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(run.summary?.status).toBe('finished');
    expect(run.summary?.finalLoss).toHaveLength(2);
    expect(run.snapshots[5].lossMean).toBeLessThan(run.snapshots[0].lossMean);
  });

  it('same seed twice gives identical W.npy bytes; another seed does not', async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    for (const [out, seed] of [[a, '3'], [b, '3'], [c, '4']]) {
      expect((await runCapture(['train', ...small, '--instances', '3', '--seed', seed, '--out', out])).code).toBe(0);
    }
    const bytes = (d: string) => readFileSync(join(d, 'W.npy'));
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(c))).toBe(false);
    // instances use different streams: their initial weights differ
    const W0 = decodeNpy(new Uint8Array(readFileSync(join(a, 'W0.npy')))).data;
    expect(Array.from(W0.subarray(0, 32))).not.toEqual(Array.from(W0.subarray(32, 64)));
  });

  it('starts from --init weights (numpy-shaped (n, m) or (instances, n, m))', async () => {
    const dir = tmp();
    const W = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) / 3);
    writeFileSync(join(dir, 'init.npy'), encodeNpy(W, [4, 8]));
    const out = join(dir, 'run');
    expect((await runCapture(['train', ...small, '--init', join(dir, 'init.npy'), '--out', out])).code).toBe(0);
    expect(Array.from(readRun(out).W0)).toEqual(Array.from(W));
    expect(readRun(out).meta.init).toBe(join(dir, 'init.npy'));
  });

  it('stops on divergence naming the step, and keeps the metrics recorded so far', async () => {
    const out = tmp();
    const r = await runCapture(['train', ...small, '--optimizer', 'sgd', '--lr', '1e3', '--snapshot-every', '1', '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/diverged at step \d+/);
    expect(r.stderr).toMatch(/smaller learning rate/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('diverged');
  });

  it('lists every option with its default in --help', async () => {
    const r = await runCapture(['train', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--n', '--m', '--lambda', '--lr', '--optimizer', '--steps', '--instances', '--seed', '--out', '--init', '--no-interference', '--noise', '--backend']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/--optimizer <name>.*\(default: "adamw"\)/s);
    expect(r.stdout).toMatch(/--lr <x>.*\(default: 0\.001\)/s);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--n', '0'], /nFeatures \(--n\): must be an integer >= 1 \(got 0\)/],
    [['--m', '-3'], /nHidden \(--m\): must be an integer >= 1 \(got -3\)/],
    [['--m', '2.5'], /nHidden \(--m\).*got 2\.5/],
    [['--instances', '0'], /nInstances \(--instances\).*got 0/],
    [['--lambda', '-1'], /lambda \(--lambda\): must be a finite number >= 0 \(got -1\)/],
    [['--lambda', 'Infinity'], /lambda \(--lambda\): must be a finite number/],
    [['--lr', '0'], /lr \(--lr\): must be a finite number > 0 \(got 0\)/],
    [['--lr', 'abc'], /--lr <x>.*"abc"/],
    [['--steps', '-1'], /steps \(--steps\).*got -1/],
    [['--optimizer', 'rmsprop'], /optimizer \(--optimizer\): must be one of sgd, prox-sgd, adam, adamw \(got "rmsprop"\)/],
    [['--noise', 'pink'], /noise \(--noise\): must be one of none, bipolar, gaussian \(got "pink"\)/],
    [['--backend', 'cuda'], /backend \(--backend\).*got "cuda"/],
    [['--n', '4096', '--m', '100000', '--instances', '16'], /over the 4096 MiB limit/],
    [['--bogus', '1'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ')} with one line and a non-zero exit`, async () => {
      const out = tmp();
      const r = await runCapture(['train', ...small, ...args, '--out', join(out, 'run')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'))).toHaveLength(1);
      expect(existsSync(join(out, 'run'))).toBe(false); // nothing half-written
    });
  }

  it('rejects a missing, malformed or mis-shaped --init file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notnpy.npy'), 'hello');
    writeFileSync(join(dir, 'shape.npy'), encodeNpy(new Float32Array(6), [2, 3]));
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.npy'), /no such file: .*missing\.npy/],
      [join(dir, 'notnpy.npy'), /notnpy\.npy: not a \.npy file/],
      [join(dir, 'shape.npy'), /invalid --init: .*shape\.npy has shape \(2, 3\), expected \(1, 4, 8\)/],
    ];
    for (const [file, message] of cases) {
      const r = await runCapture(['train', ...small, '--init', file, '--out', join(dir, 'run')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('switching forces off', () => {
  it('--no-benefit, --no-interference and --no-regularization each zero their force and change the run', async () => {
    const base = ['train', '--n', '4', '--m', '8', '--steps', '20', '--quiet', '--snapshot-every', '10', '--lambda', '0.01'];
    const runs: Record<string, ReturnType<typeof readRun>> = {};
    for (const flag of ['', '--no-benefit', '--no-interference', '--no-regularization']) {
      const out = tmp();
      const r = await runCapture([...base, ...(flag ? [flag] : []), '--out', out]);
      expect(r.code).toBe(0);
      runs[flag] = readRun(out);
    }
    const forces = (flag: string) => runs[flag].snapshots[0].forces;
    expect(forces('').benefit[0]).toBeGreaterThan(0);
    expect(forces('').interference[0]).toBeGreaterThan(0);
    expect(forces('').regularization[0]).toBeGreaterThan(0);
    expect(forces('--no-benefit').benefit[0]).toBe(0);
    expect(forces('--no-interference').interference[0]).toBe(0);
    expect(forces('--no-regularization').regularization[0]).toBe(0);
    expect(runs['--no-benefit'].meta.config.benefit).toBe(false);
    expect(runs['--no-regularization'].meta.config.regularization).toBe(false);
    for (const flag of ['--no-benefit', '--no-interference', '--no-regularization']) {
      expect(Array.from(runs[flag].W)).not.toEqual(Array.from(runs[''].W));
    }
  });
});

describe('Ctrl-C and SIGTERM', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} keeps the weights and metrics computed so far, status "interrupted", exit ${code}`, async () => {
      const { spawn } = await import('node:child_process');
      const out = tmp();
      const bin = new URL('../../bin/incidental.js', import.meta.url).pathname;
      const child = spawn(process.execPath, [bin, 'train', '--n', '8', '--m', '16', '--steps', '100000000', '--snapshot-every', '1000', '--backend', 'reference', '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      // wait until training has recorded something (in the staging directory beside --out), then signal
      const staged = join(`${out}.incomplete-${child.pid}`, 'metrics.jsonl');
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (existsSync(staged) && readFileSync(staged, 'utf8').split('\n').length > 3) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
      });
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(exit).toBe(code);
      expect(stderr).toMatch(new RegExp(`interrupted at step \\d+ \\(${signal}\\)`));
      const run = readRun(out);
      expect(run.summary?.status).toBe('interrupted');
      expect(run.summary?.steps).toBeGreaterThan(2000);
      expect(run.snapshots.length).toBeGreaterThan(2);
      expect(run.W.length).toBe(8 * 16);
      expect(existsSync(`${out}.incomplete-${child.pid}`)).toBe(false);
      rmSync(out, { recursive: true, force: true });
    });
  }
});
