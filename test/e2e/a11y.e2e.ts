import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { type ExtensionBrowser, tabIdOf } from './browser';
import { callOnNode, readMarks } from './cdp';
import { useE2eEnvironment } from './fixture';
import { openCard } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { markdownToHtml, reportPage } from './report-pages';

const chaes = readFileSync(resolve(import.meta.dirname, '../fixtures/corpus/avast/Chaes/README.md'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;

/**
 * The hover card's closed shadow root, copied (markup and styles, as rendered) into an open shadow
 * root on a blank page, where axe can reach it. CDP holds a reference to the closed root; no page
 * script can.
 */
async function cardMarkup(page: Page, dialogNodeId: number): Promise<string> {
  return callOnNode(page, dialogNodeId, 'function () { return this.getRootNode().innerHTML; }');
}

/** Opens the report, hovers the seeded value and waits for its card: the card dialog's backend node id. */
async function openReportCard(page: Page, reportUrl: string): Promise<number> {
  await page.goto(reportUrl);
  await expect.poll(async () => (await readMarks(page)).length, { timeout: 20_000 }).toBeGreaterThan(0);
  return (await openCard(page, 'f84f305c[.]com', 'f84f305c.com')).backendNodeId;
}

/** The card's background colour as rendered (read over CDP: the card is in a closed shadow root). */
async function cardBackground(page: Page, dialogNodeId: number): Promise<string> {
  return callOnNode(page, dialogNodeId, 'function () { return getComputedStyle(this).backgroundColor; }');
}

describe('accessibility: axe-core finds no serious or critical violations', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let reportUrl: string;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} Chaes infrastructure`,
      distribution: 0,
      threatLevel: 1,
      analysis: 2,
      tags: ['tlp:amber'],
      attributes: [{ type: 'domain', value: 'f84f305c.com', comment: 'C2 domain' }],
    });
    misp.trackEvent(created.id);
    pages.setPage('/chaes.html', reportPage('Chaes IoCs', markdownToHtml(chaes)));
    reportUrl = `${pages.url}/chaes.html`;
  });

  it('the check itself catches a nameless button and unreadable text', async () => {
    const page = await browser.context.newPage();
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>t</title></head><body><main><button></button><p style="color:#eee;background:#fff">faint</p></main></body></html>',
    );
    const ids = (await seriousViolations(page)).map((finding) => finding.id);
    expect(ids).toContain('button-name');
    expect(ids).toContain('color-contrast');
    await page.close();
  });

  for (const scheme of SCHEMES) {
    it(`options page (${scheme})`, async () => {
      const page = await browser.openExtensionPage('options.html');
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole('textbox', { name: 'MISP URL' }).first().waitFor();
      await page.getByRole('combobox', { name: 'Theme' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    });

    it(`popup (${scheme})`, async () => {
      const report = await browser.context.newPage();
      await report.goto(reportUrl);
      await expect.poll(async () => (await readMarks(report)).length, { timeout: 20_000 }).toBeGreaterThan(0);
      const popup = await browser.openExtensionPage(
        `popup.html?tab=${await tabIdOf(browser.worker, reportUrl)}`,
      );
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.getByRole('list', { name: 'Indicators on this page' }).waitFor({ timeout: 20_000 });
      await popup.getByRole('checkbox', { name: 'f84f305c.com' }).waitFor({ timeout: 20_000 });
      expect(await seriousViolations(popup)).toEqual([]);
      await popup.close();
      await report.close();
    });

    it(`hover card (${scheme})`, async () => {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      const dialog = await openReportCard(page, reportUrl);
      const markup = await cardMarkup(page, dialog);
      const copy = await browser.context.newPage();
      await copy.emulateMedia({ colorScheme: scheme });
      await copy.setContent(
        '<!doctype html><html lang="en"><head><title>Hover card</title></head><body><main><div id="card-host"></div></main></body></html>',
      );
      await copy.evaluate((html) => {
        const root = document.getElementById('card-host')!.attachShadow({ mode: 'open' });
        // Test-only: the card as Sightline rendered it (our own markup, read back over CDP).
        root.innerHTML = html;
      }, markup);
      expect(await seriousViolations(copy, '#card-host')).toEqual([]);
      await copy.close();
      await page.close();
    });
  }
  it('the hover card follows the "Theme" choice over the system setting', async () => {
    const chooseTheme = async (label: string) => {
      const options = await browser.openExtensionPage('options.html');
      await options.getByRole('combobox', { name: 'Theme' }).selectOption({ label });
      await options.close();
    };
    const DARK = 'rgb(28, 32, 38)';
    const LIGHT = 'rgb(255, 255, 255)';
    try {
      for (const [choice, system, expected] of [
        ['Follow the system', 'dark', DARK],
        ['Dark', 'light', DARK],
        ['Light', 'dark', LIGHT],
        ['Follow the system', 'light', LIGHT],
      ] as const) {
        await chooseTheme(choice);
        const page = await browser.context.newPage();
        await page.emulateMedia({ colorScheme: system });
        const dialog = await openReportCard(page, reportUrl);
        expect(await cardBackground(page, dialog), `${choice} on a ${system} system`).toBe(expected);
        await page.close();
      }
    } finally {
      await chooseTheme('Follow the system');
    }
  });
});
