import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askBackground,
  configureInstance,
  type ExtensionBrowser,
  launchExtensionBrowser,
  tabIdOf,
} from './browser';
import { type MispTarget, startMispTarget } from './misp-target';
import { type PageServer, startPageServer } from './page-server';

const SEEN_ALARM = 'sightline-seen-check';

interface WorkerChrome {
  chrome: {
    alarms: { create(name: string, info: { when: number }): Promise<void> };
    notifications: { getAll(): Promise<Record<string, unknown>> };
    storage: { local: { get(key: string): Promise<Record<string, unknown>> } };
  };
}

describe('seen before, known now, in Chromium', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  beforeAll(async () => {
    [browser, misp, pages] = await Promise.all([
      launchExtensionBrowser(),
      startMispTarget(),
      startPageServer(),
    ]);
    await configureInstance(browser.context, { url: misp.url, apiKey: misp.apiKey, name: 'Stand-in MISP' });
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), misp?.close(), pages?.close()]);
  });

  async function notificationIds(): Promise<string[]> {
    return browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      return Object.keys(await chrome.notifications.getAll());
    });
  }

  /** Fires the seen-indicator check now (the real alarm path) and waits for it to finish. */
  async function fireCheck(): Promise<void> {
    const lastCheck = () =>
      browser.worker.evaluate(async () => {
        const { chrome } = globalThis as unknown as WorkerChrome;
        const state = (await chrome.storage.local.get('seenCheck')).seenCheck as
          | { lastCheckAt?: number }
          | undefined;
        return state?.lastCheckAt ?? 0;
      });
    const before = await lastCheck();
    await browser.worker.evaluate(async (name) => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      await chrome.alarms.create(name, { when: Date.now() });
    }, SEEN_ALARM);
    await expect.poll(lastCheck, { timeout: 15_000 }).toBeGreaterThan(before);
  }

  /** Opens a page and waits until the popup lists `value` as "New" (looked up: MISP does not know it). */
  async function readPage(url: string, value: string): Promise<void> {
    const page = await browser.context.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(browser.worker, url);
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const checkbox = popup.getByRole('checkbox', { name: value });
    // The page's report may still be on its way when the popup opens: reopen until it lists the value.
    for (let attempt = 0; attempt < 40 && (await checkbox.count()) === 0; attempt++) {
      await popup.waitForTimeout(500);
      await popup.reload();
    }
    await checkbox.waitFor({ timeout: 5_000 });
    await expect
      .poll(() => popup.getByRole('list', { name: 'Indicators on this page' }).textContent())
      .toContain('New');
    await popup.close();
    await page.close();
  }

  it('a value read on a page becomes known: one notification and an Alerts entry with the page’s host; an excluded site’s never', async () => {
    const value = `sl-${misp.runId}-seen.com`.toLowerCase();
    const excluded = `sl-${misp.runId}-excluded.com`.toLowerCase();
    const options = await browser.openExtensionPage('options.html');
    expect(
      await options
        .getByRole('checkbox', { name: 'Remember indicators I read (for late matches)' })
        .isChecked(),
    ).toBe(true);
    expect(await options.getByRole('spinbutton', { name: 'Keep for (days)' }).inputValue()).toBe('30');
    expect(await options.getByRole('spinbutton', { name: 'Check seen indicators every' }).inputValue()).toBe(
      '60',
    );
    // localhost is a site never scanned (127.0.0.1 is not).
    const saved = await askBackground(options, 'preferences/save', { patch: { neverScan: ['localhost'] } });
    expect(saved.ok).toBe(true);

    pages.setPage('/blog.html', `<!doctype html><title>Threat blog</title><p>C2 seen at ${value} today.</p>`);
    pages.setPage('/private.html', `<!doctype html><title>Private</title><p>Internal: ${excluded}.</p>`);
    await readPage(`${pages.url}/blog.html`, value);
    const privatePage = await browser.context.newPage();
    await privatePage.goto(`${pages.url.replace('127.0.0.1', 'localhost')}/private.html`);
    await privatePage.waitForLoadState('load');
    await privatePage.close();

    await options.reload();
    const stats = options.getByRole('note', { name: 'Seen indicators' });
    await expect.poll(() => stats.textContent()).toContain('1 indicator remembered');

    // A partner shares an event with both values.
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} partner report`,
      distribution: 0,
      threatLevel: 1,
      analysis: 0,
      attributes: [
        { type: 'domain', value, category: 'Network activity' },
        { type: 'domain', value: excluded, category: 'Network activity' },
      ],
    });
    misp.trackEvent(created.id);

    await fireCheck();
    await expect.poll(notificationIds).toEqual([`seen|${value}`]);

    const popup = await browser.openExtensionPage('popup.html');
    await popup.getByRole('tab', { name: 'Alerts' }).click();
    const list = popup.getByRole('list', { name: 'Seen before, known now' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    const item = list.getByRole('listitem', { name: value });
    const text = (await item.textContent()) ?? '';
    expect(text).toContain(`${value}, which you read on 127.0.0.1 on `);
    expect(text).toContain(`is now in MISP: ${misp.namePrefix} partner report`);
    expect(text).toContain('Threat blog');
    expect(await item.getByRole('link', { name: 'Threat blog' }).getAttribute('href')).toBe(
      `${pages.url}/blog.html`,
    );
    expect(await item.getByRole('link', { name: 'Open event in MISP' }).getAttribute('href')).toBe(
      `${misp.url}/events/view/${created.id}`,
    );
    await item.getByRole('button', { name: 'Record sighting' }).click();
    await expect
      .poll(() => item.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain(`Sighting of ${value} recorded`);
    await popup.close();

    // Recording the sighting marked the alert read, which closes its notification.
    expect(await notificationIds()).toEqual([]);
    // Known now, it left the history: a second check raises nothing more.
    await fireCheck();
    expect(await notificationIds()).toEqual([]);
    await options.reload();
    await expect
      .poll(() => options.getByRole('note', { name: 'Seen indicators' }).textContent())
      .toContain('0 indicators remembered');
    await options.close();
  });

  it('"Forget seen indicators" empties the history', async () => {
    const value = `sl-${misp.runId}-forget.com`.toLowerCase();
    pages.setPage('/forget.html', `<!doctype html><title>Forget</title><p>${value}</p>`);
    await readPage(`${pages.url}/forget.html`, value);
    const options = await browser.openExtensionPage('options.html');
    const stats = options.getByRole('note', { name: 'Seen indicators' });
    await expect.poll(() => stats.textContent()).toContain('1 indicator remembered');
    await options.getByRole('button', { name: 'Forget seen indicators' }).click();
    await expect.poll(() => stats.textContent()).toContain('0 indicators remembered');
    await options.close();
  });
});
