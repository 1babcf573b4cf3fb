import type { Page, Route } from '@playwright/test';
import { alice, bob } from '../users';
import { expect, test } from './fixtures';

// The password checklist answers the first keystroke by itself: length, case and symbols are
// the page's own checks (the policy code the server runs, without the dictionaries), and the
// dictionary line says it is checking until the strength worker, whose module is the large part
// of a first visit, has answered. Without JavaScript the rules are plain hints.

const STRENGTH_MODULE = /\/strength\/pkg\/strength[^/]*\.wasm$/;

/** Holds the strength worker's module (the page's preload and the worker's own fetch) until released. */
async function holdStrengthModule(page: Page): Promise<{ release: () => void; asked: () => boolean }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked = false;
  await page.context().route(STRENGTH_MODULE, async (route: Route) => {
    asked = true;
    await released;
    await route.continue();
  });
  return { release, asked: () => asked };
}

function checklist(page: Page) {
  const rules = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem');
  return { rules, rule: (text: string) => rules.filter({ hasText: text }) };
}

test.describe('the first keystroke', () => {
  test('length, case and symbols tick at once while the dictionary is being checked, then its verdict arrives', async ({
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    const held = await holdStrengthModule(page);
    await portal.open('/account/password');
    await expect.poll(held.asked, { message: 'the page fetches the strength module by itself' }).toBe(true);
    const { rules, rule } = checklist(page);

    await page.getByLabel('New password', { exact: true }).pressSequentially('Summer2024!');
    // No worker has answered (its module is held back): these come from the page.
    await expect(rule('upper-case')).toContainText('(met)');
    await expect(rule('lower-case')).toContainText('(met)');
    await expect(rule('symbol')).toContainText('(met)');
    await expect(rule('12 characters')).toContainText('(not met yet)');
    await expect(rule('Checking for common words…')).toContainText('(checking)');
    await expect(rule('Hard to guess')).toContainText('(checking)');
    await expect(page.locator('.strength-label')).toHaveText('Not allowed yet');
    await expect(rules.filter({ hasText: 'dictionary words' })).toHaveCount(0);

    held.release();
    const words = rule('dictionary words');
    await expect(words).toContainText("No dictionary words (contains the word 'summer')");
    await expect(words).toContainText('(not met yet)');
    await expect(rule('Checking for common words…')).toHaveCount(0);
    await expect(rule('upper-case'), 'the worker agrees with the page').toContainText('(met)');
  });

  test('a strong password: every rule the page knows is met, and the worker then meets the rest', async ({
    page,
    portal,
  }) => {
    await portal.logIn(bob);
    const held = await holdStrengthModule(page);
    await portal.open('/account/password');
    const { rules, rule } = checklist(page);
    await page.getByLabel('New password', { exact: true }).pressSequentially('Kp8#Zq!vW3xL');
    await expect(rules.filter({ hasText: '(met)' })).toHaveCount(4);
    await expect(rules.filter({ hasText: '(not met yet)' })).toHaveCount(0);
    await expect(page.locator('.strength-label'), 'nothing known to fail yet').toHaveText('Checking…');
    held.release();
    await expect(rule('No dictionary words or names')).toContainText('(met)');
    await expect(rules.filter({ hasText: '(met)' })).toHaveCount(6);
    await expect(page.locator('.strength-label')).toHaveText('Very strong');
  });

  test('a password page fetches the strength worker’s files once the app’s own module is in; other pages do not', async ({
    browser,
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    // The same session with an empty cache: a first visit to the app.
    const fresh = await browser.newContext({ storageState: await page.context().storageState() });
    const visit = await fresh.newPage();
    const order: string[] = [];
    visit.on('request', (request) => {
      if (STRENGTH_MODULE.test(request.url())) order.push('strength module asked for');
    });
    visit.on('requestfinished', (request) => {
      if (/\/portal[^/]*\.wasm$/.test(request.url())) order.push('app module in');
    });
    const preloads = () =>
      visit.locator('head link[rel="preload"]').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    await visit.goto('/account/password');
    await expect(visit.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const here = await preloads();
    expect(here.filter((href) => STRENGTH_MODULE.test(href)), 'the module').toHaveLength(1);
    expect(here.filter((href) => /^\/js\/strength-worker\.[0-9a-f]+\.js$/.test(href)), "the worker's script").toHaveLength(1);
    await expect.poll(() => order.includes('strength module asked for')).toBe(true);
    // The app's module first, so that the checks the page makes itself are not held up.
    expect(order[0], order.join(', ')).toBe('app module in');
    await visit.goto('/account');
    await expect(visit.locator('html')).toHaveAttribute('data-hydrated', 'true');
    expect((await preloads()).filter((href) => href.includes('strength')), 'not on /account').toEqual([]);
    await fresh.close();
  });

  test('nothing moves when the dictionary verdict arrives after the person has typed', async ({ page, portal }) => {
    await portal.logIn(alice);
    const held = await holdStrengthModule(page);
    await portal.open('/account/password');
    const { rule } = checklist(page);
    await page.getByLabel('New password', { exact: true }).pressSequentially('Summer2024!');
    await expect(rule('Checking for common words…')).toBeVisible();
    // From here on the person does nothing: any shift is the page's own.
    const save = page.getByRole('button', { name: 'Save Changes', exact: true });
    const before = await save.boundingBox();
    await page.evaluate(() => {
      const global = globalThis as any;
      global.__shift = 0;
      new global.PerformanceObserver((list: any) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) global.__shift += entry.value;
      }).observe({ type: 'layout-shift' });
    });
    held.release();
    await expect(rule('dictionary words')).toContainText("contains the word 'summer'");
    await expect(page.locator('.strength-advice')).not.toBeEmpty();
    expect(await save.boundingBox(), '"Save Changes" stays where it was').toEqual(before);
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const global = globalThis as any;
          global.requestAnimationFrame(() => setTimeout(() => resolve(global.__shift), 0));
        }),
    );
    expect(shift, 'layout shift after the verdict arrived').toBe(0);
  });
});

