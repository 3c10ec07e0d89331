import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askBackground, type ChromeGlobal, type ExtensionBrowser, tabIdOf } from './browser';
import { findByRole, hoverUntilCard, overlaps, readMarks, textOf, textRects, textUnder } from './cdp';
import { useE2eEnvironment } from './fixture';
import { knownMarks, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { markdownToHtml, reportPage } from './report-pages';

const CORPUS = resolve(import.meta.dirname, '../fixtures/corpus/avast');
const chaes = readFileSync(resolve(CORPUS, 'Chaes/README.md'), 'utf8');
const CHAES_SHA256 = 'f20d0ffd1164026e1be61d19459e7b17ff420676d4c8083dd41ba5d04b97a08c';

/** Seeded values and how the report writes them (defanged). */
const SEEDED = [
  { type: 'ip-dst', value: '200.234.195.91', original: '200[.]234.195.91' },
  { type: 'ip-dst', value: '176.123.8.149', original: '176[.]123.8.149' },
  { type: 'domain', value: 'f84f305c.com', original: 'f84f305c[.]com' },
  {
    type: 'url',
    value: 'chopeecia.com.br/D4d0EMeUm7/index.php?install',
    original: 'chopeecia[.]com.br/D4d0EMeUm7/index.php?install',
  },
  { type: 'sha256', value: CHAES_SHA256, original: CHAES_SHA256 },
];
/** Matched through a CIDR attribute (191.252.110.0/24) rather than their own values. */
const VIA_CIDR = [
  { value: '191.252.110.241', original: '191[.]252.110.241' },
  { value: '191.252.110.75', original: '191[.]252.110.75' },
];

describe('inline matches on a real report', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let eventInfo: string;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    eventInfo = `${misp.namePrefix} Chaes infrastructure`;
    const created = await misp.client.createEvent({
      info: eventInfo,
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      tags: ['tlp:amber', `${misp.namePrefix}:campaign`],
      attributes: [
        ...SEEDED.map((seed) => ({ type: seed.type, value: seed.value, comment: `seeded ${seed.value}` })),
        { type: 'ip-dst', value: '191.252.110.0/24', comment: 'hosting range' },
      ],
    });
    misp.trackEvent(created.id);
    misp.trackTag(`${misp.namePrefix}:campaign`);
    const domain = created.attributes.find((attribute) => attribute.value === 'f84f305c.com');
    await misp.client.addSighting({ attributeId: domain!.id, type: 0, source: 'e2e' });
    await misp.client.addSighting({ attributeId: domain!.id, type: 1, source: 'e2e' });
    pages.setPage('/chaes.html', reportPage('Chaes IoCs', markdownToHtml(chaes)));
  });

  it('marks exactly the seeded values where they stand, in defanged text too', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/chaes.html`);
    const expected = [...SEEDED, ...VIA_CIDR].map((seed) => seed.original);
    const marks = await waitForKnownMarks(page, expected.length);
    const targets = await textRects(page, expected);
    expect(new Set(targets.map((t) => t.text))).toEqual(new Set(expected));
    for (const target of targets) {
      expect(
        marks.some((mark) => overlaps(mark.box, target.box)),
        `no mark on ${target.text}`,
      ).toBe(true);
    }
    if (misp.kind === 'sim') {
      // Nothing else on the page is known to the stand-in: every mark sits on a seeded value.
      for (const mark of marks) {
        const stray = targets.some((target) => overlaps(mark.box, target.box))
          ? ''
          : await textUnder(page, mark.box);
        expect(stray, `stray mark at ${JSON.stringify(mark.box)}`).toBe('');
      }
    }
    // Threat level 1 (high) styles the marks.
    expect(new Set(marks.map((mark) => mark.kind))).toEqual(new Set(['high']));
    // A link on a URL shortener is someone's link, not the popular site (is.gd is a top domain): it is
    // looked up, not muted as "likely benign", and carries the note instead.
    const benign = (await readMarks(page)).filter((mark) => mark.kind === 'benign');
    const [shortener] = await textRects(page, ['is[.]gd/oYk9ielu?D=30']);
    expect(benign.some((mark) => overlaps(mark.box, shortener!.box))).toBe(false);
    const popup = await browser.openExtensionPage('popup.html');
    const answer = await askBackground(popup, 'tab/indicators', {
      tabId: await tabIdOf(browser.worker, `${pages.url}/chaes.html`),
    });
    await popup.close();
    const listed = answer.ok
      ? answer.data.indicators.find((i) => i.value === 'is.gd/oYk9ielu?D=30')
      : undefined;
    expect(listed?.status).toMatchObject({ status: 'new', notes: ['URL shortener'] });
    await page.close();
  });

  it('the hover card shows the event, its tags and the sighting counts', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/chaes.html`);
    await waitForKnownMarks(page, SEEDED.length);
    const dialog = await hoverUntilCard(page, 'f84f305c[.]com', 'f84f305c.com');
    await expect
      .poll(async () => textOf(page, dialog.backendNodeId), { timeout: 10_000 })
      .toContain(eventInfo);
    const text = await textOf(page, dialog.backendNodeId);
    expect(text).toContain('tlp:amber');
    expect(text).toContain(`${misp.namePrefix}:campaign`);
    expect(text).toContain('Threat level: High');
    expect(text).toContain('1 sighting');
    expect(text).toContain('1 false positive');
    expect(text).toContain('domain · Network activity · IDS');
    expect(text).toContain('seeded f84f305c.com');
    const link = await findByRole(page, 'link', 'Open event in MISP');
    expect(link).toBeTruthy();
    // Escape closes it.
    await page.keyboard.press('Escape');
    await expect
      .poll(async () => findByRole(page, 'dialog', 'MISP matches for f84f305c.com'))
      .toBeUndefined();
    await page.close();
  });

  it('scans content added after load', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/chaes.html`);
    await waitForKnownMarks(page, SEEDED.length);
    const before = (await knownMarks(page)).length;
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Update: the operators moved to 176[.]123.8.149 again.';
      document.querySelector('article')!.prepend(p);
    });
    await expect.poll(async () => (await knownMarks(page)).length, { timeout: 10_000 }).toBe(before + 1);
    await page.close();
  });

  it('a second visit within the TTL makes no MISP request', async () => {
    if (!misp.sim) return expect(misp.kind).toBe('real'); // Request counting needs the stand-in.
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/chaes.html`);
    await waitForKnownMarks(page, SEEDED.length);
    misp.sim.clearRequests();
    await page.reload();
    await waitForKnownMarks(page, SEEDED.length);
    await page.waitForTimeout(500);
    expect(misp.sim.requests.filter((request) => request.path.startsWith('/attributes/restSearch'))).toEqual(
      [],
    );
    await page.close();
  });

  it('"Only when I ask" sends nothing to MISP until asked, then marks the page', async () => {
    if (!misp.sim) return expect(misp.kind).toBe('real'); // Request counting needs the stand-in.
    await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      const { preferences } = await chrome.storage.local.get('preferences');
      await chrome.storage.local.set({
        preferences: { ...(preferences as object), highlightMode: 'ask', cacheTtlMinutes: 60 },
      });
    });
    // Values the cache has not seen, so that a scan would have to ask MISP.
    pages.setPage(
      '/ask.html',
      reportPage(
        'Ask first',
        '<p>Beacons to 91[.]219.236.18 and 185[.]62.190.7 were seen.</p><p>Also 200[.]234.195.91.</p>',
      ),
    );
    misp.sim.clearRequests();
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/ask.html`);
    await page.waitForTimeout(1500);
    expect(misp.sim.requests).toEqual([]);
    expect(await readMarks(page)).toEqual([]);
    const tabId = await tabIdOf(browser.worker, `${pages.url}/ask.html`);
    // The analyst asks (the popup, the shortcut and the context menu all send this).
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    expect(await askBackground(popup, 'tab/scan', { tabId })).toEqual({ ok: true, data: {} });
    await waitForKnownMarks(page, 1);
    expect(misp.sim.requests.some((request) => request.path.startsWith('/attributes/restSearch'))).toBe(true);
    await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      const { preferences } = await chrome.storage.local.get('preferences');
      await chrome.storage.local.set({ preferences: { ...(preferences as object), highlightMode: 'auto' } });
    });
    await popup.close();
    await page.close();
  });
});
