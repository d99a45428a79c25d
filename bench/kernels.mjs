// Kernel benchmark (npm run bench): the wasm backend against the float64 reference, against
// its own bare products, on 1 and 2 threads; the native backend's kernels next to this CPU's
// FMA peak; and the paper's configuration on native, wasm and PyTorch (when Debian's
// python3-torch is installed); then the general model's batched path (bench/batch.mjs).
// Timings on a shared machine are noisy: every comparison is a ratio of numbers measured in
// this same run, each the best of several trials. Nothing here gates CI.
//
//   node bench/kernels.mjs [--quick] [--no-torch] [--torch-steps 100] [--rounds 3] [--paper-only]
//
// --paper-only (npm run bench:paper): only the paper's configuration on native, wasm and PyTorch.
// --rounds: rounds of the paper's configuration (in each: native alone, wasm alone, then
// PyTorch; the ratios are taken within a round and summarized by their median); 1 with --quick.
//
// "Effective GFLOP/s" = 4·n²·m per instance / time, counting both products in full although
// the Gram kernel computes only the upper triangle and the product skips the zeros of ReLU
// (as in issue 3's table: the work a plain implementation would do).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { referenceBackend } from '../dist/kernels/reference.js';
import { createNativeBackend, loadNative } from '../dist/kernels/native.js';
import { createWasmBackend } from '../dist/kernels/wasm.js';
import { instantiate, loadKernels } from '../dist/kernels/wasm-module.js';
import { benchProblem, randomWeights } from './problem.mjs';
import { findPython } from './python.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withTorch = !args.includes('--no-torch');
const paperOnly = args.includes('--paper-only');
const torchSteps = Number(args[args.indexOf('--torch-steps') + 1]) || 100;
const paperRounds = Number(args[args.indexOf('--rounds') + 1]) || (quick ? 1 : 3);
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
if (!paperOnly) {
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
}

const loaded = await loadNative();
const native = loaded.addon ? await createNativeBackend() : null;
if (!native) console.log(`\nNative backend skipped: ${loaded.reason}`);
else if (!paperOnly) nativeKernels(loaded.addon, loaded.kernels);

{
  const python = withTorch ? findPython('torch') : null;
  if (withTorch && !python) console.log('\nPyTorch skipped: no python3 with torch (apt install python3-torch)');
  paperComparison(python);
}

/**
 * The FMA peak of one core: best of many short runs (a shared machine only lowers it) of 16
 * independent chains of vector fused multiply-adds in registers, 2·lanes·16 flops per round.
 */
function fmaPeak(addon, kernels) {
  let best = 0;
  for (let r = 0; r < (quick ? 100 : 400); r++) {
    const [flops, seconds] = addon.fmaPeak(20000, kernels);
    best = Math.max(best, flops / seconds);
  }
  return best;
}

/**
 * The native kernels of one instance (n=256, m=1024) on one thread, on weights after 60 AdamW
 * steps of the paper's configuration (the product's cost follows the share of nonzero
 * coefficients). Effective GFLOP/s count 2n²m per product, as above; "actual" counts the
 * multiply-adds the kernels do (the Gram's upper-triangle tiles, the product's nonzeros).
 */
