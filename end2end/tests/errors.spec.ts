import { linkIn, mailSeen, waitForMail } from '../mail';
import { alice, judy } from '../users';
import { expect, failedRequest, test } from './fixtures';

// A refused form, the GOV.UK way: a summary at the top that takes focus and links to each field.

test.describe('a refused form says what is wrong and leads to it', () => {
  test.use({ toleratedConsoleError: failedRequest('/api/login', 400) });

  test('focus lands on the error summary, and its links move focus to the fields', async ({ page, portal }) => {
    await portal.open('/login');
    await portal.loginButton.click();

    const summary = page.getByRole('alert');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('heading', { name: 'There is a problem', exact: true })).toBeVisible();
    await expect(summary.getByRole('link')).toHaveText(['Enter your email address.', 'Enter your password.']);
    await page.keyboard.press('Tab');
    await expect(summary.getByRole('link', { name: 'Enter your email address.', exact: true })).toBeFocused();

    await summary.getByRole('link', { name: 'Enter your password.', exact: true }).click();
    await expect(portal.passwordField).toBeFocused();
    await expect(portal.passwordField).toHaveAttribute('aria-invalid', 'true');
    await expect(portal.passwordField).toHaveAttribute('aria-describedby', 'field-password-error');
    await expect(page.locator('#field-password-error')).toHaveText('Enter your password.');
    await expect(portal.loginButton).toBeEnabled();
  });
});

test.describe('Change Password refused', () => {
  test.use({ toleratedConsoleError: failedRequest('/api/change_password', 400) });

  test('a wrong current password is said on the first try, with what the new one lacks', async ({ page, portal }) => {
    await portal.logIn(alice);
    await page.goto('/account/password');
    await portal.hydrated();
    await page.getByLabel('Current password', { exact: true }).fill('Not-the-password-1!');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Confirm new password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();

    const summary = page.getByRole('alert');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link', { name: 'Your current password is incorrect.', exact: true })).toBeVisible();
    await expect(summary.getByRole('link', { name: 'Use at least 12 characters.', exact: true })).toBeVisible();
  });
});

test.describe('a form posted before the page came alive', () => {
  test('comes back refused, keeps its message through hydration and drops it on leaving', async ({ page, portal }) => {
    await portal.logIn(alice);
    // The first page's module is held back (never answered), so its form posts the way a form
    // without JavaScript does; the page it comes back to loads as usual.
    let holding = true;
    await page.route(/\/pkg\/.*portal\.wasm$/, async (route) => {
      if (!holding) await route.continue();
    });
    await page.goto('/account/password');
    await page.getByLabel('Current password', { exact: true }).fill('Not-the-password-1!');
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', 'true');
    holding = false;
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();

    const summary = page.getByRole('alert');
    await expect(summary).toContainText('Your current password is incorrect.');
    await portal.hydrated();
    await expect(summary).toContainText('Your current password is incorrect.');
    await expect(page).toHaveTitle(/^Error: Change Password/);
    expect(new URL(page.url()).search).toBe('');

    await page.getByRole('link', { name: 'Security Settings', exact: true }).first().click();
    await portal.expectPath('/account/security');
    await page.getByRole('link', { name: 'Change Password', exact: true }).first().click();
    await portal.expectPath('/account/password');
    await expect(page.getByRole('heading', { level: 1, name: 'Change Password', exact: true })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page).toHaveTitle(/^Change Password/);
  });
});

test.describe('a refused form without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('comes back with its summary focused and its links leading to the fields', async ({ page, portal }) => {
    await portal.open('/login');
    await portal.loginButton.click();

    const summary = page.getByRole('alert');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link', { name: 'Enter your email address.', exact: true })).toHaveAttribute(
      'href',
      '#field-email',
    );
  });
});

test.describe('a mistake on the reset form without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  // /reset is sent with Referrer-Policy: no-referrer, so its post names no page to come back to.
  test('comes back to /reset with its message, once, and nothing in the address', async ({ page, portal, baseURL }) => {
    await portal.open('/forgot');
    const seen = await mailSeen();
    await page.getByLabel('Email address', { exact: true }).fill(judy.email);
    await portal.answerCaptcha();
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    const mail = await waitForMail({ to: judy.email, subject: 'Reset your password', seen });
    await portal.open(linkIn(mail, `${baseURL}/reset?token=`));
    const atReset = (url: URL) => url.pathname === '/reset' && url.search === '';
    await expect(page).toHaveURL(atReset);

    await page.getByLabel('New password', { exact: true }).fill('Xk4#rTq9!mWz2@vB');
    await page.getByLabel('Confirm new password', { exact: true }).fill('Xk4#rTq9!mWz2@vC');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();

    await expect(page).toHaveURL(atReset);
    const summary = page.getByRole('alert');
    await expect(summary).toBeFocused();
    await expect(summary).toContainText('The two new passwords do not match.');
    await expect(page).toHaveTitle(/^Error: Set a new password/);

    await portal.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Set a new password', exact: true })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page).toHaveTitle(/^Set a new password/);

    await page.getByLabel('New password', { exact: true }).fill('password');
    await page.getByLabel('Confirm new password', { exact: true }).fill('password');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();
    await expect(page).toHaveURL(atReset);
    await expect(page.getByRole('alert')).toContainText('There is a problem');
  });
});
