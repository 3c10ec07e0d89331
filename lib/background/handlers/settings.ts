import type { ConnectionInfo } from '../../messages';
import { MispClient } from '../../misp';
import {
  keyShapeError,
  loadInstances,
  loadPolicy,
  loadPreferences,
  saveInstances,
  savePreferences,
} from '../../settings';
import { checkMispUrl } from '../../url';
import { toErrorInfo } from '../errors';
import { removeInstance, saveInstanceInput, storedKeyFor, toPublic } from '../instances';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { parseSettingsFile, planImport, type SettingsFile, SettingsFileError } from '../settings-file';
import { forgetRemovedInstances } from './watch';

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

async function exportSettings(includeKeys: boolean): Promise<string> {
  const [instances, preferences] = await Promise.all([loadInstances(), loadPreferences()]);
  const file: SettingsFile = {
    sightline: 1,
    instances: instances
      .filter((instance) => !instance.managed)
      .map(({ id, name, url, apiKey, useForLookups, defaultForEvents }) => ({
        id,
        name,
        url,
        ...(includeKeys && apiKey ? { apiKey } : {}),
        useForLookups,
        defaultForEvents,
      })),
    preferences,
  };
  return JSON.stringify(file, null, 2);
}

/** Reviews a settings file, and applies it when the analyst confirmed (`apply`). */
async function importSettings(request: { json: string; apply?: boolean; allowInsecure?: boolean }) {
  const file = parseSettingsFile(request.json);
  const [existing, policy, current] = await Promise.all([loadInstances(), loadPolicy(), loadPreferences()]);
  const plan = planImport(file, existing, current, policy);
  const counts = {
    instances: plan.changes.filter((change) => change.kind !== 'skipped' && change.kind !== 'preference')
      .length,
    preferences: Object.keys(plan.preferences).length,
  };
  const review = { changes: plan.changes, needsInsecureConfirmation: plan.needsInsecureConfirmation };
  if (!request.apply) return { applied: false, ...review, ...counts };
  if (plan.needsInsecureConfirmation && !request.allowInsecure) {
    throw new SettingsFileError(
      'Some instance would send its API key unencrypted over http://: confirm it to import.',
    );
  }
  if (!policy.lockInstances) await saveInstances(plan.instances);
  await savePreferences(plan.preferences);
  return { applied: true, ...review, ...counts };
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
      try {
        await removeInstance(id);
        // Its watch goes with it (state, place in rules, alarm, alerts) before the options hear back.
        await forgetRemovedInstances(services);
        return { ok: true, data: {} };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'connection/test': async ({ id, url, apiKey }) => {
      const checked = checkMispUrl(url);
      if (checked.error || !checked.normalized) {
        return { ok: false, error: { kind: 'input', message: checked.error ?? 'Invalid URL.' } };
      }
      const typed = apiKey?.trim() ?? '';
      const shape = keyShapeError(typed);
      if (shape) return { ok: false, error: { kind: 'input', message: shape } };
      // The stored key is tested only against the origin it belongs to, never a retyped one.
      const stored = id ? (await loadInstances()).find((instance) => instance.id === id) : undefined;
      const key = typed ? { key: typed } : storedKeyFor(stored, checked.normalized);
      if ('error' in key) return { ok: false, error: { kind: 'input', message: key.error } };
      try {
        return { ok: true, data: await testConnection(checked.normalized, key.key) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'preferences/get': async () => ({ ok: true, data: await loadPreferences() }),
    'preferences/save': async ({ patch }) => {
      try {
        return { ok: true, data: await savePreferences(patch) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'policy/get': async () => {
      const policy = await loadPolicy();
      return {
        ok: true,
        data: {
          lockInstances: policy.lockInstances,
          locked: policy.locked,
          managedInstances: policy.instances.length,
        },
      };
    },
    'cache/stats': async () => ({ ok: true, data: await (await services).lookups.service.stats() }),
    'cache/clear': async () => {
      const { lookups } = await services;
      await lookups.service.clear();
      lookups.clearCidrCache();
      lookups.problems.clear();
      return { ok: true, data: {} };
    },
    'settings/export': async ({ includeKeys }) => ({
      ok: true,
      data: { json: await exportSettings(includeKeys) },
    }),
    'settings/import': async (request) => {
      try {
        return { ok: true, data: await importSettings(request) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
  };
}
