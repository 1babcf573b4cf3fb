import { siteName } from '../portal';
import { alice } from '../users';
import { expect, failedRequest, test } from './fixtures';

const nobody = 'nobody-here@example.com';

test.describe("the operator's name and logo", () => {
  test('stand above the sign-in card and in every title, also after moving between pages', async ({
    page,
    portal,
  }) => {
    await portal.open('/login');
    const home = page.getByRole('banner').getByRole('link', { name: siteName, exact: true });
    await expect(home).toBeVisible();
    const logo = home.locator('img');
    await expect(logo).toHaveAttribute('alt', '');
    await expect.poll(() => logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expect(page).toHaveTitle(`Log in · ${siteName}`);

    // Moved to by the page's own code, not loaded from the server.
    await page.getByRole('link', { name: 'Forgot?', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible();
    await expect(page).toHaveTitle(`Forgot your password? · ${siteName}`);
    await expect(home).toBeVisible();
  });
});

test.describe('session times', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test("are in the viewer's time zone and say how long ago", async ({ page, portal }) => {
    await portal.logIn(alice);
    const current = portal.sessions.filter({ hasText: 'This session' });
    const signedIn = current.locator('time').first();
    await expect(signedIn).toHaveText(/GMT\+9 \((just now|\d+ minutes? ago)\)$/);
    await expect(signedIn).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expect(page.getByRole('main')).not.toContainText('UTC');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, timezoneId: 'Asia/Tokyo' });

  test('session times say their zone', async ({ portal }) => {
    await portal.logIn(alice);
    const current = portal.sessions.filter({ hasText: 'This session' });
    await expect(current.locator('time').first()).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  test.describe('a refused login', () => {
    test.use({ toleratedConsoleError: failedRequest('/api/login', 400, 401) });

    test('keeps the email address filled in, and nothing piles up in the address', async ({ page, portal }) => {
      await portal.open('/login');
      // An address with no account: a wrong password for a real one would slow its next logins.
      await portal.emailField.fill(nobody);
      await portal.passwordField.fill('not-the-password');
      await portal.answerCaptcha();
      await portal.loginButton.click();
      await expect(page.getByRole('alert')).toBeFocused();
      await expect(portal.emailField).toHaveValue(nobody);
      await expect(portal.passwordField).toHaveValue('');

      await portal.passwordField.fill('still-not-it');
      await portal.answerCaptcha();
      await portal.loginButton.click();
      await expect(portal.emailField).toHaveValue(nobody);
      // The refusal travels in a one-time cookie: the address stays the form's own.
      expect(new URL(page.url()).search).toBe('');
    });
  });
});
