import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChromeGlobal, currentWorker, type ExtensionBrowser } from './browser';
import { findByRole, readMarks, textRects } from './cdp';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { markdownToHtml, reportPage } from './report-pages';

/** The README's pictures, made by this run (light theme, 1280 px wide pages, a popup-sized popup). */
const OUT = resolve(import.meta.dirname, '../../docs/screenshots');
const chaes = readFileSync(resolve(import.meta.dirname, '../fixtures/corpus/avast/Chaes/README.md'), 'utf8');

describe('README screenshots', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let reportUrl: string;

  useE2eEnvironment({ connect: { name: 'CIRCL-like MISP' } }, async (env) => {
    ({ browser, misp, pages } = env);
    mkdirSync(OUT, { recursive: true });
    const created = await misp.client.createEvent({
      info: 'Chaes: Node.js-based infostealer targeting LATAM e-commerce',
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      tags: ['tlp:amber', 'misp-galaxy:malpedia="Chaes"'],
      attributes: [
        { type: 'domain', value: 'f84f305c.com', comment: 'C2 domain' },
        { type: 'ip-dst', value: '200.234.195.91', comment: 'C2 server' },
        { type: 'ip-dst', value: '176.123.8.149' },
      ],
    });
    misp.trackEvent(created.id);
    const domain = created.attributes.find((attribute) => attribute.value === 'f84f305c.com');
    await misp.client.addSighting({ attributeId: domain!.id, type: 0, source: 'soc' });
    pages.setPage('/chaes.html', reportPage('Chaes IoCs', markdownToHtml(chaes)));
    reportUrl = `${pages.url}/chaes.html`;
  });

  it('a highlighted report page with an open hover card', async () => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(reportUrl);
    await expect.poll(async () => (await readMarks(page)).length, { timeout: 20_000 }).toBeGreaterThan(2);
    await page.evaluate(() => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent?.includes('200[.]234.195.91'))
          node.parentElement?.scrollIntoView({ block: 'start' });
      }
    });
    await page.waitForTimeout(300);
    const [target] = await textRects(page, ['f84f305c[.]com']);
    await page.mouse.move(target!.box.x + 3, target!.box.y + target!.box.height / 2);
    await expect
      .poll(async () => findByRole(page, 'link', 'Open event in MISP'), { timeout: 10_000 })
      .toBeTruthy();
    const file = resolve(OUT, 'report-with-card.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("the popup's event form", async () => {
    const report = await browser.context.newPage();
    await report.goto(reportUrl);
    await expect.poll(async () => (await readMarks(report)).length, { timeout: 20_000 }).toBeGreaterThan(2);
    const worker = await currentWorker(browser.context);
    const tabId = await worker.evaluate(async (wanted) => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      return (await chrome.tabs.query({})).find((tab) => tab.url === wanted)?.id;
    }, reportUrl);
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.setViewportSize({ width: 520, height: 900 });
    await popup.emulateMedia({ colorScheme: 'light' });
    await popup.getByRole('checkbox', { name: 'f84f305c.com' }).waitFor({ timeout: 20_000 });
    await popup.getByRole('button', { name: 'Select all new' }).click();
    await popup.getByRole('textbox', { name: 'Event info' }).waitFor();
    const file = resolve(OUT, 'popup-event-form.png');
    await popup.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    await popup.close();
    await report.close();
  });

  it('the options page', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('textbox', { name: 'MISP URL' }).first().waitFor();
    await page.getByRole('combobox', { name: 'Theme' }).waitFor();
    await page.waitForTimeout(500);
    const file = resolve(OUT, 'options.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
