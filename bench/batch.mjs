// Batched-path benchmark (part of npm run bench): the general model (SCIENCE.md §8) trained on
// Bernoulli batches by the native backend (C, FMA; where the addon is built) and the wasm
// backend, against the same training in PyTorch (autograd, bench/torch_batch.py), all float32
// on the CPU, same shapes, batch size, optimizer and thread count, measured in this same run.
// The machine may be shared: every figure is the best of several trials, the backends' trials
// interleaved (one of each in turn, then one of PyTorch's), and every comparison is a ratio
// of numbers measured together.
// Nothing here gates CI.
//
//   node bench/batch.mjs [--quick] [--no-torch] [--steps 10]
//
// Configuration (the README quotes it): n = 256 features, m = 1024 neurons, B = 1024 rows,
// p = 1/64 (about 4 features on per row), AdamW lr 1e-3, λ = 1e-3, tied weights; ReLU hidden
// layer (headline) and linear, tied; ReLU and LayerNorm untied. Batches are drawn up front and
// cycled on every side, so drawing them is not timed. "Dense GFLOP/s" counts the 5·B·n·m multiply-adds (×2 flops) a
// dense implementation does (X W, H Wᵀ, G W, Gᵀ H, Xᵀ dZ), although the kernels skip the zeros.
// Our backends are timed twice: from the initial weights (G half nonzero), and after some training.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createNativeBackend } from '../dist/kernels/native.js';
import { createWasmBackend } from '../dist/kernels/wasm.js';
import { benchProblem, randomWeights } from './problem.mjs';
import { findPython } from './python.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withTorch = !args.includes('--no-torch');
const steps = Number(args[args.indexOf('--steps') + 1]) || (quick ? 3 : 10);
const TRIALS = quick ? 2 : 3;
/** Steps trained before the second timing: past the first ~50 steps, G = 2 (Y − X) ⊙ 1[O > 0] has 2–4 % nonzeros instead of 50 %. */
const TRAINED = quick ? 60 : 150;
const [n, m, B, p] = [256, 1024, 1024, 1 / 64];
/** [hidden layer, untied]: the headline first. */
const CONFIGS = [
  ['relu', false],
  ['linear', false],
  ['relu', true],
  ['layernorm', true],
];
const BATCHES = 8;

/** BATCHES Bernoulli(p) batches [1, B, n] of ones, from a small LCG (deterministic). */
function bernoulliBatches(seed = 7) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: BATCHES }, () => Float32Array.from({ length: B * n }, () => (u() < p ? 1 : 0)));
}

const problem = (hidden, untied, threads) => ({ ...benchProblem(1, n, m, threads), data: 'batch', batchSize: B, hidden, untied });

/**
 * A PyTorch process (bench/torch_batch.py --serve) that runs `steps` steps per request, so
 * that its trials interleave with ours and both sides see the same load.
 */
async function startTorch(python, hidden, untied, threads) {
  const script = fileURLToPath(new URL('torch_batch.py', import.meta.url));
  const flags = ['--serve', '--n', `${n}`, '--m', `${m}`, '--batch', `${B}`, '--p', `${p}`, '--hidden', hidden, '--threads', `${threads}`, ...(untied ? ['--untied'] : [])];
  const child = spawn(python, [script, ...flags], {
    stdio: ['pipe', 'pipe', 'inherit'],
    // OpenBLAS (pthreads) sizes its own pool from the cores, whatever torch.set_num_threads says
    env: { ...process.env, OPENBLAS_NUM_THREADS: `${threads}`, OMP_NUM_THREADS: `${threads}` },
  });
  const lines = createInterface({ input: child.stdout });
  const next = lines[Symbol.asyncIterator]();
  const read = async () => JSON.parse((await next.next()).value);
  const info = await read();
  return {
    info,
    trial: async () => {
      child.stdin.write(`run ${steps}\n`);
      return (await read()).seconds_per_step;
    },
    close: () => {
      child.stdin.end('quit\n');
      lines.close();
    },
  };
}

/** Seconds per step of `steps` steps on the session, from its current weights. */
function trial(s, batches) {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) s.step(null, false, batches[(s.stepCount + 1) % BATCHES]);
  return (performance.now() - t0) / 1000 / steps;
}

/**
 * Best seconds per step over TRIALS trials each, for each backend: from the initial weights
 * (each trial restarts there), and after TRAINED steps of training (the kernels skip the zeros
 * of G, which become most of it once training has started); and PyTorch, whose dense cost does
 * not depend on the weights. The backends' trials take turns, one PyTorch trial after each round.
 */
