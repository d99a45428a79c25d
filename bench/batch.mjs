// Batched-path benchmark (part of npm run bench): the general model (SCIENCE.md §8) trained on
// Bernoulli batches by the wasm backend against the same training in PyTorch (autograd,
// bench/torch_batch.py), both float32 on the CPU, same shapes, batch size, optimizer and
// thread count, measured in this same run. The machine may be shared: every figure is the
// best of several trials, PyTorch's interleaved with ours (one of its trials after each of
// ours), and the comparison is a ratio of numbers measured together.
// Nothing here gates CI.
//
//   node bench/batch.mjs [--quick] [--no-torch] [--steps 10]
//
// Configuration (the README quotes it): n = 256 features, m = 1024 neurons, B = 1024 rows,
// p = 1/64 (about 4 features on per row), AdamW lr 1e-3, λ = 1e-3, tied weights; ReLU hidden
// layer (headline) and linear. Batches are drawn up front and cycled on both sides, so
// drawing them is not timed. "Dense GFLOP/s" counts the 5·B·n·m multiply-adds (×2 flops) a
// dense implementation does (X W, H Wᵀ, G W, Gᵀ H, Xᵀ dZ), although the kernels skip the zeros.
// wasm is timed twice: from the initial weights (G half nonzero), and after some training.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '../dist/kernels/wasm.js';
import { benchProblem, randomWeights } from './problem.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withTorch = !args.includes('--no-torch');
const steps = Number(args[args.indexOf('--steps') + 1]) || (quick ? 3 : 10);
const TRIALS = quick ? 2 : 3;
/** Steps trained before the second timing: past the first ~50 steps, G = 2 (Y − X) ⊙ 1[O > 0] has 2–4 % nonzeros instead of 50 %. */
const TRAINED = quick ? 60 : 150;
const [n, m, B, p] = [256, 1024, 1024, 1 / 64];
const HIDDEN = ['relu', 'linear'];
const BATCHES = 8;

/** BATCHES Bernoulli(p) batches [1, B, n] of ones, from a small LCG (deterministic). */
function bernoulliBatches(seed = 7) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: BATCHES }, () => Float32Array.from({ length: B * n }, () => (u() < p ? 1 : 0)));
}

const problem = (hidden, threads) => ({ ...benchProblem(1, n, m, threads), data: 'batch', batchSize: B, hidden, untied: false });

/**
 * A PyTorch process (bench/torch_batch.py --serve) that runs `steps` steps per request, so
 * that its trials interleave with ours and both sides see the same load.
 */
async function startTorch(python, hidden, threads) {
  const script = fileURLToPath(new URL('torch_batch.py', import.meta.url));
  const child = spawn(python, [script, '--serve', '--n', `${n}`, '--m', `${m}`, '--batch', `${B}`, '--p', `${p}`, '--hidden', hidden, '--threads', `${threads}`], {
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
function wasmTrial(s, batches) {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) s.step(null, false, batches[(s.stepCount + 1) % BATCHES]);
  return (performance.now() - t0) / 1000 / steps;
}

/**
 * Best seconds per step over TRIALS trials each: wasm from the initial weights (each trial
 * restarts there), wasm after TRAINED steps of training (the kernels skip the zeros of G,
 * which become most of it once training has started), and PyTorch, whose dense cost does not
 * depend on the weights; one PyTorch trial after each of ours.
 */
async function measure(wasm, python, hidden, threads, batches) {
  const W0 = randomWeights(n * m, m);
  const s = wasm.createSession(problem(hidden, threads), W0);
  const torch = python ? await startTorch(python, hidden, threads) : null;
  const best = { initial: Infinity, trained: Infinity, torch: Infinity };
  const torchTrial = async () => {
    if (torch) best.torch = Math.min(best.torch, await torch.trial());
  };
  for (let i = 0; i < 3; i++) s.step(null, false, batches[i % BATCHES]);
  for (let r = 0; r < TRIALS; r++) {
    s.setWeights(W0);
    best.initial = Math.min(best.initial, wasmTrial(s, batches));
    await torchTrial();
  }
  s.setWeights(W0);
  while (s.stepCount < TRAINED) s.step(null, false, batches[s.stepCount % BATCHES]);
  for (let r = 0; r < TRIALS; r++) {
    best.trained = Math.min(best.trained, wasmTrial(s, batches));
    await torchTrial();
  }
  const used = s.threadsInUse ?? threads;
  s.dispose();
  torch?.close();
  return { ...best, used, torchInfo: torch?.info ?? null };
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

const fmt = (x, d = 1) => x.toFixed(d);
const gflops = (seconds) => (2 * 5 * B * n * m) / seconds / 1e9;

const wasm = await createWasmBackend();
if (!wasm) {
  console.error('bench: WebAssembly SIMD is not available in this Node');
  process.exit(1);
}
const python = withTorch ? findTorchPython() : null;
console.log(`\nincidental batched-path benchmark — ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`General model, n=${n}, m=${m}, B=${B}, Bernoulli p=1/64, tied, AdamW lr 1e-3, λ=1e-3; best of ${TRIALS} trials of ${steps} steps`);
const batches = bernoulliBatches();
const header = ['hidden', 'threads', 'torch ms', 'wasm ms, steps 1–' + steps, 'torch/wasm', `wasm ms after ${TRAINED} steps`, 'torch/wasm', 'dense GFLOP/s'];
const rows = [header];
let torchInfo = null;
for (const hidden of HIDDEN) {
  for (const threads of [1, 2]) {
    const r = await measure(wasm, python, hidden, threads, batches);
    torchInfo ??= r.torchInfo;
    const ratio = (seconds) => (python ? fmt(r.torch / seconds, 2) + '×' : '–');
    rows.push([
      hidden,
      `${threads}` + (r.used === threads ? '' : ` (${r.used} used)`),
      python ? fmt(r.torch * 1e3, 1) : '–',
      fmt(r.initial * 1e3, 1),
      ratio(r.initial),
      fmt(r.trained * 1e3, 1),
      ratio(r.trained),
      fmt(gflops(r.trained), 1),
    ]);
  }
}
const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
if (withTorch && !python) console.log('PyTorch comparison skipped: no python3 with torch (apt install python3-torch)');
else if (torchInfo) console.log(`torch/wasm > 1: the wasm kernels are faster. PyTorch ${torchInfo.torch} (dense autograd; BLAS: ${torchInfo.blas}) on batches of the same statistics.`);
