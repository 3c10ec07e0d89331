import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { escapeHtml, reportPage } from './report-pages';

/**
 * A careful analyst's event from a report page: the page as an event report referencing the filed
 * attributes, a galaxy cluster found through a synonym, a `file` object from a table row, comments
 * from the page's context, a sharing group; MISP's field errors next to their fields; and the
 * draft's two writers. Everything is read back from the MISP the extension filed to.
 */

const SHA256 = '9f2c4be1d07a5e36c8b14f0d2a7e9c51b3d86f40e2a1c7b95d03e8f6a4b2c1d7';
const MD5 = '4b7e1c9a2f6d3e8b0a5c7d1e9f2b4a6c';
const FILE_NAME = 'invoice_update.exe';
const C2 = '185.220.101.47';
const PAYLOAD_HOST = 'update-relay.net';

/** The stored draft, as far as the test changes it. */
interface StoredDraft {
  extras: unknown[];
  selected: Record<string, unknown>;
  updatedAt: number;
}

/** A vendor-style report: site chrome, several paragraphs naming the actor by a synonym, two tables. */
function reportHtml(): string {
  const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;
  return `<h1>Operation Paper Lantern</h1>
${paragraph('In October we observed a spear-phishing campaign against logistics firms in the Baltic states. The lures were invoices sent from compromised supplier mailboxes.')}
${paragraph('We attribute the activity with moderate confidence to Sofacy, based on overlaps in tooling and infrastructure with earlier operations of the group.')}
${paragraph('The first stage is a small dropper that fetches the payload over HTTPS and schedules it to run at logon. Initial access matches T1566.001.')}
${paragraph('The payload beacons to its command server every ten minutes and accepts commands to upload files and run shell commands.')}
${paragraph('Defenders should block the infrastructure below and hunt for the sample by its hashes.')}
<h2>Samples</h2>
<table><thead><tr><th>SHA-256</th><th>MD5</th><th>File name</th></tr></thead>
<tbody><tr><td>${SHA256}</td><td>${MD5}</td><td>${FILE_NAME}</td></tr></tbody></table>
<h2>Network indicators</h2>
<table><thead><tr><th>Indicator</th><th>Role</th></tr></thead>
<tbody><tr><td>185.220.101[.]47</td><td>C2 server</td></tr><tr><td>update-relay[.]net</td><td>Payload host</td></tr></tbody></table>`;
}

