// The general model (docs/SCIENCE.md §8) trained by incidental (closed-form gradient, float64
// reference backend) and by PyTorch autograd (bench/torch_general.py), from the same W0 and
// the same data file (or another backend with --backend), for every hidden layer, tied and untied: 100 AdamW steps, then the
// relative error ‖W_ours − W_torch‖ / ‖W_torch‖ (and the decoder's). Not part of `npm test`
// (PyTorch is optional: Debian `apt-get install python3-torch`); prints a table and exits
// non-zero when an error exceeds 1e-4.
//
//   npm run build:ts && node bench/compare-torch-general.mjs [--steps 100] [--backend reference|wasm|native|auto] [--python /usr/bin/python3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreams } from '../dist/core/rng.js';
import { decodeNpy, encodeNpy } from '../dist/io/npy.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const steps = Number(option('--steps', 100));
const python = option('--python', '/usr/bin/python3');
const backend = option('--backend', 'reference');
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', 'bin', 'incidental.js');
const [n, m, N, B] = [8, 16, 40, 16];
const common = { lr: '0.01', lambda: '0.01' };

const dir = mkdtempSync(join(tmpdir(), 'incidental-torch-general-'));
try {
  // X (N, n): Bernoulli(0.3) entries with uniform magnitudes, rows 0 and 17 all zero; B does not divide N (wrapping)
  const [s] = createStreams(11, 1);
  const X = Float32Array.from({ length: N * n }, (_, e) => {
    const row = Math.floor(e / n);
    return row === 0 || row === 17 ? 0 : s.nextDouble() < 0.3 ? 1 - s.nextDouble() : 0;
  });
  const data = join(dir, 'X.npy');
  writeFileSync(data, encodeNpy(X, [N, n]));
  const read = (f) => Float64Array.from(decodeNpy(new Uint8Array(readFileSync(f))).data);
  const relError = (a, b) => {
    let d = 0;
    let t = 0;
    for (let i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) ** 2;
      t += b[i] ** 2;
    }
    return Math.sqrt(d / t);
  };
  const rows = [];
  let worst = 0;
  for (const hidden of ['linear', 'relu', 'layernorm']) {
    for (const untied of [false, true]) {
      const run = join(dir, `${hidden}-${untied ? 'untied' : 'tied'}`);
      const flags = ['--n', n, '--m', m, '--data', 'file', '--data-file', data, '--batch', B, '--hidden', hidden, '--optimizer', 'adamw', '--lr', common.lr, '--lambda', common.lambda, '--steps', steps, '--backend', backend, '--seed', 3, '--quiet', '--out', run];
      if (untied) flags.push('--untied');
      execFileSync(process.execPath, [cli, 'train', ...flags.map(String)], { stdio: ['ignore', 'ignore', 'inherit'] });
      const out = join(dir, `${hidden}-${untied}-torch.npy`);
      const py = [join(here, 'torch_general.py'), '--W0', join(run, 'W0.npy'), '--data', data, '--batch', B, '--hidden', hidden, '--lr', common.lr, '--lambda', common.lambda, '--steps', steps, '--out', out];
      if (untied) py.push('--W0-dec', join(run, 'W0_dec.npy'));
      execFileSync(python, py.map(String), { stdio: ['ignore', 'ignore', 'inherit'] });
      // incidental writes float32 W.npy; compare against torch's float64 result
      const eW = relError(read(join(run, 'W.npy')), read(out));
      const eD = untied ? relError(read(join(run, 'W_dec.npy')), read(out.replace('.npy', '_dec.npy'))) : NaN;
      const moved = relError(read(join(run, 'W.npy')), read(join(run, 'W0.npy')));
      worst = Math.max(worst, eW, untied ? eD : 0);
      rows.push([hidden, untied ? 'untied' : 'tied', eW.toExponential(2), untied ? eD.toExponential(2) : '-', moved.toExponential(2)]);
    }
  }
  console.log(`backend ${backend}; general model, n=${n} m=${m}, data (${N}, ${n}) with 2 zero rows, batch ${B} (wrapping), AdamW lr ${common.lr} λ ${common.lambda}, ${steps} steps`);
  console.log('hidden     weights  rel.err W  rel.err W_dec  ‖W − W0‖/‖W0‖');
  for (const r of rows) console.log(`${r[0].padEnd(10)} ${r[1].padEnd(8)} ${r[2].padStart(9)}  ${r[3].padStart(13)}  ${r[4].padStart(14)}`);
  console.log(`worst relative error ${worst.toExponential(2)} (acceptance: < 1e-4; W.npy is float32, so ~1e-8 is rounding)`);
  process.exitCode = worst < 1e-4 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
