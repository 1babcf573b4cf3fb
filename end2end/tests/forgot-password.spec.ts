import crypto from 'node:crypto';
import type { Page } from '@playwright/test';
import { linkIn, mailSeen, waitForMail } from '../mail';
import { erin, frank } from '../users';
import { expect, test, type Portal } from './fixtures';

/** Forgot?'s one reply: it repeats the address, and never says whether it has an account. */
function sent(address: string): string {
  return `If an account exists for ${address}, we have emailed it a link to choose a new password. The link is valid for 2 hours.`;
}
const RESET_DONE = 'Your password has been reset. Please log in.';

function heading(page: Page, name: string) {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/** Asks for a reset link on the current /forgot page and returns the link from the email. */
async function requestResetLink(portal: Portal, email: string, baseURL: string): Promise<string> {
  const { page } = portal;
  const seen = await mailSeen();
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await portal.answerCaptcha();
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(sent(email));
  const mail = await waitForMail({ to: email, subject: 'Reset your password', seen });
  const link = linkIn(mail, `${baseURL}/reset?token=`);
  // 256 random bits in base64url: a whole token, decoded from the mail's transfer encoding.
  expect(new URL(link).searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return link;
}

/** The page a link that does not work (any more) leads to. */
async function expectLinkNoLongerWorks(page: Page): Promise<void> {
  await expect(heading(page, 'This link no longer works')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('This link has expired, has already been used, or was replaced by a newer link or a password change.');
  await expect(page.getByRole('link', { name: 'Request a new link', exact: true })).toHaveAttribute('href', '/forgot');
}

/** Opens the emailed link: the server moves the token into a cookie and leaves the address bar at /reset. */
async function openResetLink(portal: Portal, link: string): Promise<void> {
  await portal.open(link);
  await expect(portal.page).toHaveURL((url) => url.pathname === '/reset' && url.search === '' && url.hash === '');
}

/** A token of the right shape (256 bits, base64url) that no link was ever made with. */
function madeUpToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

test.describe('resetting a forgotten password', () => {
  test('a user who forgot the password resets it with an emailed link and logs in', async ({
    page,
    portal,
    baseURL,
  }) => {
    await portal.open('/login');
    await page.getByRole('link', { name: 'Forgot?', exact: true }).click();
    await portal.expectPath('/forgot');
    await expect(heading(page, 'Forgot your password?')).toBeVisible();
    const seen = await mailSeen();
    const link = await requestResetLink(portal, erin.email, baseURL!);

    await openResetLink(portal, link);
    // Arriving from the mail, focus starts on the page's heading; the next Tab reaches the field.
    await expect(heading(page, 'Set a new password')).toBeFocused();
    await expect(page).toHaveTitle(/^Set a new password · /);
    await expect(page.getByText('For the account')).toContainText('e\u2022\u2022@example.com');
    await expect(page.getByRole('link', { name: 'Back to login', exact: true })).toHaveAttribute('href', '/login');
    const newPassword = page.getByLabel('New password', { exact: true });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(page.getByText('Generated:')).toBeVisible();
    const generated = await newPassword.inputValue();
    expect(generated.length).toBeGreaterThanOrEqual(12);
    await expect(page.getByLabel('Confirm new password', { exact: true })).toHaveValue(generated);
    await page.getByRole('button', { name: 'Set password', exact: true }).click();

    await expect(page).toHaveURL((url) => url.pathname === '/login' && url.search === '?reset=1');
    await expect(page.getByRole('status').filter({ hasText: RESET_DONE })).toBeVisible();
    await portal.submitLogin({ email: erin.email, password: generated });
    await portal.expectPath('/account');

    // The link worked once.
    await openResetLink(portal, link);
    await expectLinkNoLongerWorks(page);

    await waitForMail({ to: erin.email, subject: 'Your password was reset', seen });
  });

  test('an unknown address gets the same answer', async ({ page, portal }) => {
    await portal.open('/forgot');
    await page.getByLabel('Email address', { exact: true }).fill('nobody@example.com');
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(sent('nobody@example.com'));
  });

  test('a link with a made-up token shows the request-a-new-link page', async ({ page, portal }) => {
    await openResetLink(portal, `/reset?token=${madeUpToken()}`);
    await expectLinkNoLongerWorks(page);
  });
});

test.describe('resetting a forgotten password without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the Forgot? form posts and gives the same answer', async ({ page, portal }) => {
    await portal.open('/forgot');
    await page.getByLabel('Email address', { exact: true }).fill('nobody@example.com');
    await portal.answerCaptcha();
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/forgot' && url.search === '?sent=1');
    // The page arrives with the reply focused; it repeats the address, which the address bar does not.
    const reply = page.getByRole('status');
    await expect(reply).toHaveText(sent('nobody@example.com'));
    await expect(reply).toBeFocused();
    expect(page.url()).not.toContain('nobody');
  });

  test('a user resets the password with plain forms and logs in with it', async ({ page, portal, baseURL }) => {
    const next = 'Xk4#rTq9!mWz2@vB';
    await portal.open('/forgot');
    const link = await requestResetLink(portal, frank.email, baseURL!);
    await expect(page).toHaveURL((url) => url.pathname === '/forgot' && url.search === '?sent=1');

    await openResetLink(portal, link);
    await expect(heading(page, 'Set a new password')).toBeFocused();
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password', { exact: true }).fill(next);
    await page.getByRole('button', { name: 'Set password', exact: true }).click();

    await expect(page).toHaveURL((url) => url.pathname === '/login' && url.search === '?reset=1');
    await expect(page.getByRole('status').filter({ hasText: RESET_DONE })).toBeVisible();
    await portal.submitLogin({ email: frank.email, password: next });
    await portal.expectPath('/account');
  });
});
