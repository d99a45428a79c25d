// Kernel benchmark (npm run bench): the wasm backend against the float64 reference, against
// its own bare products, on 1 and 2 threads, and against PyTorch when Debian's python3-torch
// is installed. Timings on a shared machine are noisy: every comparison is a ratio of numbers
// measured in this same run, each the best of several trials. Nothing here gates CI.
//
//   node bench/kernels.mjs [--quick] [--no-torch] [--torch-steps 100]
//
// "Effective GFLOP/s" = 4·n²·m per instance / time, counting both products in full although
// the Gram kernel computes only the upper triangle and the product skips the zeros of ReLU
// (as in issue 3's table: the work a plain implementation would do).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { referenceBackend } from '../dist/kernels/reference.js';
import { createWasmBackend } from '../dist/kernels/wasm.js';
import { instantiate, loadKernels } from '../dist/kernels/wasm-module.js';
import { benchProblem, randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withTorch = !args.includes('--no-torch');
const torchSteps = Number(args[args.indexOf('--torch-steps') + 1]) || 100;
const TRIAL_SECONDS = quick ? 0.3 : 1;
const TRIALS = quick ? 3 : 5;

const n = 256;
const CASES = [
  { instances: 1, m: 256 },
  { instances: 1, m: 1024 },
  { instances: 1, m: 4096 },
  { instances: 16, m: 1024 },
];

const problem = (instances, m, threads) => benchProblem(instances, n, m, threads);

/**
 * The two bare products of one instance, single thread: pack W, G = W Wᵀ, D = M W. Returns
 * a timer for the weights [n, m] given: it builds the coefficients of their M once (untimed),
 * so that the product sees the density, and picks the kernels, that the steps see.
 */
function bareProducts(kernels, m) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const k = instantiate(kernels.single, memory);
  const n4 = Math.ceil(n / 4) * 4, m4 = Math.ceil(m / 4) * 4, m16 = Math.ceil(m / 16) * 16;
  let next = k.heapBase();
  const alloc = (bytes) => ((next += Math.ceil(bytes / 64) * 64), next - Math.ceil(bytes / 64) * 64);
  const [W, Wp, G, D, P, stats, lists, counts, diag, Mi, dense] = [n * m, n4 * m4, n4 * n4, n4 * m16, 16 * n, 5 * 2 * n, 2 * n * n4, n, n, n4 * n4, n4].map((floats) => alloc(4 * floats));
  memory.grow(Math.ceil(next / 65536));
  const groups = n4 / 4;
  return (weights, calls) => {
    new Float32Array(memory.buffer, W, n * m).set(weights);
    k.packGroups(W, n, m, m4, Wp, 0, groups);
    k.gramGroups(Wp, n4, m4, G, 0, groups);
    k.coefficientGroups(G, n, n4, 1, lists, counts, diag, Mi, dense, stats, P, 0, groups);
    return trial(() => {
      k.packGroups(W, n, m, m4, Wp, 0, groups);
      k.gramGroups(Wp, n4, m4, G, 0, groups);
      k.productGroups(lists, counts, Mi, dense, W, n, m, m16, D, P, 0, groups);
    }, calls);
  };
}

/** Seconds per call of fn over `calls` calls. */
function trial(fn, calls) {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - t0) / 1000 / calls;
}

/**
 * Seconds per step from the weights `from` (each step restarts there: setWeights is untimed),
 * so that every timing of a trial sees the same coefficient density.
 */
function stepFrom(session, from, calls) {
  let total = 0;
  for (let i = 0; i < calls; i++) {
    session.setWeights(from);
    const t0 = performance.now();
    session.step(null, false);
    total += performance.now() - t0;
  }
  return total / 1000 / calls;
}

/**
 * One case on 1 and 2 threads and its bare products, all on identical weights: the sessions
 * advance in lockstep (any thread count gives the same bits), and each trial times a step of
 * both and the bare products of every instance from one snapshot, because the share of
 * nonzero coefficients, hence the product's cost, drifts during training (20–80 %).
 */
function measureCase(instances, m) {
  const W0 = randomWeights(instances * n * m, m);
  const sessions = [1, 2].map((threads) => wasm.createSession(problem(instances, m, threads), W0));
  const used = sessions.map((s) => s.threadsInUse ?? 1);
  const bare = bareProducts(kernels, m);
  // warm up (V8 tiers wasm functions up to optimized code as they run) for ≥ 10 steps and ≥ 0.3 s
  const t0 = performance.now();
  let warm = 0;
  while (warm < 10 || performance.now() - t0 < 300) {
    for (const s of sessions) s.step(null, false);
    warm++;
  }
  const calls = Math.max(3, Math.round((TRIAL_SECONDS * warm) / ((performance.now() - t0) / 1000) / 2));
  const snapshot = new Float32Array(instances * n * m);
  const best = { one: Infinity, two: Infinity, bare: Infinity };
  const overheads = [];
  for (let r = 0; r < TRIALS; r++) {
    for (let i = 0; i < 5; i++) for (const s of sessions) s.step(null, false);
    snapshot.set(sessions[0].weights());
    let bareSeconds = 0;
    for (let inst = 0; inst < instances; inst++) bareSeconds += bare(snapshot.subarray(inst * n * m, (inst + 1) * n * m), Math.max(1, Math.round(calls / 2)));
    const one = stepFrom(sessions[0], snapshot, calls);
    best.one = Math.min(best.one, one);
    best.two = Math.min(best.two, stepFrom(sessions[1], snapshot, calls));
    best.bare = Math.min(best.bare, bareSeconds);
    overheads.push(one / bareSeconds);
  }
  for (const s of sessions) s.dispose();
  overheads.sort((a, b) => a - b);
  return { ...best, used, overhead: overheads[overheads.length >> 1] };
}

