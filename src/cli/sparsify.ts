/**
 * `incidental sparsify`: the paper's sparsification simulation of one encoding under
 * feature benefit and L1 only (SCIENCE.md §4, src/analysis/sparsify.ts). Writes
 *   trajectory.jsonl  one SparsifyPoint per line (t, m', ‖w‖₁, ‖w‖², relative variance, theory)
 *   trajectory.csv    the same table
 *   summary.json      options, t*, t*·λ, steps, timings
 * Points are appended to both trajectory files as they are recorded (memory stays bounded
 * for any --record-every), in a staging directory renamed to --out at the end
 * (src/io/staged-dir.ts): a non-empty --out is refused unless --force, and a failure leaves
 * --out as it was.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../core/errors.js';
import {
  simulateSparsification,
  simulateSparsificationReference,
  type SparsifyOptions,
  type SparsifyPoint,
  type SparsifyResult,
} from '../analysis/sparsify.js';
import { fsUserError } from '../io/fs-errors.js';
import { readWeights, writeFileAtomic } from '../io/run-dir.js';
import { stageDir } from '../io/staged-dir.js';
import { VERSION } from '../version.js';
import { parseNumber } from './options.js';

const COLUMNS: Array<keyof SparsifyPoint> = ['step', 't', 'mPrime', 'l1', 'normSq', 'relativeVariance', 'l1Theory', 'mPrimeTheory'];

export function register(program: Command): void {
  program
    .command('sparsify')
    .description("simulate one encoding's sparsification under feature benefit and L1 (the paper's experiment A) and write its trajectory")
    .requiredOption('--out <dir>', 'output directory (trajectory.jsonl, trajectory.csv, summary.json)')
    .addOption(new Option('--m <int>', 'number of weights (neurons) m').argParser(parseNumber).default(1e5, '1e5'))
    .addOption(new Option('--lambda <x>', 'L1 coefficient λ of the flow (= λ_train/4)').argParser(parseNumber).default(1e-5, '1e-5'))
    .option('--step <x>', 'Euler step size', parseNumber, 0.5)
    .option('--init-scale <x>', 'init std = initScale/√m (half-normal)', parseNumber, 0.9)
    .option('--seed <int>', 'random seed of the initial draw', parseNumber, 0)
    .option('--init <file.npy>', 'start from these weights (absolute values are used) instead of the draw: a vector, or with --init-row one row')
    .option('--init-row <int>', 'with --init: use row i of an array viewed as (rows, m), e.g. feature i of a run\'s W0.npy (instances, n, m)', parseNumber)
    .option('--points-per-decade <x>', 'trajectory points per decade of steps (log-spaced)', parseNumber, 40)
    .option('--record-every <int>', 'record every k-th step instead of the log grid', parseNumber)
    .option('--max-steps <int>', 'stop after this many steps (default ⌈20/(λ·step)⌉ + 100)', parseNumber)
    .option('--reference', 'use the direct O(m) per step loop instead of the exact fast one')
    .addOption(new Option('--memory-limit <MiB>', 'refuse an m whose working arrays exceed this').argParser(parseNumber).default(4096))
    .option('--force', 'replace a non-empty --out whole (default: refuse it)')
    .action((opts: Record<string, unknown>, cmd: Command) => sparsifyCommand(opts, cmd));
}

function sparsifyCommand(opts: Record<string, unknown>, cmd: Command): void {
  const out = String(opts.out);
  let m = opts.m as number;
  let init: Float32Array | undefined;
  if (opts.init !== undefined) {
    init = loadInit(String(opts.init), opts.initRow as number | undefined);
    if (cmd.getOptionValueSource('m') === 'cli' && m !== init.length) {
      throw new UserError(`invalid --m: ${m} does not match the ${init.length} weights of --init ${String(opts.init)} (leave --m out)`);
    }
    m = init.length;
  }
  const options: SparsifyOptions = {
    m,
    lambda: opts.lambda as number,
    step: opts.step as number,
    initScale: opts.initScale as number,
    seed: opts.seed as number,
    init,
    record: opts.recordEvery !== undefined ? { every: opts.recordEvery as number } : { pointsPerDecade: opts.pointsPerDecade as number },
    maxSteps: opts.maxSteps as number | undefined,
  };
  const simulate = opts.reference ? simulateSparsificationReference : simulateSparsification;
  const staged = stageDir(out, { force: Boolean(opts.force) });
  const jsonl = join(staged.path, 'trajectory.jsonl');
  const csv = join(staged.path, 'trajectory.csv');
  let result: SparsifyResult;
  let writeSeconds = 0;
  try {
    writeFileSync(jsonl, '');
    writeFileSync(csv, COLUMNS.join(',') + '\n');
    const buffered = new PointWriter(jsonl, csv);
    result = simulate({ ...options, memoryLimitMiB: opts.memoryLimit as number, onPoint: (p) => buffered.add(p) });
    buffered.flush();
    writeSeconds = buffered.seconds;
    writeFileAtomic(join(staged.path, 'summary.json'), JSON.stringify(summaryOf(result, opts, writeSeconds), null, 2) + '\n');
  } catch (err) {
    staged.discard();
    throw fsUserError(err, `writing ${out}`, `; the partial output was removed and ${out} holds what it held before`);
  }
  staged.commit();
  process.stderr.write(describe(result, out) + '\n');
}

/** Appends points to trajectory.jsonl and .csv in batches, so none are kept beyond one batch. */
class PointWriter {
  private lines: string[] = [];
  private rows: string[] = [];
  seconds = 0;
  constructor(
    private readonly jsonl: string,
    private readonly csv: string,
  ) {}
  add(p: SparsifyPoint): void {
    this.lines.push(JSON.stringify(p));
    this.rows.push(COLUMNS.map((c) => String(p[c])).join(','));
    if (this.lines.length >= 4096) this.flush();
  }
  flush(): void {
    if (this.lines.length === 0) return;
    const t0 = performance.now();
    appendFileSync(this.jsonl, this.lines.join('\n') + '\n');
    appendFileSync(this.csv, this.rows.join('\n') + '\n');
    this.lines = [];
    this.rows = [];
    this.seconds += (performance.now() - t0) / 1000;
  }
}

