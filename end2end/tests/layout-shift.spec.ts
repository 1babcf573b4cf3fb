import type { Page } from '@playwright/test';
import { linkIn, mailSeen, waitForMail } from '../mail';
import { alice } from '../users';
import { expect, test, type Portal } from './fixtures';

// On a slow line a person sees the server's HTML for a while before the page's code runs. When
// it runs, nothing may move: not the session list as its times change to the viewer's own zone,
// not a password form as "Show" and "Generate" arrive. Measured as the browser does (the
// cumulative layout shift of `layout-shift` entries), from the navigation until the page is
// interactive and what the code changes has been shown.

/** The line: 200 KB/s both ways, 150 ms latency (Chromium's emulation, over CDP). */
const SLOW_LINE = { offline: false, latency: 150, downloadThroughput: 200 * 1024, uploadThroughput: 200 * 1024 };

/**
 * The page's code, its chunk and a worker's module come over the slow line: give them time (the
 * debug build's WASM, 8 MB, takes some 42 s at 200 KB/s; the browser does not keep it).
 */
const OVER_THE_LINE = { timeout: 75_000 };

interface Shifts {
  /** Cumulative layout shift, without shifts right after the person's own input (none here). */
  total: number;
  /** What moved, for the failure message: "LI.session: 0,212 → 0,236". */
  moved: string[];
  /** Frames drawn with the server's HTML before the page was interactive. */
  framesBeforeHydration: number;
}

/** From the next navigation on, adds up the page's layout shifts and counts the frames drawn before hydration. */
async function watchLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const global = globalThis as any;
    const shifts = { total: 0, moved: [] as string[], framesBeforeHydration: 0 };
    global.__shifts = shifts;
    new global.PerformanceObserver((list: any) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput) continue;
        shifts.total += entry.value;
        for (const source of entry.sources ?? []) {
          const node = source.node;
          const name = node ? `${node.nodeName}${node.className ? `.${String(node.className).split(' ')[0]}` : ''}` : '(gone)';
          const at = (rect: any) => `${Math.round(rect.x)},${Math.round(rect.y)}`;
          shifts.moved.push(`${name}: ${at(source.previousRect)} → ${at(source.currentRect)}`);
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
    // A frame is drawn after its animation-frame callbacks: one that finds the page's content
    // but no hydration yet is the server's HTML on the screen.
    const frame = () => {
      if (global.document.documentElement.getAttribute('data-hydrated') === 'true') return;
      if (global.document.querySelector('main')) shifts.framesBeforeHydration += 1;
      global.requestAnimationFrame(frame);
    };
    global.requestAnimationFrame(frame);
  });
}

/** The shifts so far, once the frame that shows the latest change is drawn and its entries are reported. */
async function shiftsSoFar(page: Page): Promise<Shifts> {
  return page.evaluate(() => {
    const global = globalThis as any;
    return new Promise<Shifts>((resolve) =>
      global.requestAnimationFrame(() => global.requestAnimationFrame(() => setTimeout(() => resolve(global.__shifts), 0))),
    );
  });
}

/** Opens `path` over the slow line; resolves once the response has started to arrive. */
async function openOverSlowLine(page: Page, path: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINE);
  await page.goto(path, { waitUntil: 'commit', ...OVER_THE_LINE });
}

async function expectHeldStill(page: Page, where: string): Promise<void> {
  const shifts = await shiftsSoFar(page);
  expect(shifts.framesBeforeHydration, `${where} was shown before it was interactive`).toBeGreaterThan(0);
  const { total, moved } = shifts;
  expect({ total, moved }, `cumulative layout shift on ${where}, and what moved`).toEqual({ total: 0, moved: [] });
}

/** "Show" and "Generate" are there to use: the password form is as the page's code leaves it. */
async function expectPasswordFormReady(portal: Portal): Promise<void> {
  await expect(portal.page.locator('html')).toHaveAttribute('data-hydrated', 'true', OVER_THE_LINE);
  for (const name of ['Show', 'Generate']) {
    const button = portal.page.getByRole('button', { name, exact: true });
    await expect(button, `${name} is shown`).toBeVisible(OVER_THE_LINE);
    await expect(button, `${name} works`).toBeEnabled();
  }
}

/** Asks for a reset link for `email` on /forgot (at full speed) and returns it from the mail. */
async function resetLinkFor(portal: Portal, email: string, baseURL: string): Promise<string> {
  const { page } = portal;
  await portal.open('/forgot');
  const seen = await mailSeen();
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  return linkIn(await waitForMail({ to: email, subject: 'Reset your password', seen }), `${baseURL}/reset?token=`);
}

for (const width of [1280, 390]) {
  test.describe(`on a slow line, ${width} px wide`, () => {
    test.describe.configure({ timeout: 120_000 });
    // A zone with a long name ("GMT+5:30"), so the viewer's times are longer than the server's.
    test.use({ viewport: { width, height: 800 }, timezoneId: 'Asia/Kolkata' });

    test('the session list holds still as its times change to the viewer’s zone', async ({ page, portal }) => {
      await portal.logIn(alice);
      await watchLayoutShifts(page);
      await openOverSlowLine(page, '/account');
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', OVER_THE_LINE);
      const times = portal.sessionsSection.locator('time');
      await expect(times.first()).toBeVisible();
      // Every time has changed from the server's UTC to the viewer's zone, with how long ago.
      const notYetLocal = async () =>
        (await times.allTextContents()).filter((text) => !/ GMT\+5:30 \((just now|.+ ago)\)$/.test(text));
      await expect.poll(notYetLocal, { message: 'the times still in UTC' }).toEqual([]);
      await expectHeldStill(page, '/account');
    });

    test('Change Password holds still as Show and Generate arrive', async ({ page, portal }) => {
      await portal.logIn(alice);
      await watchLayoutShifts(page);
      await openOverSlowLine(page, '/account/password');
      await expectPasswordFormReady(portal);
      await expectHeldStill(page, '/account/password');
    });

    test('the emailed reset link’s form holds still as Show and Generate arrive', async ({ page, portal, baseURL }) => {
      // The link only: the reset is never finished, so Alice's password stays.
      const link = await resetLinkFor(portal, alice.email, baseURL!);
      await watchLayoutShifts(page);
      await openOverSlowLine(page, link);
      await expect(page.getByRole('heading', { level: 1, name: 'Set a new password', exact: true })).toBeVisible(OVER_THE_LINE);
      await expectPasswordFormReady(portal);
      await expectHeldStill(page, '/reset');
    });
  });
}
