import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { column, makePdf } from '../pdf/make-pdf';
import { reportPdf } from '../pdf/report-pdf';
import { seriousViolations } from './axe';
import { tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { seedEvent } from './helpers';

/**
 * A PDF tab is a page (issue 18): the browser's PDF viewer runs no content script, so the popup has
 * the background read the PDF, and lists its indicators with MISP's statuses.
 */

const env = useE2eEnvironment();
let counter = 0;

async function openPdf(
  bytes: Uint8Array,
  name = `report-${++counter}.pdf`,
): Promise<{ tab: Page; tabId: number; url: string }> {
  const path = `/${name}`;
  env.pages.setFile(path, bytes, 'application/pdf');
  const url = `${env.pages.url}${path}`;
  const tab = await env.browser.context.newPage();
  await tab.goto(url).catch(() => undefined);
  return { tab, tabId: await tabIdOf(env.browser.worker, url), url };
}

/** The files of an event's attachments, as MISP returns them when asked withAttachments (transcript 166). */
async function attachmentData(eventId: string): Promise<Array<string | undefined>> {
  const response = await fetch(`${env.misp.url}/attributes/restSearch`, {
    method: 'POST',
    headers: {
      Authorization: env.misp.apiKey,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      returnFormat: 'json',
      eventid: eventId,
      type: 'attachment',
      withAttachments: true,
    }),
  });
  const found = (await response.json()) as { response: { Attribute: Array<{ data?: string }> } };
  return found.response.Attribute.map((attribute) => attribute.data);
}

function row(popup: Page, value: string) {
  return popup
    .getByRole('list', { name: 'Indicators on this page' })
    .getByRole('listitem')
    .filter({ has: popup.getByRole('checkbox', { name: value, exact: true }) })
    .last();
}

