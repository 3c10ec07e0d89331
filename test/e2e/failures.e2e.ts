import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SimFault } from '../misp-sim/index';
import { askBackground, type ChromeGlobal, type ExtensionBrowser, tabIdOf } from './browser';
import { findByRole, readMarks, textOf, textRects } from './cdp';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { reportPage } from './report-pages';

/**
 * What the analyst sees when MISP fails or answers something hostile: a clear message, nothing lost.
 * Faults are injected at the stand-in, so these cases run against it only (a real MISP cannot be made
 * to fail on demand); the hostile-data cases use ordinary MISP writes and run against both.
 */

interface PopupView {
  problems: string[];
  statuses: Record<string, string>;
}

/** What the popup's Page panel shows for a tab: its problem lines and each listed value's status. */
async function popupView(browser: ExtensionBrowser, tabId: number): Promise<PopupView> {
  const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
  try {
    const panel = popup.getByRole('region', { name: 'Page' });
    await panel.waitFor();
    await popup.waitForTimeout(300);
    const problems = await panel.locator('.status-error').allTextContents();
    const answer = await askBackground(popup, 'tab/indicators', { tabId });
    const indicators = answer.ok ? answer.data.indicators : [];
    const statuses = Object.fromEntries(
      indicators.map((indicator) => [indicator.value, indicator.status.status]),
    );
    return { problems, statuses };
  } finally {
    await popup.close();
  }
}

