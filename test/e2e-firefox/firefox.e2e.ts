import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MispTarget, startMispTarget } from '../e2e/misp-target';
import { type PageServer, startPageServer } from '../e2e/page-server';
import { markdownToHtml, reportPage } from '../e2e/report-pages';
import { statusOf, useFirefoxEnvironment } from './environment';
import { countColour, type FirefoxExtensionBrowser, launchFirefoxWithExtension, textBox } from './firefox';

const CORPUS = resolve(import.meta.dirname, '../fixtures/corpus/avast');
const chaes = readFileSync(resolve(CORPUS, 'Chaes/README.md'), 'utf8');

/** Seeded values and how the report writes them (defanged). */
const SEEDED = [
  { type: 'ip-dst', value: '200.234.195.91', original: '200[.]234.195.91' },
  { type: 'domain', value: 'f84f305c.com', original: 'f84f305c[.]com' },
  { type: 'ip-dst', value: '176.123.8.149', original: '176[.]123.8.149' },
];
/** In the report but not in MISP (a warninglisted URL shortener): never a threat colour. */
const NOT_SEEDED = 'is[.]gd/oYk9ielu?D=30';
/** The border colour of a high-threat mark (lib/content/overlay.ts). */
const HIGH_THREAT_RED: [number, number, number] = [229, 57, 53];

/** Waits until the text `original` is drawn with a high-threat mark (seen in a screenshot). */
async function waitForThreatColour(page: Page, original: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const box = await textBox(page, original);
        return box ? countColour(page, box, HIGH_THREAT_RED) : 0;
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBeGreaterThan(10);
}

describe('Firefox: Sightline installed in firefox-esr', () => {
  let firefox: FirefoxExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let reportUrl: string;

  beforeAll(async () => {
    [firefox, misp, pages] = await Promise.all([
      launchFirefoxWithExtension(),
      startMispTarget(),
      startPageServer(),
    ]);
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} Chaes infrastructure (Firefox)`,
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      tags: ['tlp:amber'],
      attributes: SEEDED.map((seed) => ({ type: seed.type, value: seed.value })),
    });
    misp.trackEvent(created.id);
    await firefox.grantHostAccess(['<all_urls>']);
    await firefox.configureInstance({ url: misp.url, apiKey: misp.apiKey, name: 'Stand-in MISP' });
    pages.setPage('/chaes.html', reportPage('Chaes IoCs', markdownToHtml(chaes)));
    reportUrl = `${pages.url}/chaes.html`;
  });
  afterAll(async () => {
    await Promise.all([firefox?.close(), misp?.close(), pages?.close()]);
  });

  it('installs: the options page opens with its MISP settings', async () => {
    const page = await firefox.openExtensionPage('options.html');
    expect(await page.$('::-p-aria([name="MISP URL"][role="textbox"])')).not.toBeNull();
    expect(await page.$('::-p-aria([name="API key"][role="textbox"])')).not.toBeNull();
    expect(await page.$('::-p-aria([name="Test connection"][role="button"])')).not.toBeNull();
    await page.close();
  });

  it('highlights the seeded indicators on a report page, and nothing else in a threat colour', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(reportUrl);
    for (const seed of SEEDED) await waitForThreatColour(page, seed.original);
    const box = await textBox(page, NOT_SEEDED);
    expect(box).toBeDefined();
    expect(await countColour(page, box!, HIGH_THREAT_RED)).toBe(0);
    await page.close();
  });

  it('the hover card opens on a seeded value and on one MISP does not know (injected on first use)', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(reportUrl);
    const seed = SEEDED[1]!;
    await waitForThreatColour(page, seed.original);
    // What the page itself can see: the card's host just below the value, or above it near the bottom.
    const cardBeside = (box: { x: number; y: number; height: number }) =>
      page.evaluate(
        (x, below, above) =>
          [below, above].some((y) => document.elementFromPoint(x, y)?.localName === 'sightline-overlay'),
        box.x + 40,
        box.y + box.height + 60,
        box.y - 60,
      );
    for (const text of [seed.original, NOT_SEEDED]) {
      await page.mouse.move(2, 2);
      const box = (await textBox(page, text))!;
      expect(await cardBeside(box)).toBe(false);
      await page.mouse.move(box.x + 3, box.y + box.height / 2);
      await expect.poll(() => cardBeside(box), { timeout: 10_000 }).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => cardBeside(box), { timeout: 10_000 }).toBe(false);
    }
    await page.close();
  });

  it('no storage area a content script can read holds the key, while lookups keep working', async () => {
    // Firefox gives content scripts storage.local (no access levels) and storage.managed; WebDriver BiDi
    // cannot enter a content script's sandbox, so the areas are read from an extension page, which sees
    // everything a content script could and more (storage.session too).
    const page = await firefox.openExtensionPage('options.html');
    const areas = (await page.evaluate(async () => {
      const api = (
        globalThis as unknown as { browser: { storage: Record<string, { get(k: null): Promise<unknown> }> } }
      ).browser.storage;
      const out: Record<string, string> = {};
      for (const area of ['local', 'session', 'sync', 'managed']) {
        try {
          out[area] = JSON.stringify(await api[area]?.get(null));
        } catch (error) {
          out[area] = `unavailable: ${String(error)}`;
        }
      }
      return out;
    })) as Record<string, string>;
    expect(Object.keys(areas).sort()).toEqual(['local', 'managed', 'session', 'sync']);
    expect(areas.local).toContain('"instances"');
    for (const text of Object.values(areas)) expect(text).not.toContain(misp.apiKey);
    await page.close();
    // The background still has the key: the report's values are known.
    const report = await firefox.browser.newPage();
    await report.goto(reportUrl);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${await firefox.tabIdOf(reportUrl)}`);
    await expect
      .poll(() => statusOf(popup, '176.123.8.149'), { timeout: 20_000, interval: 300 })
      .toContain('In MISP');
    await popup.close();
    await report.close();
  });

  it('the popup lists the page indicators with their MISP status', async () => {
    const report = await firefox.browser.newPage();
    await report.goto(reportUrl);
    const tabId = await firefox.tabIdOf(reportUrl);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${tabId}`);
    const list = await popup.waitForSelector('::-p-aria([name="Indicators on this page"][role="list"])', {
      timeout: 20_000,
    });
    expect(list).not.toBeNull();
    await expect
      .poll(() => statusOf(popup, '200.234.195.91'), { timeout: 20_000, interval: 300 })
      .toContain('In MISP');
    await popup.close();
    await report.close();
  });
});

// One browser per describe block: over BiDi, Firefox cannot open a page after a test that filed from the popup.
describe('Firefox: the popup files an event', () => {
  const env = useFirefoxEnvironment();

  it('selects new indicators and creates the event in MISP', async () => {
    const { firefox, misp, pages } = env;
    const domain = `${misp.runId}-ff.example-c2.net`;
    const ip = '5.188.86.201';
    pages.setPage(
      '/fresh.html',
      reportPage(
        'Fresh campaign',
        `<p>The loader beacons to ${domain.replace('.example', '[.]example')} and ${ip.replace('.86', '[.]86')}.</p>`,
      ),
    );
    const reportUrl = `${pages.url}/fresh.html`;
    const report = await firefox.browser.newPage();
    await report.goto(reportUrl);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${await firefox.tabIdOf(reportUrl)}`);
    await popup.waitForSelector(`::-p-aria([name="${ip}"][role="checkbox"])`, { timeout: 20_000 });
    await popup.waitForSelector(`::-p-aria([name="${domain}"][role="checkbox"])`, { timeout: 20_000 });
    await popup.click('::-p-aria([name="Select all new"][role="button"])');
    const info = `${misp.namePrefix} Firefox campaign`;
    const infoBox = await popup.waitForSelector('::-p-aria([name="Event info"][role="textbox"])');
    await infoBox!.click({ count: 3 });
    await popup.keyboard.press('Backspace');
    await infoBox!.type(info);
    await popup.click('::-p-aria([name="Create event"][role="button"])');
    await popup.waitForSelector('::-p-aria([name="Open event in MISP"][role="link"])', { timeout: 20_000 });
    const found = await misp.client.searchEvents({ info });
    expect(found.length).toBe(1);
    misp.trackEvent(found[0]!.id);
    const event = await misp.client.getEvent(found[0]!.id);
    // A domain and an IP in one paragraph are filed as a domain-ip object ("Group into objects" is on).
    const values = [event.Attribute, ...event.Object.map((object) => object.Attribute)]
      .flat()
      .map((attribute) => attribute.value);
    expect(values).toEqual(expect.arrayContaining([domain, ip]));
    await popup.close();
    await report.close();
  });
});