describe("a careful analyst's event from the popup", () => {
  const env = useE2eEnvironment({}, async ({ pages }) => {
    // The site's chrome stands around the article, as on a vendor blog.
    const page = reportPage('Operation Paper Lantern', reportHtml())
      .replace(
        '<body><article>',
        '<body><header><a href="/">Vendor blog</a></header><nav><a href="/p">Products</a></nav><article>',
      )
      .replace('</article></body>', '</article><footer>Vendor footer</footer></body>');
    pages.setPage('/paper-lantern.html', page);
  });
  const reportUrl = () => `${env.pages.url}/paper-lantern.html`;

  async function openReportAndPopup(): Promise<{ report: Page; popup: Page; tabId: number }> {
    const report = await env.browser.context.newPage();
    await report.goto(reportUrl());
    const tabId = (await tabIdOf(env.browser.worker, reportUrl()))!;
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const list = popup.getByRole('list', { name: 'Indicators on this page' });
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await list.getByRole('checkbox', { name: C2, exact: true }).count()) > 0) break;
      await popup.waitForTimeout(500);
      await popup.reload();
    }
    await checkbox(popup, C2).waitFor();
    return { report, popup, tabId };
  }

  const checkbox = (popup: Page, value: string) =>
    popup
      .getByRole('list', { name: 'Indicators on this page' })
      .getByRole('checkbox', { name: value, exact: true });

  async function filedEventId(popup: Page): Promise<string> {
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    const id = /\/events\/view\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    expect(id).toBeDefined();
    env.misp.trackEvent(id!);
    return id!;
  }

  /** The event's reports as MISP holds them (eventReports/index, obs 127). */
  async function reportsOf(
    eventId: string,
  ): Promise<Array<{ EventReport: { name: string; content: string } }>> {
    const answer = await fetch(`${env.misp.url}/eventReports/index/event_id:${eventId}`, {
      headers: { Authorization: env.misp.apiKey, Accept: 'application/json' },
    });
    return (await answer.json()) as Array<{ EventReport: { name: string; content: string } }>;
  }

  it('files the report page with an event report, a galaxy cluster, a file object and comments from context', async () => {
    const { report, popup } = await openReportAndPopup();
    for (const value of [SHA256, MD5, C2, PAYLOAD_HOST]) await checkbox(popup, value).check();
    // Each comment is what stood beside the value on the page: the other cells of its table row.
    expect(await popup.getByRole('textbox', { name: `Comment for ${C2}` }).inputValue()).toBe('C2 server');
    expect(await popup.getByRole('textbox', { name: `Comment for ${PAYLOAD_HOST}` }).inputValue()).toBe(
      'Payload host',
    );
    expect(await popup.getByRole('textbox', { name: `Comment for ${SHA256}` }).inputValue()).toBe(FILE_NAME);

    // The hashes and the file name on one row are one file object, shown before filing.
    expect(await popup.getByRole('checkbox', { name: 'Group into objects' }).isChecked()).toBe(true);
    const objects = popup.getByRole('list', { name: 'Objects' });
    await expect
      .poll(() => objects.getByRole('listitem').first().getAttribute('aria-label'))
      .toBe(`file object: ${SHA256}, ${MD5}, ${FILE_NAME}`);
    expect(await objects.getByRole('button', { name: /^Undo / }).count()).toBe(1);

    // A page with several paragraphs is attached as an event report by default.
    expect(await popup.getByRole('checkbox', { name: 'Attach page as event report' }).isChecked()).toBe(true);

    // The page names the actor by a synonym: its cluster is offered first, under "Mentioned on this page".
    const clusters = popup.getByRole('combobox', { name: 'Galaxy clusters' });
    await clusters.focus();
    const mentioned = popup.getByRole('listbox', { name: 'Mentioned on this page' });
    await expect
      .poll(() => mentioned.getByRole('option').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('APT28')]));
    // Typing a synonym finds it too.
    await clusters.fill('Fancy Bear');
    const found = popup.getByRole('listbox', { name: 'Galaxy clusters found' });
    const apt28 = found.getByRole('option').filter({ hasText: /^APT28/ });
    await apt28.first().waitFor({ timeout: 10_000 });
    await apt28.first().click();
    const chips = popup.getByRole('list', { name: 'Chosen galaxy clusters' });
    expect(await chips.textContent()).toContain('APT28');
    expect(await chips.textContent()).toContain('Threat Actor');

    const info = `${env.misp.namePrefix} Paper Lantern`;
    await popup.getByRole('textbox', { name: 'Event info' }).fill(info);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const id = await filedEventId(popup);
    await expect
      .poll(() => popup.getByRole('status').first().textContent())
      .toContain('Event report attached');

    // Read back from MISP.
    const event = await env.misp.client.getEvent(id);
    expect(event.info).toBe(info);
    const file = event.Object.find((object) => object.name === 'file');
    expect(file?.Attribute.map((a) => [a.object_relation, a.value]).sort()).toEqual(
      [
        ['filename', FILE_NAME],
        ['md5', MD5],
        ['sha256', SHA256],
      ].sort(),
    );
    const plain = new Map(event.Attribute.map((attribute) => [attribute.value, attribute]));
    expect(plain.get(C2)).toMatchObject({ type: 'ip-dst', comment: 'C2 server' });
    expect(plain.get(PAYLOAD_HOST)).toMatchObject({ type: 'domain', comment: 'Payload host' });
    expect(plain.has(SHA256)).toBe(false);
    expect(event.Tag.map((tag) => tag.name)).toContain('misp-galaxy:threat-actor="APT28"');
    expect(event.Galaxy?.flatMap((galaxy) => galaxy.GalaxyCluster.map((c) => c.value))).toContain('APT28');

    const reports = await reportsOf(id);
    expect(reports).toHaveLength(1);
    const content = reports[0]!.EventReport.content;
    expect(content.startsWith('# Operation Paper Lantern\n\nSource: ')).toBe(true);
    expect(content).toContain('185.220.101[.]47');
    expect(content).not.toContain('185.220.101.47');
    for (const chrome of ['Vendor blog', 'Products', 'Vendor footer']) expect(content).not.toContain(chrome);
    // Every reference is to an attribute of the event, and each filed value is referenced.
    const uuids = [...content.matchAll(/@\[attribute\]\(([0-9a-f-]{36})\)/g)].map((match) => match[1]);
    const attributes = [...event.Attribute, ...event.Object.flatMap((object) => object.Attribute)];
    const byUuid = new Map(attributes.map((attribute) => [attribute.uuid, attribute.value]));
    expect(uuids.map((uuid) => byUuid.get(uuid!)).sort()).toEqual([C2, MD5, SHA256, PAYLOAD_HOST].sort());
    await popup.close();
    await report.close();
  });

  it('an object undone in the popup files its values as plain attributes', async () => {
    const { report, popup } = await openReportAndPopup();
    await checkbox(popup, SHA256).check();
    await checkbox(popup, MD5).check();
    const objects = popup.getByRole('list', { name: 'Objects' });
    await objects.getByRole('button', { name: /^Undo file object/ }).click();
    await objects.getByRole('button', { name: /^Group again: file object/ }).waitFor();
    await popup.getByRole('checkbox', { name: 'Attach page as event report' }).uncheck();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(`${env.misp.namePrefix} undone object`);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const event = await env.misp.client.getEvent(await filedEventId(popup));
    expect(event.Object).toHaveLength(0);
    expect(event.Attribute.map((attribute) => attribute.value)).toEqual(
      expect.arrayContaining([SHA256, MD5]),
    );
    expect(await reportsOf(event.id)).toHaveLength(0);
    await popup.close();
    await report.close();
  });

  it('a sharing-group distribution needs a sharing group, and files the event to it', async () => {
    const { report, popup } = await openReportAndPopup();
    await checkbox(popup, C2).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(`${env.misp.namePrefix} shared`);
    await popup.getByRole('combobox', { name: 'Distribution' }).selectOption({ label: 'Sharing group' });
    const groups = popup.getByRole('combobox', { name: 'Sharing group' });
    await expect.poll(() => groups.locator('option').allTextContents()).toContain('ORGNAME and partners');
    await popup.getByRole('button', { name: 'Create event' }).click();
    expect(await popup.getByRole('alert').textContent()).toContain(
      'Choose a sharing group: Distribution is "Sharing group".',
    );
    await groups.selectOption({ label: 'ORGNAME and partners' });
    await popup.getByRole('button', { name: 'Create event' }).click();
    const event = await env.misp.client.getEvent(await filedEventId(popup));
    expect(String(event.distribution)).toBe('4');
    const group = (await env.misp.client.sharingGroups()).find((g) => g.name === 'ORGNAME and partners');
    expect(String(event.sharing_group_id)).toBe(group?.id);
    await popup.close();
    await report.close();
  });

  it("shows MISP's field error next to the field it names", async () => {
    if (!env.misp.sim) return expect(env.misp.kind).toBe('real'); // The refusal is replayed by the stand-in.
    const { report, popup } = await openReportAndPopup();
    await checkbox(popup, C2).check();
    // What MISP answers events/add for an empty info (API-NOTES §5), which the form itself never sends.
    env.misp.sim.setFault({
      kind: 'reply',
      pathPrefix: '/events/add',
      times: 1,
      status: 403,
      body: {
        saved: false,
        name: 'Could not add Event',
        message: 'Could not add Event',
        url: '/events/add',
        errors: { Event: { info: ['valueNotEmpty'] } },
      },
    });
    await popup.getByRole('button', { name: 'Create event' }).click();
    const info = popup.getByRole('textbox', { name: 'Event info' });
    await expect.poll(() => info.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await info.getAttribute('aria-describedby')) ?? '';
    expect(await popup.locator(`#${describedBy}`).textContent()).toBe('MISP: must not be empty');
    expect(await popup.getByRole('alert').textContent()).toContain('MISP rejected the data');
    // Corrected and sent again, the error goes.
    await info.fill(`${env.misp.namePrefix} after a field error`);
    await popup.getByRole('button', { name: 'Create event' }).click();
    await filedEventId(popup);
    expect(await info.getAttribute('aria-invalid')).toBeNull();
    await popup.close();
    await report.close();
  });

  it('an addition to the draft from outside the open popup shows at once and survives its edits', async () => {
    const { report, popup, tabId } = await openReportAndPopup();
    await checkbox(popup, C2).check();
    await popup.waitForTimeout(300);
    // Another writer (the context menu's "Add selection to draft event") adds a value to the stored draft.
    await env.browser.worker.evaluate(async (tabId) => {
      const { chrome } = globalThis as unknown as {
        chrome: {
          storage: {
            session: { get(k: string): Promise<Record<string, StoredDraft>>; set(v: object): Promise<void> };
          };
        };
      };
      const key = `draft:${tabId}`;
      const draft = (await chrome.storage.session.get(key))[key]!;
      draft.extras.push({ type: 'ipv4', value: '203.0.113.88', original: '203.0.113[.]88', count: 1 });
      draft.selected['203.0.113.88'] = {
        type: 'ip-dst',
        category: 'Network activity',
        toIds: true,
        comment: '',
      };
      draft.updatedAt = Date.now();
      await chrome.storage.session.set({ [key]: draft });
    }, tabId);
    await expect.poll(() => checkbox(popup, '203.0.113.88').isChecked(), { timeout: 5_000 }).toBe(true);
    expect(await checkbox(popup, C2).isChecked()).toBe(true);
    // The popup's own edit afterwards keeps the addition.
    await popup.getByRole('textbox', { name: 'Event info' }).fill('Edited after the addition');
    await popup.waitForTimeout(300);
    await popup.reload();
    await checkbox(popup, '203.0.113.88').waitFor();
    expect(await checkbox(popup, '203.0.113.88').isChecked()).toBe(true);
    expect(await popup.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe(
      'Edited after the addition',
    );
    await popup.close();
    await report.close();
  });
});
