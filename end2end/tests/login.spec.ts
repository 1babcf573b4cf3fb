import type { APIRequestContext } from '@playwright/test';
import { alice, bob } from '../users';
import { expect, failedRequest, test } from './fixtures';

const INCORRECT = 'The email address or password is incorrect.';

/** What /account says to a client holding this session: 200 if signed in, 303 to /login if not. */
async function accountResponse(client: APIRequestContext) {
  const response = await client.get('/account', { maxRedirects: 0 });
  const location = response.headers()['location'];
  return { status: response.status(), redirectPath: location && new URL(location, response.url()).pathname };
}

async function expectSignedIn(client: APIRequestContext) {
  expect(await accountResponse(client)).toEqual({ status: 200, redirectPath: undefined });
}

async function expectSignedOut(client: APIRequestContext) {
  expect(await accountResponse(client)).toEqual({ status: 303, redirectPath: '/login' });
}

test.describe('logging in', () => {
  test('the login page asks for an email address and a password and helps those who forgot it', async ({
    page,
    portal,
  }) => {
    await portal.open('/login');
    await expect(page.getByRole('heading', { level: 1, name: 'Log in', exact: true })).toBeVisible();
    await expect(portal.emailField).toBeVisible();
    await expect(portal.passwordField).toBeVisible();
    await expect(portal.loginButton).toBeVisible();
    await expect(page.getByRole('link', { name: 'Forgot?', exact: true })).toHaveAttribute('href', '/forgot');
  });

  test('a user logs in and sees their account with this session', async ({ page, portal }) => {
    await portal.logIn(alice);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account', exact: true })).toBeVisible();
    await expect(portal.mainNav).toContainText(alice.email);
    await expect(portal.logOutButton).toBeVisible();
    await expect(portal.sessionsSection).toBeVisible();
    await expect(portal.sessions.filter({ hasText: 'This session' })).toHaveCount(1);
  });

  test.describe('refused', () => {
    // The login server function answers a refusal with 401 and bad input with 400, and Chromium
    // logs every such response as a console error.
    test.use({ toleratedConsoleError: failedRequest('/api/login', 400, 401) });

    for (const [mistake, email, password] of [
      ['a wrong password', alice.email, 'not-the-password'],
      ['an unknown email address', 'nobody@example.com', alice.password],
    ]) {
      test(`${mistake} is refused with the same message either way`, async ({ portal }) => {
        await portal.open('/login');
        await portal.submitLogin({ email, password });
        await expect(portal.alert).toContainText(INCORRECT);
        await portal.expectPath('/login');
      });
    }

    for (const [missing, filled, hint] of [
      ['email address', { email: '', password: alice.password }, 'Enter your email address.'],
      ['password', { email: alice.email, password: '' }, 'Enter your password.'],
    ] as const) {
      test(`a missing ${missing} is pointed out and the user stays on the login page`, async ({ page, portal }) => {
        await portal.open('/login');
        await portal.submitLogin(filled);
        await expect(portal.alert.or(page.getByText(hint)).first()).toBeVisible();
        await portal.expectPath('/login');
      });
    }
  });

  test('a visitor who opens their account is asked to log in and is then taken there', async ({ page, portal }) => {
    await page.goto('/account');
    await portal.expectSentToLoginFrom('/account');
    await portal.hydrated();
    await portal.submitLogin(alice);
    await portal.expectPath('/account');
  });

  for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example/']) {
    test(`logging in from a link with next=${next} stays on the portal`, async ({ page, portal, baseURL }) => {
      await portal.open(`/login?next=${encodeURIComponent(next)}`);
      await portal.submitLogin(alice);
      await expect(page).toHaveURL((url) => url.origin === new URL(baseURL!).origin && url.pathname === '/account');
      await expect(page.getByRole('heading', { level: 1, name: 'Your account', exact: true })).toBeVisible();
    });
  }

  test('a user logs in with the keyboard alone', async ({ page, portal }) => {
    await portal.open('/login');
    await portal.emailField.focus();
    await page.keyboard.type(alice.email);
    await page.keyboard.press('Tab');
    await expect(portal.passwordField).toBeFocused();
    await page.keyboard.type(alice.password);
    await page.keyboard.press('Enter');
    await portal.expectPath('/account');
  });
});

test.describe('logging out', () => {
  test('a user logs out and must log in again to see their account', async ({ page, portal }) => {
    await portal.logIn(alice);
    await portal.logOut();
    await page.goto('/account');
    await portal.expectSentToLoginFrom('/account');
  });
});

test.describe('sessions', () => {
  test('a user signs out another session', async ({ portal, apiSession }) => {
    await portal.logIn(bob);
    await portal.signOutEverywhereElse();
    const otherDevice = await apiSession(bob);
    await expectSignedIn(otherDevice);

    await portal.reload();
    await expect(portal.sessions).toHaveCount(2);
    // The button's name may go on to say which session ("Sign out of Chrome (…)").
    await portal.otherSessions.getByRole('button', { name: /^Sign out\b/ }).click();
    await expect(portal.sessions).toHaveCount(1);
    await expect(portal.sessions).toContainText('This session');
    await expectSignedOut(otherDevice);

    await portal.logOut();
  });

  test('a user signs out of all other sessions at once', async ({ portal, apiSession }) => {
    await portal.logIn(bob);
    await portal.signOutEverywhereElse();
    await expect(portal.signOutOthersButton).toBeHidden();
    const otherDevices = [await apiSession(bob), await apiSession(bob)];

    await portal.reload();
    await expect(portal.sessions).toHaveCount(3);
    await portal.signOutOthersButton.click();
    await expect(portal.sessions).toHaveCount(1);
    await expect(portal.sessions).toContainText('This session');
    await expect(portal.signOutOthersButton).toBeHidden();
    for (const device of otherDevices) await expectSignedOut(device);

    await portal.logOut();
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a wrong password is refused', async ({ portal }) => {
    await portal.open('/login');
    await portal.submitLogin({ email: alice.email, password: 'not-the-password' });
    await portal.expectPath('/login');
    await expect(portal.alert).toContainText(INCORRECT);
  });

  test('a user logs in, sees their sessions and logs out', async ({ page, portal }) => {
    await portal.logIn(alice);
    await expect(page.getByRole('heading', { level: 2, name: 'Your sessions', exact: true })).toBeVisible();
    await expect(portal.sessions.filter({ hasText: 'This session' })).toHaveCount(1);
    await portal.logOut();
    await page.goto('/account');
    await portal.expectSentToLoginFrom('/account');
  });
});