describe('Firefox: pasted text and a list that follows a filing', () => {
  const env = useFirefoxEnvironment();

  it('pasted text lands under "From pasted text", likely benign unticked; the filed value then reads "In MISP"', async () => {
    const { firefox, misp, pages } = env;
    const ip = '5.188.86.202';
    const onPage = '5.188.86.203';
    pages.setPage('/pasted.html', reportPage('Pasted', `<p>Loader at ${onPage}.</p>`));
    const reportUrl = `${pages.url}/pasted.html`;
    const report = await firefox.browser.newPage();
    await report.goto(reportUrl);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${await firefox.tabIdOf(reportUrl)}`);
    await popup.click('::-p-text(Scan text)');
    const text = await popup.waitForSelector('::-p-aria([name="Scan text"][role="textbox"])');
    await text!.type(`Beacon ${ip.replace('.86', '[.]86')} from 192.168.4[.]20`);
    await popup.click('::-p-aria([name="Add indicators from text"][role="button"])');
    const group = await popup.waitForSelector('::-p-aria([name="From pasted text"][role="listitem"])', {
      timeout: 20_000,
    });
    const checked = await group!.$$eval('.sl-item-row > input[type=checkbox]', (boxes) =>
      Object.fromEntries(
        boxes.map((box) => [box.getAttribute('aria-label'), (box as HTMLInputElement).checked]),
      ),
    );
    expect(checked).toEqual({ [ip]: true, '192.168.4.20': false });
    const pageValue = await popup.waitForSelector(`::-p-aria([name="${onPage}"][role="checkbox"])`, {
      timeout: 20_000,
    });
    await pageValue!.click();
    const info = `${misp.namePrefix} Firefox pasted`;
    const infoBox = await popup.waitForSelector('::-p-aria([name="Event info"][role="textbox"])');
    await infoBox!.click({ count: 3 });
    await popup.keyboard.press('Backspace');
    await infoBox!.type(info);
    await popup.click('::-p-aria([name="Create event"][role="button"])');
    await popup.waitForSelector('::-p-aria([name="Open event in MISP"][role="link"])', { timeout: 20_000 });
    const found = await misp.client.searchEvents({ info });
    for (const event of found) misp.trackEvent(event.id);
    expect(found.length).toBe(1);
    // Without reopening the popup, the list follows the filing.
    await expect.poll(() => statusOf(popup, onPage), { timeout: 20_000, interval: 300 }).toContain('In MISP');
    await popup.close();
    await report.close();
  });
});
