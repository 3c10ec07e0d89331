import { afterAll, beforeAll } from 'vitest';
import { configureInstance, type ExtensionBrowser, launchExtensionBrowser } from './browser';
import { type MispTarget, startMispTarget } from './misp-target';
import { type PageServer, startPageServer } from './page-server';

/** What every end-to-end spec runs against. */
export interface E2eEnvironment {
  /** Chromium with the built extension loaded, on a fresh profile. */
  readonly browser: ExtensionBrowser;
  /** The MISP under test: the stand-in, or the server in MISP_URL / MISP_KEY. */
  readonly misp: MispTarget;
  /** Test pages on 127.0.0.1. */
  readonly pages: PageServer;
}

export interface E2eOptions {
  /**
   * Connect Sightline to the MISP target before `setup` runs, as the options page would (default:
   * yes, as "Stand-in MISP"). `false` leaves Sightline unconfigured, for tests of the first run.
   */
  connect?: boolean | { name: string };
}

/**
 * One spec file's environment: started before its tests (browser, MISP target and page server in
 * parallel, then Sightline connected, then the spec's own `setup`), closed after them. The returned
 * object is filled in when the file's `beforeAll` runs: read its fields inside tests and hooks.
 */
export function useE2eEnvironment(
  options: E2eOptions = {},
  setup?: (env: E2eEnvironment) => Promise<void>,
): E2eEnvironment {
  const env = {} as { -readonly [K in keyof E2eEnvironment]: E2eEnvironment[K] };
  beforeAll(async () => {
    [env.browser, env.misp, env.pages] = await Promise.all([
      launchExtensionBrowser(),
      startMispTarget(),
      startPageServer(),
    ]);
    const { connect = true } = options;
    if (connect) {
      await configureInstance(env.browser.context, {
        url: env.misp.url,
        apiKey: env.misp.apiKey,
        name: connect === true ? 'Stand-in MISP' : connect.name,
      });
    }
    await setup?.(env);
  });
  afterAll(async () => {
    env.misp?.sim?.setFault(null);
    await Promise.all([env.browser?.close(), env.misp?.close(), env.pages?.close()]);
  });
  return env;
}
