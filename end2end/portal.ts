/**
 * Where the portal under test lives and how it is configured; shared by playwright.config.ts (the
 * server) and global-setup.ts (the CLI that creates the users), so both use the same database.
 *
 * Playwright evaluates the config in the runner process and again in every worker process. The run
 * directory is created by the first evaluation and published in process.env (PORTAL_E2E_TMPDIR,
 * PORTAL_E2E_DB); later evaluations in the same process, and workers (which inherit the runner's
 * environment), reuse it instead of making another one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');

/** Origin the browser talks to; the server is told to listen there. */
export const baseURL = new URL(process.env.PORTAL_E2E_URL || 'http://127.0.0.1:3199').origin;

/** The portal binary: `cargo leptos build` output by default; PORTAL_BIN (relative to the cwd) overrides. */
export const portalBin = process.env.PORTAL_BIN
  ? path.resolve(process.env.PORTAL_BIN)
  : path.join(repoRoot, 'target', 'debug', 'portal');

function runDir(): string {
  const existing = process.env.PORTAL_E2E_TMPDIR;
  if (existing && fs.existsSync(existing)) return existing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'));
  fs.mkdirSync(path.join(dir, 'mail'));
  process.env.PORTAL_E2E_TMPDIR = dir;
  return dir;
}

/** Fresh per run: holds the SQLite database and the mail the portal "sends". */
export const tmpDir = runDir();
export const databaseURL = `sqlite://${path.join(tmpDir, 'portal.db')}`;
process.env.PORTAL_E2E_DB = databaseURL;

const listen = new URL(baseURL);

/** The name the portal under test is given (`PORTAL_SITE_NAME`). */
export const siteName = 'Example Hosting';

/** Environment for both `portal serve` and `portal user add`. */
export const portalEnv: Record<string, string> = {
  // No portal.toml: a developer's local one must not leak into the tests.
  PORTAL_CONFIG: path.join(tmpDir, 'portal.toml'),
  PORTAL_LISTEN: `${listen.hostname}:${listen.port || 80}`,
  PORTAL_PUBLIC_URL: baseURL,
  PORTAL_DATABASE_URL: databaseURL,
  PORTAL_SMTP_URL: `file://${path.join(tmpDir, 'mail')}`,
  // The product's captcha at its default difficulty: every login and Forgot? here passes it, the
  // page solving it with JavaScript, the person typing the picture without.
  PORTAL_CAPTCHA: 'pow',
  // Every test comes from 127.0.0.1: the per-address reset limit would soon stop the mail.
  PORTAL_RESET_LIMIT_PER_ADDRESS: '1000',
  // The same for the per-address login budget, and for captcha pictures.
  PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS: '1000',
  PORTAL_CAPTCHA_PICTURES_PER_ADDRESS: '1000',
  PORTAL_SITE_ROOT: path.join(repoRoot, 'target', 'site'),
  // No balancer in front: stop at once when Playwright ends the run.
  PORTAL_SHUTDOWN_DRAIN_SECS: '0',
  // An operator's name and logo, as a deployment would give them (brand.spec.ts reads them).
  PORTAL_SITE_NAME: siteName,
  PORTAL_LOGO: path.join(repoRoot, 'end2end', 'fixtures', 'logo.svg'),
  RUST_LOG: process.env.RUST_LOG || 'warn',
};
