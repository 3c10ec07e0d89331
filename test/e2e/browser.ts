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

export interface InstanceSetup {
  id?: string;
  name?: string;
  url: string;
  apiKey: string;
  useForLookups?: boolean;
  defaultForEvents?: boolean;
}

/**
 * Sets Sightline's MISP instances through the background, as the options page does (`instances/save`,
 * `instances/remove` from an extension page): the same validation and storage as an analyst's edits,
 * wherever the background keeps keys. Instances not listed are removed.
 */
export async function configureInstances(context: BrowserContext, instances: InstanceSetup[]): Promise<void> {
  const worker = await currentWorker(context);
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${new URL(worker.url()).host}/options.html`);
    const existing = await askBackground(page, 'instances/list', {});
    if (!existing.ok) throw new Error(`instances/list: ${existing.error.message}`);
    const wanted = new Set(instances.map((instance, index) => instance.id ?? `e2e-instance-${index}`));
    for (const instance of existing.data) {
      if (wanted.has(instance.id)) continue;
      const removed = await askBackground(page, 'instances/remove', { id: instance.id });
      if (!removed.ok) throw new Error(`instances/remove: ${removed.error.message}`);
    }
    for (const [index, instance] of instances.entries()) {
      const saved = await askBackground(page, 'instances/save', {
        instance: {
          id: instance.id ?? `e2e-instance-${index}`,
          name: instance.name ?? 'MISP',
          url: instance.url,
          apiKey: instance.apiKey,
          useForLookups: instance.useForLookups ?? true,
          defaultForEvents: instance.defaultForEvents ?? index === 0,
        },
      });
      if (!saved.ok) throw new Error(`instances/save: ${saved.error.message}`);
    }
  } finally {
    await page.close();
  }
}

/** Connects Sightline to one MISP instance (see configureInstances). */
export async function configureInstance(context: BrowserContext, instance: InstanceSetup): Promise<void> {
  await configureInstances(context, [{ id: 'e2e-instance', ...instance }]);
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