describe('a PDF tab in the popup', () => {
  it('lists the indicators of a served PDF, rejoined across lines, with their statuses', async () => {
    const run = env.misp.runId.toLowerCase();
    const ip = `45.77.${Number.parseInt(run.slice(-2), 36) % 250}.${(Number.parseInt(run.slice(-4, -2), 36) % 250) + 2}`;
    await seedEvent(env.misp, 'PDF report seed', [{ type: 'ip-dst', value: ip }]);
    const { bytes, values } = reportPdf(run, { ip });
    const { tabId } = await openPdf(bytes);
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    for (const value of values) await row(popup, value).waitFor({ timeout: 30_000 });
    await expect.poll(() => row(popup, ip).textContent(), { timeout: 20_000 }).toContain('In MISP');
    const [url, domain] = values as [string, string];
    await expect.poll(() => row(popup, url).textContent(), { timeout: 20_000 }).toContain('New');
    expect(await row(popup, domain).textContent()).toContain('New');
    expect(await popup.getByText('2 pages').count()).toBe(1);
    expect(await popup.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe(
      `Loader campaign ${run}`,
    );
  });

  it('files an event from the PDF with its link and the PDF itself as an attachment', async () => {
    const run = `${env.misp.runId.toLowerCase()}f`;
    const { bytes, values } = reportPdf(run, { ip: '45.77.9.10' });
    const { tabId, url } = await openPdf(bytes);
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const [, domain] = values as [string, string];
    await row(popup, domain).waitFor({ timeout: 30_000 });
    await popup.getByRole('checkbox', { name: domain, exact: true }).check();
    const attach = popup.getByRole('checkbox', { name: 'Attach report file' });
    expect(await attach.isChecked()).toBe(false);
    await attach.check();
    expect(await popup.getByRole('checkbox', { name: 'Include page URL' }).isChecked()).toBe(true);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    const id = /\/events\/view\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    expect(id).toBeDefined();
    env.misp.trackEvent(id!);
    const event = await env.misp.client.getEvent(id!);
    expect(event.info).toBe(`Loader campaign ${run}`);
    const byType = new Map(event.Attribute.map((attribute) => [attribute.type, attribute]));
    expect(byType.get('link')).toMatchObject({ value: url, category: 'External analysis' });
    const name = new URL(url).pathname.slice(1);
    expect(byType.get('attachment')).toMatchObject({
      value: name,
      category: 'External analysis',
      to_ids: false,
    });
    // MISP returns an attachment's file only when asked withAttachments (transcript 166).
    expect(await attachmentData(id!)).toEqual([Buffer.from(bytes).toString('base64')]);
  });

  it('opens in Sightline reader with the known value marked; its card records a sighting', async () => {
    const run = `${env.misp.runId.toLowerCase()}r`;
    const ip = `45.77.${Number.parseInt(run.slice(-3, -1), 36) % 250}.77`;
    const eventId = await seedEvent(env.misp, 'PDF reader seed', [{ type: 'ip-dst', value: ip }]);
    const { bytes } = reportPdf(run, { ip });
    const { tabId } = await openPdf(bytes);
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect.poll(() => row(popup, ip).textContent(), { timeout: 30_000 }).toContain('In MISP');
    const opened = env.browser.context.waitForEvent('page');
    await popup.getByRole('button', { name: 'Open in Sightline reader' }).click();
    const reader = await opened;
    await reader.waitForLoadState();
    expect(new URL(reader.url()).pathname).toBe('/reader.html');
    const list = reader.getByRole('list', { name: 'Indicators in this document' });
    await expect
      .poll(() => list.getByRole('listitem').filter({ hasText: ip }).textContent(), { timeout: 30_000 })
      .toContain('In MISP');
    expect(
      await reader.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents(),
    ).toEqual(['Page 1', 'Page 2']);
    // The known value's mark sits on its characters in the text layer.
    const mark = reader.locator(`.mark.high[data-value="${ip}"]`).first();
    await mark.waitFor({ timeout: 20_000 });
    const box = (await mark.boundingBox())!;
    const text = reader.locator('.textLayer span', { hasText: ip.replace(/\.(\d+)$/, '[.]$1') }).first();
    const textBox = (await text.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(textBox.y - 3);
    expect(box.y + box.height).toBeLessThanOrEqual(textBox.y + textBox.height + 3);
    await reader.mouse.move(box.x + 4, box.y + box.height / 2);
    const dialog = reader.getByRole('dialog', { name: `MISP matches for ${ip}` });
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByRole('link', { name: 'Open event in MISP' }).first().waitFor();
    const recordButton = dialog.getByRole('button', { name: 'Record sighting' }).first();
    await recordButton.hover();
    await recordButton.click();
    await expect
      .poll(() => dialog.textContent(), { timeout: 20_000 })
      .toContain('Recorded sighting in MISP.');
    const attribute = (await env.misp.client.getEvent(eventId)).Attribute.find((a) => a.value === ip)!;
    const recorded = await env.misp.client.sightingsForAttribute(attribute.id);
    // The PDF's tab is the sighting's source (its host, by the default source setting).
    expect(recorded.map((sighting) => [String(sighting.type), sighting.source])).toEqual([
      ['0', new URL(env.pages.url).hostname],
    ]);
    // No serious or critical accessibility findings with the card open, light and dark.
    for (const colorScheme of ['light', 'dark'] as const) {
      await reader.emulateMedia({ colorScheme });
      expect(await seriousViolations(reader)).toEqual([]);
    }
    await reader.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // By keyboard: the list entry opens the card and gives it the focus; Escape gives it back.
    const show = reader.getByRole('button', { name: `Show ${ip}` });
    await show.focus();
    await reader.keyboard.press('Enter');
    await dialog.waitFor();
    // The card lives in a shadow root: the focus is read there.
    expect(
      await dialog.evaluate((node) => node.contains((node.getRootNode() as ShadowRoot).activeElement)),
    ).toBe(true);
    await reader.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await show.evaluate((node) => node === document.activeElement)).toBe(true);
    // Find in document.
    await reader.getByRole('searchbox', { name: 'Find in document' }).fill('column');
    await expect
      .poll(() => reader.getByRole('status').filter({ hasText: ' of ' }).textContent())
      .toBe('1 of 2');
  });

  it('files an event from a web page with a saved copy of the page as its attachment', async () => {
    const html = '<!doctype html><title>Relay report</title><p>The relay 45.77.52[.]18 forwards to it.</p>';
    env.pages.setPage('/relay-report.html', html);
    const pageUrl = `${env.pages.url}/relay-report.html`;
    const tab = await env.browser.context.newPage();
    await tab.goto(pageUrl);
    const popup = await env.browser.openExtensionPage(
      `popup.html?tab=${await tabIdOf(env.browser.worker, pageUrl)}`,
    );
    await row(popup, '45.77.52.18').waitFor({ timeout: 20_000 });
    await popup.getByRole('checkbox', { name: '45.77.52.18', exact: true }).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(`${env.misp.namePrefix} relay copy`);
    await popup.getByRole('checkbox', { name: 'Attach report file' }).check();
    await popup.getByRole('button', { name: 'Create event' }).click();
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    const id = /\/events\/view\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    env.misp.trackEvent(id!);
    const event = await env.misp.client.getEvent(id!);
    expect(event.Attribute.find((attribute) => attribute.type === 'attachment')).toMatchObject({
      value: 'relay-report.html',
      category: 'External analysis',
    });
    expect(await attachmentData(id!)).toEqual([Buffer.from(html).toString('base64')]);
  });

  it('"Scan a file" reads an e-mail chosen in the popup and a PDF dropped on it', async () => {
    const tab = await env.browser.context.newPage();
    env.pages.setPage('/plain.html', '<!doctype html><title>Plain page</title><p>Nothing here.</p>');
    const pageUrl = `${env.pages.url}/plain.html`;
    await tab.goto(pageUrl);
    const popup = await env.browser.openExtensionPage(
      `popup.html?tab=${await tabIdOf(env.browser.worker, pageUrl)}`,
    );
    const email = [
      'Received: from relay.mailhost-7.top (relay [45.77.31.8]) by mx.victim-corp.net; Tue, 1 Dec 2026',
      'From: "Payroll" <payroll@invoices-portal.top>',
      'To: finance@victim-corp.net',
      'Subject: Invoice 4471',
      '',
      'Pay at hxxps://invoices-portal[.]top/pay today.',
      '',
    ].join('\r\n');
    await popup.getByLabel('Scan a file').setInputFiles({
      name: 'invoice-4471.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(email),
    });
    for (const value of [
      'payroll@invoices-portal.top',
      'finance@victim-corp.net',
      '45.77.31.8',
      'https://invoices-portal.top/pay',
    ]) {
      await row(popup, value).waitFor({ timeout: 20_000 });
    }
    expect(await popup.getByRole('textbox', { name: 'Event info' }).inputValue()).toBe('invoice-4471.eml');
    expect(await popup.getByRole('checkbox', { name: 'Include page URL' }).isChecked()).toBe(false);
    // A PDF dropped on the popup.
    const pdf = Buffer.from(
      makePdf([{ texts: column(72, ['Stage two from 45.77.31[.]99 at night.']) }]),
    ).toString('base64');
    await popup.evaluate(
      ({ data }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'dropped.pdf', { type: 'application/pdf' }));
        document.body.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      },
      { data: pdf },
    );
    await row(popup, '45.77.31.99').waitFor({ timeout: 20_000 });
    expect(await popup.getByRole('status').filter({ hasText: 'dropped.pdf' }).textContent()).toBe(
      '1 indicator in dropped.pdf.',
    );
  });

  it('follows a lookup that failed and was asked again, without reopening the popup', async () => {
    const sim = env.misp.sim;
    if (!sim) return expect(env.misp.kind).toBe('real');
    const value = `retry-${env.misp.runId.toLowerCase()}.info`;
    await seedEvent(env.misp, 'PDF retry seed', [{ type: 'domain', value }]);
    sim.setFault({ kind: 'down', pathPrefix: '/attributes/restSearch' });
    try {
      const { tabId } = await openPdf(
        makePdf([{ texts: column(72, [`Beacon to ${value.replace('.info', '[.]info')} hourly.`]) }]),
      );
      const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
      await expect.poll(() => row(popup, value).textContent(), { timeout: 30_000 }).toContain('asking again');
      sim.setFault(null);
      await expect.poll(() => row(popup, value).textContent(), { timeout: 40_000 }).toContain('In MISP');
    } finally {
      sim.setFault(null);
    }
  });

  it('paints the pages of a long PDF in the reader only while they are near the view', async () => {
    const pages = Array.from({ length: 30 }, (_, i) => ({
      texts: column(72, [`Page ${i + 1} mentions 45.77.40[.]${i + 1}.`]),
    }));
    const { tabId } = await openPdf(makePdf(pages));
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const opened = env.browser.context.waitForEvent('page');
    await popup.getByRole('button', { name: 'Open in Sightline reader' }).click();
    const reader = await opened;
    const painted = (n: number) =>
      reader.locator(`#page-${n} canvas`).evaluate((canvas) => (canvas as HTMLCanvasElement).width > 0);
    await expect
      .poll(() => reader.getByRole('link', { name: 'Page 30', exact: true }).count(), { timeout: 30_000 })
      .toBe(1);
    await expect.poll(() => painted(1)).toBe(true);
    expect(await painted(30)).toBe(false);
    // All 30 pages' text is there (find and the indicator list cover the whole document).
    await expect
      .poll(() =>
        reader.getByRole('list', { name: 'Indicators in this document' }).getByRole('listitem').count(),
      )
      .toBe(30);
    await reader.getByRole('link', { name: 'Page 30', exact: true }).click();
    await expect.poll(() => painted(30)).toBe(true);
    await expect.poll(() => painted(1)).toBe(false);
  });

  it('says in one line why a password-protected, a scanned or an unreadable PDF shows nothing', async () => {
    const cases: Array<[Uint8Array, string]> = [
      [
        makePdf([{ texts: column(72, ['secret 198.51.100.9']) }], { userPassword: 'x' }),
        'This PDF is password-protected: Sightline cannot read its text.',
      ],
      [makePdf([{ image: true }]), 'This PDF has no text to read (its pages are images, as in a scan).'],
      [new TextEncoder().encode('%PDF-1.4\nthis is no PDF after all'), 'This file is not a readable PDF.'],
    ];
    for (const [bytes, line] of cases) {
      const { tabId } = await openPdf(bytes);
      const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
      await expect
        .poll(() => popup.getByRole('alert').allTextContents(), { timeout: 30_000 })
        .toContain(line);
      expect(
        await popup.getByRole('list', { name: 'Indicators on this page' }).getByRole('checkbox').count(),
      ).toBe(0);
      await popup.close();
    }
  });

  it('reads a PDF served under a name without .pdf', async () => {
    const { tabId } = await openPdf(
      makePdf([{ texts: column(72, ['C2 at 198.51.100[.]23 today.']) }]),
      'download-7',
    );
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await row(popup, '198.51.100.23').waitFor({ timeout: 30_000 });
  });
});
