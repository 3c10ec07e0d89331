import { describe, expect, it } from 'vitest';
import { askBackground, type ChromeGlobal, type ExtensionBrowser } from './browser';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';

async function stored(browser: ExtensionBrowser) {
  return browser.worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    return chrome.storage.local.get(['instances', 'preferences']);
  }) as Promise<{ instances?: Array<Record<string, unknown>>; preferences?: Record<string, unknown> }>;
}

describe('options page', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;

  useE2eEnvironment({ connect: false }, async (env) => {
    ({ browser, misp } = env);
  });

  it('validates as the analyst types: no scheme, http:// to a remote host, a bad key shape', async () => {
    const page = await browser.openExtensionPage('options.html');
    const url = page.getByRole('textbox', { name: 'MISP URL' });
    await url.fill('misp.example.org');
    await expect.poll(() => page.getByText('Add the scheme: https://misp.example.org').count()).toBe(1);
    await url.fill('http://misp.example.org');
    await expect.poll(() => page.getByText(/http:\/\/ sends your API key unencrypted/).count()).toBe(1);
    await page.getByRole('textbox', { name: 'API key' }).fill('not-a-key');
    await expect.poll(() => page.getByText(/A MISP API key is 40 letters and digits/).count()).toBe(1);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Not saved/);
    expect((await stored(browser)).instances ?? []).toEqual([]);
    await page.close();
  });

  it('autosaves instances, adds a second one, keys never shown back', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('textbox', { name: 'MISP URL' }).fill(misp.url);
    await page.getByRole('textbox', { name: 'API key' }).fill(misp.apiKey);
    // No "Save" click: autosave.
    await expect
      .poll(async () => (await stored(browser)).instances?.length ?? 0, { timeout: 10_000 })
      .toBe(1);
    await page.getByRole('button', { name: 'Add MISP instance' }).click();
    // The group is named after the instance, which changes as it is typed: address it by position.
    const second = page.getByRole('group', { name: /^MISP instance / }).nth(1);
    await second.getByRole('textbox', { name: 'MISP URL' }).fill('http://127.0.0.1:9/');
    await second.getByRole('textbox', { name: 'Name' }).fill('Second MISP');
    await expect
      .poll(async () => (await stored(browser)).instances?.length ?? 0, { timeout: 10_000 })
      .toBe(2);
    await page.reload();
    const groups = page.getByRole('group', { name: /^MISP instance / });
    await expect.poll(() => groups.count()).toBe(2);
    const second2 = page.getByRole('group', { name: 'MISP instance Second MISP' });
    expect(await second2.getByRole('checkbox', { name: 'Default for new events' }).isChecked()).toBe(false);
    expect(await page.content()).not.toContain(misp.apiKey);
    // Test connection per instance: the status names version, user, org and the permissions.
    const first = groups.first();
    await first.getByRole('button', { name: 'Test connection' }).click();
    const status = first.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain(misp.expected.version);
    const text = (await status.textContent()) ?? '';
    expect(text).toContain(misp.expected.userEmail);
    expect(text).toMatch(/record sightings/);
    expect(text).toMatch(/publish/);
    await second2.getByRole('checkbox', { name: 'Use for lookups' }).uncheck();
    await expect
      .poll(
        async () => (await stored(browser)).instances?.find((i) => i.name === 'Second MISP')?.useForLookups,
      )
      .toBe(false);
    // "Remove" asks first; then the card goes at once.
    await second2.getByRole('button', { name: 'Remove' }).click();
    const question = second2.getByRole('alertdialog', { name: 'Remove Second MISP and its stored key?' });
    await question.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => groups.count()).toBe(0);
    await expect.poll(() => page.getByRole('group', { name: 'MISP instance' }).count()).toBe(1);
    await expect.poll(async () => (await stored(browser)).instances?.length).toBe(1);
    await expect.poll(() => page.getByText('Removed Second MISP and its stored key.').count()).toBe(1);
    await page.close();
  });

  it('highlight mode, sites never scanned and cache settings autosave', async () => {
    const page = await browser.openExtensionPage('options.html');
    const group = page.getByRole('radiogroup', { name: 'Highlight on pages' });
    await group.getByRole('radio', { name: 'Only when I ask' }).check();
    await expect.poll(async () => (await stored(browser)).preferences?.highlightMode).toBe('ask');
    const sites = page.getByRole('textbox', { name: 'Sites never scanned' });
    await sites.fill('bad host!\nintranet.example.com');
    await sites.blur();
    await expect.poll(() => page.getByText(/is not a host name/).count()).toBe(1);
    await sites.fill('intranet.example.com\n*.corp.example');
    await sites.blur();
    await expect
      .poll(async () => (await stored(browser)).preferences?.neverScan)
      .toEqual(['intranet.example.com', '*.corp.example']);
    await page.getByRole('button', { name: 'Clear cache' }).click();
    await expect.poll(() => page.getByText(/0 cached answers/).count()).toBe(1);
    await page.reload();
    expect(await page.getByRole('radio', { name: 'Only when I ask' }).isChecked()).toBe(true);
    await page.close();
  });

  it('exports settings without keys unless asked, and imports them', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('button', { name: 'Export settings' }).click();
    const json = page.getByRole('textbox', { name: 'Settings JSON' });
    await expect.poll(() => json.inputValue()).toContain('"sightline": 1');
    expect(await json.inputValue()).not.toContain(misp.apiKey);
    await page.getByRole('checkbox', { name: 'Include API keys in the export' }).check();
    await page.getByRole('button', { name: 'Export settings' }).click();
    await expect.poll(() => json.inputValue()).toContain(misp.apiKey);
    const file = JSON.parse(await json.inputValue()) as {
      preferences: Record<string, unknown>;
      instances: Array<{ url: string; apiKey?: string }>;
    };
    file.preferences.cacheTtlMinutes = 123;
    await json.fill(JSON.stringify(file));
    await page.getByRole('button', { name: 'Import settings' }).click();
    // Reviewed first: nothing changes before "Apply import".
    const review = page.getByRole('list', { name: 'Changes in this file' });
    await expect.poll(() => review.textContent()).toContain('Setting “cacheTtlMinutes” becomes 123');
    expect((await stored(browser)).preferences?.cacheTtlMinutes).not.toBe(123);
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(() => page.getByText(/^Imported 1 MISP instance/).count()).toBe(1);
    expect((await stored(browser)).preferences?.cacheTtlMinutes).toBe(123);

    // A file that moves the instance to another origin, without a key: the review says the stored key
    // goes, and after "Apply import" it is gone (never sent to the new address).
    const elsewhere = 'http://localhost:9';
    const moved = {
      ...file,
      instances: file.instances.map(({ apiKey: _key, ...instance }) => ({ ...instance, url: elsewhere })),
    };
    await json.fill(JSON.stringify(moved));
    await page.getByRole('button', { name: 'Import settings' }).click();
    await expect
      .poll(() => review.textContent())
      .toContain(`URL ${misp.url} → ${elsewhere} — stored key cleared (another address)`);
    const before = await askBackground(page, 'instances/list', {});
    expect(before.ok && before.data.map((i) => [i.url, i.hasKey])).toEqual([[misp.url, true]]);
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(() => page.getByText(/^Imported 1 MISP instance/).count()).toBe(1);
    const after = await askBackground(page, 'instances/list', {});
    expect(after.ok && after.data.map((i) => [i.url, i.hasKey])).toEqual([[elsewhere, false]]);

    // http:// to another machine with a key in the file needs the explicit confirmation.
    const insecure = {
      ...file,
      instances: file.instances.map((i) => ({ ...i, url: 'http://misp.lan.test' })),
    };
    await json.fill(JSON.stringify(insecure));
    await page.getByRole('button', { name: 'Import settings' }).click();
    await expect.poll(() => review.textContent()).toContain('⚠ the key would travel unencrypted');
    const apply = page.getByRole('button', { name: 'Apply import' });
    expect(await apply.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Send API keys unencrypted where marked ⚠' }).check();
    expect(await apply.isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Cancel import' }).click();
    expect(await review.count()).toBe(0);
    await json.fill('{"not":"settings"}');
    await page.getByRole('button', { name: 'Import settings' }).click();
    await expect
      .poll(() => page.getByText('Not imported: This is not a Sightline settings file.').count())
      .toBe(1);
    await page.close();
  });
});
