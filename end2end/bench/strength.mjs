#!/usr/bin/env node
/**
 * What one keystroke in "New password" costs the browser's main thread on the Change Password
 * page. The main thread checks the rules that need no dictionary itself (length, case and
 * symbols, which are cheap), sends the question to the strength worker, where the policy's
 * zxcvbn part (compiled to WASM) runs, and renders both answers.
 *
 *   scripts/build.sh && cd end2end && npm run bench
 *   PORTAL_BIN=../target/release/portal PORTAL_SITE_ROOT=../target/site npm run bench   # after `scripts/build.sh --release`
 *
 * It starts its own portal the way playwright.config.ts does (same portal.ts environment, same
 * users created by global-setup.ts, in a fresh temporary folder it deletes afterwards) on
 * PORTAL_E2E_URL (default http://127.0.0.1:3198, so that it does not collide with a test run),
 * logs in as alice in Debian's Chromium, and for each length N types one character into a field
 * that already holds N-1 random printable ASCII characters. It prints figures; it asserts nothing.
 *
 * Variables: PORTAL_BIN, PORTAL_SITE_ROOT (the binary and the site it serves; paths relative to
 * the current folder), PORTAL_E2E_URL, CHROMIUM_PATH, BENCH_SAMPLES (default 30).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { alice, baseURL, build, siteRoot, stats, withPortal } from './harness.mjs';

const LENGTHS = [12, 32, 64, 128];
const SAMPLES = Number(process.env.BENCH_SAMPLES || 30);
const WARM_UP = 10;

/** Random printable ASCII without the space ('!' to '~'): letters, digits and 32 symbols. */
function randomPassword(length) {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(crypto.randomInt(0x21, 0x7f));
  return out;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => value.toFixed(2).padStart(7);

/** What the portal serves for a file of the site (by its plain name), and what gzip would make of it. */
async function assetSize(name) {
  const response = await fetch(`${baseURL}/${name}`, { headers: { 'accept-encoding': 'gzip, br' } });
  const served = Buffer.from(await response.arrayBuffer()); // fetch decodes; count the wire bytes below
  const wire = Number(response.headers.get('content-length')) || served.length;
  const encoding = response.headers.get('content-encoding') || 'identity';
  const file = fs.readFileSync(path.join(siteRoot, name));
  return {
    name,
    file: file.length,
    wire,
    encoding,
    gzip6: zlib.gzipSync(file, { level: 6 }).length,
    gzip9: zlib.gzipSync(file, { level: 9 }).length,
  };
}

/**
 * In the page: commits the first N-1 characters (untimed), waits until that is rendered, then
 * sets the whole value and dispatches one `input` event, timing
 *   handler: dispatchEvent() returning (Leptos sets the signal in the handler);
 *   settled: the next task, i.e. after the microtasks Leptos runs its render effects in (the
 *            question to the strength worker is posted there; its answer renders later);
 *   frame:   the next animation frame and the task after it, i.e. style, layout and paint done
 *            (includes waiting for the frame, up to ~16.7 ms at 60 Hz);
 *   longest: the longest main-thread task of 50 ms or more (the browser's "long task") in the
 *            400 ms after the keystroke, which covers rendering the worker's answer; 0 when there
 *            was none.
 */
function keystroke(input, { prefix, full }) {
  const nextTask = () =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    });
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(nextTask())));
  const type = (value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  return (async () => {
    let longest = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
    });
    type(prefix);
    await nextFrame();
    await nextFrame();
    observer.observe({ type: 'longtask' });
    const start = performance.now();
    type(full);
    const handled = performance.now();
    const settledPromise = nextTask();
    const framePromise = nextFrame();
    const settled = await settledPromise;
    const frame = await framePromise;
    await new Promise((resolve) => setTimeout(resolve, 400));
    observer.disconnect();
    return { handler: handled - start, settled: settled - start, frame: frame - start, longest };
  })();
}

async function main() {
  await withPortal(async (browser) => {
    const assets = [await assetSize('pkg/portal.wasm'), await assetSize('pkg/portal.js'), await assetSize('strength/pkg/strength.wasm')];

    const page = await browser.newPage({ baseURL });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto('/login');
    await page.locator('html[data-hydrated="true"]').waitFor();
    await page.getByLabel('Email address', { exact: true }).fill(alice.email);
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await page.getByRole('button', { name: 'Login', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.goto('/account/password');
    await page.locator('html[data-hydrated="true"]').waitFor();
    const input = page.getByLabel('New password', { exact: true });

    const run = async (length) => {
      const full = randomPassword(length);
      return { full, ...(await input.evaluate(keystroke, { prefix: full.slice(0, -1), full })) };
    };
    // Let V8 tier the WASM up (Liftoff first, TurboFan later) before anything counts.
    for (let i = 0; i < WARM_UP; i++) for (const length of LENGTHS) await run(length);

    const results = [];
    for (const length of LENGTHS) {
      const samples = [];
      for (let i = 0; i < SAMPLES; i++) samples.push(await run(length));
      const slowest = samples.reduce((a, b) => (b.settled > a.settled ? b : a));
      results.push({
        length,
        slowest,
        handler: stats(samples.map((s) => s.handler)),
        settled: stats(samples.map((s) => s.settled)),
        frame: stats(samples.map((s) => s.frame)),
        longest: stats(samples.map((s) => s.longest)),
      });
    }
    const userAgent = await page.evaluate(() => navigator.userAgent);

    console.log(`\nStrength check per keystroke on /account/password`);
    console.log(`build: ${build}`);
    console.log(`browser: ${userAgent}`);
    console.log(`${SAMPLES} samples per length after ${WARM_UP} warm-up rounds; random printable ASCII; times in ms\n`);
    const header = ['chars', 'handler median', 'p95', 'max', 'settled median', 'p95', 'max', 'frame median', 'p95', 'max', 'long task p95', 'max'];
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map(() => '---:').join(' | ')} |`);
    for (const { length, handler, settled, frame, longest } of results) {
      const cells = [handler, settled, frame].flatMap((s) => [ms(s.median), ms(s.p95), ms(s.max)]);
      cells.push(ms(longest.p95), ms(longest.max));
      console.log(`| ${String(length).padStart(5)} | ${cells.join(' | ')} |`);
    }
    console.log(`\nhandler: dispatchEvent returns; settled: next task (Leptos's render effects, which post`);
    console.log(`the question to the strength worker); frame: next frame painted; long task: the longest`);
    console.log(`main-thread task of 50 ms or more within 400 ms (0 = none), rendering the answer included.`);
    console.log(`The cost depends on the characters as well as the length (the same input costs about the`);
    console.log(`same again), so the slowest input per length is shown to time again:`);
    for (const { length, slowest } of results)
      console.log(`  ${String(length).padStart(3)}: ${slowest.settled.toFixed(1)} ms  ${JSON.stringify(slowest.full)}`);

    console.log(`\nAssets from ${siteRoot}/pkg (served by the portal with content-encoding shown):`);
    for (const a of assets) {
      console.log(
        `  ${a.name.padEnd(12)} file ${kib(a.file).padStart(11)}  served ${kib(a.wire).padStart(11)} (${a.encoding})` +
          `  gzip -6 ${kib(a.gzip6).padStart(10)}  gzip -9 ${kib(a.gzip9).padStart(10)}`,
      );
    }
    if (errors.length) console.log(`\nThe page threw: ${errors.join('; ')}`);
  });
}

await main();
