import { alice } from '../users';
import { expectNoViolations } from '../axe';
import { expect, failedRequest, pictureText, test } from './fixtures';

const INCORRECT = 'The email address or password is incorrect.';
const SENT =
  'If an account exists for nobody@example.com, we have emailed it a link to choose a new password. The link is valid for 2 hours.';

test.describe('the captcha with JavaScript', () => {
  test('the login page verifies the visitor by itself and says so', async ({ portal }) => {
    await portal.open('/login');
    await expect(portal.captchaStatus).toHaveText('Verified');
    await expect(portal.captchaPicture).toBeHidden();
    await portal.submitLogin(alice);
    await portal.expectPath('/account');
    await portal.logOut();
  });

  test.describe('after a wrong password', () => {
    test.use({ toleratedConsoleError: failedRequest('/api/login', 401) });

    test('the spent check is done again before the next try', async ({ portal }) => {
      await portal.open('/login');
      await portal.submitLogin({ email: alice.email, password: 'not-the-password' });
      await expect(portal.alert).toContainText(INCORRECT);
      await expect(portal.captchaStatus).toHaveText('Verified');
      await portal.passwordField.fill(alice.password);
      await portal.loginButton.click();
      await portal.expectPath('/account');
      await portal.logOut();
    });
  });

  test('a login sent before the page could start its check waits for it, then goes through', async ({ page, portal }) => {
    // The login page's module is slow to arrive (a slow network), so the person is quicker.
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/signin/pkg/*.wasm', async (route) => {
      await arrived;
      await route.continue();
    });
    await page.goto('/login');
    await portal.emailField.fill(alice.email);
    await portal.passwordField.fill(alice.password);
    await portal.loginButton.click();
    await expect(portal.captchaStatus).toHaveText(/sending when done/);
    await expect(portal.loginButton).toHaveAttribute('aria-busy', 'true');
    await portal.expectPath('/login');

    release();
    await portal.expectPath('/account');
    await portal.logOut();
  });

  test('after logging out the login page (now part of the app) verifies again and logs in', async ({ portal }) => {
    await portal.logIn(alice);
    await portal.logOut();
    await expect(portal.captchaStatus).toHaveText('Verified');
    await portal.submitLogin(alice);
    await portal.expectPath('/account');
    await portal.logOut();
  });

  test('Forgot? is verified the same way', async ({ page, portal }) => {
    await portal.open('/forgot');
    await expect(portal.captchaStatus).toHaveText('Verified');
    await page.getByLabel('Email address', { exact: true }).fill('nobody@example.com');
    await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(SENT);
  });
});

test.describe('the captcha without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a person types the picture; a wrong one is refused and replaced', async ({ page, portal }) => {
    await portal.open('/login');
    await expect(portal.captchaPicture).toBeVisible();
    await expect(portal.captchaStatus).toBeHidden();
    const first = await portal.pictureToken();
    const picture = await page.request.get(`/captcha/picture?c=${first}`);
    expect(picture.headers()['content-type']).toBe('image/png');

    await portal.emailField.fill(alice.email);
    await portal.passwordField.fill(alice.password);
    await portal.answerCaptcha('wrong');
    await portal.loginButton.click();
    await expect(portal.alert).toContainText('The characters did not match the picture.');
    expect(await portal.pictureToken()).not.toBe(first);

    await portal.submitLogin(alice);
    await portal.expectPath('/account');
    await portal.logOut();
  });

  test('a person who cannot read the picture gets another, and types it in any case', async ({ page, portal }) => {
    await portal.open('/login?next=%2Faccount%2Fpassword');
    await expect(portal.captchaPicture).toBeVisible();
    await expect(portal.captchaAnswerField).toHaveAccessibleDescription('Letters are not case-sensitive');
    const first = await portal.pictureToken();

    await page.getByRole('link', { name: 'Show another picture', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/account/password');
    await expect.poll(() => portal.pictureToken()).not.toBe(first);
    const second = await portal.pictureToken();
    await expect(portal.captchaPicture).toHaveJSProperty('naturalWidth', 220);
    const [before, after] = await Promise.all(
      [first, second].map(async (token) => (await page.request.get(`/captcha/picture?c=${token}`)).body()),
    );
    expect(after.equals(before), 'a different picture').toBe(false);

    // Typed in capitals and sent with Enter: Enter presses "Login", not the link.
    await portal.emailField.fill(alice.email);
    await portal.passwordField.fill(alice.password);
    await portal.captchaAnswerField.fill(pictureText(second).toUpperCase());
    await portal.captchaAnswerField.press('Enter');
    await portal.expectPath('/account/password');
    await portal.logOut();
  });

  test.describe('in dark mode', () => {
    test.use({ colorScheme: 'dark' });

    test('the picture comes in the dark colours of the page', async ({ page, portal }) => {
      await portal.open('/forgot');
      await expect(portal.captchaPicture).toHaveJSProperty('naturalWidth', 220);
      const shown = await portal.captchaPicture.evaluate((img: HTMLImageElement) => img.currentSrc);
      expect(new URL(shown).searchParams.get('scheme')).toBe('dark');
      const picture = await page.request.get(shown);
      expect(picture.headers()['content-type']).toBe('image/png');
    });
  });

  test('the characters can be heard instead of seen', async ({ page, portal }) => {
    await portal.open('/forgot');
    const listen = page.getByRole('link', { name: 'Listen to the characters', exact: true });
    const sound = await page.request.get((await listen.getAttribute('href'))!);
    expect(sound.headers()['content-type']).toBe('audio/wav');
    expect((await sound.body()).subarray(0, 4).toString()).toBe('RIFF');
  });
});

test.describe('the picture as a page without JavaScript shows it', () => {
  test.use({ bypassCSP: true });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`passes axe-core in ${colorScheme} mode`, async ({ page }) => {
      // axe needs scripts: the page runs none of its own, and its <noscript> is shown as it is without them.
      await page.route('**/login', async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace(/<script\b[^]*?<\/script>/g, '').replace(/<\/?noscript>/g, '');
        await route.fulfill({ response, body: html });
      });
      await page.emulateMedia({ colorScheme });
      await page.goto('/login');
      await expect(page.getByRole('link', { name: 'Show another picture', exact: true })).toBeVisible();
      await expectNoViolations(page, `/login without JavaScript, ${colorScheme}`);
    });
  }
});
