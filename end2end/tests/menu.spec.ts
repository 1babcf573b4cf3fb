import type { Locator, Page } from '@playwright/test';
import { siteName } from '../portal';
import { alice } from '../users';
import { expect, Portal, test } from './fixtures';

// The account menu on a phone: one row, the menu folded behind the email address (a <details>,
// so it opens without JavaScript too), nothing wider than the screen; with JavaScript it closes
// as a menu does: once an item is chosen, on Escape (focus back on its button) and on a tap
// elsewhere, so it never stays open over the next page.

async function expectNothingWiderThanTheScreen(page: Page): Promise<void> {
  const widths = await page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(widths.scroll, 'no horizontal scrolling').toBeLessThanOrEqual(widths.client);
}

/** The folded menu and its button (a <summary>: it has no ARIA role of its own). */
function accountMenu(portal: Portal): { menu: Locator; button: Locator } {
  const menu = portal.mainNav.locator('details');
  return { menu, button: menu.locator('summary') };
}

function menuLink(portal: Portal, name: string): Locator {
  return portal.mainNav.getByRole('link', { name, exact: true });
}

async function expectClosed(portal: Portal): Promise<void> {
  const { menu } = accountMenu(portal);
  await expect(menu, 'the account menu is closed').not.toHaveAttribute('open');
  await expect(portal.logOutButton, 'the menu’s items are out of sight').toBeHidden();
}

/** Nothing lies over the middle of `target` (the menu's panel would). */
async function expectUncovered(target: Locator, what: string): Promise<void> {
  await expect(target).toBeVisible();
  const onTop = await target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = (globalThis as any).document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return element.contains(hit) ? 'itself' : `<${hit?.tagName.toLowerCase()} class="${hit?.className}">`;
  });
  expect(onTop, `${what} is not covered`).toBe('itself');
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the account menu at 320 px${javaScriptEnabled ? '' : ' without JavaScript'}`, () => {
    test.use({ javaScriptEnabled, viewport: { width: 320, height: 640 } });

    test('folds behind the email address and opens to Change Password and Log out', async ({ page, portal }) => {
      await portal.logIn(alice);
      const { button } = accountMenu(portal);
      await expect(button).toBeVisible();
      await expect(button).toContainText(alice.email);
      await expectNothingWiderThanTheScreen(page);
      const changePassword = menuLink(portal, 'Change Password');
      await expect(changePassword).toBeHidden();

      await button.click();
      await expect(portal.logOutButton).toBeVisible();
      await expectNothingWiderThanTheScreen(page);
      await changePassword.click();
      await portal.expectPath('/account/password');
      await expect(page.getByRole('heading', { level: 1, name: 'Change Password', exact: true })).toBeVisible();
    });
  });
}

test.describe('the account menu on a phone (390 px, touch)', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

  test.beforeEach(async ({ portal }) => {
    await portal.logIn(alice);
    await portal.hydrated();
  });

  test('closes once an item is chosen, so the next page shows whole', async ({ page, portal }) => {
    const { menu, button } = accountMenu(portal);

    await button.tap();
    await expect(menu).toHaveAttribute('open');
    await menuLink(portal, 'Security Settings').tap();
    await portal.expectPath('/account/security');
    await expectClosed(portal);
    await expectUncovered(page.getByRole('heading', { level: 1, name: 'Security Settings', exact: true }), 'the heading');

    await button.tap();
    await expect(menu).toHaveAttribute('open');
    await menuLink(portal, 'Change Password').tap();
    await portal.expectPath('/account/password');
    await expectClosed(portal);
    await expectUncovered(page.getByRole('heading', { level: 1, name: 'Change Password', exact: true }), 'the heading');
  });

  test('Tab reaches its button; Escape closes it and gives focus back to the button', async ({ page, portal }) => {
    const { menu, button } = accountMenu(portal);
    await portal.mainNav.getByRole('link', { name: siteName, exact: true }).focus();
    await page.keyboard.press('Tab');
    await expect(button).toBeFocused();

    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('open');
    await page.keyboard.press('Tab');
    await expect(menuLink(portal, 'Change Password')).toBeFocused();
    await page.keyboard.press('Escape');
    await expectClosed(portal);
    await expect(button).toBeFocused();

    // Opened by a tap, too.
    await button.tap();
    await expect(menu).toHaveAttribute('open');
    await page.keyboard.press('Escape');
    await expectClosed(portal);
    await expect(button).toBeFocused();
  });

  test('a tap outside it closes it', async ({ page, portal }) => {
    const { menu, button } = accountMenu(portal);
    await button.tap();
    await expect(menu).toHaveAttribute('open');
    await page.getByRole('heading', { level: 1, name: 'Your account', exact: true }).tap({ position: { x: 4, y: 4 } });
    await expectClosed(portal);
    await expect(portal.page).toHaveURL((url) => url.pathname === '/account');
  });
});
