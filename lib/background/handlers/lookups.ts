import { bundledPlatformListNames, bundledWarninglistNames } from '../../indicators/benign';
import { MispClient } from '../../misp';
import { loadPreferences } from '../../settings';
import { toErrorInfo } from '../errors';
import { lookupInstances } from '../lookups';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';

/** Which warninglists the lookups use: each instance's enabled lists, and the bundled ones. */
export function lookupHandlers(_services: Promise<BackgroundServices>): Handlers {
  return {
    'lookups/warninglists': async () => {
      const [instances, preferences] = await Promise.all([lookupInstances(), loadPreferences()]);
      const perInstance = await Promise.all(
        instances.map(async ({ id, name, url, apiKey }) => {
          try {
            const client = new MispClient({ url, apiKey, timeoutMs: preferences.requestTimeoutMs });
            return { id, name, lists: await client.enabledWarninglists() };
          } catch (error) {
            return { id, name, problem: toErrorInfo(error).message };
          }
        }),
      );
      return {
        ok: true,
        data: {
          bundled: bundledWarninglistNames(),
          platforms: bundledPlatformListNames(),
          instances: perInstance,
        },
      };
    },
  };
}
