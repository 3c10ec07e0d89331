import { describe, expect, it } from 'vitest';
import { type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { evaluateInContentWorld, seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

/**
 * Key isolation and message hardening (threat model): the content script's world — the part of
 * Sightline that lives inside hostile pages — can neither read the API key from storage nor get it in
 * any message, cannot use messages meant for extension pages, and malformed messages are dropped.
 */
/** Everything the content script's world can reach: each storage area, and the IndexedDB of its origin. */
const READ_EVERY_AREA = `(async () => {
  const read = async (area) => {
    try { return JSON.stringify(await chrome.storage[area].get(null)); }
    catch (error) { return 'denied: ' + String(error && error.message || error); }
  };
  const out = {};
  for (const area of ['local', 'session', 'sync', 'managed']) out[area] = await read(area);
  out.indexedDB = JSON.stringify(await indexedDB.databases());
  return out;
})()`;

describe('key isolation and message hardening', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  const KNOWN_IP = '45.133.216.201';

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'security suite', [{ type: 'ip-dst', value: KNOWN_IP }]);
    pages.setPage(
      '/secure.html',
      `<!doctype html><title>Security</title><p>Seen: ${KNOWN_IP} and 45.133.216.99 and evil-unknown.example</p>`,
    );
  });

  it("the content script's world cannot read extension storage (keys live there)", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/secure.html`);
    await waitForKnownMarks(page, 1);
    const seen = await evaluateInContentWorld<Record<string, string>>(
      page,
      browser.extensionId,
      READ_EVERY_AREA,
    );
    expect(seen.local).not.toContain(misp.apiKey);
    expect(seen.local).toMatch(/^denied/);
    expect(seen.session).toMatch(/^denied/);
    // The page's own world has no extension API at all.
    expect(
      await page.evaluate(
        () =>
          typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime
            ?.sendMessage,
      ),
    ).toBe('undefined');
    await page.close();
  });

  it('no storage area holds the key: every area read from the content script’s world, and from the background', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/secure.html`);
    await waitForKnownMarks(page, 1);
    const seen = await evaluateInContentWorld<Record<string, string>>(
      page,
      browser.extensionId,
      READ_EVERY_AREA,
    );
    expect(Object.keys(seen).sort()).toEqual(['indexedDB', 'local', 'managed', 'session', 'sync']);
    for (const text of Object.values(seen)) expect(text).not.toContain(misp.apiKey);
    // Even where the browser would let a content script read (Firefox has no access levels for
    // storage.local), there is no key to read: the background's own view of every area has none.
    const areas = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as {
        chrome: { storage: Record<string, { get(k: null): Promise<unknown> }> };
      };
      const out: Record<string, string> = {};
      for (const area of ['local', 'session', 'sync', 'managed']) {
        try {
          out[area] = JSON.stringify(await chrome.storage[area]?.get(null));
        } catch (error) {
          out[area] = `unavailable: ${String(error)}`;
        }
      }
      return out;
    });
    expect(areas.local).toContain('"instances"');
    for (const text of Object.values(areas)) expect(text).not.toContain(misp.apiKey);
    await page.close();
  });

  it('no answer to the content script and no message into it contains the key', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/secure.html`);
    await waitForKnownMarks(page, 1);
    // Record every message the background sends into this content script from now on.
    await evaluateInContentWorld(
      page,
      browser.extensionId,
      `(async () => {
        globalThis.__recorded = [];
        chrome.runtime.onMessage.addListener((message) => { globalThis.__recorded.push(JSON.stringify(message)); });
        return true;
      })()`,
    );
    // Messages into the tab: "scan" from the popup's button, "show-card" from the context menu path.
    const tabId = await tabIdOf(browser.worker, `${pages.url}/secure.html`);
    const options = await browser.openExtensionPage('options.html');
    await options.evaluate(async (id) => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
      };
      await chrome.runtime.sendMessage({ channel: 'sightline', type: 'tab/scan', payload: { tabId: id } });
    }, tabId);
    const answers = await evaluateInContentWorld<Record<string, unknown>>(
      page,
      browser.extensionId,
      `(async () => {
        const send = (type, payload) => chrome.runtime.sendMessage({ channel: 'sightline', type, payload })
          .then((answer) => answer === undefined ? '(no answer)' : answer, (error) => 'error: ' + error.message);
        const indicator = { type: 'ipv4', value: '${KNOWN_IP}', original: '${KNOWN_IP}', count: 1 };
        return {
          config: await send('page/config', { url: location.href }),
          preferences: await send('preferences/get', {}),
          indicators: await send('page/indicators', { url: location.href, title: 't', indicators: [indicator] }),
          lookup: await send('lookup/values', { indicators: [indicator] }),
          card: await send('card/matches', { value: '${KNOWN_IP}' }),
          // Messages for extension pages only: dropped, never answered.
          list: await send('instances/list', {}),
          test: await send('connection/test', { url: '${misp.url}' }),
          exported: await send('settings/export', { includeKeys: true }),
          save: await send('instances/save', { instance: { name: 'x', url: 'https://attacker.example', useForLookups: true, defaultForEvents: true } }),
          recorded: globalThis.__recorded,
        };
      })()`,
    );
    const everything = JSON.stringify(answers);
    expect(everything).not.toContain(misp.apiKey);
    expect(everything).not.toContain(misp.apiKey.slice(-8));
    for (const uiOnly of ['list', 'test', 'exported', 'save']) expect(answers[uiOnly]).toBe('(no answer)');
    // The content-side messages did work (so the absence of the key means something).
    expect(JSON.stringify(answers.card)).toContain(`${misp.namePrefix} security suite`);
    expect(JSON.stringify(answers.indicators)).toContain('"known"');
    expect((answers.recorded as string[]).some((m) => m.includes('"scan"'))).toBe(true);
    // The forged "instances/save" changed nothing.
    const stored = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as {
        chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } };
      };
      return JSON.stringify((await chrome.storage.local.get('instances')).instances);
    });
    expect(stored).not.toContain('attacker.example');
    await options.close();
    await page.close();
  });

  it('malformed and unknown messages are dropped and the background keeps working', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/secure.html`);
    await waitForKnownMarks(page, 1);
    const answers = await evaluateInContentWorld<string[]>(
      page,
      browser.extensionId,
      `(async () => {
        const raw = (message) => chrome.runtime.sendMessage(message)
          .then((answer) => answer === undefined ? '(no answer)' : JSON.stringify(answer), (error) => 'error: ' + error.message);
        const out = [];
        out.push(await raw('hello'));
        out.push(await raw({ channel: 'sightline', type: 'no/such-type', payload: {} }));
        out.push(await raw({ channel: 'sightline', type: 'card/matches', payload: { value: 'x'.repeat(100000) } }));
        out.push(await raw({ channel: 'sightline', type: 'page/indicators', payload: { url: 1, indicators: 'nope' } }));
        out.push(await raw({ channel: 'sightline', type: '__proto__', payload: {} }));
        out.push(await raw({ channel: 'sightline', type: 'card/matches', payload: { value: '${KNOWN_IP}' } }));
        return out;
      })()`,
    );
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('(no answer)'));
    expect(answers[5]).toContain(`${misp.namePrefix} security suite`);
    await page.close();
  });
});
