import { expect, test } from './fixtures';

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
