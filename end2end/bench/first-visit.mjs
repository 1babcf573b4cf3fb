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
 * Starts its own portal (see harness.mjs). Variables: BENCH_VISITS (default 10) and those of
 * harness.mjs. Prints figures; asserts nothing.
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
    console.log(`${page.name} (${how}), transferred ${kb(page.bytes)} by the page (a worker's module not counted); bundles: ${page.files.join(', ') || 'none'}`);
  }
  console.log(`load average after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
});
