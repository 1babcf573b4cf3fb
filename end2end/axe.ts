import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect } from './tests/fixtures';

// axe-core (Deque's accessibility rules: WCAG 2.0/2.1 A and AA, and best practices), injected
// into the page. The page's CSP admits only its own scripts: contexts that use this bypass it.

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

export async function expectNoViolations(page: Page, state: string): Promise<void> {
  const found = await violations(page);
  expect(found, `axe on ${state}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

