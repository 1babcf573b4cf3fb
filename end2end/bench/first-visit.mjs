#!/usr/bin/env node
/**
 * What a first and a repeat visit cost on a slow mobile line: the bytes each page transfers
 * (HTML + CSS + JS + WASM, and the strength worker's module where a page starts it), and the
 * time until the login page's captcha says "Verified", over a line Chromium emulates
 * (CDP Network.emulateNetworkConditions: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency).
 * Also prints every bundle's size raw, gzip and brotli, as the build precompressed them.
 *
 *   scripts/build.sh --release && cd end2end && \
 *     PORTAL_BIN=../target/release/portal PORTAL_SITE_ROOT=../target/site npm run bench:first-visit
 *
 * Then, on Change Password over the same line (a session from a fast login, an empty cache: a
 * first visit to the app), what a person typing "Summer2024!" waits for (medians):
 *   - typed as soon as the field is there: navigation → the dictionary verdict ("contains the
 *     word 'summer'"), and navigation → the upper-case rule ticked;
 *   - typed once the page is interactive: keystroke → the upper-case rule ticked, measured in the
 *     page (from the keydown to the frame that shows it), and the layout shift until then;
 *   - the bytes of that visit, the worker's own requests included.
 *
 * Starts its own portal (see harness.mjs). Variables: BENCH_VISITS (default 10),
 * BENCH_PASSWORD_VISITS (default 3) and those of harness.mjs. Prints figures; asserts nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { alice, baseURL, build, siteRoot, stats, withPortal } from './harness.mjs';

const VISITS = Number(process.env.BENCH_VISITS || 10);
const SLOW_LINE = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8) | 0,
  uploadThroughput: (750e3 / 8) | 0,
};

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`.padStart(10);
const ms = (value) => `${value.toFixed(0)} ms`.padStart(8);

/** Every file of the built site (not the .br/.gz beside them), with its three sizes. */
function bundleSizes() {
  const rows = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!/\.(br|gz)$/.test(entry.name)) {
        const size = (suffix) => (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : NaN);
        rows.push({ name: path.relative(siteRoot, file), raw: fs.statSync(file).size, gzip: size('.gz'), brotli: size('.br') });
      }
    }
  };
  walk(siteRoot);
  return rows.sort((a, b) => b.raw - a.raw);
}

/** Opens `url` in `page` over the slow line; returns the bytes on the wire and the ms until `ready` resolved. */
async function visit(page, url, ready) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINE);
  let bytes = 0;
  const files = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => files.set(requestId, new URL(request.url).pathname));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    bytes += encodedDataLength;
    files.set(requestId, `${files.get(requestId)} ${encodedDataLength}`);
  });
  const started = performance.now();
  await page.goto(url);
  await ready(page);
  const elapsed = performance.now() - started;
  // Let late requests (a worker's module) finish and be counted.
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return { bytes, elapsed, files: [...files.values()] };
}

const verified = (page) => page.getByRole('status').filter({ hasText: 'Verified' }).waitFor({ timeout: 60_000 });

const PASSWORD_VISITS = Number(process.env.BENCH_PASSWORD_VISITS || 3);
const TYPED = 'Summer2024!';
const VERDICT = "contains the word 'summer'";

/**
 * A page with alice's session and an empty cache: logged in on the fast line in a context of
 * its own (whose /account fetches the app's bundles), its cookies then carried to a new one.
 */
async function signedInPage(browser) {
  const first = await browser.newContext();
  const login = await first.newPage();
  await login.goto(`${baseURL}/login`);
  await login.getByLabel('Email address', { exact: true }).fill(alice.email);
  await login.getByLabel('Password', { exact: true }).fill(alice.password);
  await verified(login);
  await login.getByRole('button', { name: 'Login', exact: true }).click();
  await login.waitForURL(`${baseURL}/account`);
  const storageState = await first.storageState();
  await first.close();
  const context = await browser.newContext({ storageState });
  return { context, page: await context.newPage() };
}