async function measure(backends, python, hidden, untied, threads, batches) {
  const W0 = randomWeights(n * m, m);
  const D0 = untied ? randomWeights(n * m, m, 2) : undefined;
  const sessions = backends.map((b) => b.createSession(problem(hidden, untied, threads), W0, D0));
  const torch = python ? await startTorch(python, hidden, untied, threads) : null;
  const best = { initial: sessions.map(() => Infinity), trained: sessions.map(() => Infinity), torch: Infinity };
  const torchTrial = async () => {
    if (torch) best.torch = Math.min(best.torch, await torch.trial());
  };
  for (const s of sessions) for (let i = 0; i < 3; i++) s.step(null, false, batches[i % BATCHES]);
  for (let r = 0; r < TRIALS; r++) {
    sessions.forEach((s, k) => {
      s.setWeights(W0, D0);
      best.initial[k] = Math.min(best.initial[k], trial(s, batches));
    });
    await torchTrial();
  }
  for (const s of sessions) {
    s.setWeights(W0, D0);
    while (s.stepCount < TRAINED) s.step(null, false, batches[s.stepCount % BATCHES]);
  }
  for (let r = 0; r < TRIALS; r++) {
    sessions.forEach((s, k) => (best.trained[k] = Math.min(best.trained[k], trial(s, batches))));
    await torchTrial();
  }
  const used = sessions.map((s) => s.threadsInUse ?? threads);
  for (const s of sessions) s.dispose();
  torch?.close();
  return { ...best, used, torchInfo: torch?.info ?? null };
}

const fmt = (x, d = 1) => x.toFixed(d);
const gflops = (seconds) => (2 * 5 * B * n * m) / seconds / 1e9;

const wasm = await createWasmBackend();
if (!wasm) {
  console.error('bench: WebAssembly SIMD is not available in this Node');
  process.exit(1);
}
const native = await createNativeBackend();
const backends = native ? [wasm, native] : [wasm];
const python = withTorch ? findPython('torch') : null;
console.log(`\nincidental batched-path benchmark — ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`General model, n=${n}, m=${m}, B=${B}, Bernoulli p=1/64, AdamW lr 1e-3, λ=1e-3; best of ${TRIALS} trials of ${steps} steps; ms per step`);
if (!native) console.log('native backend not built here: wasm only');
const batches = bernoulliBatches();
const names = backends.map((b) => b.name);
const header = ['hidden', 'untied', 'threads', 'torch', ...names.map((b) => `${b} 1–${steps}`), ...(native ? ['native/wasm'] : []), ...names.map((b) => `${b} @${TRAINED}`), ...(native ? ['native/wasm'] : []), ...names.map((b) => `torch/${b}`), 'GFLOP/s'];
const rows = [header];
let torchInfo = null;
for (const [hidden, untied] of CONFIGS) {
  for (const threads of [1, 2]) {
    const r = await measure(backends, python, hidden, untied, threads, batches);
    torchInfo ??= r.torchInfo;
    const speedup = (times) => (native ? [fmt(times[0] / times[1], 2) + '×'] : []);
    const fastest = Math.min(...r.trained);
    rows.push([
      hidden,
      untied ? 'yes' : 'no',
      `${threads}` + (r.used.every((u) => u === threads) ? '' : ` (${r.used.join('/')} used)`),
      python ? fmt(r.torch * 1e3, 1) : '–',
      ...r.initial.map((x) => fmt(x * 1e3, 1)),
      ...speedup(r.initial),
      ...r.trained.map((x) => fmt(x * 1e3, 1)),
      ...speedup(r.trained),
      ...r.trained.map((x) => (python ? fmt(r.torch / x, 2) + '×' : '–')),
      fmt(gflops(fastest), 1),
    ]);
  }
}
const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
console.log(`native/wasm > 1: native is faster (wasm's time / native's); "@${TRAINED}": after ${TRAINED} steps of training; GFLOP/s: dense-equivalent, of the fastest after training.`);
if (withTorch && !python) console.log('PyTorch comparison skipped: no python3 with torch (apt install python3-torch)');
else if (torchInfo) console.log(`torch/x > 1: x is faster. PyTorch ${torchInfo.torch} (dense autograd; BLAS: ${torchInfo.blas}) on batches of the same statistics.`);
