import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import config from '../playwright.config';
import { alice } from '../users';
import { expect, test } from './fixtures';

/** Every URL the page and its workers asked for, as paths. */
function recordRequests(page: import('@playwright/test').Page): string[] {
  const paths: string[] = [];
  page.context().on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
}

test.describe('what a page loads', () => {
  test('the login page loads its own small module, nothing of the app and no password-strength code', async ({
    page,
    portal,
  }) => {
    const requested = recordRequests(page);
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await portal.open('/login');
    await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();

    const wasm = requested.filter((path) => path.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/^\/signin\/pkg\/signin\.[0-9a-f]{16}\.wasm$/);
    // Not the app (its module, its glue or a page's chunk), not the strength worker or its module.
    expect(requested.filter((path) => path.startsWith('/pkg/') && !path.endsWith('/portal.css'))).toEqual([]);
    expect(requested.filter((path) => path.includes('strength'))).toEqual([]);
    expect(workers).toEqual([]);
  });

  test('a password page checks in a worker that loads the strength module', async ({ page, portal }) => {
    await portal.logIn(alice);
    const requested = recordRequests(page);
    // The page preloads the module and the worker asks for it again: it comes over the wire once.
    const module = /\/strength\/pkg\/strength\.[0-9a-f]{16}\.wasm$/;
    const downloads: Promise<number>[] = [];
    page.context().on('requestfinished', (request) => {
      if (module.test(request.url())) downloads.push(request.sizes().then((sizes) => sizes.responseBodySize));
    });
    await portal.open('/account/password');
    await page.getByLabel('New password', { exact: true }).fill('password');
    const words = page.getByRole('list', { name: 'Password requirements' }).getByRole('listitem').filter({ hasText: 'dictionary words' });
    await expect(words).toContainText("contains the word 'password'");
    await expect.poll(async () => (await Promise.all(downloads)).filter((bytes) => bytes > 0)).toHaveLength(1);
    // The page itself came in its own chunk, from the same build as the app.
    const app = requested.find((path) => path.endsWith('/portal.wasm'));
    const chunks = requested.filter((path) => /^\/pkg\/[0-9a-f]{16}\/split___.*change_password.*\.wasm$/.test(path));
    expect(chunks.length, requested.join('\n')).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.startsWith(app!.replace('portal.wasm', '')))).toBe(true);
  });

  test('following a link from the login page to another page loads the app and its chunk', async ({ page, portal }) => {
    const requested = recordRequests(page);
    await portal.open('/login');
    await page.getByRole('link', { name: 'Forgot?' }).click();
    await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    // A new page, drawn by the server: it works (its captcha is solved) once the app and the
    // page's chunk have arrived.
    await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();
    expect(requested.filter((path) => path.includes('split___'))).not.toEqual([]);
    // One app module: the chunk's loader imported the same glue the page started with.
    expect(requested.filter((path) => path.endsWith('/portal.js'))).toHaveLength(1);
  });

  test('a repeat visit takes the bundles from the cache, without asking the server', async ({ baseURL }) => {
    // A browser profile on disk: an incognito context's memory cache refuses entries the size of
    // a debug build's WASM (9 MB), where a person's browser keeps them.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-profile-'));
    const context = await chromium.launchPersistentContext(profile, { ...config.use?.launchOptions, baseURL });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      // The first visits: /login, then /forgot (which fetches its page's chunk).
      await page.goto('/login');
      await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();
      await page.goto('/forgot');
      await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();

      // Chromium's own account of each request: from the network, or served from its cache.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const bundles = new Map<string, string>();
      const cached = new Set<string>();
      cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
        const path = new URL(request.url).pathname;
        if (path.startsWith('/pkg/') || path.startsWith('/signin/')) bundles.set(requestId, path);
      });
      cdp.on('Network.requestServedFromCache', ({ requestId }) => cached.add(requestId));
      cdp.on('Network.responseReceived', ({ requestId, response }) => {
        if (response.fromDiskCache || response.fromPrefetchCache) cached.add(requestId);
      });

      await page.goto('/forgot');
      await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();
      const asked = [...bundles].filter(([id]) => !cached.has(id)).map(([, path]) => path);
      expect(asked).toEqual([]);
      expect([...bundles.values()].filter((path) => path.endsWith('/portal.wasm'))).toHaveLength(1);
      expect([...bundles.values()].filter((path) => path.includes('split___'))).not.toEqual([]);

      // And the login page's own module.
      await page.goto('/login');
      await expect(page.getByRole('status').filter({ hasText: 'Verified' })).toBeVisible();
      expect([...bundles].filter(([id]) => !cached.has(id)).map(([, path]) => path)).toEqual([]);
      expect([...bundles.values()].filter((path) => path.startsWith('/signin/') && path.endsWith('.wasm'))).toHaveLength(1);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
