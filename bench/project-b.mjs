// How long experiment B at paper scale (SCIENCE.md §6: n=256, m = 256 … 4096 in 16 steps,
// 16 instances as 4 runs of 4, 7500 AdamW steps each; `incidental reproduce --scale paper
// --only B`) takes on a backend, projected from measured per-step times: each m is trained as
// reproduce trains it (4 instances, 1 thread per run, 2 runs at a time on 2 cores) for
// --steps steps, and steps 10..--steps are timed. Early steps are cheaper than the average over
// a whole run (the share of nonzero coefficients grows), so the projection is scaled by
// --whole-run-factor (whole-run ms/step ÷ steps 10–110 ms/step at m=1024, e.g. from
// bench/compare-backends.mjs). On a shared machine wall times include the load, so the
// projection uses the CPU time of each step (process.cpuUsage, user + system: the work the
// step's thread did, which waiting for a core does not add to); the wall-clock median is
// printed next to it.
//
//   npm run build:ts && node bench/project-b.mjs [--backend native] [--steps 60] [--whole-run-factor 1]
import { BACKENDS } from '../dist/kernels/select.js';
import { benchProblem, randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const name = option('--backend', 'native');
const steps = Number(option('--steps', 60));
const factor = Number(option('--whole-run-factor', 1));
const n = 256, instancesPerRun = 4, runsPerM = 4, stepsPerRun = 7500, workers = 2;
const ms = Array.from({ length: 16 }, (_, k) => 256 * (k + 1));

const backend = await BACKENDS[name]();
if (!backend) {
  console.error(`project-b: backend ${name} is not available here`);
  process.exit(1);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
let totalCpu = 0, totalWall = 0;
console.log(`Experiment B at paper scale on ${name}: per-step times of one run (4 instances, 1 thread), steps 10–${steps}`);
for (const m of ms) {
  const s = backend.createSession(benchProblem(instancesPerRun, n, m, 1), randomWeights(instancesPerRun * n * m, m, m));
  const wall = [], cpu = [];
  for (let t = 0; t < steps; t++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    s.step(null, false);
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    if (t >= 10) wall.push(t1 - t0), cpu.push((c.user + c.system) / 1000);
  }
  s.dispose();
  const [w, c] = [median(wall), median(cpu)];
  totalWall += w;
  totalCpu += c;
  console.log(`  m=${String(m).padStart(4)}: CPU ${c.toFixed(2)} ms/step (median), wall ${w.toFixed(2)} ms/step (median)`);
}
const project = (perStepSum) => (perStepSum / 1000) * stepsPerRun * runsPerM * factor / workers;
const fmt = (s) => `${(s / 60).toFixed(1)} min`;
console.log(`Projected B (${runsPerM} runs × ${ms.length} m × ${stepsPerRun} steps, ${workers} runs at a time, whole-run factor ${factor}):`);
console.log(`  from CPU time per step ${fmt(project(totalCpu))} (an otherwise idle machine); from wall time per step here and now ${fmt(project(totalWall))}`);
