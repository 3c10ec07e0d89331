import { describe, expect, it } from 'vitest';
import { type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { evaluateInContentWorld, seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

/**
 * Issue 13.5: a hostile page that sends the most the protocol lets it (full-size texts to extract,
 * full-size reports, over and over) gets its own budget cut, and every other tab keeps working: a
 * normal report page opened next to it gets its marks and its popup list.
 */
describe('one flooding tab cannot exhaust what other tabs need', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  const KNOWN = '45.133.220.19';

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'budgets', [{ type: 'ip-dst', value: KNOWN }]);
    pages.setPage('/flood.html', '<!doctype html><title>Flood</title><p>nothing to see</p>');
    pages.setPage('/normal.html', `<!doctype html><title>Normal</title><p>Seen: ${KNOWN}</p>`);
  });

  it('the flooding tab is cut at its budget; the normal tab gets its marks and popup list', async () => {
    const flood = await browser.context.newPage();
    await flood.goto(`${pages.url}/flood.html`);
    const outcome = await evaluateInContentWorld<{ extract: string[]; reports: string[] }>(
      flood,
      browser.extensionId,
      `(async () => {
        const send = (type, payload) => chrome.runtime.sendMessage({ channel: 'sightline', type, payload });
        const text = 'lorem ipsum dolor '.repeat(Math.floor(${8 * 1024 * 1024} / 18));
        const extract = [];
        for (let i = 0; i < 6; i++) {
          const answer = await send('page/extract', { texts: [text] });
          extract.push(answer.ok ? 'ok' : answer.error.kind);
        }
        const reports = [];
        for (let round = 0; round < 3; round++) {
          const indicators = [];
          for (let i = 0; i < 20000; i++) {
            const value = 'h' + round + '-' + i + '.flood-host.test';
            indicators.push({ type: 'domain', value, original: value, count: 1 });
          }
          const answer = await send('page/indicators', { url: location.href, title: 'Flood', indicators });
          reports.push(answer && answer.ok ? 'ok' : String(answer && answer.error && answer.error.kind));
        }
        return { extract, reports };
      })()`,
    );
    expect(outcome.extract.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(outcome.extract.slice(4)).toEqual(['rate-limited', 'rate-limited']);
    expect(outcome.reports).toEqual(['ok', 'ok', 'ok']);

    const normal = await browser.context.newPage();
    await normal.goto(`${pages.url}/normal.html`);
    await waitForKnownMarks(normal, 1, 60_000);
    const normalTab = await tabIdOf(browser.worker, `${pages.url}/normal.html`);
    const popup = await browser.openExtensionPage(`popup.html?tab=${normalTab}`);
    const row = popup.getByRole('checkbox', { name: KNOWN });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);

    // What the flooding tab keeps in session storage stays within its budget (its own content script
    // may have reported its real, empty page since).
    const floodTab = await tabIdOf(browser.worker, `${pages.url}/flood.html`);
    const mirrored = await browser.worker.evaluate(async (key) => {
      const { chrome } = globalThis as unknown as {
        chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } };
      };
      const report = (await chrome.storage.session.get(key))[key] as
        | { frames: Record<string, { indicators: unknown[] }> }
        | undefined;
      return Object.values(report?.frames ?? {}).reduce((sum, frame) => sum + frame.indicators.length, 0);
    }, `tab:${floodTab}`);
    expect(mirrored).toBeLessThanOrEqual(2000);
    await Promise.all([flood.close(), normal.close(), popup.close()]);
  });
});
