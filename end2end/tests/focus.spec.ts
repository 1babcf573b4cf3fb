import type { Locator, Page } from '@playwright/test';
import { alice, bob, grace } from '../users';
import { expect, test } from './fixtures';

/** Keyboard focus is on `target`, and it is where the person can see it. */
async function expectFocusedInView(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  await expect(target).toBeInViewport();
}

/** What `document.activeElement` says of itself: its tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    return `${active.tagName}: ${active.textContent.trim()}`;
  });
}

/** Forgot?'s email field. */
function emailField(page: Page): Locator {
  return page.getByLabel('Email address', { exact: true });
}

// Where keyboard focus goes: a keyboard or screen-reader user always knows where they are.

test.describe('focus follows the person', () => {
  test('the skip link moves focus to the page’s main content', async ({ page, portal }) => {
    await portal.open('/login');
    // The first stop of the page's tab order (the login page starts with focus in its email field).
    const skip = page.getByRole('link', { name: 'Skip to content', exact: true });
    await skip.focus();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
  });

  test('after a route change focus is on the new page’s heading and the title names it', async ({ page, portal }) => {
    // Logging in is a page load (the login page is a plain form): the route changes come after.
    await portal.logIn(alice);
    await portal.hydrated();
    await portal.mainNav.getByRole('link', { name: 'Change Password', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Change Password', exact: true })).toBeFocused();
    await expect(page).toHaveTitle(/Change Password/);
  });

  test('after Save Changes the confirmation is announced in view and no password stays on the page', async ({
    page,
    portal,
  }) => {
    const next = 'Lw4!bRt8#kQz2$Xn';
    await portal.logIn(grace);
    await portal.open('/account/password');
    await page.setViewportSize({ width: 360, height: 640 });
    const current = page.getByLabel('Current password', { exact: true });
    const show = page.getByRole('button', { name: 'Show', exact: true });
    await current.fill(grace.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password', { exact: true }).fill(next);
    await show.click();
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();

    const banner = page.getByRole('status').filter({ hasText: 'Your password has been changed.' });
    const message = banner.getByText('Your password has been changed.', { exact: true });
    // The button pressed is far below: focus goes up to the confirmation, in view, and the next
    // Tab starts at the top of the form, not back down by the button.
    await expectFocusedInView(message);
    await page.keyboard.press('Tab');
    await expect(current).toBeFocused();
    await expect(current).toHaveValue('');
    await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('Confirm new password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('New password', { exact: true })).toHaveAttribute('type', 'password');

    // Grace's password goes back to what the other tests expect.
    await current.fill(next);
    await page.getByLabel('New password', { exact: true }).fill(grace.password);
    await page.getByLabel('Confirm new password', { exact: true }).fill(grace.password);
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    // Every save, not only the first.
    await expect(current).toHaveValue('');
    await expectFocusedInView(message);
  });

  test('after Forgot? is sent the reply has focus and repeats the address', async ({ page, portal }) => {
    await portal.open('/forgot');
    await page.setViewportSize({ width: 320, height: 640 });
    await emailField(page).fill('nobody@example.com');
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    const reply = page.getByRole('status').filter({ hasText: 'If an account exists for nobody@example.com, ' });
    await expectFocusedInView(reply);
    expect(await focused(page)).toMatch(/^DIV: If an account exists for nobody@example\.com, /);
  });

  test('the address typed on the login page is carried to Forgot?, never in the link', async ({ page, portal }) => {
    // The login page opened directly (its own small module runs it).
    await portal.open('/login');
    await portal.emailField.fill('someone@example.com');
    await page.getByRole('link', { name: 'Forgot?', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/forgot' && url.search === '' && url.hash === '');
    await portal.hydrated();
    await expect(emailField(page)).toHaveValue('someone@example.com');
    // Carried once: a later visit starts empty.
    await portal.open('/forgot');
    await expect(page.getByRole('button', { name: 'Send reset link', exact: true })).toBeVisible();
    await expect(emailField(page)).toHaveValue('');

    // The login page the app shows, after logging out.
    await portal.logIn(alice);
    await portal.hydrated();
    await portal.logOut();
    await portal.emailField.fill('someone.else@example.com');
    await page.getByRole('link', { name: 'Forgot?', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/forgot' && url.search === '');
    await expect(emailField(page)).toHaveValue('someone.else@example.com');
    await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible();
  });

  test('after Sign out on a session the confirmation has focus, never the next session’s button', async ({
    page,
    portal,
    apiSession,
  }) => {
    await portal.logIn(bob);
    await portal.hydrated();
    await portal.signOutEverywhereElse();
    await apiSession(bob);
    await apiSession(bob);
    await portal.reload();
    await expect(portal.otherSessions).toHaveCount(2);
    const first = portal.otherSessions.first();
    const browser = (await first.locator('.session-browser').textContent())!.trim();

    // By keyboard: the row's button, Enter.
    await first.getByRole('button', { name: /^Sign out of / }).focus();
    await page.keyboard.press('Enter');
    const done = page.getByRole('status').getByText(`Signed out the session on ${browser}.`, { exact: true });
    await expectFocusedInView(done);
    await expect(portal.otherSessions).toHaveCount(1);
    // A second Enter ends nothing more.
    await page.keyboard.press('Enter');
    await expect(done).toBeFocused();
    await expect(portal.otherSessions).toHaveCount(1);

    // The button that signs out the rest goes once it has: focus is on what it did.
    await portal.signOutOthersButton.click();
    const all = page.getByRole('status').getByText('1 other session was signed out.', { exact: true });
    await expectFocusedInView(all);
    await expect(portal.sessions).toHaveCount(1);
    await expect(portal.signOutOthersButton).toHaveCount(0);
    await portal.logOut();
  });

  test('switching to a recovery code, and back, puts focus in the field to fill in', async ({ page, portal }) => {
    await portal.open('/login/verify');
    await page.getByRole('link', { name: 'Use a recovery code', exact: true }).click();
    await expect(page.getByLabel('Recovery code', { exact: true })).toBeFocused();
    await page.getByRole('link', { name: 'Use your authenticator app', exact: true }).click();
    await expect(page.getByLabel('Authentication code', { exact: true })).toBeFocused();
  });

  test('a reset link that no longer works: its own title, and focus on what it says', async ({ page, portal }) => {
    await portal.open(`/reset?token=${'A'.repeat(43)}`);
    const heading = page.getByRole('heading', { level: 1, name: 'This link no longer works', exact: true });
    await expectFocusedInView(heading);
    await expect(page).toHaveTitle(/^This link no longer works · /);
  });
});

test.describe('focus without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a page that arrives with its answer has it focused', async ({ page, portal }) => {
    await portal.open(`/reset?token=${'A'.repeat(43)}`);
    await expect(page.getByRole('heading', { level: 1, name: 'This link no longer works', exact: true })).toBeFocused();
    await expect(page).toHaveTitle(/^This link no longer works · /);
  });

  test('a sign-out says what it did, once, with focus on it', async ({ page, portal, apiSession }) => {
    await portal.logIn(bob);
    await portal.signOutEverywhereElse();
    await apiSession(bob);
    await apiSession(bob);
    await portal.reload();
    await expect(portal.otherSessions).toHaveCount(2);

    await portal.otherSessions.first().getByRole('button', { name: /^Sign out of / }).click();
    const one = page.getByRole('status').getByText('The session was signed out.', { exact: true });
    await expect(one).toBeFocused();
    await expect(portal.otherSessions).toHaveCount(1);

    await portal.signOutOthersButton.click();
    await expect(page.getByRole('status').getByText('1 other session was signed out.', { exact: true })).toBeFocused();
    await portal.reload();
    await expect(page.getByText('was signed out')).toHaveCount(0);
    await portal.logOut();
  });
});
