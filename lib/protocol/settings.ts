import { z } from 'zod';
import { PreferencesSchema } from '../settings';
import { type MessageSpec, Result } from './result';

/** Options page: MISP instances, connection tests, preferences, policy, cache, settings files. */

/** An instance as extension pages see it: the key is masked, never sent in full. */
export const PublicInstanceSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  keyHint: z.string(),
  hasKey: z.boolean(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
  /** Preset by the organisation's policy: URL and name are locked. */
  managed: z.boolean().optional(),
  /** The policy supplies the key. */
  keyFromPolicy: z.boolean().optional(),
  /** The origin the stored key belongs to (the key goes nowhere else). */
  keyOrigin: z.string().optional(),
});
export type PublicInstance = z.infer<typeof PublicInstanceSchema>;

export const ConnectionInfoSchema = z.object({
  version: z.string(),
  userEmail: z.string(),
  orgName: z.string(),
  roleName: z.string(),
  permissions: z.object({
    add: z.boolean(),
    modify: z.boolean(),
    publish: z.boolean(),
    tagger: z.boolean(),
    tagEditor: z.boolean(),
    sighting: z.boolean(),
  }),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>;

const InstanceInputSchema = z.object({
  id: z.string().optional(),
  name: z.string().max(200),
  url: z.string().max(2000),
  /** Absent or empty: keep the stored key (at the origin it belongs to). */
  apiKey: z.string().max(200).optional(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
  /** The analyst confirmed "Use the stored key for <origin>?" for this origin. */
  keyFor: z.string().max(2000).optional(),
  /** The analyst confirmed sending the key over http:// to another machine. */
  allowInsecure: z.boolean().optional(),
  /** An edit of a saved instance: refused if it was removed meanwhile (never re-created). */
  mustExist: z.boolean().optional(),
});
export type InstanceInput = z.infer<typeof InstanceInputSchema>;

/** One line of an import's review: what applying the settings file would change. */
export const ImportChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.enum(['added', 'url-changed', 'updated']),
    name: z.string(),
    url: z.string(),
    previousUrl: z.string().optional(),
    /** The key afterwards: the file's, the stored one (same origin), cleared (origin changed), none. */
    key: z.enum(['from-file', 'kept', 'cleared', 'none']),
    /** The key would travel over http:// to another machine. */
    insecure: z.boolean(),
  }),
  z.object({ kind: z.literal('skipped'), name: z.string(), url: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('preference'), name: z.string(), value: z.string() }),
]);
export type ImportChange = z.infer<typeof ImportChangeSchema>;

export const PublicInstanceRefSchema = z.object({ id: z.string(), name: z.string(), url: z.string() });

export const settingsMessages = {
  'instances/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(PublicInstanceSchema)),
  },
  'instances/save': {
    from: 'ui',
    request: z.object({ instance: InstanceInputSchema }),
    response: Result(PublicInstanceSchema),
  },
  'instances/remove': {
    from: 'ui',
    request: z.object({ id: z.string() }),
    response: Result(z.object({})),
  },
  /** Tests a URL + key as typed (key optional: falls back to the stored key of `id`). */
  'connection/test': {
    from: 'ui',
    request: z.object({
      id: z.string().optional(),
      url: z.string().max(2000),
      apiKey: z.string().max(200).optional(),
    }),
    response: Result(ConnectionInfoSchema),
  },
  'preferences/get': {
    from: 'any',
    request: z.object({}),
    response: Result(PreferencesSchema),
  },
  'preferences/save': {
    from: 'ui',
    request: z.object({ patch: PreferencesSchema.partial() }),
    response: Result(PreferencesSchema),
  },
  /** Options: what the organisation's policy locks (settings handlers). */
  'policy/get': {
    from: 'ui',
    request: z.object({}),
    response: Result(
      z.object({
        lockInstances: z.boolean(),
        locked: z.array(z.string()),
        managedInstances: z.number().int(),
      }),
    ),
  },
  /** Options: lookup cache statistics and "Clear cache". */
  'cache/stats': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({ entries: z.number().int(), hits: z.number().int() })),
  },
  'cache/clear': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({})),
  },
  /** Options: settings as JSON; keys only when asked. */
  'settings/export': {
    from: 'ui',
    request: z.object({ includeKeys: z.boolean() }),
    response: Result(z.object({ json: z.string() })),
  },
  /**
   * Options: a settings file, reviewed first. Without `apply` nothing changes: the answer lists what
   * would; with `apply` (after the analyst's confirmation) it is applied. `allowInsecure` confirms
   * keys going over http:// to another machine.
   */
  'settings/import': {
    from: 'ui',
    request: z.object({
      json: z.string().max(1_000_000),
      apply: z.boolean().optional(),
      allowInsecure: z.boolean().optional(),
    }),
    response: Result(
      z.object({
        applied: z.boolean(),
        changes: z.array(ImportChangeSchema),
        needsInsecureConfirmation: z.boolean(),
        instances: z.number().int(),
        preferences: z.number().int(),
      }),
    ),
  },
} as const satisfies Record<string, MessageSpec>;
