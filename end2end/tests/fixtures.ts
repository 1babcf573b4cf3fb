import { execFileSync } from 'node:child_process';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { portalBin, portalEnv, tmpDir } from '../portal';
import type { TestUser } from '../users';

/** The portal as a user sees it; locators follow the UI contract (roles and labels only). */
export class Portal {
  constructor(
    readonly page: Page,
    readonly javaScriptEnabled: boolean,
  ) {}

  /** Opens a path; with JavaScript on, waits until the page has hydrated before anyone touches it. */
  async open(path: string): Promise<void> {
    await this.page.goto(path);
    await this.hydrated();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.hydrated();
  }

  async hydrated(): Promise<void> {
    if (this.javaScriptEnabled) await expect(this.page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }

  async expectPath(pathname: string): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === pathname);
  }

  /** The login page, reached because `from` needs a session: /login?next=<from>. */
  async expectSentToLoginFrom(from: string): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('next') === from);
  }

  // The login page.
  get emailField() {
    return this.page.getByLabel('Email address', { exact: true });
  }
  get passwordField() {
    return this.page.getByLabel('Password', { exact: true });
  }
  get loginButton() {
    return this.page.getByRole('button', { name: 'Login', exact: true });
  }
  get alert() {
    return this.page.getByRole('alert');
  }

  /** Fills in and submits the login form on the current page. */
  async submitLogin({ email, password }: TestUser): Promise<void> {
    await this.emailField.fill(email);
    await this.passwordField.fill(password);
    await this.answerCaptcha();
    await this.loginButton.click();
  }

  // The captcha. With JavaScript the page solves it by itself (the submit waits for it).
  get captchaStatus() {
    return this.page.getByRole('group', { name: 'Human check' }).getByRole('status');
  }
  get captchaPicture() {
    return this.page.getByRole('img', { name: /distorted letters and digits/ });
  }
  get captchaAnswerField() {
    return this.page.getByLabel('Type the characters in the picture', { exact: true });
  }

  /** Without JavaScript: reads the picture as a person would (the operator's CLI tells us what it shows). */
  async answerCaptcha(typed?: string): Promise<void> {
    if (this.javaScriptEnabled) return;
    await this.captchaAnswerField.fill(typed ?? pictureText(await this.pictureToken()));
  }

  async pictureToken(): Promise<string> {
    const src = await this.captchaPicture.getAttribute('src');
    return new URL(src!, 'http://portal').searchParams.get('c')!;
  }


  async logIn(user: TestUser): Promise<void> {
    await this.open('/login');
    await this.submitLogin(user);
    await this.expectPath('/account');
  }

  // The account page.
  get mainNav() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }
  get logOutButton() {
    return this.mainNav.getByRole('button', { name: 'Log out', exact: true });
  }
  /** The section headed "Your sessions" (a region, named by its h2 through aria-labelledby). */
  get sessionsSection() {
    return this.page.getByRole('region', { name: 'Your sessions', exact: true });
  }
  get sessions() {
    return this.sessionsSection.getByRole('list').getByRole('listitem');
  }
  get otherSessions() {
    return this.sessions.filter({ hasNotText: 'This session' });
  }
  get signOutOthersButton() {
    return this.page.getByRole('button', { name: 'Sign out of all other sessions', exact: true });
  }

  async logOut(): Promise<void> {
    await this.logOutButton.click();
    await this.expectPath('/login');
  }

  /** Leaves only this session, whatever earlier (failed) tests left behind. */
  async signOutEverywhereElse(): Promise<void> {
    if (await this.signOutOthersButton.isVisible()) await this.signOutOthersButton.click();
    await expect(this.sessions).toHaveCount(1);
  }
}

/** The characters in a captcha picture, as the operator's CLI reads them (a person would look). */
export function pictureText(token: string): string {
  return execFileSync(portalBin, ['captcha', 'read', token], {
    cwd: tmpDir,
    env: { ...process.env, ...portalEnv },
    timeout: 30_000,
  })
    .toString()
    .trim();
}

/**
 * The console error Chromium logs by itself when a request answers with an HTTP error status, as
 * the portal's server functions do on purpose (400 for a missing field, 401 for a refused login).
 */
export function failedRequest(path: string, ...statuses: number[]): RegExp {
  const status = statuses.join('|');
  return new RegExp(`^Failed to load resource: the server responded with a status of (${status})\\b.* \\(https?://[^/]+${path}\\)$`);
}

type Options = {
  /** Console errors this test provokes on purpose; see failedRequest(). (Not an array: test.use would take it for a fixture tuple.) */
  toleratedConsoleError: RegExp | undefined;
};

type Fixtures = {
  portal: Portal;
  /** Logs in over HTTP (POST /api/login), without a browser: a second device, in effect. */
  apiSession: (user: TestUser) => Promise<APIRequestContext>;
  /** Fails a JavaScript-enabled test whose page logged a console error or threw. */
  consoleGuard: void;
};

export const test = base.extend<Options & Fixtures>({
  toleratedConsoleError: [undefined, { option: true }],

  portal: async ({ page, javaScriptEnabled }, use) => {
    await use(new Portal(page, javaScriptEnabled !== false));
  },

  apiSession: async ({ playwright, baseURL }, use) => {
    const contexts: APIRequestContext[] = [];
    await use(async ({ email, password }) => {
      const context = await playwright.request.newContext({ baseURL });
      contexts.push(context);
      // A client without JavaScript answers the captcha's picture.
      const challenge = (await (await context.post('/api/new_captcha', { form: {} })).json())?.ProofOfWork;
      const form: Record<string, string> = { email, password };
      if (challenge) Object.assign(form, { captcha_picture: challenge.picture, captcha_answer: pictureText(challenge.picture) });
      const response = await context.post('/api/login', { form });
      await expect(response, `POST /api/login as ${email}`).toBeOK();
      return context;
    });
    await Promise.all(contexts.map((context) => context.dispose()));
  },

  consoleGuard: [
    async ({ page, javaScriptEnabled, toleratedConsoleError }, use) => {
      const problems: string[] = [];
      if (javaScriptEnabled !== false) {
        page.on('console', (message) => {
          const problem = `${message.text()} (${message.location().url})`;
          if (message.type() === 'error' && !toleratedConsoleError?.test(problem))
            problems.push(`console error: ${problem}`);
        });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      }
      await use();
      expect(problems, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
