// Two builds of the native addon on the paper's configuration, in lockstep (npm run bench:native-ab):
// 16 instances × (n=256, m=1024), AdamW lr 1e-3, λ = 1e-3, 2 threads, steps 10–110, each step
// of build A followed by the same step of build B, so that both see the same load on a shared
// machine. Prints each build's ms/step and CPU ms/step, B/A per round and their median, and
// whether the two builds end with the same weight bytes (a change of speed only must give
// them). For proving a speed-up of the kernels against the addon before it: build the old
// sources into another folder (node-gyp rebuild in a copy of native/) and pass both files.
// The addons are loaded directly (no source stamp check); nothing here gates CI.
//
//   node bench/native-ab.mjs OLD.node NEW.node [--rounds 5] [--steps 100] [--threads 2]
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPTIMIZER_DEFAULTS } from '../dist/core/optimizers.js';
import { randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const files = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
if (files.length !== 2 || args.includes('--help')) {
  console.log('usage: node bench/native-ab.mjs OLD.node NEW.node [--rounds 5] [--steps 100] [--threads 2]');
  process.exit(files.length === 2 ? 0 : 1);
}
const rounds = option('--rounds', 5), steps = option('--steps', 100), threads = option('--threads', 2), warm = 10;
const instances = 16, n = 256, m = 1024;
const hyper = { ...OPTIMIZER_DEFAULTS, lr: 1e-3, lambda: 1e-3 };
const require = createRequire(import.meta.url);
const addons = files.map((f) => require(resolve(f)));

/** A session of `addon` from W0, as src/kernels/native.ts NativeSession makes one (its W a JavaScript array). */
function session(addon, W0) {
  const W = new Float32Array(W0.length);
  const loss = new Float64Array(instances), forces = new Float64Array(instances * 3);
  const h = addon.create(W, loss, forces, [instances, n, m, 1, addon.optimizers().indexOf('adamw'), threads, 2]);
  addon.setHyper(h, hyper.lr, hyper.lambda, hyper.weightDecay, hyper.beta1, hyper.beta2, hyper.eps);
  W.set(W0);
  addon.resetState(h);
  // the addon keeps raw pointers to W, loss and forces: the session must keep the arrays alive
  return { addon, h, W, loss, forces, t: 0, seconds: 0, cpu: 0 };
}

function step(s, timed) {
  s.t++;
  const stepSize = hyper.lr / (1 - hyper.beta1 ** s.t), bc2Sqrt = Math.sqrt(1 - hyper.beta2 ** s.t);
  const c0 = process.cpuUsage(), t0 = performance.now();
  s.addon.run(s.h, 1, 0, stepSize, bc2Sqrt);
  if (!timed) return;
  const c = process.cpuUsage(c0);
  s.seconds += (performance.now() - t0) / 1000;
  s.cpu += (c.user + c.system) / 1e6;
}

const hugeKiB = () => {
  try {
    return Number(/AnonHugePages:\s+(\d+)/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
};

const W0 = randomWeights(instances * n * m, m);
const ratios = [];
let same = true;
console.log(`A = ${files[0]}\nB = ${files[1]}\n${instances} × (n=${n}, m=${m}), AdamW, ${threads} threads, steps ${warm}–${warm + steps}, ${rounds} rounds`);
for (let r = 0; r < rounds; r++) {
  const pair = addons.map((a) => session(a, W0));
  // alternate which build goes first in a round
  const order = r % 2 === 0 ? pair : [pair[1], pair[0]];
  for (let t = 0; t < warm + steps; t++) order.forEach((s) => step(s, t >= warm));
  const [a, b] = pair;
  const huge = hugeKiB();
  same &&= Buffer.from(a.W.buffer).equals(Buffer.from(b.W.buffer));
  ratios.push(b.seconds / a.seconds);
  const ms = (s) => ((s.seconds / steps) * 1e3).toFixed(2);
  const cpu = (s) => ((s.cpu / steps) * 1e3).toFixed(2);
  console.log(`round ${r + 1}: A ${ms(a)} ms/step (CPU ${cpu(a)}), B ${ms(b)} ms/step (CPU ${cpu(b)}), B/A ${(b.seconds / a.seconds).toFixed(3)}, CPU B/A ${(b.cpu / a.cpu).toFixed(3)}; huge pages ${(huge / 1024).toFixed(0)} MiB; load ${loadavg()[0].toFixed(2)}`);
  pair.forEach((s) => s.addon.dispose(s.h));
}
const sorted = [...ratios].sort((x, y) => x - y);
console.log(`median B/A ${sorted[Math.floor(sorted.length / 2)].toFixed(3)} (wall time); same weight bytes: ${same ? 'yes' : 'NO'}`);
