import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import type { MessageType, RequestOf, ResponseOf } from '../../lib/messages';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROME_EXTENSION_DIR = resolve(
  import.meta.dirname,
  '../..',
  process.env.SIGHTLINE_OUT_DIR ?? '.output',
  'chrome-mv3',
);

/** The bit of the `chrome` API the tests call inside the service worker. */
export interface ChromeGlobal {
  chrome: {
    storage: {
      local: {
        set(items: object): Promise<void>;
        get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
      };
    };
    tabs: { query(q: object): Promise<Array<{ id?: number; url?: string; title?: string }>> };
    notifications: { getAll(): Promise<Record<string, unknown>> };
    alarms: { getAll(): Promise<Array<{ name: string }>> };
  };
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Opens an extension page (`options.html`, `popup.html?tab=3`). */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium with the built extension loaded (flags from TOOLCHAIN.md): a fresh profile
 * every time, no network but loopback.
 */
export async function launchExtensionBrowser(
  options: { headless?: boolean } = {},
): Promise<ExtensionBrowser> {
  if (!existsSync(join(CHROME_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built extension in ${CHROME_EXTENSION_DIR}: run "npm run build" first.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sightline-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${CHROME_EXTENSION_DIR}`,
      `--load-extension=${CHROME_EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The current service worker (it may have been restarted since launch). */
export async function currentWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

/** Stores a MISP instance the way the options page would, from the service worker. */
export async function configureInstance(
  context: BrowserContext,
  instance: { url: string; apiKey: string; name?: string },
): Promise<void> {
  const worker = await currentWorker(context);
  await worker.evaluate(async (value) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    await chrome.storage.local.set({
      instances: [
        {
          id: 'e2e-instance',
          name: value.name ?? 'MISP',
          url: value.url,
          apiKey: value.apiKey,
          useForLookups: true,
          defaultForEvents: true,
        },
      ],
    });
  }, instance);
}

/** Stores several MISP instances the way the options page would (ids given, so tests can name them). */
export async function configureInstances(
  context: BrowserContext,
  instances: Array<{
    id: string;
    name: string;
    url: string;
    apiKey: string;
    useForLookups: boolean;
    defaultForEvents: boolean;
  }>,
): Promise<void> {
  const worker = await currentWorker(context);
  await worker.evaluate(async (value) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    await chrome.storage.local.set({ instances: value });
  }, instances);
}

/** The tab id of the page at `url` (asked from the service worker). */
export async function tabIdOf(worker: Worker, url: string): Promise<number> {
  const id = await worker.evaluate(async (u) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    return (await chrome.tabs.query({ url: u }))[0]?.id;
  }, url);
  if (typeof id !== 'number') throw new Error(`no tab for ${url}`);
  return id;
}

/**
 * Sends a protocol message from an extension page, as the popup or options page would. (Type-only
 * import of the protocol: this harness also runs outside vitest, in `npm run demo`, where the
 * extension's storage module cannot load. The background validates what it receives.)
 */
export async function askBackground<T extends MessageType>(
  extensionPage: Page,
  type: T,
  payload: RequestOf<T>,
): Promise<ResponseOf<T>> {
  return (await extensionPage.evaluate(
    async (message) => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
      };
      return chrome.runtime.sendMessage(message);
    },
    { channel: 'sightline', type, payload },
  )) as ResponseOf<T>;
}
