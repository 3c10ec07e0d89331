import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBackground, type ExtensionBrowser } from './browser';
import { useE2eEnvironment } from './fixture';
import { seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { type RecordingServer, startRecordingServer } from './recorder';

/**
 * Issue 13.1: a key belongs to the origin it was entered for. The analyst retypes "MISP URL" towards
 * another origin (here another loopback server that records every request): autosave keeps the
 * stored instance as it was, "Test connection" sends nothing there, and "Save" asks before the key
 * could go anywhere. Whatever is clicked, the recording server never receives the key.
 */
describe('a key stays with the origin it was entered for', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let elsewhere: RecordingServer;
  const KNOWN_IP = '45.133.216.57';

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'key origin', [{ type: 'ip-dst', value: KNOWN_IP }]);
    pages.setPage('/report.html', `<!doctype html><title>Report</title><p>C2 at ${KNOWN_IP}.</p>`);
  });
  beforeAll(async () => {
    elsewhere = await startRecordingServer();
  });
  afterAll(async () => {
    await elsewhere?.close();
  });

  const keyReached = () =>
    elsewhere.requests.filter((request) => JSON.stringify(request.headers).includes(misp.apiKey));

  it('a pause while retyping the URL autosaves nothing, and "Test connection" never sends the stored key there', async () => {
    const options = await browser.openExtensionPage('options.html');
    const url = options.getByRole('textbox', { name: 'MISP URL' });
    await expect.poll(() => url.inputValue()).toBe(misp.url);
    await url.fill(elsewhere.url);
    await expect
      .poll(() => options.getByText(/The stored key belongs to http:\/\/127\.0\.0\.1/).count())
      .toBe(1);
    // Longer than the autosave delay: an autosave would have happened by now.
    await options.waitForTimeout(1500);
    const list = await askBackground(options, 'instances/list', {});
    expect(list.ok && list.data.map((i) => [i.url, i.hasKey])).toEqual([[misp.url, true]]);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => options.getByRole('status').textContent())
      .toContain(`type the API key for ${elsewhere.url}`);
    // Asked from an extension page directly, the background refuses too.
    const direct = await askBackground(options, 'connection/test', {
      id: 'e2e-instance',
      url: elsewhere.url,
    });
    expect(direct.ok).toBe(false);
    // Meanwhile lookups still go to the MISP the key belongs to.
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/report.html`);
    await waitForKnownMarks(page, 1);
    await page.close();
    expect(keyReached()).toEqual([]);
    await options.close();
  });

  it('"Save" asks "Use the stored key for …?"; "Clear the key" saves the new address without it', async () => {
    const options = await browser.openExtensionPage('options.html');
    const url = options.getByRole('textbox', { name: 'MISP URL' });
    await expect.poll(() => url.inputValue()).toBe(misp.url);
    await url.fill(elsewhere.url);
    await options.getByRole('button', { name: 'Save' }).click();
    const question = options.getByRole('alertdialog');
    await expect.poll(() => question.textContent()).toContain(`Use the stored key for ${elsewhere.url}?`);
    await question.getByRole('button', { name: 'Clear the key' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toContain(`The stored key was cleared: type the API key for ${elsewhere.url}`);
    const list = await askBackground(options, 'instances/list', {});
    expect(list.ok && list.data.map((i) => [i.url, i.hasKey])).toEqual([[elsewhere.url, false]]);
    // A page scanned now sends nothing with the old key anywhere.
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/report.html`);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Enter the API key first/);
    await page.close();
    expect(keyReached()).toEqual([]);
    await options.close();
  });
});
