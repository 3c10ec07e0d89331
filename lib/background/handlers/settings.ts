import { z } from 'zod';
import type { ConnectionInfo } from '../../messages';
import { MispClient } from '../../misp';
import {
  isValidKeyShape,
  keyShapeError,
  loadInstances,
  loadPolicy,
  loadPreferences,
  type MispInstance,
  PreferencesSchema,
  saveInstances,
  savePreferences,
} from '../../settings';
import { checkMispUrl } from '../../url';
import { toErrorInfo } from '../errors';
import { removeInstance, saveInstanceInput, storedKeyFor, toPublic } from '../instances';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
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

/** The settings file: versioned, keys only when the analyst asked for them. */
const SettingsFileSchema = z.object({
  sightline: z.literal(1),
  instances: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        name: z.string().max(200),
        url: z.string().max(2000),
        apiKey: z.string().max(200).optional(),
        useForLookups: z.boolean(),
        defaultForEvents: z.boolean(),
      }),
    )
    .max(50),
  preferences: z.record(z.string(), z.unknown()),
});

async function exportSettings(includeKeys: boolean): Promise<string> {
  const [instances, preferences] = await Promise.all([loadInstances(), loadPreferences()]);
  const file: z.infer<typeof SettingsFileSchema> = {
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

/** Merges a settings file: instances by id (a missing key keeps the stored one), unlocked preferences. */
async function importSettings(json: string): Promise<{ instances: number; preferences: number }> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('This file is not JSON.');
  }
  const parsed = SettingsFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error('This is not a Sightline settings file.');
  const [existing, policy] = await Promise.all([loadInstances(), loadPolicy()]);
  let instances = [...existing];
  let count = 0;
  if (!policy.lockInstances) {
    for (const incoming of parsed.data.instances) {
      const url = checkMispUrl(incoming.url);
      if (!url.normalized || url.error) continue;
      const key = incoming.apiKey?.trim() ?? '';
      const previous = instances.find((instance) => instance.id === incoming.id);
      if (previous?.managed) continue;
      const next: MispInstance = {
        id: incoming.id,
        name: incoming.name,
        url: url.normalized,
        apiKey: key && isValidKeyShape(key) ? key : (previous?.apiKey ?? ''),
        useForLookups: incoming.useForLookups,
        defaultForEvents: incoming.defaultForEvents,
      };
      instances = previous
        ? instances.map((instance) => (instance.id === next.id ? next : instance))
        : [...instances, next];
      count++;
    }
    const firstDefault = instances.findIndex((instance) => instance.defaultForEvents);
    instances = instances.map((instance, i) => ({
      ...instance,
      defaultForEvents: firstDefault === -1 ? i === 0 : i === firstDefault,
    }));
    await saveInstances(instances);
  }
  const patch: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(PreferencesSchema.shape)) {
    if (policy.locked.includes(key as keyof typeof PreferencesSchema.shape)) continue;
    const value = (schema as z.ZodType).safeParse(parsed.data.preferences[key]);
    if (value.success) patch[key] = value.data;
  }
  await savePreferences(patch);
  return { instances: count, preferences: Object.keys(patch).length };
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
    'settings/import': async ({ json }) => {
      try {
        return { ok: true, data: await importSettings(json) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
  };
}
