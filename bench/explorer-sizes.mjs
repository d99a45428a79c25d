#!/usr/bin/env node
// How fast the explorer trains and redraws at a few sizes, in headless Chromium: the
// numbers behind the size limits in src/explorer/limits.ts. Needs explorer-dist/ and dist/
// (npm run build) and /usr/bin/chromium (or CHROMIUM=...). Timings are noisy on a shared
// machine; compare rows of the same run.
//   node bench/explorer-sizes.mjs                       # the default sizes
//   node bench/explorer-sizes.mjs '[[128,1024,1]]'      # [n, m, steps per update]
import { chromium } from 'playwright-core';
import { startExploreServer } from '../dist/cli/explore.js';

const sizes = JSON.parse(process.argv[2] ?? '[[16,32,5],[64,256,10],[128,512,5],[128,1024,1],[64,2048,1],[256,512,1]]');
const server = await startExploreServer({ port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  for (const [n, m, speed] of sizes) {
    await page.goto(`${server.url}?n=${n}&m=${m}&speed=${speed}&steps=1000000`);
    await page.waitForFunction(() => document.body.dataset.step === '0');
    await page.click('#play');
    await page.waitForTimeout(1000); // warm-up
    const s0 = Number(await page.getAttribute('body', 'data-step'));
    const t0 = Date.now();
    const renders = [];
    while (Date.now() - t0 < 4000) {
      renders.push(Number(await page.getAttribute('body', 'data-render-ms')));
      await page.waitForTimeout(100);
    }
    const rate = (Number(await page.getAttribute('body', 'data-step')) - s0) / ((Date.now() - t0) / 1000);
    renders.sort((a, b) => a - b);
    console.log(
      `n=${n} m=${m} (n·m=${n * m}, n²m=${n * n * m}): ${rate.toFixed(0)} steps/s, ` +
        `redraw median ${renders[renders.length >> 1]} ms, max ${renders[renders.length - 1]} ms`,
    );
    await page.click('#play');
  }
} finally {
  await browser.close();
  await server.close();
}
