// How long experiment B at paper scale (SCIENCE.md §6: n=256, m = 256 … 4096 in 16 steps,
// 16 instances as 4 runs of 4, 7500 AdamW steps each; `incidental reproduce --scale paper
// --only B`) takes on a backend, projected from measured per-step times. Each m is trained as
// reproduce trains it: 4 instances, 1 thread per run, and --runs-at-once runs at the same time
// (reproduce runs 2 on 2 cores; they share the memory bus and the last-level cache, so this
// bench runs that many timing processes at once rather than one and halving). Steps 10..--steps
// are timed. Early steps are not the average of a whole run (the share of nonzero
// coefficients changes), so --whole-run m1,m2,… also trains whole 7500-step runs at those m
// (the processes at once again) and the projection scales each m by the measured whole-run ÷
// steps-10–--steps ratio, interpolated linearly in m; --whole-run-factor f uses one factor
// instead. Per-step times are CPU time (process.cpuUsage: the work of the step's thread, which
// waiting for a core on a shared machine does not add to); the wall-clock median is printed
// next to it.
//
//   npm run build:ts && node bench/project-b.mjs [--backend native] [--steps 110] [--runs-at-once 2]
//                                               [--whole-run 512,1024,2048,4096 | --whole-run-factor 1]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BACKENDS } from '../dist/kernels/select.js';
import { benchProblem, randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const name = option('--backend', 'native');
const steps = Number(option('--steps', 110));
const runsAtOnce = Number(option('--runs-at-once', 2));
const wholeRunAt = option('--whole-run', '').split(',').filter(Boolean).map(Number);
const fixedFactor = Number(option('--whole-run-factor', 1));
const n = 256, instancesPerRun = 4, runsPerM = 4, stepsPerRun = 7500;
const ms = Array.from({ length: 16 }, (_, k) => 256 * (k + 1));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One timing process: per m, the median CPU and wall ms/step of steps 10..steps, and whole runs where asked. */
async function child() {
  const backend = await BACKENDS[name]();
  if (!backend) return process.send({ error: `backend ${name} is not available here` });
  const time = (m, count) => {
    const s = backend.createSession(benchProblem(instancesPerRun, n, m, 1), randomWeights(instancesPerRun * n * m, m, m));
    const wall = [], cpu = [];
    for (let t = 0; t < count; t++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      s.step(null, false);
      const t1 = performance.now();
      const c = process.cpuUsage(c0);
      wall.push(t1 - t0), cpu.push((c.user + c.system) / 1000);
    }
    s.dispose();
    return { wall, cpu };
  };
  for (const m of ms) {
    const { wall, cpu } = time(m, steps);
    process.send({ m, cpu: median(cpu.slice(10)), wall: median(wall.slice(10)) });
  }
  for (const m of wholeRunAt) {
    const { wall, cpu } = time(m, stepsPerRun);
    process.send({ m, whole: true, early: median(cpu.slice(10, steps)), cpu: mean(cpu), wall: mean(wall) });
  }
  process.send({ done: true });
}

/** Linear interpolation of the measured factors in m (constant past the ends). */
function factorAt(points, m) {
  if (points.length === 0) return fixedFactor;
  const p = [...points].sort((a, b) => a.m - b.m);
  if (m <= p[0].m) return p[0].factor;
  for (let k = 1; k < p.length; k++) {
    if (m <= p[k].m) return p[k - 1].factor + ((p[k].factor - p[k - 1].factor) * (m - p[k - 1].m)) / (p[k].m - p[k - 1].m);
  }
  return p[p.length - 1].factor;
}

async function main() {
  console.log(`Experiment B at paper scale on ${name}: ${runsAtOnce} runs at once (4 instances, 1 thread each), steps 10–${steps}`);
  const results = await Promise.all(Array.from({ length: runsAtOnce }, () => new Promise((resolve, reject) => {
    const rows = [];
    const proc = fork(fileURLToPath(import.meta.url), [...args, '--child']);
    proc.on('message', (msg) => {
      if (msg.error) reject(new Error(msg.error));
      else if (msg.done) resolve(rows);
      else rows.push(msg);
    });
    proc.on('exit', (code) => code !== 0 && reject(new Error(`timing process exited with ${code}`)));
  })));
  const at = (m, whole) => results.map((rows) => rows.find((r) => r.m === m && !!r.whole === whole));
  let totalCpu = 0, totalWall = 0;
  const factors = wholeRunAt.map((m) => {
    const rows = at(m, true);
    return { m, factor: mean(rows.map((r) => r.cpu)) / mean(rows.map((r) => r.early)), cpu: mean(rows.map((r) => r.cpu)), early: mean(rows.map((r) => r.early)) };
  });
  for (const m of ms) {
    const rows = at(m, false);
    const cpu = mean(rows.map((r) => r.cpu)), wall = mean(rows.map((r) => r.wall)), f = factorAt(factors, m);
    totalCpu += cpu * f;
    totalWall += wall * f;
    console.log(`  m=${String(m).padStart(4)}: CPU ${cpu.toFixed(2)} ms/step, wall ${wall.toFixed(2)} ms/step (medians, mean of ${runsAtOnce} processes), whole-run factor ${f.toFixed(3)}`);
  }
  for (const f of factors) console.log(`  whole run at m=${f.m}: ${f.cpu.toFixed(2)} ms/step CPU over ${stepsPerRun} steps vs ${f.early.toFixed(2)} in steps 10–${steps}: factor ${f.factor.toFixed(3)}`);
  const project = (perStepSum) => ((perStepSum / 1000) * stepsPerRun * runsPerM) / runsAtOnce;
  const fmt = (s) => `${(s / 60).toFixed(1)} min`;
  console.log(`Projected B (${runsPerM} runs × ${ms.length} m × ${stepsPerRun} steps, ${runsAtOnce} runs at a time, ${factors.length ? 'measured whole-run factors' : `whole-run factor ${fixedFactor}`}):`);
  console.log(`  from CPU time per step ${fmt(project(totalCpu))} (an otherwise idle machine); from wall time per step here and now ${fmt(project(totalWall))}`);
}

if (args.includes('--child')) await child();
else await main();
