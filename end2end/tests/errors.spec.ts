import { alice } from '../users';
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
