import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MispTarget, startMispTarget } from '../e2e/misp-target';
import { type PageServer, startPageServer } from '../e2e/page-server';
import { reportPdf } from '../pdf/report-pdf';
import { type FirefoxExtensionBrowser, launchFirefoxWithExtension } from './firefox';

/**
 * Firefox shows a PDF in its own pdf.js viewer, where no content script runs: the popup has the
 * background page read the PDF (pdf.js with the bundled worker) and lists its indicators (issue 18).
 */
describe('Firefox: a PDF tab in the popup', () => {
  let firefox: FirefoxExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  beforeAll(async () => {
    [firefox, misp, pages] = await Promise.all([
      launchFirefoxWithExtension(),
      startMispTarget(),
      startPageServer(),
    ]);
    await firefox.grantHostAccess(['<all_urls>']);
    await firefox.configureInstance({ url: misp.url, apiKey: misp.apiKey, name: 'Stand-in MISP' });
  });
  afterAll(async () => {
    await Promise.all([firefox?.close(), misp?.close(), pages?.close()]);
  });

  it('lists the indicators of a served PDF with their MISP status', async () => {
    const run = misp.runId.toLowerCase();
    const ip = '45.77.201.14';
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} PDF report (Firefox)`,
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      attributes: [{ type: 'ip-dst', value: ip }],
    });
    misp.trackEvent(created.id);
    const { bytes, values } = reportPdf(run, { ip });
    pages.setFile('/ff-report.pdf', bytes, 'application/pdf');
    const pdfUrl = `${pages.url}/ff-report.pdf`;
    const tab = await firefox.browser.newPage();
    await tab.goto(pdfUrl);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${await firefox.tabIdOf(pdfUrl)}`);
    for (const value of values) {
      await popup.waitForSelector(`::-p-aria([name="${value}"][role="checkbox"])`, { timeout: 30_000 });
    }
    await expect.poll(() => statusOf(popup, ip), { timeout: 20_000, interval: 300 }).toContain('In MISP');
    expect(await statusOf(popup, values[1]!)).toContain('New');
    await popup.close();
    await tab.close();
  });
});

/** The text of the innermost list item holding the checkbox named `value`. */
async function statusOf(popup: Page, value: string): Promise<string> {
  const box = await popup.$(`::-p-aria([name="${value}"][role="checkbox"])`);
  if (!box) return '';
  return box.evaluate((node) => node.closest('li')?.textContent ?? '');
}
