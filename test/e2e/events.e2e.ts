import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { markdownToHtml, reportPage } from './report-pages';

const CORPUS = resolve(import.meta.dirname, '../fixtures/corpus/avast');
const chaes = readFileSync(resolve(CORPUS, 'Chaes/README.md'), 'utf8');
const CHAES_SHA256 = 'f20d0ffd1164026e1be61d19459e7b17ff420676d4c8083dd41ba5d04b97a08c';
const IP = '176.123.8.149';
const DOMAIN = 'f84f305c.com';

describe('one-click MISP events from the popup', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let reportUrl: string;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    pages.setPage('/chaes.html', reportPage('Chaes IoCs', markdownToHtml(chaes)));
    reportUrl = `${pages.url}/chaes.html`;
  });

  /** Opens the report in a tab, and the popup for that tab once the page's indicators are listed. */
  async function openReportAndPopup(): Promise<{ report: Page; popup: Page; tabId: number }> {
    const report = await browser.context.newPage();
    await report.goto(reportUrl);
    const tabId = await tabIdOf(browser.worker, reportUrl);
    expect(tabId).toBeTypeOf('number');
    const popup = await openPopup(tabId!);
    return { report, popup, tabId: tabId! };
  }

  async function openPopup(tabId: number): Promise<Page> {
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const list = popup.getByRole('list', { name: 'Indicators on this page' });
    // The content script's report may still be on its way: reopen until the list is filled.
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await list.getByRole('checkbox', { name: IP, exact: true }).count()) > 0) return popup;
      await popup.waitForTimeout(500);
      await popup.reload();
      await list.waitFor();
    }
    throw new Error('The popup never listed the page indicators');
  }

  const checkbox = (popup: Page, value: string) =>
    popup
      .getByRole('list', { name: 'Indicators on this page' })
      .getByRole('checkbox', { name: value, exact: true });

  async function eventsNamed(info: string) {
    return (await misp.client.searchEvents({ info, limit: 50 })).filter((event) => event.info === info);
  }

  it('lists the page indicators with their status, and files the selection as a tagged event', async () => {
    const { report, popup } = await openReportAndPopup();
    const list = popup.getByRole('list', { name: 'Indicators on this page' });
    expect(await list.textContent()).toContain('New');
    // Values are listed refanged, whatever the report wrote.
    await checkbox(popup, IP).check();
    await checkbox(popup, DOMAIN).check();
    await checkbox(popup, CHAES_SHA256).check();
    await popup.getByRole('textbox', { name: `Comment for ${IP}` }).fill('C2 server');
    await popup.getByRole('checkbox', { name: `IDS flag for ${DOMAIN}` }).uncheck();
    expect(await popup.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe('Chaes IoCs');
    const info = `${misp.namePrefix} Chaes filing`;
    await popup.getByRole('textbox', { name: 'Event info' }).fill(info);
    await popup
      .getByRole('combobox', { name: 'Distribution' })
      .selectOption({ label: 'Connected communities' });
    await popup.getByRole('combobox', { name: 'Threat level' }).selectOption({ label: 'High' });
    await popup.getByRole('combobox', { name: 'Analysis' }).selectOption({ label: 'Completed' });
    await popup.getByRole('combobox', { name: 'TLP' }).selectOption({ label: 'tlp:amber+strict' });
    const campaignTag = `${misp.namePrefix}:campaign`;
    misp.trackTag(campaignTag);
    const tags = popup.getByRole('combobox', { name: 'Tags' });
    await tags.fill(campaignTag);
    await tags.press('Enter');
    // A tag the server does not know is flagged before submitting.
    await expect
      .poll(() => popup.getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain(`Not on the server: ${campaignTag}`);
    expect(await popup.getByRole('checkbox', { name: 'Include page URL' }).isChecked()).toBe(true);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    const href = (await link.getAttribute('href')) ?? '';
    const id = /\/events\/view\/(\d+)$/.exec(href)?.[1];
    expect(id).toBeDefined();
    misp.trackEvent(id!);

    const event = await misp.client.getEvent(id!);
    expect(event.info).toBe(info);
    expect(String(event.distribution)).toBe('2');
    expect(String(event.threat_level_id)).toBe('1');
    expect(String(event.analysis)).toBe('2');
    expect(event.Tag.map((tag) => tag.name).sort()).toEqual([campaignTag, 'tlp:amber+strict'].sort());
    const byValue = new Map(event.Attribute.map((attribute) => [attribute.value, attribute]));
    expect(byValue.get(IP)).toMatchObject({
      type: 'ip-dst',
      category: 'Network activity',
      to_ids: true,
      comment: 'C2 server',
    });
    expect(byValue.get(DOMAIN)).toMatchObject({
      type: 'domain',
      category: 'Network activity',
      to_ids: false,
    });
    expect(byValue.get(CHAES_SHA256)).toMatchObject({
      type: 'sha256',
      category: 'Payload delivery',
      to_ids: true,
    });
    expect(byValue.get(reportUrl)).toMatchObject({
      type: 'link',
      category: 'External analysis',
      to_ids: false,
    });
    expect(event.Attribute).toHaveLength(4);
    // The event uuid is the client's: the outbox record id.
    const submissions = await popup.getByRole('list', { name: 'Submissions' }).textContent();
    expect(submissions).toContain(info);
    expect(submissions).toContain('sent');

    // After filing, the draft is cleared, and the filed values show as known.
    await popup.close();
    const again = await openPopup(await tabIdOf(browser.worker, reportUrl));
    expect(await checkbox(again, IP).isChecked()).toBe(false);
    expect(await again.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe('Chaes IoCs');
    await expect
      .poll(
        async () => {
          await again.reload();
          await again.getByRole('list', { name: 'Indicators on this page' }).waitFor();
          return again
            .getByRole('list', { name: 'Indicators on this page' })
            .getByRole('listitem')
            .filter({ has: again.getByRole('checkbox', { name: IP, exact: true }) })
            .last()
            .textContent();
        },
        { timeout: 20_000 },
      )
      .toContain('In MISP (1 event)');
    await again.close();
    await report.close();
  });

  it('keeps the draft when the popup closes and reopens', async () => {
    const { report, popup, tabId } = await openReportAndPopup();
    await checkbox(popup, DOMAIN).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill('Half-written info');
    await popup.getByRole('combobox', { name: 'TLP' }).selectOption({ label: 'tlp:red' });
    await popup.waitForTimeout(300);
    await popup.close();
    const reopened = await openPopup(tabId);
    expect(await checkbox(reopened, DOMAIN).isChecked()).toBe(true);
    expect(await checkbox(reopened, IP).isChecked()).toBe(false);
    expect(await reopened.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe(
      'Half-written info',
    );
    expect(await reopened.getByRole('combobox', { name: 'TLP' }).inputValue()).toBe('red');
    await reopened.close();
    await report.close();
  });

  it('a double click and a repeated submission file one event', async () => {
    const { report, popup } = await openReportAndPopup();
    const info = `${misp.namePrefix} double submit`;
    await checkbox(popup, IP).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(info);
    if (misp.sim) misp.sim.setFault({ kind: 'delay', ms: 800, pathPrefix: '/events/add', times: 1 });
    await popup.getByRole('button', { name: 'Create event' }).dblclick();
    await popup.getByRole('link', { name: 'Open event in MISP' }).waitFor({ timeout: 20_000 });
    const filed = await eventsNamed(info);
    expect(filed).toHaveLength(1);
    misp.trackEvent(filed[0]!.id);
    // The same submission sent again (popup reopened on a stale draft, or two windows): still one event.
    const uuid = filed[0]!.uuid;
    const answers = await popup.evaluate(
      async ({ uuid, info }) => {
        const { chrome } = globalThis as unknown as {
          chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
        };
        const submission = {
          key: uuid,
          tabId: -1,
          info,
          date: '2024-05-01',
          distribution: 0,
          threatLevel: 4,
          analysis: 0,
          published: false,
          tags: [],
          attributes: [
            {
              type: 'ip-dst',
              value: '176.123.8.149',
              category: 'Network activity',
              toIds: true,
              comment: '',
            },
          ],
        };
        const message = { channel: 'sightline', type: 'events/create', payload: submission };
        return Promise.all([chrome.runtime.sendMessage(message), chrome.runtime.sendMessage(message)]);
      },
      { uuid, info },
    );
    for (const answer of answers) expect(answer).toMatchObject({ ok: true, data: { state: 'sent' } });
    expect(await eventsNamed(info)).toHaveLength(1);
    await popup.close();
    await report.close();
  });

  it('an event whose first answer was lost is recognised by its uuid, not filed twice', async () => {
    const { report, popup } = await openReportAndPopup();
    const info = `${misp.namePrefix} lost answer`;
    await checkbox(popup, CHAES_SHA256).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(info);
    // The draft's key is the event uuid: file it behind the popup's back, as a lost first attempt would have.
    await popup.waitForTimeout(300);
    const key = await browser.worker.evaluate(async (info) => {
      const { chrome } = globalThis as unknown as {
        chrome: {
          storage: {
            session: { get(): Promise<Record<string, { key?: string; form?: { info?: string } }>> };
          };
        };
      };
      const all = await chrome.storage.session.get();
      return Object.entries(all).find(
        ([name, draft]) => name.startsWith('draft:') && draft.form?.info === info,
      )?.[1]?.key;
    }, info);
    expect(key).toBeDefined();
    const first = await misp.client.createEvent({
      uuid: key!,
      info,
      distribution: 0,
      threatLevel: 4,
      analysis: 0,
      attributes: [{ type: 'sha256', value: CHAES_SHA256 }],
    });
    misp.trackEvent(first.id);
    await popup.getByRole('button', { name: 'Create event' }).click();
    await popup.getByRole('link', { name: 'Open event in MISP' }).waitFor({ timeout: 20_000 });
    expect(await popup.getByRole('status').filter({ hasText: 'already in MISP' }).count()).toBe(1);
    expect(await eventsNamed(info)).toHaveLength(1);
    await popup.close();
    await report.close();
  });

  it('MISP down: the event is queued, then sent once when MISP is back', async () => {
    if (!misp.sim) return expect(misp.kind).toBe('real'); // Needs fault injection.
    const { report, popup } = await openReportAndPopup();
    const info = `${misp.namePrefix} while down`;
    await checkbox(popup, DOMAIN).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(info);
    misp.sim.setFault({ kind: 'down', pathPrefix: '/events/add' });
    await popup.getByRole('button', { name: 'Create event' }).click();
    const submissions = popup.getByRole('list', { name: 'Submissions' });
    await expect.poll(() => submissions.textContent(), { timeout: 20_000 }).toContain('queued');
    expect(await popup.getByRole('status').first().textContent()).toContain('Queued');
    expect(await eventsNamed(info)).toHaveLength(0);
    // Survives the popup closing.
    await popup.close();
    const reopened = await browser.openExtensionPage(
      `popup.html?tab=${await tabIdOf(browser.worker, reportUrl)}`,
    );
    const list = reopened.getByRole('list', { name: 'Submissions' });
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toContain(info);
    expect(await list.textContent()).toContain('queued');
    // The retry alarm is set.
    const alarms = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as {
        chrome: { alarms: { getAll(): Promise<Array<{ name: string }>> } };
      };
      return (await chrome.alarms.getAll()).map((alarm) => alarm.name);
    });
    expect(alarms).toContain('sightline-outbox');
    misp.sim.setFault(null);
    await list
      .getByRole('listitem')
      .filter({ hasText: info })
      .getByRole('button', { name: 'Retry now' })
      .click();
    await expect
      .poll(() => list.getByRole('listitem').filter({ hasText: info }).textContent(), { timeout: 20_000 })
      .toContain('sent');
    const filed = await eventsNamed(info);
    expect(filed).toHaveLength(1);
    misp.trackEvent(filed[0]!.id);
    await reopened.close();
    await report.close();
  });

  it('adds the selection to an existing event, reporting values already in it', async () => {
    const info = `${misp.namePrefix} existing target`;
    const target = await misp.client.createEvent({
      info,
      distribution: 0,
      threatLevel: 3,
      analysis: 1,
      attributes: [{ type: 'ip-dst', value: IP }],
    });
    misp.trackEvent(target.id);
    const { report, popup } = await openReportAndPopup();
    await checkbox(popup, IP).check();
    await checkbox(popup, DOMAIN).check();
    await popup.getByText('Add to an existing event').click();
    await popup.getByRole('searchbox', { name: 'Search events' }).fill('existing target');
    const select = popup.getByRole('combobox', { name: 'Existing event' });
    await expect.poll(() => select.textContent(), { timeout: 10_000 }).toContain(info);
    await select.selectOption({
      label: (await select.locator('option').filter({ hasText: info }).first().textContent())!,
    });
    await popup.getByRole('button', { name: 'Add to existing event' }).click();
    const results = popup.getByRole('list', { name: 'Added attributes' });
    await results.waitFor({ timeout: 20_000 });
    const text = await results.textContent();
    expect(text).toContain(`${DOMAIN}: added`);
    expect(text).toContain(`${IP}: already in this event`);
    const event = await misp.client.getEvent(target.id);
    expect(event.Attribute.map((attribute) => attribute.value).sort()).toEqual([DOMAIN, IP].sort());
    await popup.close();
    await report.close();
  });

  it('reports attributes MISP dropped', async () => {
    const { report, popup } = await openReportAndPopup();
    const info = `${misp.namePrefix} dropped`;
    // The extractor only lists values MISP accepts, so this submission is built by hand: one valid
    // value and one MISP silently drops (an ip-dst that is not an IP).
    const answer = await popup.evaluate(async (info) => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
      };
      return chrome.runtime.sendMessage({
        channel: 'sightline',
        type: 'events/create',
        payload: {
          key: crypto.randomUUID(),
          tabId: -1,
          info,
          date: '2024-05-01',
          distribution: 0,
          threatLevel: 4,
          analysis: 0,
          published: false,
          tags: [],
          attributes: [
            {
              type: 'ip-dst',
              value: '176.123.8.149',
              category: 'Network activity',
              toIds: true,
              comment: '',
            },
            {
              type: 'ip-dst',
              value: 'not-an-ip.example',
              category: 'Network activity',
              toIds: true,
              comment: '',
            },
          ],
        },
      });
    }, info);
    expect(answer).toMatchObject({ ok: true, data: { state: 'sent' } });
    const filed = await eventsNamed(info);
    expect(filed).toHaveLength(1);
    misp.trackEvent(filed[0]!.id);
    await popup.reload();
    const dropped = popup
      .getByRole('list', { name: 'Submissions' })
      .getByRole('listitem')
      .filter({ hasText: info })
      .getByRole('list', { name: 'Dropped attributes' });
    await dropped.waitFor({ timeout: 10_000 });
    expect(await dropped.textContent()).toContain('not-an-ip.example (ip-dst)');
    expect(await dropped.textContent()).not.toContain('176.123.8.149');
    await popup.close();
    await report.close();
  });

  it('"Scan text" adds pasted indicators to the list, selected unless likely benign', async () => {
    const { report, popup } = await openReportAndPopup();
    await popup.getByText('Scan text').first().click();
    await popup
      .getByRole('textbox', { name: 'Scan text' })
      .fill('Also seen: 203.0.113[.]77 and hxxps://payload-drop[.]xyz/x.php');
    await popup.getByRole('button', { name: 'Add indicators from text' }).click();
    // A documentation range (RFC 5737) is likely benign: listed, not ticked for the analyst.
    await checkbox(popup, '203.0.113.77').waitFor();
    expect(await checkbox(popup, '203.0.113.77').isChecked()).toBe(false);
    expect(await checkbox(popup, 'https://payload-drop.xyz/x.php').isChecked()).toBe(true);
    await popup.close();
    await report.close();
  });
});
