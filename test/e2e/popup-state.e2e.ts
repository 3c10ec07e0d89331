import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ChromeGlobal, type ExtensionBrowser, tabIdOf } from './browser';
import { findByRole, textOf } from './cdp';
import { useE2eEnvironment } from './fixture';
import { cardText, clickInCard, openCard, seedEvent, setPreferences, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { reportPage } from './report-pages';

/**
 * The popup as a new analyst meets it: why a page has nothing, "Scan this page", pasted text that
 * respects benign marks, and lists that follow what was just filed or recorded.
 */

describe('the popup says what is going on', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  /** Unique per run, so that no cached answer from an earlier run is read. */
  let octet: number;
  const ip = (last: number) => `45.${octet}.77.${last}`;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    octet = 1 + (Number.parseInt(misp.runId.replace(/\D/g, '').slice(-4) || '7', 10) % 250);
  });

  async function openPage(path: string, body: string): Promise<{ page: Page; tabId: number; url: string }> {
    pages.setPage(path, reportPage(`Report ${path}`, body));
    const url = `${pages.url}${path}`;
    const page = await browser.context.newPage();
    await page.goto(url);
    return { page, tabId: await tabIdOf(browser.worker, url), url };
  }

  const list = (popup: Page) => popup.getByRole('list', { name: 'Indicators on this page' });
  const checkbox = (popup: Page, value: string) =>
    list(popup).getByRole('checkbox', { name: value, exact: true });
  /** The status line of a value's row in the popup list. */
  const rowText = (popup: Page, value: string) =>
    list(popup)
      .getByRole('listitem')
      .filter({ has: popup.getByRole('checkbox', { name: value, exact: true }) })
      .last()
      .textContent();

  /** Opens the popup for `tabId` once the page's report has reached the background. */
  async function popupListing(tabId: number, value: string): Promise<Page> {
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect
      .poll(
        async () => {
          if ((await checkbox(popup, value).count()) > 0) return true;
          await popup.reload();
          await list(popup).waitFor();
          return (await checkbox(popup, value).count()) > 0;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    return popup;
  }

  /** The popup's Page panel text once it has asked the background about the tab. */
  async function pagePanelText(tabId: number): Promise<{ popup: Page; text: string }> {
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await list(popup).waitFor();
    await popup.getByRole('heading', { name: 'Indicators' }).waitFor();
    await expect.poll(() => popup.locator('.sl-page-state, .sl-empty').count()).toBeGreaterThan(0);
    return { popup, text: (await popup.getByRole('region', { name: 'Page' }).textContent()) ?? '' };
  }

  it('MISP’s own pages, extension pages and browser pages each get their own sentence', async () => {
    const mispPage = await browser.context.newPage();
    // MISP's login page (the stand-in, with no session, keeps redirecting to it: the tab stays there).
    await mispPage.goto(`${misp.url}/users/login`).catch(() => undefined);
    let mispTab = -1;
    await expect
      .poll(async () => (mispTab = await tabIdOf(browser.worker, `${misp.url}/users/login`).catch(() => -1)))
      .toBeGreaterThan(-1);
    const own = await pagePanelText(mispTab);
    expect(own.text).toContain('Sightline never scans your MISP’s pages.');
    expect(own.text).not.toContain('No indicators found');

    // Tabs whose URL Sightline may not match by pattern: found as the tab that was not there before.
    let before = await tabIds();
    const options = await browser.openExtensionPage('options.html');
    const optionsTab = (await tabIds()).find((id) => !before.includes(id));
    const extension = await pagePanelText(optionsTab!);
    expect(extension.text).toContain('Sightline does not scan extension pages.');

    before = await tabIds();
    const blank = await browser.context.newPage();
    await blank.goto('about:blank');
    const blankTab = (await tabIds()).find((id) => !before.includes(id));
    expect(blankTab).toBeTypeOf('number');
    const browserPage = await pagePanelText(blankTab!);
    expect(browserPage.text).toContain('Sightline does not scan browser pages.');
    expect(browserPage.text).not.toContain('No indicators found');

    for (const page of [own.popup, extension.popup, browserPage.popup, mispPage, options, blank])
      await page.close();
  });

  async function tabIds(): Promise<number[]> {
    return browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      return (await chrome.tabs.query({})).flatMap((tab) => (tab.id === undefined ? [] : [tab.id]));
    });
  }

  it('an excluded site says so, with "Remove", and its earlier scan is not shown as current', async () => {
    const value = ip(11);
    const { page, tabId } = await openPage(
      '/excluded.html',
      `<p>Beacon to ${value.replace(/\.77\./, '[.]77.')}</p>`,
    );
    const first = await popupListing(tabId, value);
    await first.close();

    await setPreferences(browser.worker, { neverScan: ['127.0.0.1'] });
    const { popup, text } = await pagePanelText(tabId);
    expect(text).toContain('127.0.0.1 is in Sites never scanned.');
    expect(await checkbox(popup, value).count()).toBe(0);
    expect(text).not.toContain('No indicators found');

    await popup.getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() => popup.getByRole('status').filter({ hasText: 'Removed' }).textContent())
      .toBe('Removed 127.0.0.1 from Sites never scanned.');
    const stored = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      return ((await chrome.storage.local.get('preferences')).preferences as { neverScan: string[] })
        .neverScan;
    });
    expect(stored).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('"Never" says highlighting is off instead of listing the last scan', async () => {
    const value = ip(12);
    const { page, tabId } = await openPage('/off.html', `<p>Beacon to ${value}</p>`);
    (await popupListing(tabId, value)).close();
    await setPreferences(browser.worker, { highlightMode: 'never' });
    try {
      const { popup, text } = await pagePanelText(tabId);
      expect(text).toContain('Highlighting is off');
      expect(await checkbox(popup, value).count()).toBe(0);
      await popup.close();
    } finally {
      await setPreferences(browser.worker, { highlightMode: 'auto' });
    }
    await page.close();
  });

  it('"Only when I ask": the popup says so and its "Scan this page" button scans the page', async () => {
    await setPreferences(browser.worker, { highlightMode: 'ask' });
    try {
      const value = ip(13);
      const { page, tabId } = await openPage('/ask-popup.html', `<p>Callback to ${value}</p>`);
      const { popup, text } = await pagePanelText(tabId);
      expect(text).toContain('Sightline scans this page only when you ask.');
      expect(await checkbox(popup, value).count()).toBe(0);
      await popup.getByRole('button', { name: 'Scan this page' }).click();
      await expect.poll(() => checkbox(popup, value).count(), { timeout: 20_000 }).toBe(1);
      expect(await popup.getByText('only when you ask').count()).toBe(0);
      await popup.close();
      await page.close();
    } finally {
      await setPreferences(browser.worker, { highlightMode: 'auto' });
    }
  });

  it('"Scan text" lists what it added under "From pasted text", likely benign values unticked and not IDS', async () => {
    const onPage = ip(14);
    const pasted = ip(15);
    const { page, tabId } = await openPage('/scan-text.html', `<p>Seen: ${onPage}</p>`);
    const popup = await popupListing(tabId, onPage);
    await popup.getByText('Scan text').first().click();
    await popup
      .getByRole('textbox', { name: 'Scan text' })
      .fill(
        `Internal host 10.20.30[.]40 called ${pasted.replace(/\.77\./, '[.]77.')}; docs example 198.51.100[.]23`,
      );
    await popup.getByRole('button', { name: 'Add indicators from text' }).click();
    const group = popup.getByRole('listitem', { name: 'From pasted text' });
    await group.waitFor({ timeout: 20_000 });
    for (const value of ['10.20.30.40', pasted, '198.51.100.23'])
      expect(await group.getByRole('checkbox', { name: value, exact: true }).count()).toBe(1);
    expect(await checkbox(popup, pasted).isChecked()).toBe(true);
    expect(await checkbox(popup, '10.20.30.40').isChecked()).toBe(false);
    expect(await checkbox(popup, '198.51.100.23').isChecked()).toBe(false);
    expect(await popup.getByRole('status').filter({ hasText: 'from the text' }).textContent()).toBe(
      'Added 3 indicators from the text; 2 likely benign values not selected.',
    );
    // Ticked by hand, a likely benign value is still not flagged IDS.
    await checkbox(popup, '10.20.30.40').check();
    expect(await popup.getByRole('checkbox', { name: 'IDS flag for 10.20.30.40' }).isChecked()).toBe(false);
    expect(await popup.getByRole('checkbox', { name: `IDS flag for ${pasted}` }).isChecked()).toBe(true);
    await popup.close();
    await page.close();
  });

  it('after "Create event" the list shows the filed value as "In MISP" without reopening', async () => {
    const value = ip(16);
    const { page, tabId } = await openPage('/file.html', `<p>C2 at ${value}</p>`);
    const popup = await popupListing(tabId, value);
    await expect.poll(() => rowText(popup, value), { timeout: 20_000 }).toContain('New');
    await checkbox(popup, value).check();
    await popup.getByRole('textbox', { name: 'Event info' }).fill(`${misp.namePrefix} popup follows filing`);
    await popup.getByRole('button', { name: 'Create event' }).click();
    const link = popup.getByRole('link', { name: 'Open event in MISP' });
    await link.waitFor({ timeout: 20_000 });
    const id = /\/events\/view\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    if (id) misp.trackEvent(id);
    await expect.poll(() => rowText(popup, value), { timeout: 20_000 }).toContain('In MISP');
    await popup.close();
    await page.close();
  });

  it('"Record sighting" with the history open: the history lists the new sighting', async () => {
    const domain = `sl-${misp.runId}-history.com`;
    await seedEvent(misp, 'history follows', [{ type: 'domain', value: domain }]);
    const { page } = await openPage(
      '/history.html',
      `<p>Seen again: ${domain.replace(/\.com$/, '[.]com')}</p>`,
    );
    await waitForKnownMarks(page, 1);
    await openCard(page, domain.replace(/\.com$/, '[.]com'), domain);
    await clickInCard(page, 'Show sighting history');
    await expect
      .poll(() => cardText(page, domain), { timeout: 10_000 })
      .toContain('No sightings you can see.');
    await clickInCard(page, 'Record sighting');
    await expect
      .poll(() => cardText(page, domain), { timeout: 10_000 })
      .toContain('Recorded sighting in MISP');
    await expect
      .poll(
        async () => {
          const history = await findByRole(page, 'list', 'Sighting history');
          return history ? textOf(page, history.backendNodeId) : '';
        },
        { timeout: 10_000 },
      )
      .toContain(misp.expected.orgName);
    await page.close();
  });

  it('radio buttons in the options share one label style', async () => {
    const options = await browser.openExtensionPage('options.html');
    await options.getByRole('radio', { name: 'Only when I ask' }).waitFor();
    await options.getByRole('radio', { name: 'Any of these tags' }).waitFor();
    const styles = await options.evaluate(() =>
      [...document.querySelectorAll('input[type="radio"]')].map((radio) => {
        const label = radio.closest('label');
        const style = label ? getComputedStyle(label) : undefined;
        return style
          ? `${style.display} ${style.fontWeight} ${style.alignItems} ${style.marginTop}`
          : 'no label';
      }),
    );
    expect(styles.length).toBeGreaterThanOrEqual(5);
    expect(new Set(styles).size).toBe(1);
    await options.close();
  });
});
