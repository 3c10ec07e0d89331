import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { askBackground, type ChromeGlobal, type ExtensionBrowser, tabIdOf } from './browser';
import {
  boxOfNode,
  callOnNode,
  cdp,
  clickBox,
  findByRole,
  hoverUntilCard,
  readMarks,
  textOf,
  textRects,
} from './cdp';
import { useE2eEnvironment } from './fixture';
import { clickInCard, seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

/**
 * The page layer end to end: no errors on scanned pages, a card for every indicator that looks the
 * same to the page whatever MISP said, write buttons a decoy cannot steer a click onto, and an
 * overlay a page cannot remove.
 */

const KNOWN = '45.133.219.10';
const TWIN = '45.133.219.20';

/** Two indicators far apart (their cards never overlap the other), and a page script that records. */
function twinPage(first: string, second: string): string {
  // Each value in a box of its own with the same surroundings; no favicon request (no 404 to log).
  const box = (id: string, value: string) =>
    `<div style="padding: 40px 20px; height: 420px"><p id="${id}" style="margin: 0">Planted: <span id="${id}-ioc">${value}</span> end</p></div>`;
  return `<!doctype html><html><head><title>Twins</title><link rel="icon" href="data:,"><script>
  window.__records = [];
  new MutationObserver((records) => {
    for (const r of records) window.__records.push({ type: r.type, target: r.target.nodeName,
      added: [...r.addedNodes].map((n) => n.nodeName), removed: [...r.removedNodes].map((n) => n.nodeName) });
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  </script></head><body style="margin: 0; min-height: 2400px; font: 16px monospace">
  ${box('a', first)}${box('b', second)}
  </body></html>`;
}

/**
 * What the page can see while the pointer rests on one planted value: hit-testing on a grid around
 * the pointer (relative to it), the focused element, the new mutation records, the overlay host's box.
 * Elements are named relative to the probed value (its span, its paragraph), so twins compare.
 */
async function pageView(page: Page, id: string) {
  return page.evaluate((spanId) => {
    const span = document.getElementById(spanId)!;
    const rect = span.getBoundingClientRect();
    const px = rect.left + 3;
    const py = rect.top + rect.height / 2;
    const name = (el: Element) =>
      el === span ? 'SPAN' : el === span.parentElement ? 'P' : el.nodeName + (el.id ? `#${el.id}` : '');
    const grid: string[] = [];
    for (let dy = -20; dy <= 380; dy += 20) {
      for (let dx = -40; dx <= 520; dx += 40) {
        grid.push(
          `${dx},${dy}:${document
            .elementsFromPoint(px + dx, py + dy)
            .map(name)
            .join('>')}`,
        );
      }
    }
    const host = document.querySelector('sightline-overlay')!;
    return {
      grid,
      active: document.activeElement?.nodeName,
      records: (window as unknown as { __records: unknown[] }).__records.splice(0),
      host: JSON.stringify(host.getBoundingClientRect()),
    };
  }, id);
}

/** Rests the real pointer on a value until its card is open and has its answer. */
async function restOn(page: Page, text: string, value: string) {
  const dialog = await hoverUntilCard(page, text, value);
  await expect
    .poll(async () => textOf(page, dialog.backendNodeId), { timeout: 10_000 })
    .not.toContain('Looking up');
  return dialog;
}

describe('the page layer', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'page layer suite', [{ type: 'ip-dst', value: KNOWN }]);
    pages.setPage('/twins.html', twinPage(KNOWN, TWIN));
    // An article with an embed worth scanning, a 0×0 tracker and an empty ad slot.
    const frame = (text: string) =>
      `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${text}</body></html>`;
    pages.setPage('/embed.html', frame(`<p>Embedded: ${KNOWN}</p>`));
    pages.setPage('/tracker.html', frame(`<p>Tracker: ${TWIN}</p>`));
    pages.setPage('/slot.html', frame('<div> </div>'));
    pages.setPage(
      '/framed.html',
      `<!doctype html><html><head><title>Framed</title><link rel="icon" href="data:,"></head><body><p>Article</p>
      <iframe id="embed" src="/embed.html" width="400" height="100"></iframe>
      <iframe id="tracker" src="/tracker.html" width="0" height="0" style="border: 0"></iframe>
      <iframe id="slot" src="/slot.html" width="300" height="250"></iframe></body></html>`,
    );
  });

  it('a scanned page and its card raise no errors in any world (no storage access from the page layer)', async () => {
    const page = await browser.context.newPage();
    const session = await cdp(page);
    const errors: string[] = [];
    session.on(
      'Runtime.exceptionThrown',
      (event: { exceptionDetails: { text: string; exception?: { description?: string } } }) =>
        errors.push(event.exceptionDetails.exception?.description ?? event.exceptionDetails.text),
    );
    session.on(
      'Runtime.consoleAPICalled',
      (event: { type: string; args: Array<{ value?: unknown; description?: string }> }) => {
        if (event.type === 'error')
          errors.push(event.args.map((a) => String(a.value ?? a.description)).join(' '));
      },
    );
    session.on('Log.entryAdded', (event: { entry: { level: string; text: string } }) => {
      if (event.entry.level === 'error') errors.push(event.entry.text);
    });
    await session.send('Runtime.enable');
    await session.send('Log.enable');
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    await restOn(page, KNOWN, KNOWN);
    expect(errors).toEqual([]);
    await page.mouse.move(5, 5);
    await restOn(page, TWIN, TWIN);
    expect(errors).toEqual([]);
    await session.detach();
    await page.close();
  });

  it('a value MISP does not know gets the same card, which says so and offers the draft and a defanged copy', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    const dialog = await restOn(page, TWIN, TWIN);
    const text = await textOf(page, dialog.backendNodeId);
    expect(text).toContain('MISP does not know this value.');
    expect(await findByRole(page, 'button', 'Record sighting')).toBeUndefined();
    await clickInCard(page, 'Add to event draft');
    await expect
      .poll(async () => textOf(page, dialog.backendNodeId), { timeout: 10_000 })
      .toContain('Added to the event draft');
    const drafts = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal & {
        chrome: { storage: { session: { get(k: null): Promise<Record<string, unknown>> } } };
      };
      return JSON.stringify(await chrome.storage.session.get(null));
    });
    expect(drafts).toContain(TWIN);
    await page.close();
  });

  it('hovering a known value and its unknown twin: hit-testing, focus, mutations and the host look the same', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    await page.evaluate(() => (window as unknown as { __records: unknown[] }).__records.splice(0));
    const views = [];
    for (const [id, value] of [
      ['a-ioc', KNOWN],
      ['b-ioc', TWIN],
    ] as const) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await restOn(page, value, value);
      views.push(await pageView(page, id));
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);
      await expect.poll(async () => findByRole(page, 'dialog', `MISP matches for ${value}`)).toBeUndefined();
    }
    const [known, twin] = views;
    // The card is really there for both (the page sees our host where it is drawn)…
    expect(known!.grid.some((cell) => cell.includes('SIGHTLINE-OVERLAY'))).toBe(true);
    // …and the page sees the same thing around either value.
    expect(twin!.grid).toEqual(known!.grid);
    expect(twin!.active).toBe(known!.active);
    expect(twin!.records).toEqual(known!.records);
    expect(twin!.host).toBe(known!.host);
    await page.close();
  });

  it('the card closes when the pointer leaves the value, and stays open while the pointer is on it', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    const dialog = await restOn(page, KNOWN, KNOWN);
    // Into the card: it stays open.
    const box = (await boxOfNode(page, dialog.backendNodeId))!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.waitForTimeout(600);
    expect(await findByRole(page, 'dialog', `MISP matches for ${KNOWN}`)).toBeTruthy();
    // Away from card and value: it closes.
    await page.mouse.move(1200, 880, { steps: 5 });
    await expect.poll(async () => findByRole(page, 'dialog', `MISP matches for ${KNOWN}`)).toBeUndefined();
    await page.close();
  });

  it('a decoy laid over the card disables its write buttons and a click through it records nothing', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    await restOn(page, KNOWN, KNOWN);
    const button = (await findByRole(page, 'button', 'Mark false positive'))!;
    await expect
      .poll(() => callOnNode<boolean>(page, button.backendNodeId, 'function () { return this.disabled; }'))
      .toBe(false);
    const box = (await boxOfNode(page, button.backendNodeId))!;
    const before = misp.sim?.requests.length ?? 0;
    // The page paints "Continue" over the button, lets clicks through to it, and stacks above the host.
    await page.evaluate((b) => {
      const decoy = document.createElement('div');
      decoy.id = 'decoy';
      decoy.textContent = 'Continue';
      decoy.setAttribute(
        'style',
        `position: fixed; left: ${b.x - 10}px; top: ${b.y - 10}px; width: ${b.width + 20}px; height: ${b.height + 20}px;` +
          'background: #2a6; color: #fff; pointer-events: none; z-index: 2147483647;',
      );
      document.documentElement.append(decoy);
    }, box);
    await expect
      .poll(() => callOnNode<boolean>(page, button.backendNodeId, 'function () { return this.disabled; }'))
      .toBe(true);
    await clickBox(page, box);
    await page.waitForTimeout(800);
    const writes = (misp.sim?.requests ?? [])
      .slice(before)
      .filter((r) => r.path.startsWith('/sightings/add'));
    expect(writes).toEqual([]);
    // Without the decoy the same button works again (the test can fail).
    await page.evaluate(() => document.getElementById('decoy')!.remove());
    await clickInCard(page, 'Mark false positive');
    const dialog = (await findByRole(page, 'dialog', `MISP matches for ${KNOWN}`))!;
    await expect
      .poll(async () => textOf(page, dialog.backendNodeId), { timeout: 10_000 })
      .toContain('Recorded false positive');
    await page.close();
  });

  it('frames too small or with no text stop after one check: no overlay, no message; an embed is scanned', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/framed.html`);
    const hasOverlay = (path: string) =>
      page
        .frames()
        .find((frame) => frame.url().endsWith(path))!
        .evaluate(() => document.querySelector('sightline-overlay') !== null);
    await expect.poll(() => hasOverlay('/embed.html'), { timeout: 15_000 }).toBe(true);
    // The embed's report has its answer by now; the other frames had the same time.
    const tabId = await tabIdOf(browser.worker, `${pages.url}/framed.html`);
    const popup = await browser.openExtensionPage('popup.html');
    await expect
      .poll(
        async () => {
          const answer = await askBackground(popup, 'tab/indicators', { tabId });
          return answer.ok ? answer.data.indicators.map((i) => `${i.value}:${i.status.status}`) : [];
        },
        { timeout: 20_000 },
      )
      .toEqual([`${KNOWN}:known`]);
    await popup.close();
    expect(await hasOverlay('/tracker.html')).toBe(false);
    expect(await hasOverlay('/slot.html')).toBe(false);
    await page.close();
  });

  it('a page that removes the overlay host gets it back, marks and card included', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    const removed = await page.evaluate(async () => {
      let count = 0;
      for (let i = 0; i < 50; i++) {
        const host = document.querySelector('sightline-overlay');
        if (host) {
          host.remove();
          count++;
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return count;
    });
    expect(removed).toBeGreaterThan(1);
    await expect
      .poll(() => page.evaluate(() => document.querySelector('sightline-overlay') !== null))
      .toBe(true);
    expect((await readMarks(page)).length).toBeGreaterThan(0);
    await restOn(page, KNOWN, KNOWN);
    await page.close();
  });

  it("the page's synthetic scroll events do not re-lay the marks; a real scroll does", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/twins.html`);
    await waitForKnownMarks(page, 1);
    const markY = async () => (await readMarks(page)).find((mark) => mark.kind !== 'new')!.box.y;
    const textY = async () => (await textRects(page, [KNOWN]))[0]!.box.y;
    // Moves the text without a change the mutation observer or the resize observer would report.
    await page.evaluate(() => {
      document.getElementById('a')!.style.transform = 'translateY(60px)';
      for (let i = 0; i < 200; i++) {
        window.dispatchEvent(new Event('scroll'));
        document.dispatchEvent(new Event('scroll'));
        window.dispatchEvent(new Event('resize'));
      }
    });
    await page.waitForTimeout(500);
    expect(Math.abs((await markY()) - (await textY()))).toBeGreaterThan(30);
    await page.mouse.move(300, 300);
    await page.mouse.wheel(0, 20);
    await expect
      .poll(async () => Math.abs((await markY()) - (await textY())), { timeout: 5_000 })
      .toBeLessThan(3);
    await page.close();
  });
});
