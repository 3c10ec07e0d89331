import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Debian's firefox-esr with the built Firefox MV3 extension, driven by puppeteer-core over WebDriver
 * BiDi (TOOLCHAIN.md). How the harness gets what a person gets by clicking:
 * - The extension is installed as a temporary add-on (`browser.installExtension`, BiDi
 *   `webExtension.install`), like `about:debugging` → "Load Temporary Add-on".
 * - Its internal UUID is fixed with the `extensions.webextensions.uuids` pref, so extension pages have
 *   known `moz-extension://` addresses; BiDi only navigates to those with `--remote-allow-system-access`.
 * - Host access: Firefox MV3 asks for it at run time (`optional_host_permissions`). `grantHostAccess`
 *   asks for it the way the options page does, `permissions.request` from a real (trusted) click in an
 *   extension page; `extensions.webextOptionalPermissionPrompts=false` answers the browser's prompt
 *   with "Allow", as the analyst would.
 * - Managed policy (`managedStorage`): Firefox reads `storage.managed` from a managed-storage manifest,
 *   `~/.mozilla/managed-storage/<add-on id>.json` on Linux. The harness writes it under a temporary
 *   HOME that only this Firefox process sees (never the real home, never /etc).
 */

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = resolve(
  import.meta.dirname,
  '../..',
  process.env.SIGHTLINE_OUT_DIR ?? '.output',
  'firefox-mv3',
);
export const ADDON_ID = 'sightline@sightline.dev';
/** The extension's internal UUID in the test profile (any UUID; fixed so page addresses are known). */
export const EXTENSION_UUID = '5e9a1c2b-7d3f-4e8a-9b6c-0d1e2f3a4b5c';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

/** The bit of the WebExtension `browser` API the harness calls inside extension pages. */
export interface ExtensionGlobal {
  browser: {
    storage: {
      local: {
        set(items: object): Promise<void>;
        get(keys: string[] | null): Promise<Record<string, unknown>>;
      };
      managed: { get(keys: string[] | null): Promise<Record<string, unknown>> };
    };
    tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> };
    permissions: {
      contains(p: { origins: string[] }): Promise<boolean>;
      request(p: { origins: string[] }): Promise<boolean>;
      getAll(): Promise<{ origins?: string[]; permissions?: string[] }>;
    };
  };
}

export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** Opens an extension page (`options.html`, `popup.html?tab=3`) in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  /** Grants host access to these origin patterns through a trusted click in an extension page. */
  grantHostAccess(origins: string[]): Promise<void>;
  /** Stores a MISP instance the way the options page would. */
  configureInstance(instance: { url: string; apiKey: string; name?: string }): Promise<void>;
  /** The tab id of an open page (for `popup.html?tab=<id>`). */
  tabIdOf(url: string): Promise<number>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The organisation policy Firefox serves as this extension's `storage.managed` (the manifest's `data`). */
  managedStorage?: Record<string, unknown>;
  /**
   * Firefox (127+) grants an MV3 add-on's host permissions when it is installed; the analyst can take
   * them back in about:addons → Permissions. `false` starts from that state: no host access at all
   * (`extensions.originControls.grantByDefault=false`).
   */
  hostAccessAtInstall?: boolean;
}

export function firefoxAvailable(): boolean {
  return existsSync(FIREFOX);
}

