import { alice, carol, dave } from '../users';
import { expect, failedRequest, test } from './fixtures';

const CONFIRMATION = 'Your password has been changed.';

test.describe('changing the password', () => {
  // A wrong current password is answered with 400, which Chromium logs as a console error.
  test.use({ toleratedConsoleError: failedRequest('/api/change_password', 400) });

  test('a user watches the checklist tick while typing, generates a password, saves it and logs in with it', async ({
    page,
    portal,
  }) => {
    await portal.logIn(carol);
    await portal.mainNav.getByRole('link', { name: 'Change Password', exact: true }).click();
    await portal.expectPath('/account/password');
    await portal.hydrated();
    await expect(page.getByRole('heading', { level: 1, name: 'Change Password', exact: true })).toBeVisible();

    const newPassword = page.getByLabel('New password', { exact: true });
    const confirm = page.getByLabel('Confirm new password', { exact: true });
    const rules = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem');
    const rule = (text: string) => rules.filter({ hasText: text });

    // Live feedback comes from the page itself: typing sends nothing to the server.
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await newPassword.pressSequentially('abc');
    await expect(rule('lower-case')).toContainText('(met)');
    await expect(rule('upper-case')).toContainText('(not met yet)');
    await expect(rule('12 characters')).toContainText('(not met yet)');
    await newPassword.pressSequentially('DEF!');
    await expect(rule('upper-case')).toContainText('(met)');
    await expect(rule('symbol')).toContainText('(met)');
    // While a rule fails the meter never says more than "Not allowed yet" (it said "Fair").
    await newPassword.fill('Summer2024!');
    await expect(rule('dictionary')).toContainText('(not met yet)');
    await expect(page.locator('.strength-label')).toHaveText(/^(Not allowed yet|Very weak)$/);
    expect(Number(await page.locator('.strength-meter meter').getAttribute('value'))).toBeLessThanOrEqual(1);
    expect(requests.filter((url) => url.includes('/api/')), 'no server call while typing').toEqual([]);

    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect(page.getByText('Generated:')).toBeVisible();
    const generated = await newPassword.inputValue();
    expect(generated).toHaveLength(16);
    expect(generated, 'no look-alike characters by default').not.toMatch(/[Il1|O0o]/);
    await expect(confirm).toHaveValue(generated);
    await expect(page.getByText(generated, { exact: true })).toBeVisible();
    await expect(rules.filter({ hasText: '(not met yet)' })).toHaveCount(0);
    await expect(page.getByText('The passwords match.')).toBeVisible();

    await page.getByLabel('Current password', { exact: true }).fill('Not-the-current-1!');
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    await expect(portal.alert).toContainText('Your current password is incorrect.');

    await page.getByLabel('Current password', { exact: true }).fill(carol.password);
    await newPassword.fill(generated);
    await confirm.fill(generated);
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: CONFIRMATION })).toBeVisible();
    await page.reload();
    await expect(page.getByText(CONFIRMATION), 'said once: a reload does not repeat it').toHaveCount(0);

    await portal.logOut();
    await portal.open('/login');
    await portal.submitLogin({ email: carol.email, password: generated });
    await portal.expectPath('/account');
  });

  test('what a person types before the page is ready is kept and checked', async ({ page, portal }) => {
    await portal.logIn(alice);
    // A slow line: the page's own chunk arrives only after the person has typed.
    let release!: () => void;
    const typed = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    await page.route(/\/split___change_password_[^/]*\.wasm$/, async (route) => {
      held = true;
      await typed;
      await route.continue();
    });
    await page.goto('/account/password');
    await expect.poll(() => held, { message: "the page's chunk was asked for" }).toBe(true);
    await page.getByLabel('New password', { exact: true }).fill('password');
    await page.getByLabel('Confirm new password', { exact: true }).fill('password');
    release();

    await portal.hydrated();
    await expect(page.getByLabel('New password', { exact: true })).toHaveValue('password');
    await expect(page.getByLabel('Confirm new password', { exact: true })).toHaveValue('password');
    const words = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem').filter({ hasText: 'dictionary words' });
    await expect(words).toContainText("contains the word 'password'");
  });

  test('a long password is checked off the page, by the same rules, once typing pauses', async ({ page, portal }) => {
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
    await portal.logIn(alice);
    await portal.open('/account/password');
    const rules = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem');
    const words = rules.filter({ hasText: 'dictionary words' });

    // Over 20 characters: checked once typing pauses, in the strength worker (as all checks are).
    await page.getByLabel('New password', { exact: true }).fill('Qx7#Lm2!Vz9@Kp4$Rt6%Summer-Winter');
    await expect(words).toContainText("contains the words 'summer', 'winter'");
    await expect(words).toContainText('(not met yet)');
    await page.getByLabel('New password', { exact: true }).fill('Qx7#Lm2!Vz9@Kp4$Rt6%Bw3^Hn8&Jc5*');
    await expect(rules.filter({ hasText: '(not met yet)' })).toHaveCount(0);
    expect(workers.filter((url) => /^\/js\/strength-worker\.[0-9a-f]{16}\.js$/.test(url))).toHaveLength(1);
  });

  test('the generator options are a tidy group of small checkboxes, look-alikes left out by default', async ({
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    await portal.open('/account/password');
    await page.getByText('Generator options', { exact: true }).click();
    const group = page.getByRole('group', { name: 'Characters to use' });
    await expect(group).toBeVisible();
    await expect(group.getByRole('checkbox', { name: 'Upper-case letters (required)' })).toBeChecked();
    await expect(group.getByRole('checkbox', { name: 'Upper-case letters (required)' })).toBeDisabled();
    await expect(group.getByRole('checkbox', { name: /Avoid look-alike characters/ })).toBeChecked();
    for (const box of await group.getByRole('checkbox').all()) {
      const size = await box.boundingBox();
      expect(size!.height, 'a checkbox, not a text field').toBeLessThan(30);
    }
  });

  test('one length rule everywhere: nothing is ticked before typing, and a too-long paste is not met', async ({
    page,
    portal,
  }) => {
    await portal.logIn(alice);
    await portal.open('/account/password');
    const rules = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem');
    await expect(rules.first()).toBeVisible();
    await expect(rules.filter({ hasText: '(met)' })).toHaveCount(0);

    await page.getByLabel('New password', { exact: true }).fill(`Qx7#Lm2!Vz9@Kp4$${'Rt6%Bw3^'.repeat(190)}`);
    const longest = rules.filter({ hasText: 'At most 1024 characters' });
    await expect(longest).toContainText('(not met yet)');
  });
});

test.describe('changing the password without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a user changes the password with plain forms and sees the confirmation', async ({ page, portal }) => {
    const next = 'Yd5@kRw9!sLm3#xF';
    await portal.logIn(dave);
    await page.goto('/account/password');
    // Controls that need JavaScript are not offered without it.
    for (const name of ['Show', 'Generate']) {
      await expect(page.getByRole('button', { name, exact: true })).toBeHidden();
    }
    await expect(page.getByText('Generator options')).toBeHidden();
    await page.getByLabel('Current password', { exact: true }).fill('wrong-password');
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password', { exact: true }).fill(next);
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    await expect(portal.alert).toContainText('Your current password is incorrect.');

    await page.getByLabel('Current password', { exact: true }).fill(dave.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password', { exact: true }).fill(next);
    await page.getByRole('button', { name: 'Save Changes', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: CONFIRMATION })).toBeVisible();
    await page.reload();
    await expect(page.getByText(CONFIRMATION), 'said once: a reload does not repeat it').toHaveCount(0);

    await portal.logOut();
    await portal.submitLogin({ email: dave.email, password: next });
    await portal.expectPath('/account');
  });
});
