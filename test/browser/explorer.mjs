#!/usr/bin/env node
// Acceptance test of the explorer in real headless Chromium (`npm run test:browser`).
//
// Starts `incidental explore --port 0`, sets a config through the controls the way a user
// does (typing into fields, picking from dropdowns), trains to a fixed step, reads the
// polysemantic count the page shows and checks it equals what `incidental train` +
// `incidental analyze --json` report for the same seed and config (same neurons too).
// Also: the URL carries the state, Step/Reset/timeline work, a bad value and a too-large
// size get a message instead of a run, hover shows exact values, no console errors.
// Screenshots go to screenshots/. Exits non-zero on the first failure.
//
// Needs explorer-dist/ and dist/ (built here when missing) and Debian's /usr/bin/chromium
// (override with CHROMIUM=/path).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'screenshots');
const CLI = join(ROOT, 'bin', 'incidental.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The run the test trains in the page and on the CLI; chosen to end with polysemantic neurons (3 here). */
const RUN = { n: 12, m: 20, optimizer: 'adam', lr: 0.01, lambda: 0.02, seed: 4, steps: 1200 };

const checks = [];
function check(ok, what, detail = '') {
  checks.push({ ok, what });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) throw new Error(`${what}${detail ? `: ${detail}` : ''}`);
}

/** Newest modification time of the files under a folder. */
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** Builds the CLI when missing, and the explorer when missing or older than src/ (the page bundles src/core, src/analysis, ...). */
function ensureBuilt() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.log('building dist/ (npm run build:ts)');
    execFileSync('npm', ['run', 'build:ts'], { cwd: ROOT, stdio: 'inherit' });
  }
  const page = join(ROOT, 'explorer-dist', 'index.html');
  if (!existsSync(page) || statSync(page).mtimeMs < newest(join(ROOT, 'src'))) {
    console.log('building explorer-dist/ (npm run build:explorer)');
    execFileSync('npm', ['run', 'build:explorer'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** Starts `incidental explore --port 0` and resolves with its URL once it prints it. */
function startServer() {
  const child = spawn(process.execPath, [CLI, 'explore', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`explore did not print its URL within 15 s; output: ${out}`)), 15_000);
    const onData = (chunk) => {
      out += chunk;
      const match = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[0], child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => reject(new Error(`explore exited with ${code}: ${out}`)));
  });
}

/** Types a value into a numeric control like a user: select the text, type, Tab away (fires change). */
async function type(page, key, value) {
  const input = page.locator(`#ctl-${key}`);
  await input.click({ clickCount: 3 });
  await input.pressSequentially(String(value));
  await input.press('Tab');
}

async function shot(page, name) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`     screenshot ${path}`);
}

const waitForStep = (page, step, timeout = 60_000) =>
  page.waitForFunction((s) => document.body.dataset.step === String(s), step, { timeout });

