import { defineConfig } from '@playwright/test';
import { baseURL, portalBin, portalEnv, tmpDir } from './portal';

export default defineConfig({
  testDir: './tests',
  // One server, one database, shared users: run the stories one after another.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // Every wait is bounded: a test fails after 45 s, one step (a click, a navigation, an expect)
  // well before that with a message naming it, and the whole run after 15 minutes.
  timeout: 45_000,
  globalTimeout: 15 * 60_000,
  // A login waits for the page's proof of work (debug WASM; the number of tries has a long
  // tail) and an argon2 check: on two busy cores that took over 10 s.
  expect: { timeout: 20_000 },
  // Runs after the webServer below is up (Playwright starts webServer first).
  globalSetup: './global-setup.ts',
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
    launchOptions: {
      // Debian's Chromium; never `npx playwright install` here.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${JSON.stringify(portalBin)} serve`,
    cwd: tmpDir,
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: portalEnv,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
