import { describe, expect, it } from 'vitest';
import { configureInstance, type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

describe('the extension in Chromium', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  useE2eEnvironment({ connect: false }, async (env) => {
    ({ browser, misp, pages } = env);
  });

  it('loads: the service worker runs and the manifest is Sightline MV3', async () => {
    const manifest = await browser.worker.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { runtime: { getManifest(): { name: string; manifest_version: number } } };
        }
      ).chrome.runtime.getManifest(),
    );
    expect(manifest).toMatchObject({ name: 'Sightline', manifest_version: 3 });
    expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
  });

  it('options: "Test connection" shows the MISP version, the user and the organisation', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('textbox', { name: 'MISP URL' }).fill(misp.url);
    await page.getByRole('textbox', { name: 'API key' }).fill(misp.apiKey);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Connected to MISP');
    const text = (await status.textContent()) ?? '';
    expect(text).toContain(misp.expected.version);
    expect(text).toContain(misp.expected.orgName);
    expect(text).toContain(misp.expected.userEmail);
    await page.close();
  });

  it('options: a wrong key shows the human error, not a status code', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('textbox', { name: 'MISP URL' }).fill(misp.url);
    await page.getByRole('textbox', { name: 'API key' }).fill('A'.repeat(40));
    await page.getByRole('button', { name: 'Test connection' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('API key rejected by MISP');
    expect(await status.textContent()).not.toMatch(/\b403\b/);
    await page.close();
  });

  it('options: "Save" stores the instance; the key is never shown back', async () => {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('textbox', { name: 'MISP URL' }).fill(`${misp.url}/`);
    await page.getByRole('textbox', { name: 'API key' }).fill(misp.apiKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Saved.');
    await page.reload();
    const key = page.getByRole('textbox', { name: 'API key' });
    await expect.poll(() => key.getAttribute('placeholder')).toContain(misp.apiKey.slice(-4));
    expect(await key.inputValue()).toBe('');
    expect(await page.content()).not.toContain(misp.apiKey);
    expect(await page.getByRole('textbox', { name: 'MISP URL' }).inputValue()).toBe(misp.url);
    await page.close();
  });

  it('popup: opens for a given tab with popup.html?tab=<id>', async () => {
    await configureInstance(browser.context, { url: misp.url, apiKey: misp.apiKey, name: 'Stand-in MISP' });
    pages.setPage('/hello.html', '<!doctype html><title>A report about 198.51.100.23</title><p>hello</p>');
    const report = await browser.context.newPage();
    await report.goto(`${pages.url}/hello.html`);
    const tabId = await tabIdOf(browser.worker, `${pages.url}/hello.html`);
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect.poll(() => popup.getByText('A report about 198.51.100.23').count()).toBe(1);
    await popup.close();
    await report.close();
  });
});
