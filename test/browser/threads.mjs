#!/usr/bin/env node
// The wasm kernels on Web Workers in real headless Chromium (part of `npm run test:browser`).
//
// Serves dist/ with the cross-origin-isolation headers, opens a page whose module worker
// (as the explorer's) creates wasm sessions on 1 and on 3 threads: two instances split over
// three threads, so nested Web Workers share the memory, meet at barriers and sleep in
// env.wait. Checks that the page is isolated, that 3 threads were used, and that the weights
// after 20 steps are bit-identical to one thread's. Exits non-zero on failure.
//
// Needs dist/ (built here when missing) and Debian's /usr/bin/chromium (override with CHROMIUM=/path).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const PAGE = `<!doctype html><meta charset="utf-8"><title>threads</title><script type="module">
const worker = new Worker('/threads-worker.js', { type: 'module' });
worker.onmessage = (event) => { window.result = event.data; };
worker.onerror = (event) => { window.result = { error: event.message }; };
</script>`;

const WORKER = `import { createWasmBackend } from '/dist/kernels/wasm.js';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  const wasm = await createWasmBackend();
  const hyper = { lr: 0.01, lambda: 1e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const problem = (threads) => ({ nInstances: 2, nFeatures: 22, nHidden: 37, benefit: true, interference: true, optimizer: 'adamw', hyper, threads });
  const W0 = Float32Array.from({ length: 2 * 22 * 37 }, (_, i) => Math.sin(i * 12.9898) * 0.15);
  const runs = [];
  for (const threads of [1, 3]) {
    const session = wasm.createSession(problem(threads), W0);
    // in a browser the workers start after this thread yields: wait for them
    for (let i = 0; i < 200 && session.threadsInUse < threads; i++) await sleep(50);
    const used = session.threadsInUse;
    for (let t = 0; t < 20; t++) session.step(null, t % 7 === 0);
    runs.push({ used, W: Float32Array.from(session.weights()) });
    session.dispose();
  }
  const same = runs[0].W.every((x, i) => Object.is(x, runs[1].W[i]));
  postMessage({ isolated: self.crossOriginIsolated, used: runs.map((r) => r.used), same });
} catch (error) {
  postMessage({ error: String(error?.stack ?? error) });
}`;

const TYPES = { '.js': 'text/javascript', '.html': 'text/html' };

function serve() {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const send = (type, body) => {
      res.writeHead(200, { 'Content-Type': type, ...isolation });
      res.end(body);
    };
    if (path === '/') return send(TYPES['.html'], PAGE);
    if (path === '/threads-worker.js') return send(TYPES['.js'], WORKER);
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(join(ROOT, 'dist')) || !existsSync(file)) {
      res.writeHead(404, isolation);
      return res.end();
    }
    send(TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

if (!existsSync(join(ROOT, 'dist', 'kernels', 'wasm.js'))) {
  console.log('building dist/ (npm run build:ts)');
  execFileSync('npm', ['run', 'build:ts'], { cwd: ROOT, stdio: 'inherit' });
}
const server = await serve();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
let failed = false;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.result);
  const checks = [
    [!result.error, 'the worker ran without error', result.error ?? ''],
    [result.isolated === true, 'the page is cross-origin isolated (shared memory for Web Workers)'],
    [result.used?.[1] === 3, 'the second session ran on 3 threads (nested Web Workers)', `threads used: ${result.used}`],
    [result.same === true, 'weights after 20 steps are bit-identical on 1 and 3 threads'],
    [errors.length === 0, 'no page errors', errors.join('; ')],
  ];
  for (const [ok, what, detail] of checks) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
    failed ||= !ok;
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failed ? 'threads browser test: FAILED' : 'threads browser test: all checks passed');
process.exit(failed ? 1 : 0);
