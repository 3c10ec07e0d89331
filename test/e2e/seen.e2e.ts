import { describe, expect, it } from 'vitest';
import { askBackground, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';

const SEEN_ALARM = 'sightline-seen-check';

interface WorkerChrome {
  chrome: {
    alarms: { create(name: string, info: { when: number }): Promise<void> };
    notifications: { getAll(): Promise<Record<string, unknown>> };
    storage: { local: { get(key: string): Promise<Record<string, unknown>> } };
  };
}

describe('seen before, known now, in Chromium', () => {
  const env = useE2eEnvironment();

  async function notificationIds(): Promise<string[]> {
    return env.browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      return Object.keys(await chrome.notifications.getAll());
    });
  }

  /** Fires the seen-indicator check now (the real alarm path) and waits for it to finish. */
  async function fireCheck(): Promise<void> {
    const lastCheck = () =>
      env.browser.worker.evaluate(async () => {
        const { chrome } = globalThis as unknown as WorkerChrome;
        const state = (await chrome.storage.local.get('seenCheck')).seenCheck as
          | { lastCheckAt?: number }
          | undefined;
        return state?.lastCheckAt ?? 0;
      });
    const before = await lastCheck();
    await env.browser.worker.evaluate(async (name) => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      await chrome.alarms.create(name, { when: Date.now() });
    }, SEEN_ALARM);
    await expect.poll(lastCheck, { timeout: 15_000 }).toBeGreaterThan(before);
  }

  /** Opens a page and waits until the popup lists `value` as "New" (looked up: MISP does not know it). */
  async function readPage(url: string, value: string): Promise<void> {
    const page = await env.browser.context.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(env.browser.worker, url);
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
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
    const value = `sl-${env.misp.runId}-seen.com`.toLowerCase();
    const excluded = `sl-${env.misp.runId}-excluded.com`.toLowerCase();
    const options = await env.browser.openExtensionPage('options.html');
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

    env.pages.setPage(
      '/blog.html',
      `<!doctype html><title>Threat blog</title><p>C2 seen at ${value} today.</p>`,
    );
    env.pages.setPage('/private.html', `<!doctype html><title>Private</title><p>Internal: ${excluded}.</p>`);
    await readPage(`${env.pages.url}/blog.html`, value);
    const privatePage = await env.browser.context.newPage();
    await privatePage.goto(`${env.pages.url.replace('127.0.0.1', 'localhost')}/private.html`);
    await privatePage.waitForLoadState('load');
    await privatePage.close();

    await options.reload();
    const stats = options.getByRole('note', { name: 'Seen indicators' });
    await expect.poll(() => stats.textContent()).toContain('1 indicator remembered');

    // A partner shares an event with both values.
    const created = await env.misp.client.createEvent({
      info: `${env.misp.namePrefix} partner report`,
      distribution: 0,
      threatLevel: 1,
      analysis: 0,
      attributes: [
        { type: 'domain', value, category: 'Network activity' },
        { type: 'domain', value: excluded, category: 'Network activity' },
      ],
    });
    env.misp.trackEvent(created.id);

    await fireCheck();
    await expect.poll(notificationIds).toEqual([`seen|${value}`]);

    const popup = await env.browser.openExtensionPage('popup.html');
    await popup.getByRole('tab', { name: 'Alerts' }).click();
    const list = popup.getByRole('list', { name: 'Seen before, known now' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    const item = list.getByRole('listitem', { name: value });
    const text = (await item.textContent()) ?? '';
    expect(text).toContain(`${value}, which you read on 127.0.0.1 on `);
    expect(text).toContain(`is now in MISP: ${env.misp.namePrefix} partner report`);
    expect(text).toContain('Threat blog');
    expect(await item.getByRole('link', { name: 'Threat blog' }).getAttribute('href')).toBe(
      `${env.pages.url}/blog.html`,
    );
    expect(await item.getByRole('link', { name: 'Open event in MISP' }).getAttribute('href')).toBe(
      `${env.misp.url}/events/view/${created.id}`,
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
    const value = `sl-${env.misp.runId}-forget.com`.toLowerCase();
    env.pages.setPage('/forget.html', `<!doctype html><title>Forget</title><p>${value}</p>`);
    await readPage(`${env.pages.url}/forget.html`, value);
    const options = await env.browser.openExtensionPage('options.html');
    const stats = options.getByRole('note', { name: 'Seen indicators' });
    await expect.poll(() => stats.textContent()).toContain('1 indicator remembered');
    await options.getByRole('button', { name: 'Forget seen indicators' }).click();
    await expect.poll(() => stats.textContent()).toContain('0 indicators remembered');
    await options.close();
  });
});
