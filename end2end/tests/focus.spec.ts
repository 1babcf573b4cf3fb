import { alice, grace } from '../users';
import { expect, test } from './fixtures';

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
    await expect(banner).toBeInViewport();
    await expect(current).toHaveValue('');
    await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('Confirm new password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('New password', { exact: true })).toHaveAttribute('type', 'password');

    // Grace's password goes back to what the other tests expect.
    await current.fill(next);
    await page.getByLabel('New password', { exact: true }).fill(grace.password);
    await page.getByLabel('Confirm new password', { exact: true }).fill(grace.password);
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    await expect(banner).toBeInViewport();
  });
});
