import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { type MispTarget, startMispTarget } from '../e2e/misp-target';
import { type PageServer, startPageServer } from '../e2e/page-server';
import { type FirefoxExtensionBrowser, launchFirefoxWithExtension } from './firefox';

export interface FirefoxEnvironment {
  readonly firefox: FirefoxExtensionBrowser;
  readonly misp: MispTarget;
  readonly pages: PageServer;
}

/**
 * One spec's Firefox, MISP target and page server, started before its tests with host access granted
 * and Sightline connected to the MISP target; closed after them. Read the fields inside tests.
 */
export function useFirefoxEnvironment(): FirefoxEnvironment {
  const env = {} as { -readonly [K in keyof FirefoxEnvironment]: FirefoxEnvironment[K] };
  beforeAll(async () => {
    [env.firefox, env.misp, env.pages] = await Promise.all([
      launchFirefoxWithExtension(),
      startMispTarget(),
      startPageServer(),
    ]);
    await env.firefox.grantHostAccess(['<all_urls>']);
    await env.firefox.configureInstance({
      url: env.misp.url,
      apiKey: env.misp.apiKey,
      name: 'Stand-in MISP',
    });
  });
  afterAll(async () => {
    await Promise.all([env.firefox?.close(), env.misp?.close(), env.pages?.close()]);
  });
  return env;
}

/** The text of the innermost list item holding the popup's checkbox named `value` (its status line). */
export async function statusOf(popup: Page, value: string): Promise<string> {
  const box = await popup.$(`::-p-aria([name="${value}"][role="checkbox"])`);
  if (!box) return '';
  return box.evaluate((node) => node.closest('li')?.textContent ?? '');
}
