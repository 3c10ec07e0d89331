/**
 * Several MISP instances, end to end (issue 8, deliverable 2).
 *
 * This file starts three MISP stand-ins directly (`startMispSim`), not `startMispTarget`: it needs
 * several servers at once, to control what each knows and to make one fail, and a real-server run
 * has only one server. It therefore always runs against the stand-in.
 *
 * Alpha and Bravo are used for lookups; Charlie is configured (with a key) but "Use for lookups" is
 * off. One value is known in both Alpha and Bravo, one only in Alpha, one only in Bravo, one in none.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MispClient } from '../../lib/misp';
import { type MispSim, startMispSim } from '../misp-sim';
import {
  askBackground,
  configureInstances,
  type ExtensionBrowser,
  launchExtensionBrowser,
  tabIdOf,
} from './browser';
import { boxOfNode, callOnNode, cdp, clickBox, findByRole, overlaps, textOf, textRects } from './cdp';
import { knownMarks } from './helpers';
import { type PageServer, startPageServer } from './page-server';
import { reportPage } from './report-pages';

const BOTH = 'shared-relay-c2.com';
const ONLY_A = '45.142.212.61';
const ONLY_B = 'bravo-dropper.net';
const NOBODY = '91.215.85.17';
/** How the page writes them (defanged, as reports do). */
const WRITTEN = {
  [BOTH]: 'shared-relay-c2[.]com',
  [ONLY_A]: '45.142.212[.]61',
  [ONLY_B]: 'bravo-dropper[.]net',
  [NOBODY]: '91.215.85[.]17',
};

const restSearches = (sim: MispSim) =>
  sim.requests.filter((request) => request.path.startsWith('/attributes/restSearch'));

