import type { Locator } from '@playwright/test';
import { siteName } from '../portal';
import { alice } from '../users';
import { expect, failedRequest, test } from './fixtures';

// The sign-in page holds still: nothing moves while it hydrates and the captcha verifies.

test('the login page does not shift while it loads and the captcha verifies', async ({ page, portal }) => {
  await page.addInitScript(() => {
    const global = globalThis as any;
    global.__layoutShift = 0;
    new global.PerformanceObserver((list: any) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) global.__layoutShift += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await portal.open('/login');
  await expect(portal.captchaStatus).toHaveText('Verified');
  const shift = await page.evaluate(() => (globalThis as any).__layoutShift);
  expect(shift, 'cumulative layout shift on /login').toBe(0);
});

// The top bar spans the page: the site's name at the left, the navigation at the top right
// ("From the Navigation Bar (at the top-right corner of the page), select Change Password"),
// on every width; neither the name nor the address is cut, and the address's tooltip is the
// address itself.

/** Slack between an edge of the bar's content and the viewport's (the bar's padding). */
const EDGE = 40;

async function box(locator: Locator, what: string) {
  await expect(locator, what).toBeVisible();
  const found = await locator.boundingBox();
  expect(found, `${what} has a box`).not.toBeNull();
  return found!;
}

/** Shown whole: its text fits in its box (no ellipsis, nothing clipped). */
async function expectNotCut(locator: Locator, what: string): Promise<void> {
  await expect(locator, what).toBeVisible();
  const { scroll, client } = await locator.evaluate((element) => ({
    scroll: element.scrollWidth,
    client: element.clientWidth,
  }));
  expect(client, `${what} has a width`).toBeGreaterThan(0);
  expect(scroll, `${what} is not cut (scrollWidth <= clientWidth)`).toBeLessThanOrEqual(client);
}

for (const width of [1280, 1024, 768, 390]) {
  test.describe(`the top bar at ${width} px`, () => {
    test.use({ viewport: { width, height: 800 } });

    test('has the site’s name at the left and the navigation at the top right', async ({ portal }) => {
      await portal.logIn(alice);
      await portal.hydrated();
      const nav = portal.mainNav;
      const name = nav.getByRole('link', { name: siteName, exact: true });
      const navBox = await box(nav, 'the main navigation');
      expect(navBox.x + navBox.width, 'the navigation reaches the right edge').toBeGreaterThanOrEqual(width - 1);

      // What sits rightmost: Log out in the bar, or (a phone, a tablet) the account menu's button.
      const wide = width >= 1024;
      const last = wide ? portal.logOutButton : nav.locator('details > summary');
      const lastBox = await box(last, wide ? 'Log out' : 'the account menu’s button');
      expect(lastBox.x + lastBox.width, 'the navigation ends at the right edge').toBeGreaterThanOrEqual(width - EDGE);
      expect(lastBox.y, 'the navigation is at the top').toBeLessThan(EDGE);
      if (wide) {
        const changePassword = await box(nav.getByRole('link', { name: 'Change Password', exact: true }), 'Change Password');
        expect(changePassword.x, 'Change Password is at the right').toBeGreaterThan(width * 0.4);
        expect(changePassword.y, 'Change Password is at the top').toBeLessThan(EDGE);
      } else {
        await last.click();
        const changePassword = await box(nav.getByRole('link', { name: 'Change Password', exact: true }), 'Change Password');
        expect(changePassword.x + changePassword.width, 'Change Password opens at the right').toBeGreaterThanOrEqual(width - EDGE);
        await last.click();
      }

      const nameBox = await box(name, 'the site’s name');
      expect(nameBox.x, 'the site’s name is at the left edge').toBeLessThanOrEqual(EDGE);
      await expectNotCut(name.getByText(siteName, { exact: true }), 'the site’s name');

      const address = nav.getByTitle(alice.email, { exact: true }).filter({ visible: true });
      await expect(address, 'the address, with itself as its tooltip').toHaveText(alice.email);
      if (width >= 768) await expectNotCut(address, 'the address');
    });
  });
}

// An address where there is nothing: the same top bar as every page, what happened, the way
// home; and the answer says so (404), for the browser and for anything that checks links.

test.describe('the page at an address where there is nothing', () => {
  test.use({ toleratedConsoleError: failedRequest('/no-such-page', 404) });

  test('someone signed out sees the site’s name, a way to log in and the way home', async ({ page, portal }) => {
    const response = await page.goto('/no-such-page');
    expect(response?.status(), 'the answer is 404').toBe(404);
    await portal.hydrated();
    await expect(page).toHaveTitle(`Page not found · ${siteName}`);
    await expect(portal.mainNav.getByRole('link', { name: siteName, exact: true })).toBeVisible();
    await expect(portal.mainNav.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found', exact: true })).toBeVisible();
    await page.getByRole('main').getByRole('link', { name: 'Go to the login page', exact: true }).click();
    await portal.expectPath('/login');
    await expect(portal.loginButton).toBeVisible();
  });

  test('someone signed in sees the account menu, as on their account, and the way back to it', async ({ page, portal }) => {
    await portal.logIn(alice);
    const response = await page.goto('/no-such-page');
    expect(response?.status(), 'the answer is 404').toBe(404);
    await portal.hydrated();
    await expect(portal.mainNav.getByRole('link', { name: siteName, exact: true })).toBeVisible();
    await expect(portal.mainNav.getByTitle(alice.email, { exact: true }).filter({ visible: true })).toHaveText(alice.email);
    await expect(portal.logOutButton).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found', exact: true })).toBeVisible();
    await page.getByRole('main').getByRole('link', { name: 'Go to your account', exact: true }).click();
    await portal.expectPath('/account');
    await expect(portal.sessionsSection).toBeVisible();
  });
});
