import { describe, expect, it } from 'vitest';
import { configureInstance, type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

/**
 * Issue 13.8 and 20.2: a read-only key (MISP refuses its /events/add and /sightings/add with a real
 * 403, transcripts 174-185) — the options page says what its role allows, and the popup offers
 * neither "Create event", "Add to existing event" nor sighting buttons. Replacing the key brings them
 * back at once: what a connection may do is cached per instance and key.
 */
describe('what the key’s role allows', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  const KNOWN = '45.133.221.40';

  useE2eEnvironment({ connect: false }, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'roles', [{ type: 'ip-dst', value: KNOWN }]);
    pages.setPage('/report.html', `<!doctype html><title>Report</title><p>C2 ${KNOWN} and 45.133.221.99</p>`);
  });

  const readOnlyKey = () => {
    const key = misp.extraKeys.readOnly;
    if (!key) throw new Error('the stand-in provides a read-only user');
    return key;
  };

  it('the options page says a read-only key may look values up but not file or record', async () => {
    await configureInstance(browser.context, { url: misp.url, apiKey: readOnlyKey(), name: 'Stand-in MISP' });
    const options = await browser.openExtensionPage('options.html');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => options.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain(
        'Role Read Only: this key may look values up, but MISP refuses new events and sightings from it',
      );
    await options.close();
  });

  it('the popup hides "Create event", "Add to existing event" and the sighting buttons, then shows them for a key that may', async () => {
    const report = await browser.context.newPage();
    await report.goto(`${pages.url}/report.html`);
    await waitForKnownMarks(report, 1);
    const tabId = await tabIdOf(browser.worker, `${pages.url}/report.html`);
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect
      .poll(() => popup.getByText(/may not create events or add attributes on Stand-in MISP/).count(), {
        timeout: 15_000,
      })
      .toBe(1);
    expect(await popup.getByRole('button', { name: 'Create event' }).count()).toBe(0);
    expect(await popup.getByRole('button', { name: 'Add to existing event' }).count()).toBe(0);
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    await expect.poll(() => popup.getByText(/Recording sightings is not available/).count()).toBe(1);
    expect(await popup.getByRole('button', { name: 'Record sighting' }).count()).toBe(0);
    await popup.close();

    // The analyst replaces the key: no restart, no stale buttons.
    await configureInstance(browser.context, { url: misp.url, apiKey: misp.apiKey, name: 'Stand-in MISP' });
    const again = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect
      .poll(() => again.getByRole('button', { name: 'Create event' }).count(), { timeout: 15_000 })
      .toBe(1);
    await again.getByRole('tab', { name: 'Sightings' }).click();
    await expect.poll(() => again.getByRole('button', { name: 'Record sighting' }).count()).toBe(1);
    await Promise.all([again.close(), report.close()]);
  });
});
