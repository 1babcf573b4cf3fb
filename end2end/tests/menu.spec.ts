import type { Page } from '@playwright/test';
import { alice } from '../users';
import { expect, test } from './fixtures';

// The top bar on a 320 px phone: one row, the account menu behind the email address, nothing
// wider than the screen; it opens without JavaScript too.

async function expectNothingWiderThanTheScreen(page: Page): Promise<void> {
  const widths = await page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(widths.scroll, 'no horizontal scrolling').toBeLessThanOrEqual(widths.client);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the account menu at 320 px${javaScriptEnabled ? '' : ' without JavaScript'}`, () => {
    test.use({ javaScriptEnabled, viewport: { width: 320, height: 640 } });

    test('folds behind the email address and opens to Change Password and Log out', async ({ page, portal }) => {
      await portal.logIn(alice);
      const menu = portal.mainNav.locator('details');
      const button = menu.locator('summary');
      await expect(button).toBeVisible();
      await expect(button).toContainText(alice.email);
      await expectNothingWiderThanTheScreen(page);
      const changePassword = portal.mainNav.getByRole('link', { name: 'Change Password', exact: true });
      await expect(changePassword).toBeHidden();

      await button.click();
      await expect(portal.logOutButton).toBeVisible();
      await expectNothingWiderThanTheScreen(page);
      await changePassword.click();
      await portal.expectPath('/account/password');
    });
  });
}
