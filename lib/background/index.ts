import { browser } from 'wxt/browser';
import type { ConnectionInfo, ErrorInfo } from '../messages';
import { MispClient, MispError } from '../misp';
import { loadInstances, loadPreferences, savePreferences, saveInstances } from '../settings';
import { checkMispUrl } from '../url';
import { InstanceInputError, saveInstanceInput, toPublic } from './instances';
import { pageScanDecision } from './page-config';
import { createMessageListener, type Handlers } from './router';

/** Turns anything thrown into the error shape extension pages show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof MispError) return { kind: error.kind, message: error.message };
  if (error instanceof InstanceInputError) return { kind: 'input', message: error.message };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

async function testConnection(url: string, apiKey: string): Promise<ConnectionInfo> {
  const { requestTimeoutMs } = await loadPreferences();
  const info = await new MispClient({ url, apiKey, timeoutMs: requestTimeoutMs }).testConnection();
  return {
    version: info.version,
    userEmail: info.user.email,
    orgName: info.org.name,
    roleName: info.role.name,
    permissions: {
      add: info.permissions.add,
      modify: info.permissions.modify,
      publish: info.permissions.publish,
      tagger: info.permissions.tagger,
      tagEditor: info.permissions.tagEditor,
      sighting: info.permissions.sighting,
    },
  };
}

export function createHandlers(): Handlers {
  return {
    'instances/list': async () => ({ ok: true, data: (await loadInstances()).map(toPublic) }),
    'instances/save': async ({ instance }) => {
      try {
        return { ok: true, data: toPublic(await saveInstanceInput(instance)) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'instances/remove': async ({ id }) => {
      await saveInstances((await loadInstances()).filter((instance) => instance.id !== id));
      return { ok: true, data: {} };
    },
    'connection/test': async ({ id, url, apiKey }) => {
      const checked = checkMispUrl(url);
      if (checked.error || !checked.normalized) {
        return { ok: false, error: { kind: 'input', message: checked.error ?? 'Invalid URL.' } };
      }
      const stored = id ? (await loadInstances()).find((instance) => instance.id === id) : undefined;
      const key = apiKey?.trim() || stored?.apiKey || '';
      if (!key) return { ok: false, error: { kind: 'input', message: 'Enter the API key first.' } };
      try {
        return { ok: true, data: await testConnection(checked.normalized, key) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'preferences/get': async () => ({ ok: true, data: await loadPreferences() }),
    'preferences/save': async ({ patch }) => ({ ok: true, data: await savePreferences(patch) }),
    'page/config': async ({ url }) => {
      const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
      return { ok: true, data: pageScanDecision(url, preferences, instances) };
    },
  };
}

/** Wires the background: everything here is registration; the work lives in the modules it calls. */
export function startBackground(): void {
  const listener = createMessageListener(createHandlers(), {
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
  });
  browser.runtime.onMessage.addListener(listener);
}
