/**
 * What the browser benchmarks share: loading the TypeScript test setup, starting a portal of
 * their own (the environment of portal.ts, the users of global-setup.ts, a fresh temporary
 * folder deleted afterwards) on PORTAL_E2E_URL (default http://127.0.0.1:3198, beside a test
 * run's 3199), Chromium as the tests launch it, and order statistics.
 *
 * Variables: PORTAL_BIN, PORTAL_SITE_ROOT (the binary and the site it serves; paths relative to
 * the current folder), PORTAL_E2E_URL, CHROMIUM_PATH.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

// portal.ts, users.ts, global-setup.ts and playwright.config.ts are TypeScript, which this Node
// cannot load by itself: compile them on require with the project's own TypeScript (no types
// checked, as Playwright does).
const ts = require('typescript');
Module._extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

// Before portal.ts reads them: our own port and a fresh run folder.
process.env.PORTAL_E2E_URL ||= 'http://127.0.0.1:3198';
delete process.env.PORTAL_E2E_TMPDIR;
export const { baseURL, portalBin, portalEnv, tmpDir } = require('../portal.ts');
export const { alice } = require('../users.ts');
const globalSetup = require('../global-setup.ts').default;
const config = require('../playwright.config.ts').default;
export const { chromium } = require('@playwright/test');

if (process.env.PORTAL_SITE_ROOT) portalEnv.PORTAL_SITE_ROOT = path.resolve(process.env.PORTAL_SITE_ROOT);
export const siteRoot = portalEnv.PORTAL_SITE_ROOT;

/** "target/debug/portal serving target/site": which build the figures are for. */
export const build = `${path.relative(process.cwd(), portalBin)} serving ${path.relative(process.cwd(), siteRoot)}`;

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

async function waitForServer(server, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`${portalBin} serve exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `body(browser)` against a portal of its own, with the test users in it; cleans up after. */
export async function withPortal(body) {
  const server = spawn(portalBin, ['serve'], {
    cwd: tmpDir,
    env: { ...process.env, ...portalEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let teardown = () => fs.rmSync(tmpDir, { recursive: true, force: true });
  let browser;
  try {
    await waitForServer(server, `${baseURL}/login`, 120_000);
    teardown = globalSetup();
    browser = await chromium.launch({ headless: true, ...config.use.launchOptions });
    await body(browser);
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
    teardown();
  }
}