describe('failures and hostile MISP data', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let pageCounter = 0;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    // The shortest timeout the settings allow, so the slow case does not take 15 s.
    await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      await chrome.storage.local.set({ preferences: { requestTimeoutMs: 1000 } });
    });
  });

  /** A page with one indicator no earlier visit looked up (so the cache cannot answer). */
  async function openFreshPage(): Promise<{ page: Page; url: string; value: string }> {
    pageCounter++;
    const value = `91.${pageCounter}.77.${100 + pageCounter}`;
    const path = `/fresh-${pageCounter}.html`;
    pages.setPage(
      path,
      reportPage(
        'Fresh',
        `<p>The implant called 91[.]${pageCounter}.77.${100 + pageCounter} every hour.</p>`,
      ),
    );
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}${path}`);
    return { page, url: `${pages.url}${path}`, value };
  }

  const LOOKUP_FAULTS: Array<{ name: string; fault: SimFault; message: RegExp }> = [
    { name: 'MISP down', fault: { kind: 'down' }, message: /unreachable|could not reach|network/i },
    {
      name: 'MISP slower than the timeout',
      fault: { kind: 'delay', ms: 3000 },
      message: /did not answer|timed? ?out/i,
    },
    { name: 'key rejected (403)', fault: { kind: 'key-rejected' }, message: /API key rejected by MISP/ },
    { name: 'redirect to the login page (302)', fault: { kind: 'login-redirect' }, message: /login page/i },
    {
      name: 'server error (500)',
      fault: { kind: 'status', status: 500 },
      message: /server error|internal error|500/i,
    },
    {
      name: 'malformed JSON',
      fault: { kind: 'malformed-json' },
      message: /unexpected|not valid JSON|could not read/i,
    },
  ];

  for (const { name, fault, message } of LOOKUP_FAULTS) {
    it(`lookups, ${name}: one clear problem line in the popup, and the value is looked up again once MISP is back`, async () => {
      if (!misp.sim) return expect(misp.kind).toBe('real');
      misp.sim.setFault({ ...fault, pathPrefix: '/attributes/restSearch' });
      const { page, url, value } = await openFreshPage();
      const tabId = await tabIdOf(browser.worker, url);
      await expect
        .poll(async () => (await popupView(browser, tabId)).statuses[value], { timeout: 15_000 })
        .toBe('error');
      const view = await popupView(browser, tabId);
      expect(view.problems.join(' ')).toMatch(message);
      expect(view.problems.join(' ')).not.toMatch(/\[object|undefined/);
      expect(await readMarks(page)).toEqual([]);
      // Nothing lost: MISP back, the same page asks again and gets its answer.
      misp.sim.setFault(null);
      await page.reload();
      await expect
        .poll(async () => (await popupView(browser, tabId)).statuses[value], { timeout: 15_000 })
        .toBe('new');
      await page.close();
    });
  }

  it('a value carried by 10,000 attributes: paged, bounded, and the card still opens', async () => {
    if (!misp.sim) return expect(misp.kind).toBe('real');
    const value = '185.244.25.9';
    const event = misp.sim.store.insertEvent({
      ...structuredClone([...misp.sim.store.events.values()][0]!),
      id: undefined,
      uuid: crypto.randomUUID(),
      info: `${misp.namePrefix} very common value`,
    });
    for (let i = 0; i < 10_000; i++) {
      misp.sim.store.insertAttribute({
        eventId: event.id,
        uuid: crypto.randomUUID(),
        type: 'ip-dst',
        category: 'Network activity',
        value1: value,
        value2: '',
        toIds: true,
        timestamp: 1_700_000_000 + i,
        distribution: 5,
        comment: `copy ${i}`,
        deleted: false,
        disableCorrelation: false,
        tags: [],
      });
    }
    misp.sim.clearRequests();
    pages.setPage('/common.html', reportPage('Common', '<p>Scanner at 185[.]244.25.9 again.</p>'));
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/common.html`);
    await expect.poll(async () => (await readMarks(page)).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const searches = misp.sim.requests.filter((request) => request.path.startsWith('/attributes/restSearch'));
    // Pages of 500, at most 4 of them, however many attributes match.
    expect(
      searches.filter((request) => JSON.stringify(request.body).includes(value)).length,
    ).toBeLessThanOrEqual(4);
    const [target] = await textRects(page, ['185[.]244.25.9']);
    await page.mouse.move(target!.box.x + 3, target!.box.y + target!.box.height / 2);
    let dialog: Awaited<ReturnType<typeof findByRole>>;
    await expect
      .poll(async () => (dialog = await findByRole(page, 'dialog', `MISP matches for ${value}`)), {
        timeout: 10_000,
      })
      .toBeTruthy();
    await expect.poll(async () => textOf(page, dialog!.backendNodeId)).toContain('very common value');
    const links = (await textOf(page, dialog!.backendNodeId)).split('Open event in MISP').length - 1;
    expect(links).toBeGreaterThan(0);
    expect(links).toBeLessThanOrEqual(50);
    misp.sim.store.deleteEvent(event);
    await page.close();
  });

  it('MISP data containing HTML and script is shown as text in the hover card', async () => {
    const hostile =
      '<img src=x onerror="document.title=\'pwned\'"><b>bold</b><script>document.title="pwned"</script>';
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} ${hostile}`,
      distribution: 0,
      threatLevel: 2,
      analysis: 0,
      tags: [`${misp.namePrefix}:<i>tag</i>`],
      attributes: [{ type: 'domain', value: 'hostile-markup.com', comment: hostile }],
    });
    misp.trackEvent(created.id);
    misp.trackTag(`${misp.namePrefix}:<i>tag</i>`);
    pages.setPage(
      '/hostile-data.html',
      reportPage('Hostile data', '<p>Phishing kit on hostile-markup[.]com.</p>'),
    );
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/hostile-data.html`);
    await expect.poll(async () => (await readMarks(page)).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const [target] = await textRects(page, ['hostile-markup[.]com']);
    await page.mouse.move(target!.box.x + 3, target!.box.y + target!.box.height / 2);
    let dialog: Awaited<ReturnType<typeof findByRole>>;
    await expect
      .poll(async () => (dialog = await findByRole(page, 'dialog', 'MISP matches for hostile-markup.com')), {
        timeout: 10_000,
      })
      .toBeTruthy();
    await expect.poll(async () => textOf(page, dialog!.backendNodeId)).toContain('<b>bold</b>');
    const text = await textOf(page, dialog!.backendNodeId);
    expect(text).toContain('<img src=x');
    expect(text).toContain('<i>tag</i>');
    // Shown as characters, never parsed: no element from MISP's text exists in the card.
    const session = await page.context().newCDPSession(page);
    const { outerHTML } = (await session.send('DOM.getOuterHTML', {
      backendNodeId: dialog!.backendNodeId,
    })) as { outerHTML: string };
    await session.detach();
    expect(outerHTML).not.toMatch(/<img|<b>|<script|<i>/);
    expect(await page.title()).toBe('Hostile data');
    await page.close();
  });

  it('an event whose creator org is named with HTML and script: the hover card and the popup show the name as text', async () => {
    const orgName = `<img src=x onerror="document.title='pwned'">Evil <b>Org</b><script>document.title='pwned'</script> ${misp.runId}`;
    const info = `${misp.namePrefix} hostile org`;
    const value = `${misp.runId}-hostile-org.com`;
    // A site admin (a sync user) may name the creator org on /events/add; MISP creates that org.
    const added = await fetch(`${misp.url}/events/add`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: misp.apiKey },
      body: JSON.stringify({
        Event: {
          info,
          distribution: 0,
          threat_level_id: 2,
          analysis: 0,
          Orgc: { name: orgName, uuid: crypto.randomUUID() },
          Attribute: [{ type: 'domain', value, comment: 'hostile org' }],
        },
      }),
    });
    expect(added.status).toBe(200);
    const created = (await added.json()) as { Event: { id: string; Orgc: { id: string; name: string } } };
    misp.trackEvent(created.Event.id);
    expect(created.Event.Orgc.name).toBe(orgName);

    // The hover card.
    pages.setPage(
      '/hostile-org.html',
      reportPage('Hostile org', `<p>Staging host ${value.replace('.com', '[.]com')} seen again.</p>`),
    );
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/hostile-org.html`);
    await expect.poll(async () => (await readMarks(page)).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const [target] = await textRects(page, [value.replace('.com', '[.]com')]);
    await page.mouse.move(target!.box.x + 3, target!.box.y + target!.box.height / 2);
    let dialog: Awaited<ReturnType<typeof findByRole>>;
    await expect
      .poll(async () => (dialog = await findByRole(page, 'dialog', `MISP matches for ${value}`)), {
        timeout: 10_000,
      })
      .toBeTruthy();
    await expect.poll(async () => textOf(page, dialog!.backendNodeId)).toContain(orgName);
    const session = await page.context().newCDPSession(page);
    const { outerHTML } = (await session.send('DOM.getOuterHTML', {
      backendNodeId: dialog!.backendNodeId,
    })) as { outerHTML: string };
    await session.detach();
    expect(outerHTML).toContain('&lt;img src=x');
    expect(outerHTML).not.toMatch(/<img|<b>|<script/);
    expect(await page.title()).toBe('Hostile org');

    // The popup: "Add to an existing event" names each event's creator org.
    const popup = await browser.openExtensionPage(
      `popup.html?tab=${await tabIdOf(browser.worker, `${pages.url}/hostile-org.html`)}`,
    );
    await popup.getByText('Add to an existing event').click();
    await popup.getByRole('searchbox', { name: 'Search events' }).fill('hostile org');
    const select = popup.getByRole('combobox', { name: 'Existing event' });
    await expect.poll(() => select.textContent(), { timeout: 10_000 }).toContain(orgName);
    const option = select.locator('option').filter({ hasText: info });
    const { date } = await misp.client.getEvent(created.Event.id);
    expect(await option.textContent()).toBe(`#${created.Event.id} ${info} (${date}, ${orgName})`);
    expect(await select.locator('img, b, script').count()).toBe(0);
    expect(await popup.locator('img[src=x], script:not([src])').count()).toBe(0);
    expect(await popup.title()).not.toBe('pwned');
    expect(await page.title()).toBe('Hostile org');
    await popup.close();
    await page.close();
    if (misp.kind === 'real') {
      // The org this test created goes too, once its event is gone (best effort).
      const post = (path: string) =>
        fetch(`${misp.url}${path}`, {
          method: 'POST',
          headers: { Accept: 'application/json', Authorization: misp.apiKey },
        }).catch(() => undefined);
      await post(`/events/delete/${created.Event.id}`);
      await post(`/admin/organisations/delete/${created.Event.Orgc.id}`);
    }
  });
});
