import { alice } from '../users';
import { expectNoViolations } from '../axe';
import { expect, failedRequest, test } from './fixtures';

// axe-core on every page and state the suite reaches: 0 violations (see ../axe.ts).

test.describe('no accessibility violations (axe-core)', () => {
  test.use({
    bypassCSP: true,
    toleratedConsoleError: failedRequest('/api/login', 400),
  });

  test('the sign-in pages, fresh and refused', async ({ page, portal }) => {
    await portal.open('/login');
    await expectNoViolations(page, '/login');
    await portal.loginButton.click();
    await expect(page.getByRole('alert')).toBeFocused();
    await expectNoViolations(page, '/login with the error summary');
    await portal.open('/forgot');
    await expectNoViolations(page, '/forgot');
    await portal.open('/reset');
    await expectNoViolations(page, '/reset, a link that no longer works');
  });

  test('the account pages', async ({ page, portal }) => {
    await portal.logIn(alice);
    await expectNoViolations(page, '/account');
    await portal.open('/account/password');
    await expectNoViolations(page, '/account/password');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await expect(page.getByRole('list', { name: 'Password requirements' })).toBeVisible();
    await expectNoViolations(page, '/account/password while typing');
  });
});

test.describe('no accessibility violations (axe-core) where nothing is found', () => {
  test.use({ bypassCSP: true, toleratedConsoleError: failedRequest('/no-such-page', 404) });

  test('the not-found page', async ({ page, portal }) => {
    await portal.open('/no-such-page');
    await expectNoViolations(page, 'the not-found page');
  });

  test('the not-found page, signed in', async ({ page, portal }) => {
    await portal.logIn(alice);
    await portal.open('/no-such-page');
    await expect(portal.logOutButton).toBeVisible();
    await expectNoViolations(page, 'the not-found page, signed in');
  });
});