/** Bytes received by the context (the page's and its workers' requests), from now on. */
function countBytes(context) {
  let bytes = 0;
  const onFinished = async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseHeadersSize + sizes.responseBodySize;
  };
  context.on('requestfinished', onFinished);
  return () => bytes;
}

async function slowLine(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINE);
}

/** Typed as soon as the field is there: ms from navigation to the upper-case tick and to the dictionary verdict. */
async function typedAtOnce(browser) {
  const { context, page } = await signedInPage(browser);
  const bytes = countBytes(context);
  await slowLine(page);
  const upper = page.locator('.checklist li.met', { hasText: 'An upper-case letter' });
  const started = performance.now();
  await page.goto(`${baseURL}/account/password`, { waitUntil: 'commit' });
  const field = page.getByLabel('New password', { exact: true });
  await field.pressSequentially(TYPED, { timeout: 60_000 });
  const ticked = upper.waitFor({ timeout: 60_000 }).then(() => performance.now() - started);
  await page.getByText(VERDICT).waitFor({ timeout: 60_000 });
  const verdict = performance.now() - started;
  const tick = await ticked;
  await page.waitForLoadState('networkidle');
  const result = { verdict, tick, bytes: bytes() };
  await context.close();
  return result;
}

/** Typed once the page is interactive: ms from the keystroke to the frame showing the upper-case tick, and the layout shift before it. */
async function typedWhenInteractive(browser) {
  const { context, page } = await signedInPage(browser);
  await page.addInitScript(() => {
    const global = globalThis;
    global.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) global.__shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await slowLine(page);
  await page.goto(`${baseURL}/account/password`, { waitUntil: 'commit' });
  await page.locator('html[data-hydrated="true"]').waitFor({ timeout: 60_000 });
  const field = page.getByLabel('New password', { exact: true });
  // Shown, but not yet pressable, is the state before hydration; Generate visible means interactive.
  await page.getByRole('button', { name: 'Generate', exact: true }).waitFor({ timeout: 60_000 });
  const shift = await page.evaluate(() => globalThis.__shift);
  await field.focus();
  const measured = page.evaluate(
    () =>
      new Promise((resolve) => {
        const input = document.getElementById('field-new_password');
        input.addEventListener(
          'keydown',
          () => {
            const pressed = performance.now();
            const look = () => {
              const met = [...document.querySelectorAll('.checklist li.met')].some((li) => li.textContent.includes('An upper-case letter'));
              if (met) resolve(performance.now() - pressed);
              else requestAnimationFrame(look);
            };
            requestAnimationFrame(look);
          },
          { once: true },
        );
      }),
  );
  await page.keyboard.type('S');
  const tick = await Promise.race([measured, new Promise((resolve) => setTimeout(() => resolve(NaN), 60_000))]);
  await context.close();
  return { tick, shift };
}

await withPortal(async (browser) => {
  console.log(`first and repeat visits over 1.6 Mbit/s down, 750 kbit/s up, 150 ms; ${build}; ${VISITS} visits`);
  console.log(`load average before: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);

  const cold = [];
  const warm = [];
  let firstFiles = [];
  let loginBytes = { cold: 0, warm: 0 };
  for (let i = 0; i < VISITS; i++) {
    const context = await browser.newContext(); // an empty cache
    const page = await context.newPage();
    const first = await visit(page, `${baseURL}/login`, verified);
    const again = await visit(page, `${baseURL}/login`, verified);
    cold.push(first.elapsed);
    warm.push(again.elapsed);
    loginBytes = { cold: first.bytes, warm: again.bytes };
    firstFiles = first.files;
    await context.close();
  }

  // The other pages, each as a first visit (a password page needs a session: log in first, fast).
  const pages = [];
  for (const [name, url, ready, signedIn] of [
    ['/forgot', '/forgot', verified, false],
    ['/account', '/account', (p) => p.locator('html[data-hydrated="true"]').waitFor(), true],
    ['/account/password', '/account/password', (p) => p.getByText("contains the word 'password'").waitFor({ timeout: 60_000 }), true],
  ]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (signedIn) {
      await page.goto(`${baseURL}/login`);
      await page.getByLabel('Email address', { exact: true }).fill(alice.email);
      await page.getByLabel('Password', { exact: true }).fill(alice.password);
      await verified(page);
      await page.getByRole('button', { name: 'Login', exact: true }).click();
      await page.waitForURL(`${baseURL}/account`);
    }
    const fresh = await context.newPage();
    const readyAfterTyping = name === '/account/password'
      ? async (p) => {
          await p.getByLabel('New password', { exact: true }).fill('password');
          await ready(p);
        }
      : ready;
    // A new page in a context whose cache holds the login page's files: count only what this page adds.
    const result = await visit(fresh, `${baseURL}${url}`, readyAfterTyping);
    pages.push({ name, bytes: result.bytes, files: result.files.filter((f) => /\/(pkg|js|strength)\//.test(f)) });
    await context.close();
  }

  // Change Password: what a person typing waits for.
  const atOnce = [];
  const interactive = [];
  for (let i = 0; i < PASSWORD_VISITS; i++) {
    atOnce.push(await typedAtOnce(browser));
    interactive.push(await typedWhenInteractive(browser));
  }

  const c = stats(cold);
  const w = stats(warm);
  console.log('\nbundles (as built; brotli and gzip are the precompressed files the server sends)');
  console.log(`${'file'.padEnd(40)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
  for (const row of bundleSizes()) console.log(`${row.name.padEnd(40)} ${kb(row.raw)} ${kb(row.gzip)} ${kb(row.brotli)}`);
  console.log('\n/login, first visit, files on the wire (path, bytes):');
  for (const file of firstFiles) console.log(`  ${file}`);
  console.log('\nwhat                                              median       p95       max');
  console.log(`/login first visit → "Verified"               ${ms(c.median)}  ${ms(c.p95)}  ${ms(c.max)}`);
  console.log(`/login repeat visit → "Verified"              ${ms(w.median)}  ${ms(w.p95)}  ${ms(w.max)}`);
  console.log(`/login first visit, transferred                ${kb(loginBytes.cold)}`);
  console.log(`/login repeat visit, transferred               ${kb(loginBytes.warm)}`);
  for (const page of pages) {
    const how = page.name === '/forgot' ? 'first visit' : 'after logging in on /login';
    console.log(`${page.name} (${how}), transferred ${kb(page.bytes)} by the page (a worker's own requests not counted); bundles: ${page.files.join(', ') || 'none'}`);
  }
  const median = (values) => stats(values).median;
  const all = (values, format) => values.map(format).join(', ');
  console.log(`\n/account/password, first visit (empty cache, signed in), typing "${TYPED}" (${PASSWORD_VISITS} visits each; median, then each)`);
  console.log(`typed at once: navigation → dictionary verdict    ${ms(median(atOnce.map((r) => r.verdict)))}  (${all(atOnce, (r) => r.verdict.toFixed(0))})`);
  console.log(`typed at once: navigation → upper-case ticked     ${ms(median(atOnce.map((r) => r.tick)))}  (${all(atOnce, (r) => r.tick.toFixed(0))})`);
  console.log(`once interactive: keystroke → upper-case ticked   ${ms(median(interactive.map((r) => r.tick)))}  (${all(interactive, (r) => r.tick.toFixed(0))})`);
  console.log(`layout shift until interactive (CLS)              ${median(interactive.map((r) => r.shift)).toFixed(4).padStart(8)}  (${all(interactive, (r) => r.shift.toFixed(4))})`);
  console.log(`transferred, worker's requests included          ${kb(median(atOnce.map((r) => r.bytes)))}`);
  console.log(`load average after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
});
