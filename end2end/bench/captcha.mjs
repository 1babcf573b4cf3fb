#!/usr/bin/env node
/**
 * How long the page takes to solve the login captcha (ALTCHA proof of work in WASM, at the
 * portal's default difficulty), and whether the page stays responsive meanwhile.
 *
 *   cargo leptos build && cd end2end && npm run bench:captcha
 *   PORTAL_BIN=../target/release/portal PORTAL_SITE_ROOT=../target/site npm run bench:captcha   # after `cargo leptos build --release`
 *
 * Loads /login (solved by the login page's own module, `signin`) and /forgot (solved by the app,
 * with the same solver code) in turn, BENCH_SAMPLES times each (default 40), in Debian's
 * Chromium, and reads the solve time
 * the page records (`data-captcha-ms`, from the challenge's arrival to "Verified"), and the
 * longest main-thread task meanwhile (a "long task" is 50 ms or more; 0 = none). Figures only;
 * it asserts nothing. The number of tries a challenge takes is random (geometric, 256 on
 * average at difficulty 2), so the spread is wide by design.
 */
import { baseURL, build, stats, withPortal } from './harness.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES || 40);
const WARM_UP = 3;

const ms = (value) => value.toFixed(0).padStart(6);

await withPortal(async (browser) => {
  const context = await browser.newContext({ baseURL });
  await context.addInitScript(() => {
    window.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  const pages = { '/login': { solve: [], longest: [] }, '/forgot': { solve: [], longest: [] } };
  for (let i = 0; i < WARM_UP + SAMPLES; i++) {
    for (const [path, samples] of Object.entries(pages)) {
      await page.goto(path);
      await page.locator('html[data-captcha-ms]').waitFor({ timeout: 60_000 });
      const solved = Number(await page.locator('html').getAttribute('data-captcha-ms'));
      const task = await page.evaluate(() => window.__longestTask);
      if (i >= WARM_UP) {
        samples.solve.push(solved);
        samples.longest.push(task);
      }
    }
  }
  const userAgent = await page.evaluate(() => navigator.userAgent);
  console.log(`\nCaptcha solved by the page (default difficulty)`);
  console.log(`build: ${build}`);
  console.log(`browser: ${userAgent}`);
  console.log(`${SAMPLES} loads of each page, taking turns, after ${WARM_UP} warm-up loads; times in ms\n`);
  console.log(`| page | measure | median | p95 | max |`);
  console.log(`| --- | --- | ---: | ---: | ---: |`);
  for (const [path, samples] of Object.entries(pages)) {
    const s = stats(samples.solve);
    const t = stats(samples.longest);
    const by = path === '/login' ? "/login (its own module)" : '/forgot (the app)';
    console.log(`| ${by} | solve time | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.max)} |`);
    console.log(`| ${by} | longest main-thread task during the page's life | ${ms(t.median)} | ${ms(t.p95)} | ${ms(t.max)} |`);
  }
});
