import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { configureInstance, type ExtensionBrowser, tabIdOf } from './browser';
import { cdp, findByRole, textOf } from './cdp';
import { useE2eEnvironment } from './fixture';
import { cardText, clickInCard, openCard, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

/**
 * Sightings end to end: the hover card's buttons with the real mouse, the popup's bulk sightings and
 * recent list, MISP down → queued → sent once, and a page's synthetic clicks recording nothing.
 */

const NAMES = ['record', 'fp', 'undo', 'synthetic', 'down', 'bulk-a', 'bulk-b', 'source'] as const;
type Name = (typeof NAMES)[number];

/** What a page script holding the node could do: synthetic click and key events (isTrusted false). */
async function syntheticActivate(page: Page, backendNodeId: number) {
  const session = await cdp(page);
  try {
    const { object } = (await session.send('DOM.resolveNode', { backendNodeId })) as {
      object: { objectId: string };
    };
    await session.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration: `function () {
        this.click();
        this.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
        this.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      }`,
    });
  } finally {
    await session.detach();
  }
}

describe('sightings', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  const values = {} as Record<Name, { value: string; original: string; attributeId: string }>;
  let pageUrl: string;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    for (const name of NAMES) {
      const value = `sl-${misp.runId}-${name}.com`;
      values[name] = { value, original: value.replace(/\.com$/, '[.]com'), attributeId: '' };
    }
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} sightings`,
      distribution: 0,
      threatLevel: 2,
      analysis: 1,
      attributes: NAMES.map((name) => ({ type: 'domain', value: values[name].value })),
    });
    misp.trackEvent(created.id);
    for (const name of NAMES) {
      const attribute = created.attributes.find((a) => a.value === values[name].value);
      values[name].attributeId = attribute!.id;
    }
    const list = NAMES.map((name) => `<li>Seen again: ${values[name].original}</li>`).join('\n');
    pages.setPage(
      '/report.html',
      `<!doctype html><title>Sightings report</title><h1>Infrastructure</h1><ul>${list}</ul>`,
    );
    pageUrl = `${pages.url}/report.html`;
  });

  /** The bulk test removes one attribute from the stand-in: the refreshed cache then says unknown. */
  let removed = 0;
  async function reportPage() {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await waitForKnownMarks(page, NAMES.length - removed);
    return page;
  }

  const rows = (name: Name) => misp.client.sightingsForAttribute(values[name].attributeId);

  it('"Record sighting" on the card: the count changes and MISP has it with the page host as source', async () => {
    const page = await reportPage();
    const { value, original } = values.record;
    await openCard(page, original, value);
    expect(await cardText(page, value)).toContain('0 sightings');
    await clickInCard(page, 'Record sighting');
    await expect
      .poll(() => cardText(page, value), { timeout: 10_000 })
      .toContain('Recorded sighting in MISP');
    expect(await cardText(page, value)).toContain('1 sighting ·');
    const stored = await rows('record');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: '0', source: '127.0.0.1' });
    // Reopening the card reads the refreshed cache: the count stays confirmed.
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 5);
    await openCard(page, original, value);
    expect(await cardText(page, value)).toContain('1 sighting ·');
    await page.close();
  });

  it('"Mark false positive" and "Mark expired" record types 1 and 2', async () => {
    const page = await reportPage();
    const { value, original } = values.fp;
    await openCard(page, original, value);
    await clickInCard(page, 'Mark false positive');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('1 false positive ·');
    await expect.poll(() => cardText(page, value)).toContain('Recorded false positive');
    await clickInCard(page, 'Mark expired');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('1 expiration ·');
    await expect.poll(() => cardText(page, value)).toContain('Recorded expiration');
    const stored = await rows('fp');
    expect(stored.map((row) => row.type).sort()).toEqual(['1', '2']);
    expect(stored.every((row) => row.source === '127.0.0.1')).toBe(true);
    // On demand: the attribute's sighting history with org and source.
    await clickInCard(page, 'Show sighting history');
    // The history arrives from MISP a moment after the click: wait for the list itself.
    let history: Awaited<ReturnType<typeof findByRole>>;
    await expect
      .poll(async () => (history = await findByRole(page, 'list', 'Sighting history')), { timeout: 10_000 })
      .toBeTruthy();
    const historyText = await textOf(page, history!.backendNodeId);
    expect(historyText).toContain('expiration');
    expect(historyText).toContain(misp.expected.orgName);
    expect(historyText).toContain('127.0.0.1');
    await page.close();
  });

  it('"Undo" removes the sighting from MISP', async () => {
    const page = await reportPage();
    const { value, original } = values.undo;
    await openCard(page, original, value);
    await clickInCard(page, 'Record sighting');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('Recorded sighting');
    expect(await rows('undo')).toHaveLength(1);
    await clickInCard(page, 'Undo');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('Undone');
    expect(await cardText(page, value)).toContain('0 sightings');
    expect(await rows('undo')).toHaveLength(0);
    await page.close();
  });

  it("a page's synthetic events on the card's buttons record nothing", async () => {
    const page = await reportPage();
    const { value, original } = values.synthetic;
    await openCard(page, original, value);
    for (const name of ['Record sighting', 'Mark false positive', 'Mark expired']) {
      const button = await findByRole(page, 'button', name);
      await syntheticActivate(page, button!.backendNodeId);
    }
    // Give a (wrongly) accepted click time to reach MISP, then check that nothing did.
    await page.waitForTimeout(1500);
    expect(await rows('synthetic')).toHaveLength(0);
    expect(await cardText(page, value)).toContain('0 sightings · 0 false positives · 0 expirations');
    if (misp.sim) {
      const adds = misp.sim.requests.filter(
        (request) =>
          request.path.startsWith('/sightings/add') && JSON.stringify(request.body).includes(value),
      );
      expect(adds).toEqual([]);
    }
    // The same button under the real mouse works.
    await clickInCard(page, 'Record sighting');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('Recorded sighting');
    expect(await rows('synthetic')).toHaveLength(1);
    await page.close();
  });

  it('MISP down: the sighting is queued, shown in the popup, and sent exactly once', async () => {
    if (!misp.sim) return expect(misp.kind).toBe('real'); // Fault injection needs the stand-in.
    const sim = misp.sim;
    const page = await reportPage();
    const { value, original } = values.down;
    await openCard(page, original, value);
    sim.setFault({ kind: 'down', pathPrefix: '/sightings/add' });
    await clickInCard(page, 'Record sighting');
    await expect.poll(() => cardText(page, value), { timeout: 20_000 }).toContain('queued');
    // Optimistic count stays while it waits.
    expect(await cardText(page, value)).toContain('1 sighting ·');
    expect(await rows('down')).toHaveLength(0);
    const tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    const item = popup.getByRole('listitem', { name: `sighting of ${value}` });
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('Queued');
    sim.setFault(null);
    await item.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Sent');
    const stored = await rows('down');
    expect(stored).toHaveLength(1);
    const delivered = sim.requests.filter(
      (request) =>
        request.path.startsWith('/sightings/add') &&
        request.status === 200 &&
        JSON.stringify(request.body).includes(value),
    );
    expect(delivered).toHaveLength(1);
    // Reopened later, it is still sent once.
    await popup.reload();
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('Sent');
    expect(await rows('down')).toHaveLength(1);
    await popup.close();
    await page.close();
  });

  it('popup: a bulk sighting is one request, with per-value results naming what did not take', async () => {
    const page = await reportPage();
    const tabId = await tabIdOf(browser.worker, pageUrl);
    if (misp.sim) {
      // The analyst's cache still says "known", but the attribute is gone from MISP since.
      const row = misp.sim.store.attributes.get(Number(values['bulk-b'].attributeId));
      row!.deleted = true;
      removed = 1;
      misp.sim.clearRequests();
    }
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    await popup.getByRole('checkbox', { name: values['bulk-a'].value }).check();
    await popup.getByRole('checkbox', { name: values['bulk-b'].value }).check();
    await popup.getByRole('button', { name: 'Record sighting' }).click();
    const results = popup.getByRole('list', { name: 'Results' });
    await expect
      .poll(() => results.textContent(), { timeout: 15_000 })
      .toContain(`${values['bulk-a'].value}: recorded (1 attribute)`);
    expect(await rows('bulk-a')).toHaveLength(1);
    if (misp.sim) {
      expect(await results.textContent()).toContain(`${values['bulk-b'].value}: did not take`);
      expect(await popup.getByText('1 value did not take').textContent()).toContain(values['bulk-b'].value);
      const adds = misp.sim.requests.filter((request) => request.path.startsWith('/sightings/add'));
      expect(adds).toHaveLength(1);
      expect(adds[0]!.body).toMatchObject({
        values: [values['bulk-a'].value, values['bulk-b'].value],
        type: '0',
        source: '127.0.0.1',
      });
    }
    // The recent list offers Undo for it; it removes the sighting.
    const item = popup.getByRole('listitem', { name: 'sighting of 2 values' });
    await item.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('Undone');
    expect(await rows('bulk-a')).toHaveLength(0);
    await popup.close();
    await page.close();
  });

  it('options: "Sighting source" set to the full page URL is what MISP gets', async () => {
    const options = await browser.openExtensionPage('options.html');
    const group = options.getByRole('radiogroup', { name: 'Sighting source' });
    await group.getByRole('radio', { name: 'Full page URL' }).check();
    await expect.poll(() => options.getByText('Sighting source saved.').count()).toBe(1);
    expect(await options.getByText('Shares the full address of the page').count()).toBe(1);
    await options.close();
    const page = await reportPage();
    const { value, original } = values.source;
    await openCard(page, original, value);
    await clickInCard(page, 'Record sighting');
    await expect.poll(() => cardText(page, value), { timeout: 10_000 }).toContain('Recorded sighting');
    expect((await rows('source'))[0]).toMatchObject({ source: pageUrl });
    await page.close();
  });

  it('a key without the sighting permission: no buttons, an explanation', async () => {
    if (!misp.extraKeys.readOnly) return expect(misp.kind).toBe('real');
    await configureInstance(browser.context, {
      url: misp.url,
      apiKey: misp.extraKeys.readOnly,
      name: 'Stand-in MISP',
    });
    const page = await reportPage();
    const { value, original } = values.record;
    await openCard(page, original, value);
    await expect
      .poll(() => cardText(page, value), { timeout: 10_000 })
      .toContain('Recording sightings is not available');
    expect(await findByRole(page, 'button', 'Record sighting')).toBeUndefined();
    await page.close();
  });
});