export async function launchFirefoxWithExtension(
  options: LaunchOptions = {},
): Promise<FirefoxExtensionBrowser> {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built Firefox extension in ${FIREFOX_EXTENSION_DIR}: run "npm run build" first.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sightline-firefox-'));
  let home: string | undefined;
  if (options.managedStorage) {
    home = mkdtempSync(join(tmpdir(), 'sightline-firefox-home-'));
    const folder = join(home, '.mozilla', 'managed-storage');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `${ADDON_ID}.json`),
      JSON.stringify({
        name: ADDON_ID,
        description: 'Sightline organisation policy (test)',
        type: 'storage',
        data: options.managedStorage,
      }),
    );
  }
  const browser = await puppeteer.launch({
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1280, height: 900 },
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: EXTENSION_UUID }),
      'extensions.webextOptionalPermissionPrompts': false,
      'extensions.originControls.grantByDefault': options.hostAccessAtInstall ?? true,
      // A closed network: no update checks, telemetry or remote settings.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
    },
  });
  const installed = await browser.installExtension(FIREFOX_EXTENSION_DIR);
  if (installed !== ADDON_ID) throw new Error(`Installed add-on is ${installed}, expected ${ADDON_ID}`);

  async function openExtensionPage(path: string): Promise<Page> {
    const page = await browser.newPage();
    const url = `${EXTENSION_ORIGIN}/${path}`;
    // Firefox loads the page but BiDi reports no load event for moz-extension documents, so the
    // navigation promise never settles: wait for the document instead.
    page.goto(url, { timeout: 15_000 }).catch(() => undefined);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const state = await page
        .evaluate(() => ({ href: location.href, ready: document.readyState }))
        .catch(() => undefined);
      if (state?.href === url && state.ready === 'complete') return page;
      if (Date.now() > deadline) throw new Error(`${url} did not load (at ${state?.href ?? '?'})`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async function withExtensionPage<T>(run: (page: Page) => Promise<T>): Promise<T> {
    const page = await openExtensionPage('options.html');
    try {
      return await run(page);
    } finally {
      await page.close();
    }
  }

  return {
    browser,
    openExtensionPage,
    grantHostAccess: (origins) =>
      withExtensionPage(async (page) => {
        const has = () =>
          page.evaluate(
            (list) =>
              (globalThis as unknown as ExtensionGlobal).browser.permissions.contains({ origins: list }),
            origins,
          );
        if (await has()) return;
        await page.evaluate((list) => {
          const { browser: api } = globalThis as unknown as ExtensionGlobal;
          const button = document.createElement('button');
          button.id = 'harness-grant';
          button.textContent = 'Grant access (test harness)';
          button.addEventListener('click', () => void api.permissions.request({ origins: list }));
          document.body.prepend(button);
        }, origins);
        await page.click('#harness-grant');
        for (let i = 0; i < 50 && !(await has()); i++) await new Promise((done) => setTimeout(done, 100));
        if (!(await has())) throw new Error(`Host access to ${origins.join(', ')} was not granted`);
      }),
    // Through the background, as the options page saves an instance (wherever the background keeps keys).
    configureInstance: (instance) =>
      withExtensionPage(async (page) => {
        const answer = (await page.evaluate(
          (value) =>
            (
              globalThis as unknown as {
                browser: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
              }
            ).browser.runtime.sendMessage({
              channel: 'sightline',
              type: 'instances/save',
              payload: {
                instance: {
                  id: 'e2e-instance',
                  name: value.name ?? 'MISP',
                  url: value.url,
                  apiKey: value.apiKey,
                  useForLookups: true,
                  defaultForEvents: true,
                },
              },
            }),
          instance,
        )) as { ok: boolean; error?: { message: string } } | undefined;
        if (!answer?.ok) throw new Error(`instances/save: ${answer?.error?.message ?? 'no answer'}`);
      }),
    tabIdOf: (url) =>
      withExtensionPage(async (page) => {
        const id = await page.evaluate(async (wanted) => {
          const tabs = await (globalThis as unknown as ExtensionGlobal).browser.tabs.query({});
          return tabs.find((tab) => tab.url === wanted)?.id;
        }, url);
        if (id === undefined) throw new Error(`No tab shows ${url}`);
        return id;
      }),
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
      if (home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * How many pixels of a colour (within `tolerance` per channel) a region of the page shows, read from a
 * real screenshot: Sightline's marks live in a closed shadow root that no page script (and no BiDi
 * locator) can read, so the test looks at the page as the analyst does.
 */
export async function countColour(
  page: Page,
  box: { x: number; y: number; width: number; height: number },
  colour: [number, number, number],
  tolerance = 40,
): Promise<number> {
  // The whole viewport, cut in the canvas: `box` is in viewport pixels (device pixel ratio 1).
  const region = {
    x: Math.max(0, Math.floor(box.x) - 2),
    y: Math.max(0, Math.floor(box.y) - 2),
    width: Math.ceil(box.width) + 4,
    height: Math.ceil(box.height) + 6,
  };
  const png = await page.screenshot({ encoding: 'base64' });
  // Decode in a blank page so the report page's own scripts never see the picture.
  const scratch = await page.browser().newPage();
  try {
    return await scratch.evaluate(
      async (data, rgb, tol, cut) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = cut.width;
        canvas.height = cut.height;
        const context = canvas.getContext('2d');
        if (!context) return 0;
        context.drawImage(image, -cut.x, -cut.y);
        const pixels = context.getImageData(0, 0, cut.width, cut.height).data;
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (
            Math.abs((pixels[i] ?? 0) - rgb[0]) <= tol &&
            Math.abs((pixels[i + 1] ?? 0) - rgb[1]) <= tol &&
            Math.abs((pixels[i + 2] ?? 0) - rgb[2]) <= tol
          )
            count++;
        }
        return count;
      },
      png,
      colour,
      tolerance,
      region,
    );
  } finally {
    await scratch.close();
  }
}

/** Scrolls the first text node containing `text` into view and returns the text's box in the viewport. */
export async function textBox(
  page: Page,
  text: string,
): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  return page.evaluate((wanted) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(wanted) ?? -1;
      if (at < 0) continue;
      node.parentElement?.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const rect = range.getBoundingClientRect();
      return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    }
    return undefined;
  }, text);
}