describe('several MISP instances', () => {
  let browser: ExtensionBrowser;
  let alpha: MispSim;
  let bravo: MispSim;
  let charlie: MispSim;
  let pages: PageServer;
  let pageUrl: string;
  const info = {
    alpha: 'Alpha: relay campaign',
    bravo1: 'Bravo: dropper wave',
    bravo2: 'Bravo: relay reuse',
  };

  beforeAll(async () => {
    [browser, alpha, bravo, charlie, pages] = await Promise.all([
      launchExtensionBrowser(),
      startMispSim({ seed: 'empty' }),
      startMispSim({ seed: 'empty' }),
      startMispSim({ seed: 'empty' }),
      startPageServer(),
    ]);
    const client = (sim: MispSim) => new MispClient({ url: sim.url, apiKey: sim.apiKey });
    await client(alpha).createEvent({
      info: info.alpha,
      distribution: 0,
      threatLevel: 1,
      analysis: 1,
      attributes: [
        { type: 'domain', value: BOTH },
        { type: 'ip-dst', value: ONLY_A },
      ],
    });
    await client(bravo).createEvent({
      info: info.bravo1,
      distribution: 0,
      threatLevel: 3,
      analysis: 0,
      attributes: [
        { type: 'domain', value: ONLY_B },
        { type: 'domain', value: BOTH },
      ],
    });
    await client(bravo).createEvent({
      info: info.bravo2,
      distribution: 0,
      threatLevel: 3,
      analysis: 0,
      attributes: [{ type: 'domain', value: BOTH }],
    });
    // Charlie knows everything, but is not used for lookups: nothing may reach it.
    await client(charlie).createEvent({
      info: 'Charlie: everything',
      distribution: 0,
      threatLevel: 1,
      analysis: 0,
      attributes: [BOTH, ONLY_B, NOBODY].map((value) => ({ type: 'domain', value })),
    });
    for (const sim of [alpha, bravo, charlie]) sim.clearRequests();
    await configureInstances(browser.context, [
      {
        id: 'alpha',
        name: 'Alpha MISP',
        url: alpha.url,
        apiKey: alpha.apiKey,
        useForLookups: true,
        defaultForEvents: true,
      },
      {
        id: 'bravo',
        name: 'Bravo MISP',
        url: bravo.url,
        apiKey: bravo.apiKey,
        useForLookups: true,
        defaultForEvents: false,
      },
      {
        id: 'charlie',
        name: 'Charlie MISP',
        url: charlie.url,
        apiKey: charlie.apiKey,
        useForLookups: false,
        defaultForEvents: false,
      },
    ]);
    const body = `<p>The loader beacons to ${WRITTEN[BOTH]} and falls back to ${WRITTEN[ONLY_A]}.</p>
      <p>Stage two comes from ${WRITTEN[ONLY_B]}; a test host at ${WRITTEN[NOBODY]} was also seen.</p>`;
    pages.setPage('/multi.html', reportPage('Multi-instance report', body));
    pageUrl = `${pages.url}/multi.html`;
    pages.setPage('/multi-failing.html', reportPage('Multi-instance report, again', body));
  });
  afterAll(async () => {
    bravo?.setFault(null);
    await Promise.all([browser?.close(), alpha?.close(), bravo?.close(), charlie?.close(), pages?.close()]);
  });

  /** The popup for the report's tab, once the page panel lists `value` with a status matching `status`. */
  async function openPopup(tabId: number, value: string, status: RegExp): Promise<Page> {
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    for (let attempt = 0; attempt < 30; attempt++) {
      const row = itemOf(popup, value);
      if ((await row.count()) > 0 && status.test((await row.first().textContent()) ?? '')) return popup;
      await popup.waitForTimeout(500);
      await popup.reload();
    }
    const answer = await askBackground(popup, 'tab/indicators', { tabId });
    throw new Error(`The popup never showed ${value} as ${status}: ${JSON.stringify(answer)}`);
  }

  /** The list item of one value (the list nests items in per-kind groups: the innermost one). */
  const itemOf = (popup: Page, value: string) =>
    popup
      .getByRole('list', { name: 'Indicators on this page' })
      .getByRole('listitem')
      .filter({ has: popup.getByRole('checkbox', { name: value, exact: true }) })
      .filter({ hasNot: popup.getByRole('list') });

  const statusOf = async (popup: Page, value: string) =>
    (await itemOf(popup, value).locator('.sl-status').textContent())?.trim();

  it('looks up in every instance used for lookups, none in the others, and marks values from each', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await expect.poll(async () => (await knownMarks(page)).length, { timeout: 20_000 }).toBe(3);
    const marks = await knownMarks(page);
    const targets = await textRects(page, [WRITTEN[BOTH], WRITTEN[ONLY_A], WRITTEN[ONLY_B]]);
    expect(targets).toHaveLength(3);
    for (const target of targets) {
      expect(marks.some((mark) => overlaps(mark.box, target.box), `no mark on ${target.text}`)).toBe(true);
    }
    // The value nobody used for lookups knows has no threat mark (Charlie's event does not count).
    const [nobody] = await textRects(page, [WRITTEN[NOBODY]]);
    expect(marks.some((mark) => overlaps(mark.box, nobody!.box))).toBe(false);

    expect(restSearches(alpha).length).toBeGreaterThan(0);
    expect(restSearches(bravo).length).toBeGreaterThan(0);
    expect(charlie.requests).toEqual([]);
    // Each lookup instance was asked for the page's values.
    for (const sim of [alpha, bravo]) {
      const asked = JSON.stringify(restSearches(sim).map((request) => request.body));
      for (const value of [BOTH, ONLY_A, ONLY_B, NOBODY]) expect(asked).toContain(value);
    }
    await page.close();
  });

  it('the hover card of a value known in both shows both instances with their events, and a sighting goes to the instance it was recorded in', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await expect.poll(async () => (await knownMarks(page)).length, { timeout: 20_000 }).toBe(3);
    const [target] = await textRects(page, [WRITTEN[BOTH]]);
    await page.mouse.move(target!.box.x + 3, target!.box.y + target!.box.height / 2);
    let dialog: Awaited<ReturnType<typeof findByRole>>;
    await expect
      .poll(async () => (dialog = await findByRole(page, 'dialog', `MISP matches for ${BOTH}`)), {
        timeout: 10_000,
      })
      .toBeTruthy();
    await expect
      .poll(async () => textOf(page, dialog!.backendNodeId), { timeout: 10_000 })
      .toContain(info.bravo2);
    expect(await findByRole(page, 'heading', 'Alpha MISP')).toBeTruthy();
    expect(await findByRole(page, 'heading', 'Bravo MISP')).toBeTruthy();
    const text = await textOf(page, dialog!.backendNodeId);
    for (const event of [info.alpha, info.bravo1, info.bravo2]) expect(text).toContain(event);
    // Alpha's heading and event come before Bravo's.
    expect(text.indexOf('Alpha MISP')).toBeLessThan(text.indexOf(info.alpha));
    expect(text.indexOf(info.alpha)).toBeLessThan(text.indexOf('Bravo MISP'));
    expect(text.indexOf('Bravo MISP')).toBeLessThan(text.indexOf(info.bravo1));

    // "Record sighting" in Bravo's section: a sighting in Bravo, none in Alpha.
    const button = await findByRole(page, 'button', 'Record sighting in Bravo MISP');
    expect(button).toBeTruthy();
    // Bravo's section is below Alpha's: scroll the card to the button, then click it with the mouse.
    const session = await cdp(page);
    await session.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: button!.backendNodeId });
    await session.detach();
    // Write buttons are enabled once the card has been visible and unobscured for a moment.
    await expect
      .poll(() => callOnNode<boolean>(page, button!.backendNodeId, 'function () { return this.disabled; }'))
      .toBe(false);
    const box = await boxOfNode(page, button!.backendNodeId);
    await clickBox(page, box!);
    await expect.poll(() => bravo.store.sightings.size, { timeout: 15_000 }).toBe(2);
    expect(alpha.store.sightings.size).toBe(0);
    await expect
      .poll(async () =>
        textOf(page, (await findByRole(page, 'dialog', `MISP matches for ${BOTH}`))!.backendNodeId),
      )
      .toContain('Recorded sighting in MISP');
    await page.close();
  });

  it('the popup groups the matches by instance, and names the instances in each status', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    const tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await openPopup(tabId, BOTH, /In MISP:/);
    expect(await statusOf(popup, BOTH)).toBe('In MISP: Alpha MISP (1 event), Bravo MISP (2 events)');
    expect(await statusOf(popup, ONLY_A)).toBe('In MISP: Alpha MISP (1 event)');
    expect(await statusOf(popup, ONLY_B)).toBe('In MISP: Bravo MISP (1 event)');
    expect(await statusOf(popup, NOBODY)).toBe('New');

    const groups = popup.getByRole('region', { name: 'Matches by MISP instance' });
    const alphaGroup = groups.getByRole('region', { name: 'Alpha MISP' });
    const bravoGroup = groups.getByRole('region', { name: 'Bravo MISP' });
    await expect.poll(() => alphaGroup.textContent()).toContain('Knows 2 of the 4 values on this page');
    expect(await bravoGroup.textContent()).toContain('Knows 2 of the 4 values on this page');
    expect(await groups.getByRole('region', { name: 'Charlie MISP' }).count()).toBe(0);
    const alphaKnown = await alphaGroup
      .getByRole('list', { name: 'Known in Alpha MISP' })
      .getByRole('listitem')
      .allTextContents();
    expect(alphaKnown.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      `${BOTH} 1 event`,
      `${ONLY_A} 1 event`,
    ]);
    const bravoKnown = await bravoGroup
      .getByRole('list', { name: 'Known in Bravo MISP' })
      .getByRole('listitem')
      .allTextContents();
    expect(bravoKnown.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      `${BOTH} 2 events`,
      `${ONLY_B} 1 event`,
    ]);
    expect(await bravoGroup.locator('.status-error').count()).toBe(0);
    await popup.close();
    await page.close();
  });

  it('when Bravo fails, its problem shows in its group while the values Alpha knows stay known', async () => {
    bravo.setFault({ kind: 'key-rejected' });
    try {
      const page = await browser.context.newPage();
      await page.goto('about:blank');
      // Fresh answers are needed: drop the cache, then read the report again.
      const helper = await browser.openExtensionPage('popup.html');
      const cleared = await askBackground(helper, 'cache/clear', {});
      expect(cleared.ok).toBe(true);
      await helper.close();
      // A page of its own, so that no earlier tab's report can answer.
      const failingUrl = `${pages.url}/multi-failing.html`;
      await page.goto(failingUrl);
      const tabId = await tabIdOf(browser.worker, failingUrl);
      const popup = await openPopup(tabId, ONLY_B, /Lookup failed/);
      const bravoGroup = popup
        .getByRole('region', { name: 'Matches by MISP instance' })
        .getByRole('region', { name: 'Bravo MISP' });
      expect(await bravoGroup.locator('.status-error').textContent()).toMatch(
        /^Bravo MISP: API key rejected by MISP/,
      );
      expect(await bravoGroup.textContent()).toContain('Knows 0 of the 4 values on this page');
      const alphaGroup = popup
        .getByRole('region', { name: 'Matches by MISP instance' })
        .getByRole('region', { name: 'Alpha MISP' });
      expect(await alphaGroup.textContent()).toContain('Knows 2 of the 4 values on this page');
      expect(await alphaGroup.locator('.status-error').count()).toBe(0);
      expect(await statusOf(popup, ONLY_A)).toBe('In MISP: Alpha MISP (1 event)');
      expect(await statusOf(popup, BOTH)).toBe('In MISP: Alpha MISP (1 event)');
      // Not "New": Bravo, which failed, might know it.
      expect(await statusOf(popup, ONLY_B)).toMatch(/^Lookup failed: API key rejected by MISP/);
      expect(await statusOf(popup, NOBODY)).toMatch(/^Lookup failed/);
      // The page still marks what Alpha knows.
      const marks = await knownMarks(page);
      const targets = await textRects(page, [WRITTEN[BOTH], WRITTEN[ONLY_A]]);
      for (const target of targets) {
        expect(marks.some((mark) => overlaps(mark.box, target.box), `no mark on ${target.text}`)).toBe(true);
      }
      await popup.close();
      await page.close();
    } finally {
      bravo.setFault(null);
    }
  });

  it('the Sightings panel records a bulk sighting in the instance chosen in "MISP instance" only', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    const tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await openPopup(tabId, BOTH, /In MISP:/);
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    const known = popup.getByRole('list', { name: 'Known indicators on this page' });
    await known.getByRole('checkbox', { name: BOTH, exact: true }).check();
    expect(await known.textContent()).toContain('In MISP: Alpha MISP (1 event), Bravo MISP (2 events)');
    const choice = popup.getByRole('combobox', { name: 'MISP instance' });
    expect(await choice.locator('option').allTextContents()).toEqual([
      'Every instance that knows it',
      'Alpha MISP',
      'Bravo MISP',
    ]);
    await choice.selectOption({ label: 'Alpha MISP' });
    const before = { alpha: alpha.store.sightings.size, bravo: bravo.store.sightings.size };
    await popup.getByRole('button', { name: 'Record sighting' }).click();
    await expect
      .poll(() => popup.getByRole('list', { name: 'Results' }).textContent(), { timeout: 15_000 })
      .toContain(`${BOTH}: recorded (1 attribute)`);
    expect(alpha.store.sightings.size).toBe(before.alpha + 1);
    expect(bravo.store.sightings.size).toBe(before.bravo);
    await popup.close();
    await page.close();
  });

  it('files a new event to the instance chosen in "MISP instance", and only there', async () => {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    const tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await openPopup(tabId, NOBODY, /./);
    const choice = popup.getByRole('combobox', { name: 'MISP instance' });
    // Preselected: the instance marked "Default for new events"; every instance with a key is offered.
    await expect
      .poll(async () => (await choice.locator('option:checked').textContent())?.trim())
      .toBe('Alpha MISP');
    expect(await choice.locator('option').allTextContents()).toEqual([
      'Alpha MISP',
      'Bravo MISP',
      'Charlie MISP',
    ]);
    await choice.selectOption({ label: 'Bravo MISP' });
    await popup
      .getByRole('list', { name: 'Indicators on this page' })
      .getByRole('checkbox', { name: NOBODY, exact: true })
      .check();
    const eventInfo = `Filed to Bravo ${Date.now()}`;
    await popup.getByRole('textbox', { name: 'Event info' }).fill(eventInfo);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${bravo.url}/events/view/\\d+$`));

    const filed = bravo.store.findEventsByInfo(eventInfo);
    expect(filed).toHaveLength(1);
    expect(alpha.store.findEventsByInfo(eventInfo)).toEqual([]);
    expect(charlie.store.findEventsByInfo(eventInfo)).toEqual([]);
    const values = [...bravo.store.attributes.values()]
      .filter((attribute) => attribute.eventId === filed[0]!.id)
      .map((attribute) => attribute.value1);
    expect(values).toContain(NOBODY);
    expect(values).toContain(pageUrl);
    await popup.close();
    await page.close();
  });
});
