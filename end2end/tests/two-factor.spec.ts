import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { expectNoViolations } from '../axe';
import { siteName } from '../portal';
import { heidi, ivan, type TestUser } from '../users';
import { expect, failedRequest, test, type Portal } from './fixtures';

// What a phone's authenticator app does, from the setup key the page shows.
function authenticator(setupKey: string) {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(setupKey.replace(/\s/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

/** The app's code for the step after the current one: a code already used in this step is not taken twice. */
function nextCode(app: OTPAuth.TOTP): string {
  return app.generate({ timestamp: Date.now() + 30_000 });
}

async function turnOn(page: Page, portal: Portal, user: TestUser) {
  await portal.logIn(user);
  await page.getByRole('link', { name: 'Security Settings', exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Security Settings' })).toBeVisible();
  await expect(page.locator('strong', { hasText: 'Two-factor authentication is off.' })).toBeVisible();
  await page.getByRole('link', { name: 'Set up two-factor authentication', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const setupKey = (await page.getByRole('definition').locator('code').textContent())!;
  expect(setupKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const link = page.getByRole('link', { name: 'Open in an authenticator app on this device' });
  await expect(link).toHaveAttribute('href', new RegExp(`^otpauth://totp/.*${encodeURIComponent(user.email)}\\?`));
  const app = authenticator(setupKey);

  const code = page.getByLabel('Authentication code', { exact: true });
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(code).toHaveAttribute('inputmode', 'numeric');
  await page.getByLabel('Current password', { exact: true }).fill(user.password);
  await code.fill(app.generate());
  await page.getByRole('button', { name: 'Turn on two-factor authentication', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Your recovery codes' })).toBeVisible();
  // With JavaScript the page's own script reveals them; a page rendered for a GET (as without it)
  // shows a button first, whose same-origin POST does.
  const show = page.getByRole('button', { name: 'Show my recovery codes', exact: true });
  const list = page.locator('.recovery-codes li');
  await expect(list.first().or(show)).toBeVisible();
  if (await show.isVisible()) await show.click();
  await expect(list).toHaveCount(10);
  const codes = await list.allTextContents();
  expect(codes).toHaveLength(10);
  for (const c of codes) expect(c).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  await expect(page.getByText('each of these codes lets you log in once')).toBeVisible();
  await expectCodesFile(page, user, codes);
  return { app, codes };
}

/** recovery-codes.txt, found later, says what it is: the site, the account, the day; then the codes. */
async function expectCodesFile(page: Page, user: TestUser, codes: string[]) {
  const downloaded = page.waitForEvent('download', { timeout: 15_000 });
  await page.getByRole('link', { name: 'Download', exact: true }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toBe('recovery-codes.txt');
  const lines = (await readFile((await download.path())!, 'utf8')).split('\n');
  expect(lines[0]).toBe(`Recovery codes for ${user.email} on ${siteName}`);
  const made = /^Made (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC\. /.exec(lines[1]);
  expect(made, lines[1]).not.toBeNull();
  // Made just now: within the minutes this story has run.
  expect(Math.abs(Date.now() - Date.parse(`${made![1]}T${made![2]}:00Z`))).toBeLessThan(10 * 60_000);
  expect(lines.filter((line) => /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(line))).toEqual(codes);
}

async function passwordStep(page: Page, portal: Portal, user: TestUser) {
  await portal.open('/login');
  await portal.submitLogin(user);
  await portal.expectPath('/login/verify');
  await expect(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' })).toBeVisible();
}

test.describe('two-factor sign-in with an authenticator app', () => {
  test.use({ toleratedConsoleError: failedRequest('/api/verify_sign_in', 401) });

  test('a person turns it on, logs in with the app, then with a recovery code, and turns it off', async ({
    page,
    portal,
  }) => {
    test.setTimeout(120_000);
    const { app, codes } = await turnOn(page, portal, heidi);
    // Signing the other sessions out: the button's answer takes focus.
    await page.getByRole('button', { name: 'Sign out of all other sessions', exact: true }).click();
    const answer = page.getByText(/^(No other session was signed in|1 other session was signed out|\d+ other sessions were signed out)\.$/);
    await expect(answer).toBeFocused();
    await expect(answer).toBeInViewport();
    await page.getByRole('link', { name: 'Done', exact: true }).click();
    await expect(page.locator('strong', { hasText: 'Two-factor authentication is on.' })).toBeVisible();
    await expect(page.getByText('You have 10 unused recovery codes.')).toBeVisible();

    // Logging in again: the password is not enough. The code is typed by keyboard alone.
    await portal.logOut();
    await passwordStep(page, portal, heidi);
    // The login form posts and the second step is a new page: focus starts in its code field.
    await expect(page.getByLabel('Authentication code', { exact: true })).toBeFocused();
    await page.keyboard.type('000000');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toContainText('That code didn’t work, or this sign-in has expired.');
    const field = page.getByLabel('Authentication code', { exact: true });
    await field.fill(nextCode(app));
    await field.press('Enter');
    await portal.expectPath('/account');

    // The phone is lost: a recovery code instead, once.
    await portal.logOut();
    await passwordStep(page, portal, heidi);
    // A wrong app code first: its message is about the app's code, and the recovery view starts clean.
    await page.getByLabel('Authentication code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(page.getByText('That code didn\u2019t work')).toBeVisible();
    await page.getByRole('link', { name: 'Use a recovery code', exact: true }).click();
    await expect(page.getByLabel('Recovery code', { exact: true })).toBeFocused();
    await expect(page.getByText('That code didn\u2019t work')).toHaveCount(0);
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await portal.expectPath('/account');
    await portal.open('/account/security');
    await expect(page.getByText('You have 9 unused recovery codes.')).toBeVisible();

    // Turning it off asks for the password and a code.
    await page.getByRole('link', { name: 'Turn off two-factor authentication', exact: true }).click();
    await page.getByLabel('Current password', { exact: true }).fill(heidi.password);
    await page.getByLabel('Authentication code or recovery code', { exact: true }).fill(codes[1]);
    await page.getByRole('button', { name: 'Turn off two-factor authentication', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Two-factor authentication is off.' })).toBeVisible();
    await portal.logOut();
    await portal.logIn(heidi);
  });
});

test.describe('two-factor sign-in without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('every step is a plain form', async ({ page, portal }) => {
    test.setTimeout(120_000);
    const { app } = await turnOn(page, portal, ivan);
    await expect(page.getByRole('button', { name: 'Sign out of all other sessions', exact: true })).toBeVisible();
    await page.getByRole('link', { name: 'Done', exact: true }).click();
    await expect(page.locator('strong', { hasText: 'Two-factor authentication is on.' })).toBeVisible();

    await portal.logOut();
    await passwordStep(page, portal, ivan);
    await page.getByLabel('Authentication code', { exact: true }).fill(nextCode(app));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await portal.expectPath('/account');

    // The codes were shown once: the page does not show them again.
    await portal.open('/account/security/recovery-codes');
    await expect(page.getByText('Recovery codes are shown only once')).toBeVisible();
  });
});

test.describe('two-factor pages for axe-core', () => {
  test.use({ bypassCSP: true });

  test('Security Settings, setup and the second login step have no violations', async ({ page, portal }) => {
    await portal.logIn(heidi);
    await portal.open('/account/security');
    await expectNoViolations(page, '/account/security');
    await portal.open('/account/security/setup');
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    await expectNoViolations(page, '/account/security/setup');
    await portal.open('/login/verify');
    await expectNoViolations(page, '/login/verify');
    await portal.open('/login/verify?recovery=1');
    await expectNoViolations(page, '/login/verify with a recovery code');
  });
});