/** The initial vector: the whole file if it is a vector, else row `row` of it viewed as (rows, m). */
function loadInit(path: string, row: number | undefined): Float32Array {
  const { data, shape } = readWeights(path, `--init ${path}`);
  const m = shape[shape.length - 1] ?? 0;
  if (data.length === 0 || m === 0) throw new UserError(`invalid --init: ${path} holds no weights`);
  const rows = data.length / m;
  if (row === undefined) {
    if (rows > 1) throw new UserError(`invalid --init: ${path} has shape (${shape.join(', ')}), expected a vector (m,); pick one row with --init-row`);
    return data;
  }
  if (!Number.isInteger(row) || row < 0 || row >= rows) {
    throw new UserError(`invalid --init-row: must be an integer in [0, ${rows}) for ${path} of shape (${shape.join(', ')}) (got ${row})`);
  }
  return data.subarray(row * m, (row + 1) * m);
}

export function toCsv(points: SparsifyPoint[]): string {
  const lines = [COLUMNS.join(',')];
  for (const p of points) lines.push(COLUMNS.map((c) => String(p[c])).join(','));
  return lines.join('\n') + '\n';
}

function summaryOf(r: SparsifyResult, opts: Record<string, unknown>, writeSeconds: number) {
  const { points: _points, pointCount: _count, last: _last, timings, ...rest } = r;
  return {
    tool: 'incidental',
    version: VERSION,
    createdAt: new Date().toISOString(),
    implementation: opts.reference ? 'reference' : 'fast',
    init: opts.init ?? 'seed',
    ...(opts.initRow !== undefined ? { initRow: opts.initRow } : {}),
    ...rest,
    points: r.pointCount,
    final: r.last,
    timings: { ...timings, writeSeconds, totalSeconds: timings.initSeconds + timings.stepsSeconds + writeSeconds },
  };
}

function describe(r: SparsifyResult, out: string): string {
  const time = `${r.steps} steps in ${(r.timings.initSeconds + r.timings.stepsSeconds).toFixed(2)} s`;
  if (r.tStar === null) {
    const last = r.last;
    return `stopped at --max-steps with m' = ${last.mPrime} weights left (t = ${last.t}), ${time}; wrote ${out}`;
  }
  return `t* = ${r.tStar} (t*·λ = ${r.tStarTimesLambda?.toFixed(3)}; theory t* ≈ 1/λ = ${Number(r.tStarTheory.toPrecision(12))}), ${time}; wrote ${out}`;
}
