import { describe, expect, it } from 'vitest';
import { reportPdf } from '../pdf/report-pdf';
import { statusOf, useFirefoxEnvironment } from './environment';

/**
 * Firefox shows a PDF in its own pdf.js viewer, where no content script runs: the popup has the
 * background page read the PDF (pdf.js with the bundled worker) and lists its indicators (issue 18).
 */
describe('Firefox: a PDF tab in the popup', () => {
  const env = useFirefoxEnvironment();

  it('lists the indicators of a served PDF with their MISP status', async () => {
    const run = env.misp.runId.toLowerCase();
    const ip = '45.77.201.14';
    const created = await env.misp.client.createEvent({
      info: `${env.misp.namePrefix} PDF report (Firefox)`,
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      attributes: [{ type: 'ip-dst', value: ip }],
    });
    env.misp.trackEvent(created.id);
    const { bytes, values } = reportPdf(run, { ip });
    env.pages.setFile('/ff-report.pdf', bytes, 'application/pdf');
    const pdfUrl = `${env.pages.url}/ff-report.pdf`;
    const tab = await env.firefox.browser.newPage();
    await tab.goto(pdfUrl);
    const popup = await env.firefox.openExtensionPage(`popup.html?tab=${await env.firefox.tabIdOf(pdfUrl)}`);
    for (const value of values) {
      await popup.waitForSelector(`::-p-aria([name="${value}"][role="checkbox"])`, { timeout: 30_000 });
    }
    await expect.poll(() => statusOf(popup, ip), { timeout: 20_000, interval: 300 }).toContain('In MISP');
    expect(await statusOf(popup, values[1]!)).toContain('New');
    await popup.close();
    await tab.close();
  });
});
