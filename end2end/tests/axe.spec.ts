import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { alice } from '../users';
import { expect, failedRequest, test } from './fixtures';

// axe-core (Deque's accessibility rules: WCAG 2.0/2.1 A and AA, and best practices) on every
// page and state the suite reaches: 0 violations. The page's CSP admits only its own scripts,
// so this context bypasses it to inject axe.

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  nodes: string[];
}

async function violations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    // In the page: its global `axe` and `document` (this project's TypeScript has no DOM types).
    const page = globalThis as any;
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  });
}

async function expectNoViolations(page: Page, state: string): Promise<void> {
  const found = await violations(page);
  expect(found, `axe on ${state}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

test.describe('no accessibility violations (axe-core)', () => {
  test.use({
    bypassCSP: true,
    toleratedConsoleError: failedRequest('/api/login', 400),
  });

  test('the sign-in pages, fresh and refused', async ({ page, portal }) => {
    await portal.open('/login');
    await expectNoViolations(page, '/login');
    await portal.loginButton.click();
    await expect(page.getByRole('alert')).toBeFocused();
    await expectNoViolations(page, '/login with the error summary');
    await portal.open('/forgot');
    await expectNoViolations(page, '/forgot');
    await portal.open('/reset');
    await expectNoViolations(page, '/reset, a link that no longer works');
  });

  test('the account pages', async ({ page, portal }) => {
    await portal.logIn(alice);
    await expectNoViolations(page, '/account');
    await portal.open('/account/password');
    await expectNoViolations(page, '/account/password');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await expect(page.getByRole('list', { name: 'Password requirements' })).toBeVisible();
    await expectNoViolations(page, '/account/password while typing');
  });
});

test.describe('no accessibility violations (axe-core) where nothing is found', () => {
  test.use({ bypassCSP: true, toleratedConsoleError: failedRequest('/no-such-page', 404) });

  test('the not-found page', async ({ page, portal }) => {
    await portal.open('/no-such-page');
    await expectNoViolations(page, 'the not-found page');
  });
});
