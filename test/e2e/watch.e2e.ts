import { describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from './browser';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';

const INSTANCE_ID = 'e2e-instance';
const ALARM = `sightline-watch:${INSTANCE_ID}`;

interface WorkerChrome {
  chrome: {
    alarms: { create(name: string, info: { when: number }): Promise<void> };
    notifications: { getAll(): Promise<Record<string, unknown>> };
    storage: { local: { get(key: string): Promise<Record<string, unknown>> } };
    tabs: { query(q: object): Promise<Array<{ id?: number; url?: string; pendingUrl?: string }>> };
  };
  sightlineWatch?: { notificationClicked(id: string): Promise<boolean> };
}

describe('watched tags in Chromium', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let tag: string;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp } = env);
    tag = `${misp.namePrefix}:watched`;
    misp.trackTag(tag);
  });

  /** The poller's persisted state for the instance (rules' cursors, last success, status). */
  async function watchState(): Promise<{
    rules?: Record<string, { cursor?: number }>;
    lastSuccessAt?: number;
    status?: { message: string };
  }> {
    return browser.worker.evaluate(async (id) => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      const all = (await chrome.storage.local.get('watchState')).watchState as
        | Record<string, unknown>
        | undefined;
      return (all?.[id] ?? {}) as { lastSuccessAt?: number; status?: { message: string } };
    }, INSTANCE_ID);
  }

  /** Fires the instance's watch alarm now (the real `alarms.onAlarm` path) and waits for the poll. */
  async function fireAlarm(): Promise<void> {
    const before = await watchState();
    await browser.worker.evaluate(async (name) => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      await chrome.alarms.create(name, { when: Date.now() });
    }, ALARM);
    await expect
      .poll(async () => {
        const after = await watchState();
        return (
          after.lastSuccessAt !== before.lastSuccessAt ||
          JSON.stringify(after.status) !== JSON.stringify(before.status)
        );
      })
      .toBe(true);
  }

  async function notificationIds(): Promise<string[]> {
    return browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as WorkerChrome;
      return Object.keys(await chrome.notifications.getAll());
    });
  }

  async function createTaggedEvent(info: string) {
    const created = await misp.client.createEvent({
      info,
      distribution: 0,
      threatLevel: 1,
      analysis: 0,
      tags: [tag],
      attributes: [{ type: 'domain', value: `${misp.runId}.watch.example`, category: 'Network activity' }],
    });
    misp.trackEvent(created.id);
    return created;
  }

  it('a tag watched in the options notifies an event tagged at once, exactly once, and opens it on click', async () => {
    // An event tagged before the watch begins: the baseline.
    const before = await createTaggedEvent(`${misp.namePrefix} tagged before watching`);
    // MISP's timestamps count whole seconds: the watch begins in a later second than that event.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const options = await browser.openExtensionPage('options.html');
    const combobox = options.getByRole('combobox', { name: 'Watched tags' });
    await combobox.fill(misp.namePrefix);
    const option = options.getByRole('option', { name: tag, exact: true });
    await option.waitFor({ timeout: 15_000 });
    await option.click();
    // The same chips as the popup's tags, then the rule is added.
    const chips = options.getByRole('list', { name: 'Tags being watched' });
    await expect
      .poll(() => chips.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining(tag)]);
    expect(await chips.getByRole('button', { name: `Remove tag ${tag}` }).count()).toBe(1);
    expect(await options.getByRole('switch', { name: 'Only published events' }).isChecked()).toBe(false);
    await options.getByRole('button', { name: 'Add rule' }).click();
    const rules = options.getByRole('list', { name: 'Watch rules' });
    await expect.poll(() => rules.getByRole('listitem').count()).toBeGreaterThan(0);
    const ruleTags = options.getByRole('list', { name: `Tags of rule ${tag}` });
    expect(await ruleTags.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining(tag)]);
    expect(await options.getByRole('spinbutton', { name: 'Check every' }).inputValue()).toBe('5');

    // Tagged at once, before the first poll ran.
    const created = await createTaggedEvent(`${misp.namePrefix} watched report`);

    // Its own "Test" names the rule and reports what the first check would do, without notifying.
    await options.getByRole('button', { name: `Test rule ${tag}`, exact: true }).click();
    await expect
      .poll(() => options.getByRole('list', { name: 'Would notify' }).textContent(), { timeout: 15_000 })
      .toContain(`${misp.namePrefix} watched report`);
    expect(await options.getByText(/from before you started watching/).textContent()).toContain('1 event');
    expect(await notificationIds()).toEqual([]);

    await fireAlarm();
    await expect.poll(notificationIds).toHaveLength(1);
    const [id] = await notificationIds();
    expect(id).toContain(created.uuid);
    expect(id).not.toContain(before.uuid);

    // The next poll finds the same event at the same timestamp: no second notification.
    await fireAlarm();
    expect(await notificationIds()).toEqual([id]);

    // The popup's "Alerts" tab: what is watched and when it was checked, then the alert, unread.
    const popup = await browser.openExtensionPage('popup.html');
    await popup.getByRole('tab', { name: 'Alerts' }).click();
    const watching = popup.getByRole('status', { name: 'Watching' });
    await expect.poll(() => watching.textContent()).toContain(`Watching ${tag} on Stand-in MISP`);
    expect(await watching.textContent()).toContain('Last checked');
    expect(await watching.textContent()).not.toContain('Choose tags to watch');
    const alerts = popup.getByRole('list', { name: tag, exact: true });
    await expect.poll(() => alerts.getByRole('listitem').count()).toBe(1);
    const text = (await alerts.getByRole('listitem').textContent()) ?? '';
    expect(text).toContain(`Watched tag: ${tag}`);
    expect(text).toContain(`${misp.namePrefix} watched report`);
    expect(text).toContain(misp.expected.orgName);
    expect(text).toContain('Threat level: High');
    expect(text).toContain('Unread');
    expect(await popup.getByText('1 unread', { exact: true }).count()).toBe(1);
    await popup.close();

    // Clicking the notification (the background's onClicked path) opens the event in MISP.
    const eventUrl = `${misp.url}/events/view/${created.id}`;
    const opened = await browser.worker.evaluate(async (notificationId) => {
      const hooks = (globalThis as unknown as WorkerChrome).sightlineWatch;
      return hooks ? hooks.notificationClicked(notificationId) : false;
    }, id ?? '');
    expect(opened).toBe(true);
    await expect
      .poll(() =>
        browser.worker.evaluate(async () => {
          const { chrome } = globalThis as unknown as WorkerChrome;
          return (await chrome.tabs.query({})).map((tab) => tab.pendingUrl || tab.url);
        }),
      )
      .toContain(eventUrl);
    expect(await notificationIds()).toEqual([]);

    const again = await browser.openExtensionPage('popup.html');
    await again.getByRole('tab', { name: 'Alerts' }).click();
    await expect.poll(() => again.getByText('All read', { exact: true }).count()).toBe(1);
    // Read entries can be marked unread again.
    await again.getByRole('button', { name: /^Mark .* as unread$/ }).click();
    await expect.poll(() => again.getByText('1 unread', { exact: true }).count()).toBe(1);
    await again.close();
    await options.close();
  });

  it('"Send a test notification" shows one the way alerts are shown', async () => {
    const options = await browser.openExtensionPage('options.html');
    await options.getByRole('button', { name: 'Send a test notification' }).click();
    await expect.poll(notificationIds).toContain('sightline-test-notification');
    expect(await options.getByText(/^Sent:/).count()).toBe(1);
    expect(await options.getByRole('alert').count()).toBe(0);
    await options.close();
  });

  it('a rejected key pauses watching with one status line and no notification', async () => {
    if (!misp.sim) {
      // Against a real MISP the key cannot be made to fail; the stand-in covers this.
      expect(misp.kind).toBe('real');
      return;
    }
    const notifiedBefore = await notificationIds();
    misp.sim.setFault({ kind: 'key-rejected' });
    try {
      await fireAlarm();
      expect((await watchState()).status?.message).toBe('Watching paused: API key rejected');
      expect(await notificationIds()).toEqual(notifiedBefore);
      const options = await browser.openExtensionPage('options.html');
      await expect.poll(() => options.getByText('Watching paused: API key rejected').count()).toBe(1);
      await options.close();
      const popup = await browser.openExtensionPage('popup.html');
      await popup.getByRole('tab', { name: 'Alerts' }).click();
      await expect.poll(() => popup.getByText('Watching paused: API key rejected').count()).toBe(1);
      await popup.close();
    } finally {
      misp.sim.setFault(null);
    }
    await fireAlarm();
    expect((await watchState()).status).toBeUndefined();
  });
});
