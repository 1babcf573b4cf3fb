import type { Page, Request, Route } from '@playwright/test';
import { alice } from '../users';
import { expect, failedRequest, test } from './fixtures';

// A fresh machine, a slow line: the page's code and the strength worker's module (zxcvbn, the
// biggest file a password page loads) arrive while the person is already pressing Save Changes.
// What arrives must not move the button from under the press: a release beside the button is
// no click, and nothing would be sent.

/** Holds the requests matching `url` until `release()`; `held` lists them as they come. */
async function holdBack(page: Page, url: string | RegExp) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const held: string[] = [];
  const hold = async (route: Route) => {
    held.push(new URL(route.request().url()).pathname);
    await released;
    // The page may have moved on (the test ended) by the time it is let through.
    await route.continue().catch(() => {});
  };
  await page.context().route(url, hold);
  return { held, release };
}

const isChangePassword = (request: Request) => new URL(request.url()).pathname === '/api/change_password';

/** Presses the mouse button on `name`'s button and keeps it down, as a person mid-press. */
async function pressAndHold(page: Page, name: string) {
  const button = page.getByRole('button', { name, exact: true });
  await button.scrollIntoViewIfNeeded();
  const box = await button.boundingBox();
  expect(box, `the ${name} button is on the page`).not.toBeNull();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  await page.mouse.down();
}

test.describe('a press while the page is still getting ready', () => {
  test.use({ toleratedConsoleError: failedRequest('/api/change_password', 400) });

  test('Save Changes pressed as the page becomes interactive is sent, and its refusal shown', async ({
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    const chunk = await holdBack(page, /\/split___change_password_[^/]*\.wasm$/);
    const worker = await holdBack(page, '**/strength/pkg/**');
    try {
      await page.goto('/account/password');
      await expect.poll(() => chunk.held.length, { message: "the page's chunk was asked for" }).toBeGreaterThan(0);
      await page.getByLabel('Current password', { exact: true }).fill('Not-the-password-1!');
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('Confirm new password', { exact: true }).fill('shorter');
      await pressAndHold(page, 'Save Changes');

      // The page's code arrives and runs (the strength worker's module, asked for as soon as the
      // app's own module arrived, stays held).
      chunk.release();
      await portal.hydrated();
      expect(worker.held.length, 'the strength module was asked for').toBeGreaterThan(0);
      const sent = page.waitForRequest(isChangePassword, { timeout: 10_000 });
      await page.mouse.up();
      expect((await sent).isNavigationRequest(), 'sent by the page, which shows the answer in place').toBe(false);

      const summary = page.getByRole('alert');
      await expect(summary).toBeFocused();
      await expect(summary.getByRole('link', { name: 'Your current password is incorrect.', exact: true })).toBeVisible();
      // What needs JavaScript came once the press was over.
      await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeVisible();
    } finally {
      chunk.release();
      worker.release();
    }
  });

  test('Save Changes pressed as the strength check arrives is sent', async ({ page, portal }) => {
    await portal.logIn(alice);
    const worker = await holdBack(page, '**/strength/pkg/**');
    try {
      await portal.open('/account/password');
      await expect.poll(() => worker.held.length, { message: 'the page started its strength worker' }).toBeGreaterThan(0);
      await page.getByLabel('Current password', { exact: true }).fill('Not-the-password-1!');
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('Confirm new password', { exact: true }).fill('shorter');
      await pressAndHold(page, 'Save Changes');

      // The worker's module arrives and it answers ("short" has lower-case letters): screen
      // readers hear the verdict at once.
      worker.release();
      await expect(page.locator('#new_password-feedback [aria-live]')).toHaveText(/\b1 of \d+ requirements met/);
      await page.evaluate(() => new Promise((drawn) => (globalThis as any).requestAnimationFrame(drawn)));
      const sent = page.waitForRequest(isChangePassword, { timeout: 10_000 });
      await page.mouse.up();
      await sent;

      await expect(page.getByRole('alert')).toBeFocused();
      const rules = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem');
      await expect(rules.filter({ hasText: '12 characters' })).toContainText('(not met yet)');
    } finally {
      worker.release();
    }
  });
});
