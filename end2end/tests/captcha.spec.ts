import { alice } from '../users';
import { expect, failedRequest, test } from './fixtures';

const INCORRECT = 'The email address or password is incorrect.';
const SENT =
  'If the email address you entered matched an existing account, please check your email for instructions on what to do next. The link is valid for 2 hours.';

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

  test('the characters can be heard instead of seen', async ({ page, portal }) => {
    await portal.open('/forgot');
    const listen = page.getByRole('link', { name: 'Listen to the characters', exact: true });
    const sound = await page.request.get((await listen.getAttribute('href'))!);
    expect(sound.headers()['content-type']).toBe('audio/wav');
    expect((await sound.body()).subarray(0, 4).toString()).toBe('RIFF');
  });
});