/** `incidental train` + `incidental analyze --json` for the same run. */
function cliAnalysis(backend) {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-test-'));
  try {
    const out = join(dir, 'run');
    const args = ['train', '--n', RUN.n, '--m', RUN.m, '--optimizer', RUN.optimizer, '--lr', RUN.lr, '--lambda', RUN.lambda, '--seed', RUN.seed, '--steps', RUN.steps, '--backend', backend, '--out', out, '--quiet'];
    execFileSync(process.execPath, [CLI, ...args.map(String)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const json = execFileSync(process.execPath, [CLI, 'analyze', out, '--json'], { cwd: ROOT, encoding: 'utf8' });
    return JSON.parse(json);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  ensureBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const { url, child } = await startServer();
  console.log(`explorer at ${url}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));

    // first visit: defaults, step 0
    await page.goto(url);
    await waitForStep(page, 0, 20_000);
    await page.waitForSelector('#stat-backend:not(:empty)');
    check((await page.textContent('h1')).includes('Incidental polysemanticity'), 'the page loads with its title');
    check(await page.evaluate(() => self.crossOriginIsolated), 'the page is cross-origin isolated (COOP/COEP: SharedArrayBuffer available)');
    await shot(page, '01-first-visit');

    // play the defaults for a while, then pause: the race half run
    await page.click('#play');
    await page.waitForFunction(() => Number(document.body.dataset.step) >= 400, null, { timeout: 30_000 });
    await page.click('#play');
    await page.waitForTimeout(300);
    const paused = await page.getAttribute('body', 'data-step');
    await page.waitForTimeout(500);
    check((await page.getAttribute('body', 'data-step')) === paused && (await page.textContent('#play')).includes('Train'), 'Pause stops training', `at step ${paused}`);
    await shot(page, '02-mid-training');

    // the config, set through the controls
    await type(page, 'n', RUN.n);
    await type(page, 'm', RUN.m);
    await page.selectOption('#ctl-opt', RUN.optimizer);
    await type(page, 'lr', RUN.lr);
    await type(page, 'lambda', RUN.lambda);
    await type(page, 'seed', RUN.seed);
    await type(page, 'steps', RUN.steps);
    await page.selectOption('#speed', '100');
    const search = new URL(page.url()).searchParams;
    check(search.get('n') === '12' && search.get('m') === '20' && search.get('opt') === 'adam' && search.get('seed') === '4', 'the URL carries the config', page.url());
    await waitForStep(page, 0);

    // Step and Reset
    for (let i = 0; i < 3; i++) {
      await page.click('#step');
      await waitForStep(page, i + 1);
    }
    check((await page.textContent('#stat-step')) === '3', 'Step advances one step at a time');
    await page.click('#reset');
    await waitForStep(page, 0);
    check((await page.textContent('#stat-step')) === '0', 'Reset goes back to step 0');

    // train to the stopping step
    const started = Date.now();
    await page.click('#play');
    await page.waitForFunction(() => document.body.dataset.done === 'true', null, { timeout: 90_000 });
    const seconds = (Date.now() - started) / 1000;
    check((await page.textContent('#stat-step')) === String(RUN.steps), `training stops at step ${RUN.steps}`, `${seconds.toFixed(1)} s in the browser`);
    const shown = Number(await page.textContent('#stat-poly'));
    const shownNeurons = (await page.textContent('#stat-poly-note')).replace(/^neurons /, '');
    const backend = (await page.textContent('#stat-backend')).replace(/^backend /, '').split(' ')[0];
    await shot(page, '03-trained');

    // the CLI on the same seed and config
    const analysis = cliAnalysis(backend);
    const expected = analysis.counts.polysemantic.values[0];
    check(expected > 0, 'the chosen run has polysemantic neurons (else the comparison would be vacuous)', String(expected));
    check(shown === expected, 'the polysemantic count shown equals `incidental train` + `analyze`', `page ${shown}, CLI ${expected} (backend ${backend})`);
    check(shownNeurons === analysis.instances[0].polysemanticNeurons.join(', '), 'and they are the same neurons', `page [${shownNeurons}], CLI [${analysis.instances[0].polysemanticNeurons}]`);
    const cliText = await page.textContent('#cli-command');
    check(cliText.includes(`--n ${RUN.n} --m ${RUN.m}`) && cliText.includes(`--seed ${RUN.seed}`), 'the page shows the equivalent CLI command', cliText);

    // hover shows exact values
    const canvas = page.locator('.heatmap-canvas');
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + 38 + 8, box.y + 30 + 8);
    const tip = await page.locator('.tooltip').textContent();
    check(/feature 0 · neuron \d+W = [+−]\d\.\d{4}/.test(tip), 'hovering a heatmap cell shows the exact weight', tip);
    await shot(page, '04-hover');
    await page.mouse.move(0, 0);

    // the timeline scrubs back through recorded frames
    const timeline = page.locator('#timeline');
    await timeline.focus();
    const max = Number(await timeline.getAttribute('max'));
    await timeline.evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, Math.floor(max / 4));
    await page.waitForFunction(() => document.getElementById('step-label').textContent.startsWith('viewing'), null, { timeout: 5000 }).catch(() => {});
    const label = await page.textContent('#step-label');
    const viewed = Number(await page.getAttribute('body', 'data-step'));
    check(viewed > 0 && viewed < RUN.steps && label.startsWith('viewing step'), 'the timeline shows an earlier step', label);
    await shot(page, '05-timeline');
    await page.click('#live');
    await waitForStep(page, RUN.steps);

    // a bad value names the field, a too-large size is refused, neither starts a run
    await type(page, 'm', 0);
    const fieldError = await page.locator('.field-error:visible').first().textContent();
    check(fieldError.includes('invalid nHidden (--m)'), 'a bad value is reported next to its control', fieldError);
    await type(page, 'n', 512);
    await type(page, 'm', 4096);
    const message = await page.textContent('#message');
    check(message.startsWith('Not started:') && (await page.textContent('#stat-step')) === String(RUN.steps), 'a size that would freeze the page is refused with a message', message);
    await shot(page, '06-refused');

    // the URL alone restores a view
    const shared = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    shared.on('pageerror', (e) => problems.push(`page error (shared URL): ${e.message}`));
    await shared.goto(`${url}?n=12&m=20&opt=adam&seed=4&feature=3`);
    await waitForStep(shared, 0, 20_000);
    check((await shared.inputValue('#ctl-n')) === '12' && (await shared.inputValue('#ctl-opt')) === 'adam' && (await shared.inputValue('#ctl-feature')) === '3', 'a shared URL restores the controls');
    await shared.close();

    check(problems.length === 0, 'no console errors, page errors or failed requests', problems.join(' | '));
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  console.log(`\nexplorer browser test: ${checks.length} checks passed`);
}

main().catch((err) => {
  console.error(`\nexplorer browser test FAILED: ${err.message}`);
  process.exit(1);
});