test.describe('the generator', () => {
  test('changing an option makes a new password with it, and a length out of range is explained', async ({
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    await portal.open('/account/password');
    const newPassword = page.getByLabel('New password', { exact: true });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(page.getByText('Generated:')).toBeVisible();
    const first = await newPassword.inputValue();
    expect(first).toHaveLength(16);

    await page.getByText('Generator options', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Fewer symbols (easier to type on a phone)' }).check();
    await expect(newPassword, 'a new password, without pressing Generate again').not.toHaveValue(first);
    const fewer = await newPassword.inputValue();
    expect(fewer).toHaveLength(16);
    expect(fewer.replace(/[A-Za-z0-9]/g, ''), 'one symbol').toHaveLength(1);
    await expect(page.getByLabel('Confirm new password', { exact: true })).toHaveValue(fewer);

    const length = page.getByRole('spinbutton', { name: 'Length' });
    await length.fill('8');
    await length.press('Tab');
    await expect(page.getByRole('status').filter({ hasText: 'The generator makes passwords of 12 to 64 characters, so it used 12.' })).toBeVisible();
    await expect(length).toHaveValue('12');
    await expect(newPassword).toHaveValue(/^.{12}$/);

    await length.fill('100');
    await length.press('Tab');
    await expect(page.getByText('The generator makes passwords of 12 to 64 characters, so it used 64.')).toBeVisible();
    await expect(newPassword).toHaveValue(/^.{64}$/);

    await length.fill('20');
    await length.press('Tab');
    await expect(newPassword).toHaveValue(/^.{20}$/);
    await expect(page.getByText('The generator makes passwords of')).toHaveCount(0);
    const { rules } = checklist(page);
    await expect(rules.filter({ hasText: '(met)' }), 'what it makes meets every rule').toHaveCount(6);
  });

  test('what a person typed is not replaced when they look at the options', async ({ page, portal }) => {
    await portal.logIn(alice);
    await portal.open('/account/password');
    const newPassword = page.getByLabel('New password', { exact: true });
    await newPassword.fill('my own Passphrase 9!');
    await page.getByText('Generator options', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Fewer symbols (easier to type on a phone)' }).check();
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const generated = await newPassword.inputValue();
    expect(generated).not.toBe('my own Passphrase 9!');
    expect(generated.replace(/[A-Za-z0-9]/g, ''), 'the option applies to Generate').toHaveLength(1);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the rules are plain hints: no marks, no meter, no buttons that would do nothing', async ({ page, portal }) => {
    await portal.logIn(bob);
    await portal.open('/account/password');
    const { rules } = checklist(page);
    // A bullet and the rule, nothing more.
    await expect(rules).toHaveText([
      /^•At least 12 characters\s*$/,
      /^•An upper-case letter\s*$/,
      /^•A lower-case letter\s*$/,
      /^•A symbol, such as ! or #\s*$/,
      /^•No dictionary words or names\s*$/,
      /^•Hard to guess\s*$/,
    ]);
    await expect(rules.filter({ hasText: /met|checking/ })).toHaveCount(0);
    await expect(page.getByText(/[✓○◌]/)).toHaveCount(0);
    await expect(page.locator('meter')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Show', exact: true })).toBeHidden();
    await expect(page.getByText('Generator options', { exact: true })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Save Changes', exact: true })).toBeVisible();
  });
});
