import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { escapeHtml, reportPage } from './report-pages';

/**
 * Extraction as the analyst sees it in the popup (issue 15): a value defanged unevenly and glued to
 * punctuation comes out refanged, a base64-pasted URL comes out decoded and says so, and the page's
 * own links, a vendor's blog and its contact address are references — listed apart, never "New",
 * never picked by "Select all new".
 */

const env = useE2eEnvironment();

/** The row of a value's checkbox, within `scope`. */
function rowOf(scope: Locator, value: string): Locator {
  return scope.locator('.sl-item-row', {
    has: scope.page().getByRole('checkbox', { name: value, exact: true }),
  });
}

async function statusOf(scope: Locator, value: string): Promise<string> {
  const row = rowOf(scope, value);
  if ((await row.count()) === 0) return '';
  return ((await row.locator('.sl-status').textContent()) ?? '').trim();
}

describe('extraction in the popup', () => {
  it('shows a defanged, glued value refanged, a decoded URL flagged, and the references apart', async () => {
    const run = env.misp.runId.toLowerCase();
    const host = `drop-${run}.site`;
    const glued = `(hxxps://drop-${run}[.site/k.php).`;
    const decodedUrl = `https://stage-${run}.net/p.ps1`;
    const encoded = Buffer.from(decodedUrl).toString('base64');
    const path = `/extraction-${run}.html`;
    const ownLink = `${env.pages.url}/about-${run}.html`;
    const vendor = 'https://unit42.paloaltonetworks.com/loader-notes/';
    env.pages.setPage(
      path,
      reportPage(
        'Loader report',
        [
          `<p>The loader beacons to #!45.9.20.11!! and fetches its payload ${escapeHtml(glued)}</p>`,
          `<p>The macro carries its next stage as <code>${encoded}</code>.</p>`,
          `<p>Earlier: <a href="${ownLink}">${ownLink}</a>; see also ${vendor}.</p>`,
          '<p>Questions: security@paloaltonetworks.com</p>',
        ].join('\n'),
      ),
    );
    const page: Page = await env.browser.context.newPage();
    const pageUrl = `${env.pages.url}${path}`;
    await page.goto(pageUrl);
    const tabId = await tabIdOf(env.browser.worker, pageUrl);

    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const list = popup.getByRole('list', { name: 'Indicators on this page' });
    const references = popup.getByRole('group', { name: 'References' });
    const url = `https://${host}/k.php`;
    await expect
      .poll(
        async () => {
          const status = await statusOf(list, url);
          if (status === '' || status === 'Checking…') await popup.reload();
          return status;
        },
        { timeout: 20_000 },
      )
      .toBe('New');
    // The uneven defang and the punctuation around it are gone; the page's characters stay the original.
    expect(await rowOf(list, url).locator('.sl-value').getAttribute('title')).toBe(
      `hxxps://drop-${run}[.site/k.php`,
    );
    expect(await statusOf(list, '45.9.20.11')).toBe('New');

    // The base64 is decoded to its URL and says so.
    const decodedRow = rowOf(list, decodedUrl);
    expect(await decodedRow.textContent()).toContain('decoded from base64');
    expect(await decodedRow.locator('.sl-value').getAttribute('title')).toBe(encoded);

    // The page's own link, the vendor's blog and the vendor's contact address are references.
    await expect.poll(() => statusOf(references, ownLink)).toBe('Reference: this page’s site');
    expect(await statusOf(references, vendor)).toBe(
      'Reference: publisher or security vendor (paloaltonetworks.com)',
    );
    expect(await statusOf(references, 'security@paloaltonetworks.com')).toBe(
      'Reference: contact address of paloaltonetworks.com',
    );
    expect(await rowOf(list, ownLink).count()).toBe(0);

    // "Select all new" takes the indicators, never a reference.
    await popup.getByRole('button', { name: 'Select all new' }).click();
    await expect.poll(() => list.getByRole('checkbox', { name: url, exact: true }).isChecked()).toBe(true);
    expect(await list.getByRole('checkbox', { name: decodedUrl, exact: true }).isChecked()).toBe(true);
    expect(await references.getByRole('checkbox', { name: ownLink, exact: true }).isChecked()).toBe(false);
    expect(await references.getByRole('checkbox', { name: vendor, exact: true }).isChecked()).toBe(false);
    await popup.close();
    await page.close();
  });
});