function referenceStep(m) {
  const s = referenceBackend.createSession(problem(1, m, 1), randomWeights(n * m, m));
  const t0 = performance.now();
  s.step(null, false);
  return (performance.now() - t0) / 1000;
}

const fmt = (x, d = 1) => x.toFixed(d);
const gflops = (instances, m, seconds) => (4 * instances * n * n * m) / seconds / 1e9;

const wasm = await createWasmBackend();
const kernels = await loadKernels();
if (!wasm || !kernels) {
  console.error('bench: WebAssembly SIMD is not available in this Node');
  process.exit(1);
}
console.log(`incidental kernel benchmark — ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`AdamW steps, n=${n}; best of ${TRIALS} trials; reference timed on one step of one instance (scaled by instances)\n`);
const header = ['instances×m', 'step 1T ms', 'step 2T ms', '2T/1T', 'bare ms', 'bare GFLOP/s', 'step GFLOP/s 1T', 'step GFLOP/s 2T', 'step/bare', 'ref ms', 'ref/wasm 1T'];
const rows = [header];
for (const { instances, m } of CASES) {
  const r = measureCase(instances, m);
  const ref = (quick && m > 1024 ? NaN : referenceStep(m)) * instances;
  rows.push([
    `${instances}×${m}`,
    fmt(r.one * 1e3, 2),
    fmt(r.two * 1e3, 2) + (r.used[1] === 2 ? '' : ` (${r.used[1]}T)`),
    fmt(r.one / r.two, 2) + '×',
    fmt(r.bare * 1e3, 2),
    fmt(gflops(instances, m, r.bare)),
    fmt(gflops(instances, m, r.one)),
    fmt(gflops(instances, m, r.two)),
    fmt(r.overhead, 3) + '×',
    Number.isNaN(ref) ? '–' : fmt(ref * 1e3, 0),
    Number.isNaN(ref) ? '–' : fmt(ref / r.one, 0) + '×',
  ]);
}
const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
{
  // the worst case for the product: all overlaps positive, every coefficient nonzero (dense kernel)
  const m = 4096;
  const positive = Float32Array.from(randomWeights(n * m, m), Math.abs);
  const bare = bareProducts(kernels, m);
  const seconds = Math.min(...Array.from({ length: TRIALS }, () => bare(positive, 3)));
  console.log(`\nWith every coefficient nonzero (|W|, dense product kernel), m=${m}: bare ${fmt(seconds * 1e3, 2)} ms, ${fmt(gflops(1, m, seconds))} effective GFLOP/s on 1 thread.`);
}
console.log('All timings of a trial start from the same weights. bare = pack + Gram + product of the two kernels alone (1 thread);');
console.log('step/bare (median over trials) = what everything else a step does (coefficients, loss, AdamW update) costs, as a factor.');

if (withTorch) {
  const python = findTorchPython();
  if (!python) console.log('\nPyTorch comparison skipped: no python3 with torch (apt install python3-torch)');
  else torchComparison(python);
}

function findTorchPython() {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return null;
}

function torchComparison(python) {
  const instances = 16, m = 1024, steps = quick ? Math.min(torchSteps, 20) : torchSteps;
  console.log(`\nThe paper's configuration: ${instances} instances × (n=${n}, m=${m}), AdamW lr 1e-3, λ=1e-3, 2 threads, ${steps} timed steps each`);
  const s = wasm.createSession(problem(instances, m, 2), randomWeights(instances * n * m, m));
  for (let i = 0; i < 10; i++) s.step(null, false);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) s.step(null, false);
  const ours = (performance.now() - t0) / 1000 / steps;
  s.dispose();
  console.log(`  ours (wasm, ${s.threadsInUse ?? 2} threads)    ${fmt(ours * 1e3, 1)} ms/step`);
  const dir = fileURLToPath(new URL('.', import.meta.url));
  for (const script of ['torch_authors.py', 'torch_closed_form.py']) {
    const out = execFileSync(python, [`${dir}${script}`, '--n', `${n}`, '--m', `${m}`, '--instances', `${instances}`, '--steps', `${steps}`, '--threads', '2'], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    console.log(`  ${script.padEnd(22)} ${fmt(r.seconds_per_step * 1e3, 1)} ms/step  → ours is ${fmt(r.seconds_per_step / ours, 1)}× faster (torch ${r.torch})`);
  }
}
