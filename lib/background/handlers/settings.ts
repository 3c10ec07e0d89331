import type { ConnectionInfo } from '../../messages';
import { MispClient } from '../../misp';
import { loadInstances, loadPreferences, saveInstances, savePreferences } from '../../settings';
import { checkMispUrl } from '../../url';
import { toErrorInfo } from '../errors';
import { saveInstanceInput, toPublic } from '../instances';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';

async function testConnection(url: string, apiKey: string): Promise<ConnectionInfo> {
  const { requestTimeoutMs } = await loadPreferences();
  const info = await new MispClient({ url, apiKey, timeoutMs: requestTimeoutMs }).testConnection();
  const { siteAdmin: _siteAdmin, ...permissions } = info.permissions;
  return {
    version: info.version,
    userEmail: info.user.email,
    orgName: info.org.name,
    roleName: info.role.name,
    permissions,
  };
}

/** MISP instances, connection tests and preferences (options page). */
export function settingsHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'instances/list': async () => ({ ok: true, data: (await loadInstances()).map(toPublic) }),
    'instances/save': async ({ instance }) => {
      try {
        const saved = toPublic(await saveInstanceInput(instance));
        (await services).lookups.clearCidrCache();
        return { ok: true, data: saved };
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
  };
}