function nativeKernels(addon, best) {
  const m = 1024;
  console.log(`\nNative kernels (${best}; builds this CPU runs: ${['avx512', 'avx2', 'generic'].filter((k) => addon.kernels(k) !== null).join(', ')}), one thread, n=${n}, m=${m}:`);
  const s = native.createSession(problem(1, m, 1), randomWeights(n * m, m));
  for (let t = 0; t < 60; t++) s.step(null, false);
  const W = Float32Array.from(s.weights());
  s.dispose();
  const header = ['kernels', 'FMA peak GFLOP/s', 'Gram ms', 'Gram eff GFLOP/s', '% of peak', 'product ms', 'nonzero M', 'product eff GFLOP/s', '% of peak', 'pack+coef+update ms'];
  const rows = [header];
  const eff = (2 * n * n * m) / 1e9;
  let first = null;
  for (const kernels of ['avx512', 'avx2'].filter((k) => addon.kernels(k) !== null)) {
    const peak = fmaPeak(addon, kernels);
    const [pack, gram, coef, product, update, density] = addon.phases(W, n, m, quick ? 10 : 40, kernels);
    first ??= { kernels, gram, product, density };
    rows.push([kernels, fmt(peak / 1e9), fmt(gram * 1e3, 3), fmt(eff / gram), fmt((eff / gram / (peak / 1e9)) * 100, 0) + '%', fmt(product * 1e3, 3), fmt(density * 100, 0) + '%', fmt(eff / product), fmt((eff / product / (peak / 1e9)) * 100, 0) + '%', fmt((pack + coef + update) * 1e3, 3)]);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
  console.log('FMA peak: best of many 20000-round runs of 16 independent register FMA chains (2·lanes·16 flops a round) on one core.');
  console.log('The Gram computes only the upper triangle and the product skips zero coefficients, so effective rates can pass the peak.');
  if (first) blasComparison(first, eff, m);
}

/**
 * The same two products by a BLAS (numpy's matmul, OpenBLAS where Debian's alternatives point
 * to it; bench/blas_kernels.py), one thread, in this run: why the native backend has its own
 * Gram and product kernels rather than calling sgemm.
 */
function blasComparison(ours, eff, m) {
  const python = findPython('numpy');
  if (!python) return console.log('BLAS comparison skipped: no python3 with numpy (apt install python3-numpy)');
  const script = fileURLToPath(new URL('blas_kernels.py', import.meta.url));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = JSON.parse(execFileSync(python, [script, '--n', `${n}`, '--m', `${m}`, '--calls', quick ? '50' : '200'], { encoding: 'utf8', env }).trim().split('\n').pop());
  console.log(`BLAS, one thread (${r.blas}): Gram by sgemm ${fmt(r.gram_s * 1e3, 3)} ms (${fmt(eff / r.gram_s)} GFLOP/s), product M W dense ${fmt(r.product_s * 1e3, 3)} ms (${fmt(eff / r.product_s)} GFLOP/s)`);
  console.log(`  ${ours.kernels} kernels against it: Gram ${fmt(r.gram_s / ours.gram, 2)}× faster, product ${fmt(r.product_s / ours.product, 2)}× faster (at ${fmt(ours.density * 100, 0)} % nonzero coefficients)`);
}


/**
 * The paper's configuration, steps 10–110 (10 untimed, then 100 timed), in `paperRounds`
 * rounds: in each, native alone, wasm alone (two threads each), then the PyTorch scripts with
 * the same warm-up, each a fresh process. Every ratio is taken within a round, so a host whose
 * speed drifts over minutes (measured here: wasm 37–63 ms/step within an hour) moves both sides
 * of it; the summary is the median over rounds, with the lowest. Each runs alone, as PyTorch
 * does: stepping native and wasm in lockstep (as this bench did before) evicts each other's
 * weights and moments (48 MB each) from the shared cache and overlaps one's spinning workers
 * with the other's step (native measured 11.4 ms/step in lockstep against 10.3 alone). Wall
 * time is the criterion; CPU time (user + system of all threads) is printed too.
 */
function paperComparison(python) {
  const instances = 16, m = 1024, steps = quick ? Math.min(torchSteps, 20) : torchSteps, warm = 10;
  console.log(`\nThe paper's configuration: ${instances} instances × (n=${n}, m=${m}), AdamW lr 1e-3, λ=1e-3, 2 threads, steps ${warm}–${warm + steps}, ${paperRounds} round${paperRounds === 1 ? '' : 's'}`);
  const W0 = randomWeights(instances * n * m, m);
  const backends = [native, wasm].filter(Boolean);
  const scripts = python ? ['torch_authors.py', 'torch_closed_form.py'] : [];
  const dir = fileURLToPath(new URL('.', import.meta.url));
  /** per round: name → { wall, cpu } seconds per step */
  const rounds = [];
  for (let round = 0; round < paperRounds; round++) {
    const r = {};
    for (const b of backends) {
      const s = b.createSession(problem(instances, m, 2), W0);
      let seconds = 0, cpuSeconds = 0;
      for (let t = 0; t < warm + steps; t++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        s.step(null, false);
        const c = process.cpuUsage(c0);
        if (t >= warm) (seconds += (performance.now() - t0) / 1000), (cpuSeconds += (c.user + c.system) / 1e6);
      }
      r[b.name] = { wall: seconds / steps, cpu: cpuSeconds / steps, threads: s.threadsInUse ?? 2 };
      s.dispose();
    }
    for (const script of scripts) {
      const out = execFileSync(python, [`${dir}${script}`, '--n', `${n}`, '--m', `${m}`, '--instances', `${instances}`, '--steps', `${steps}`, '--warmup', `${warm}`, '--threads', '2'], { encoding: 'utf8' });
      const j = JSON.parse(out.trim().split('\n').pop());
      r[script] = { wall: j.seconds_per_step, cpu: j.cpu_seconds_per_step, torch: j.torch };
    }
    rounds.push(r);
    const line = Object.entries(r).map(([name, x]) => `${name} ${fmt(x.wall * 1e3, 1)}`).join(', ');
    const ratios = [native ? `native/wasm ${fmt(r.wasm.wall / r.native.wall, 2)}×` : null, ...scripts.flatMap((sc) => backends.map((b) => `${b.name}/${sc.replace('.py', '')} ${fmt(r[sc].wall / r[b.name].wall, 1)}×`))].filter(Boolean);
    console.log(`  round ${round + 1} (load ${loadavg()[0].toFixed(2)}): ${line} ms/step → ${ratios.join(', ')}`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const summary = (num, den, key = 'wall') => {
    const xs = rounds.map((r) => r[num][key] / r[den][key]);
    return `${fmt(median(xs), 2)}× (lowest ${fmt(Math.min(...xs), 2)}×)`;
  };
  console.log(`  median over rounds${paperRounds > 1 ? ` (of ${paperRounds}; the lower middle one when even)` : ''}:`);
  for (const b of backends) {
    const x = rounds.map((r) => r[b.name]);
    console.log(`  ${`${b.name} (${x[0].threads} threads)`.padEnd(22)} ${fmt(median(x.map((y) => y.wall)) * 1e3, 1)} ms/step  (CPU ${fmt(median(x.map((y) => y.cpu)) * 1e3, 1)} ms/step, both threads)`);
  }
  if (native) console.log(`  native / wasm: ${summary('wasm', 'native')} faster (CPU time: ${summary('wasm', 'native', 'cpu')})`);
  for (const script of scripts) {
    const x = rounds.map((r) => r[script]);
    console.log(`  ${script.padEnd(22)} ${fmt(median(x.map((y) => y.wall)) * 1e3, 1)} ms/step  → faster, per round: ${backends.map((b) => `${b.name} ${summary(script, b.name)}`).join(', ')} (torch ${x[0].torch})`);
    console.log(`  ${''.padEnd(22)} CPU ${fmt(median(x.map((y) => y.cpu)) * 1e3, 1)} ms/step → by CPU time: ${backends.map((b) => `${b.name} ${summary(script, b.name, 'cpu')}`).join(', ')}`);
  }
}

// the general model's batched path against PyTorch (same flags: --quick, --no-torch)
if (!paperOnly) await import('./batch.mjs');
