// Where a training step's time goes (npm run bench:phases), never a test gate.
//
//   node bench/phases.mjs [--steps 110] [--at 10,35,60,85,110]
//
// Trains the paper's configuration (16 instances × n=256, m=1024, AdamW, λ=1e-3) on two
// threads, keeping the weights at a few steps; then, on one thread and for all 16 instances,
// times each kernel of a step on those weights: pack W, Gram, coefficients (ReLU, loss, lists),
// product D = M W, and the AdamW update. The Gram does not depend on the weights; the product's
// cost follows the share of nonzero coefficients, which drifts during training (printed).
// "floor" = Gram + product: what a step would cost if everything else were free. Timings are
// best of several repetitions; the machine is shared, so compare within one run.
import { createWasmBackend } from '../dist/kernels/wasm.js';
import { CMD_STEP, HYPER_OFFSET, KERNEL_OPTIMIZERS, instantiate, loadKernels } from '../dist/kernels/wasm-module.js';
import { benchProblem, randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const steps = Number(option('--steps', '110'));
const keep = option('--at', '10,35,60,85,110').split(',').map(Number);
const I = 16, n = 256, m = 1024;
const n4 = n, m4 = m, m16 = m, groups = n4 / 4;
const { hyper } = benchProblem(I, n, m, 1);

const wasm = await createWasmBackend();
const kernels = await loadKernels();
if (!wasm || !kernels) {
  console.error('bench/phases: WebAssembly SIMD is not available in this Node');
  process.exit(1);
}

// 1. the trajectory, timed as training runs it
const session = wasm.createSession(benchProblem(I, n, m, 2), randomWeights(I * n * m, m));
const snapshots = new Map();
const stepMs = [];
for (let t = 0; t <= steps; t++) {
  if (keep.includes(t)) snapshots.set(t, Float32Array.from(session.weights()));
  if (t === steps) break;
  const t0 = performance.now();
  session.step(null, false);
  stepMs.push(performance.now() - t0);
}
session.dispose();
const from = Math.min(10, steps - 1);
const trained = stepMs.slice(from).reduce((a, b) => a + b, 0) / (steps - from);

// 2. the kernels one by one, one thread, on a memory laid out like a session's
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
const k = instantiate(kernels.single, memory);
let next = k.heapBase();
const alloc = (bytes) => ((next += Math.ceil(bytes / 64) * 64), next - Math.ceil(bytes / 64) * 64);
const ctl = alloc(k.controlBytes());
const [W, S1, S2] = [0, 1, 2].map(() => alloc(4 * I * n * m16));
const [Wp, G, D, P, stats, lists, counts, diag, Mi, dense, acc] = [n4 * m4, n4 * n4, n4 * m16, 16 * n, 10 * n, 2 * n * n4, n, n, n4 * n4, n4, 4 * n].map((f) => alloc(4 * f));
memory.grow(Math.ceil(next / 65536) - memory.buffer.byteLength / 65536 + 1);
k.configure(ctl, 1, n, m, 1, 3, 2, 1);
k.setHyper(ctl, hyper.lr, hyper.lambda, hyper.weightDecay, hyper.beta1, hyper.beta2, hyper.eps);
k.setCommand(ctl, CMD_STEP, 1, 0, hyper.lr / (1 - hyper.beta1 ** 50), Math.sqrt(1 - hyper.beta2 ** 50));

const phases = ['pack', 'gram', 'coefficients', 'product', 'update'];
function timeSnapshot(weights) {
  const f32 = new Float32Array(memory.buffer);
  const best = Object.fromEntries(phases.map((p) => [p, Infinity]));
  let nonzero = 0;
  for (let rep = 0; rep < 4; rep++) {
    f32.set(weights, W / 4);
    f32.fill(0, S1 / 4, S1 / 4 + I * n * m16);
    f32.fill(1e-8, S2 / 4, S2 / 4 + I * n * m16);
    const sum = Object.fromEntries(phases.map((p) => [p, 0]));
    nonzero = 0;
    for (let inst = 0; inst < I; inst++) {
      const w = W + 4 * inst * n * m, s1 = S1 + 4 * inst * n * m16, s2 = S2 + 4 * inst * n * m16;
      const run = {
        pack: () => k.packGroups(w, n, m, m4, Wp, 0, groups),
        gram: () => k.gramGroups(Wp, n4, m4, G, 0, groups),
        coefficients: () => k.coefficientGroups(G, n, n4, 1, lists, counts, diag, Mi, dense, stats, P, 0, groups),
        product: () => k.productGroups(lists, counts, Mi, dense, w, n, m, m16, D, P, 0, groups),
        update: () => {
          for (let c = 0; c < m16; c += 16) k.updatePanel(KERNEL_OPTIMIZERS.adamw, ctl + HYPER_OFFSET, w, m, c, D + 4 * c, 4 * m16, s1 + 4 * c * n, s2 + 4 * c * n, 0, n, acc, stats);
        },
      };
      for (const p of phases) {
        const t0 = performance.now();
        run[p]();
        sum[p] += performance.now() - t0;
      }
      for (const c of new Int32Array(memory.buffer, counts, n)) nonzero += c;
    }
    for (const p of phases) best[p] = Math.min(best[p], sum[p]);
  }
  return { best, density: nonzero / (I * n * n) };
}

console.log(`Paper configuration, ${I} × (n=${n}, m=${m}), AdamW: ${trained.toFixed(1)} ms per step on 2 threads over steps ${from}–${steps}.`);
console.log('Kernels of one step for all 16 instances, one thread (ms, best of 4):\n');
const header = ['step', 'nonzero M', ...phases, 'total', 'floor', 'floor/total'];
const rows = [header];
const totals = [];
for (const [t, weights] of snapshots) {
  const { best, density } = timeSnapshot(weights);
  const total = phases.reduce((a, p) => a + best[p], 0);
  const floor = best.gram + best.product;
  totals.push({ total, floor });
  rows.push([`${t}`, `${(density * 100).toFixed(1)}%`, ...phases.map((p) => best[p].toFixed(2)), total.toFixed(2), floor.toFixed(2), `${((floor / total) * 100).toFixed(0)}%`]);
}
const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\nMean over the snapshots: kernels ${mean(totals.map((x) => x.total)).toFixed(1)} ms on one thread, of which Gram + product ${mean(totals.map((x) => x.floor)).toFixed(1)} ms;`);
console.log(`halved for two threads that is ${(mean(totals.map((x) => x.total)) / 2).toFixed(1)} ms (${(mean(totals.map((x) => x.floor)) / 2).toFixed(1)} ms floor) against ${trained.toFixed(1)} ms measured per step.`);
