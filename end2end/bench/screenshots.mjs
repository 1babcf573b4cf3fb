// Screenshots of every page, on a desktop, a phone and in dark mode, for notes and reviews
// (not a test: it checks nothing). Start a portal first, with an account and the captcha on:
//
//   export PORTAL_DATABASE_URL=sqlite:///tmp/shots/portal.db PORTAL_LISTEN=127.0.0.1:3300 \
//     PORTAL_SITE_NAME="Example Hosting" PORTAL_LOGO=end2end/fixtures/logo.svg PORTAL_SITE_ROOT=target/site
//   echo 'Tq7#vLm2@pXz9!kR' | target/debug/portal user add ann@example.com --password-stdin
//   target/debug/portal serve &
//   (cd end2end && node bench/screenshots.mjs)      # PNGs in $SHOTS_DIR (default /tmp/shots)
//
// The account ends with two-factor sign-in on (the recovery codes page is the last picture).
import { chromium } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import fs from 'node:fs';
const EMAIL = process.env.SHOTS_EMAIL || 'ann@example.com';
const PASSWORD = process.env.SHOTS_PASSWORD || 'Tq7#vLm2@pXz9!kR';
const base = process.env.PORTAL_URL || 'http://127.0.0.1:3300';
const out = process.env.SHOTS_DIR || '/tmp/shots';
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function ctx(opts) { return browser.newContext({ baseURL: base, ...opts }); }
async function login(page) {
  await page.goto('/login');
  await page.waitForSelector('html[data-hydrated]');
  await page.getByLabel('Email address', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByText('Verified').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Login', exact: true }).click();
}
const kinds = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  dark: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
};
for (const [kind, opts] of Object.entries(kinds)) {
  const c = await ctx(opts); const page = await c.newPage();
  await page.goto('/login'); await page.waitForSelector('html[data-hydrated]');
  await page.getByText('Verified').waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${out}/${kind}-login.png`, fullPage: true });
  await page.goto('/forgot'); await page.waitForSelector('html[data-hydrated]');
  await page.screenshot({ path: `${out}/${kind}-forgot.png`, fullPage: true });
  await login(page); await page.waitForURL('**/account');
  await page.screenshot({ path: `${out}/${kind}-account.png`, fullPage: true });
  await page.goto('/account/password'); await page.waitForSelector('html[data-hydrated]');
  await page.getByLabel('New password', { exact: true }).fill('Short1!');
  await page.screenshot({ path: `${out}/${kind}-password.png`, fullPage: true });
  await page.goto('/account/security'); await page.waitForSelector('html[data-hydrated]');
  await page.screenshot({ path: `${out}/${kind}-security.png`, fullPage: true });
  await page.goto('/account/security/setup'); await page.waitForSelector('html[data-hydrated]');
  await page.screenshot({ path: `${out}/${kind}-setup.png`, fullPage: true });
  await page.goto('/login/verify'); await page.waitForSelector('html[data-hydrated]');
  await page.screenshot({ path: `${out}/${kind}-verify.png`, fullPage: true });
  await c.close();
}
// Recovery codes page: turn on once (desktop).
{
  const c = await ctx(kinds.desktop); const page = await c.newPage();
  await login(page); await page.waitForURL('**/account');
  await page.goto('/account/security/setup'); await page.waitForSelector('html[data-hydrated]');
  const key = await page.getByRole('definition').locator('code').textContent();
  const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s/g, '')), digits: 6, period: 30 });
  await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Authentication code', { exact: true }).fill(app.generate());
  await page.getByRole('button', { name: 'Turn on two-factor authentication', exact: true }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  await page.screenshot({ path: `${out}/desktop-recovery-codes.png`, fullPage: true });
  await c.close();
}
await browser.close();
console.log('done');
