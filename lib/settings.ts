import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { keysMoved, markMoved, readKeys, writeKeys } from './keys';
import { mispOrigin, normalizeMispUrl } from './url';

/**
 * Sightline's stored configuration. Two items in `storage.local` (never `sync`), and the keys apart:
 * - `instances`: the MISP servers, without their API keys;
 * - the API keys, in the background's own IndexedDB (lib/keys.ts), each bound to its origin;
 * - `preferences`: everything else. Safe to show in any extension page.
 * Every read is zod-parsed: stored data may be old, hand-edited or written by a buggy build.
 */

export const HIGHLIGHT_MODES = ['auto', 'ask', 'never'] as const;
export type HighlightMode = (typeof HIGHLIGHT_MODES)[number];

export const MispInstanceSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  url: z.string(),
  apiKey: z.string(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
  /** Preset by the organisation's policy (`storage.managed`): URL and name are locked. */
  managed: z.boolean().optional(),
  /** The policy supplies the key: it is never written to `storage.local`. */
  keyFromPolicy: z.boolean().optional(),
  /** The origin the key was entered (or confirmed) for: it is never sent anywhere else. */
  keyOrigin: z.string().optional(),
});
export type MispInstance = z.infer<typeof MispInstanceSchema>;

export const InstancesSchema = z.array(MispInstanceSchema);

export const SightingSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host') }),
  z.object({ kind: z.literal('url') }),
  z.object({ kind: z.literal('fixed'), text: z.string() }),
]);
export type SightingSource = z.infer<typeof SightingSourceSchema>;

export const PreferencesSchema = z.object({
  highlightMode: z.enum(HIGHLIGHT_MODES),
  /** Host patterns (`example.com`, `*.corp.example`) whose pages are never scanned. */
  neverScan: z.array(z.string()),
  cacheTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  showNewMarks: z.boolean(),
  showBenignMarks: z.boolean(),
  /** Send warninglisted ("likely benign") values to MISP too (on by default: MISP decides; off opts out). */
  lookupBenign: z.boolean(),
  sightingSource: SightingSourceSchema,
  requestTimeoutMs: z.number().int().min(1000).max(120_000),
  /** "Remember indicators I read (for late matches)": values MISP did not know, kept for a later check. */
  rememberSeen: z.boolean(),
  /** "Keep for (days)". */
  seenRetentionDays: z.number().int().min(1).max(365),
  /** "Check seen indicators every" (minutes). */
  seenCheckMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = {
  highlightMode: 'auto',
  neverScan: [],
  cacheTtlMinutes: 60,
  showNewMarks: false,
  showBenignMarks: true,
  lookupBenign: true,
  sightingSource: { kind: 'host' },
  requestTimeoutMs: 15_000,
  rememberSeen: true,
  seenRetentionDays: 30,
  seenCheckMinutes: 60,
};

/** The fields of a preferences-shaped object that parse, field by field (a bad field is dropped, never fatal). */
export function parsePreferenceFields(raw: unknown): Partial<Preferences> {
  const input = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(PreferencesSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(input[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Partial<Preferences>;
}

/** Fills missing fields with defaults and drops anything that does not parse, field by field. */
export function sanitizePreferences(raw: unknown): Preferences {
  return PreferencesSchema.parse({ ...DEFAULT_PREFERENCES, ...parsePreferenceFields(raw) });
}

/**
 * Exactly one default instance for new events whenever there is any: `preferredId` when given and
 * present, else the first marked default, else the first.
 */
export function withOneDefault<T extends { id: string; defaultForEvents: boolean }>(
  instances: readonly T[],
  preferredId?: string,
): T[] {
  const preferred = preferredId === undefined ? -1 : instances.findIndex((i) => i.id === preferredId);
  const marked = instances.findIndex((instance) => instance.defaultForEvents);
  const chosen = preferred !== -1 ? preferred : marked !== -1 ? marked : 0;
  return instances.map((instance, i) => ({ ...instance, defaultForEvents: i === chosen }));
}

/** An instance's key only while its URL is still at the origin the key was entered for. */
export function boundKey(instance: Pick<MispInstance, 'url' | 'apiKey' | 'keyOrigin'>): string {
  if (!instance.apiKey) return '';
  const origin = mispOrigin(instance.url);
  return origin !== undefined && origin === instance.keyOrigin ? instance.apiKey : '';
}

/**
 * The key an edited (or imported) instance keeps. A new key is bound to the new URL's origin; the
 * stored key stays only at its own origin, or at another one the analyst explicitly confirmed
 * (`confirmedOrigin`): a URL retyped to another origin never carries the key there on its own.
 */
export function keyAfterEdit(
  previous: Pick<MispInstance, 'url' | 'apiKey' | 'keyOrigin'> | undefined,
  newKey: string,
  origin: string,
  confirmedOrigin?: string,
): { apiKey: string; keyOrigin?: string } {
  if (newKey) return { apiKey: newKey, keyOrigin: origin };
  const stored = previous ? boundKey(previous) : '';
  if (!stored) return { apiKey: '' };
  if (previous?.keyOrigin === origin || confirmedOrigin === origin)
    return { apiKey: stored, keyOrigin: origin };
  return { apiKey: '' };
}

export function sanitizeInstances(raw: unknown): MispInstance[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const parsed = MispInstanceSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

export const instancesItem = storage.defineItem<MispInstance[]>('local:instances', {
  fallback: [],
  version: 1,
});

/**
 * Version 2: "Look up likely benign indicators" became the default. Version 1 stored `false` for
 * analysts who never chose (settings exports wrote every field, defaults included), so a stored
 * `false` is dropped and the new default applies; a stored `true` was a choice and stays.
 */
export function migratePreferencesToV2(stored: unknown): unknown {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  const { lookupBenign, ...rest } = stored as Record<string, unknown>;
  return lookupBenign === false ? rest : stored;
}

export const preferencesItem = storage.defineItem<Preferences>('local:preferences', {
  fallback: DEFAULT_PREFERENCES,
  version: 2,
  migrations: { 2: migratePreferencesToV2 },
});

let migrated: Promise<unknown> | undefined;
/** Resolves once stored preferences are at the current version (reading them must wait for it). */
function preferencesMigrated(): Promise<unknown> {
  migrated ??= preferencesItem.getMeta().catch(() => undefined);
  return migrated;
}

/* ----------------------------------------------------------------------------------------------
 * Managed policy (`storage.managed`): an organisation presets instances and locks preferences.
 * The schema is documented in `public/managed-schema.json` (Chrome) and POLICY.md (Firefox).
 * ---------------------------------------------------------------------------------------------- */

export const PREFERENCE_KEYS = Object.keys(PreferencesSchema.shape) as Array<keyof Preferences>;

export const ManagedInstanceSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  name: z.string().max(200).optional(),
  url: z.string().min(1).max(2000),
  apiKey: z.string().max(200).optional(),
  useForLookups: z.boolean().optional(),
  defaultForEvents: z.boolean().optional(),
});

export interface ManagedPolicy {
  instances: Array<z.infer<typeof ManagedInstanceSchema>>;
  /** Only the policy's instances: the analyst cannot add or remove any. */
  lockInstances: boolean;
  /** Preset values (used while the analyst has not chosen otherwise, or always when locked). */
  preferences: Partial<Preferences>;
  /** Preference keys the analyst cannot change. */
  locked: Array<keyof Preferences>;
}

export const EMPTY_POLICY: ManagedPolicy = {
  instances: [],
  lockInstances: false,
  preferences: {},
  locked: [],
};

/** Parses whatever `storage.managed` holds, field by field: a bad field is ignored, never fatal. */
export function sanitizePolicy(raw: unknown): ManagedPolicy {
  if (!raw || typeof raw !== 'object') return EMPTY_POLICY;
  const input = raw as Record<string, unknown>;
  const instances = Array.isArray(input.instances)
    ? input.instances.flatMap((item) => {
        const parsed = ManagedInstanceSchema.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      })
    : [];
  const preferences = parsePreferenceFields(input.preferences);
  const locked = Array.isArray(input.locked)
    ? input.locked.filter((key): key is keyof Preferences =>
        PREFERENCE_KEYS.includes(key as keyof Preferences),
      )
    : [];
  return {
    instances,
    lockInstances: input.lockInstances === true,
    preferences,
    locked,
  };
}

async function readPolicy(): Promise<ManagedPolicy> {
  try {
    return sanitizePolicy(await browser.storage.managed.get(null));
  } catch {
    // No policy installed (Firefox rejects), or no managed storage in this browser.
    return EMPTY_POLICY;
  }
}

let policyCache: Promise<ManagedPolicy> | undefined;

/**
 * The policy, read once and kept: the first `storage.managed` read after a browser start can take
 * seconds in Chromium, and every settings read depends on it. `forgetPolicy` (on a `managed` change)
 * makes the next call read it again.
 */
export function loadPolicy(): Promise<ManagedPolicy> {
  policyCache ??= readPolicy();
  return policyCache;
}

export function forgetPolicy(): void {
  policyCache = undefined;
}

function managedId(index: number, id: string | undefined): string {
  return id ? `managed-${id}` : `managed-${index}`;
}

/**
 * The instances in effect: the policy's first (URL, name and key as the policy says), then the
 * analyst's. A policy URL is checked like a typed one (one that does not pass is left out), and an
 * analyst's key for a preset instance stays only while the policy keeps it at the same origin.
 */
export function applyPolicyToInstances(local: MispInstance[], policy: ManagedPolicy): MispInstance[] {
  const managed = policy.instances.flatMap((preset, index): MispInstance[] => {
    const url = normalizeMispUrl(preset.url);
    if (!url.ok) return [];
    const id = managedId(index, preset.id);
    const own = local.find((instance) => instance.id === id);
    const policyKey = preset.apiKey?.trim() ?? '';
    // The analyst's key for a preset counts only at the origin it was entered for.
    const ownKey =
      own?.apiKey && own.keyOrigin === url.origin
        ? { apiKey: own.apiKey, keyOrigin: url.origin }
        : { apiKey: '' };
    return [
      {
        id,
        name: preset.name ?? new URL(url.url).hostname,
        url: url.url,
        ...(policyKey ? { apiKey: policyKey, keyOrigin: url.origin } : ownKey),
        useForLookups: own?.useForLookups ?? preset.useForLookups ?? true,
        defaultForEvents: own?.defaultForEvents ?? preset.defaultForEvents ?? index === 0,
        managed: true,
        keyFromPolicy: Boolean(policyKey),
      },
    ];
  });
  const managedIds = new Set(managed.map((instance) => instance.id));
  const others = policy.lockInstances
    ? []
    : local
        .filter((instance) => !managedIds.has(instance.id))
        .map(({ managed: _m, keyFromPolicy: _k, ...rest }) => ({ ...rest, apiKey: boundKey(rest) }));
  return withOneDefault([...managed, ...others]);
}

/**
 * The instances in effect, each with its key from the background's key store (lib/keys.ts): a key
 * in `storage.local` counts only once, when keys kept there by earlier versions are moved out.
 */
export async function loadInstances(): Promise<MispInstance[]> {
  await keysMovedOut();
  const [local, policy, keys] = await Promise.all([instancesItem.getValue(), loadPolicy(), readKeys()]);
  const withKeys = sanitizeInstances(local).map(({ keyOrigin: _o, ...instance }) => {
    const record = keys.get(instance.id);
    return record && !record.fromPolicy
      ? { ...instance, apiKey: record.apiKey, keyOrigin: record.origin }
      : { ...instance, apiKey: '' };
  });
  return applyPolicyToInstances(withKeys, policy);
}

/**
 * Stores the analyst's instances: their keys in the key store (bound to their origin), everything
 * else in `storage.local` without any key. A key the policy supplies is stored by neither.
 */
export async function saveInstances(instances: MispInstance[]): Promise<void> {
  await keysMovedOut();
  await writeKeys(
    instances.flatMap((instance) =>
      instance.apiKey && instance.keyOrigin && !instance.keyFromPolicy
        ? [{ instanceId: instance.id, apiKey: instance.apiKey, origin: instance.keyOrigin }]
        : [],
    ),
  );
  await instancesItem.setValue(InstancesSchema.parse(instances.map(withoutKey)));
}

function withoutKey({ managed: _m, keyFromPolicy: _k, keyOrigin: _o, ...rest }: MispInstance): MispInstance {
  return { ...rest, apiKey: '' };
}

let moved: Promise<void> | undefined;
/**
 * Moves keys that earlier versions kept in `storage.local` (readable by content scripts on Firefox)
 * into the key store, bound to the origin of the URL they were stored with; once, ever.
 */
function keysMovedOut(): Promise<void> {
  moved ??= (async () => {
    if (await keysMoved()) return;
    const local = sanitizeInstances(await instancesItem.getValue());
    const records = local.flatMap((instance) => {
      const origin = mispOrigin(instance.url);
      return instance.apiKey.trim() && origin
        ? [{ instanceId: instance.id, apiKey: instance.apiKey.trim(), origin }]
        : [];
    });
    if (records.length > 0) await writeKeys(records);
    await instancesItem.setValue(local.map(withoutKey));
    await markMoved();
  })().catch((error: unknown) => {
    moved = undefined;
    throw error;
  });
  return moved;
}

/** Preferences in effect: defaults < policy presets < the analyst's choices < locked policy values. */
export function applyPolicyToPreferences(local: unknown, policy: ManagedPolicy): Preferences {
  const own = parsePreferenceFields(local);
  const lockedValues = Object.fromEntries(
    policy.locked.flatMap((key) => (key in policy.preferences ? [[key, policy.preferences[key]]] : [])),
  );
  return sanitizePreferences({ ...policy.preferences, ...own, ...lockedValues });
}

export async function loadPreferences(): Promise<Preferences> {
  await preferencesMigrated();
  const [local, policy] = await Promise.all([storage.getItem<unknown>('local:preferences'), loadPolicy()]);
  return applyPolicyToPreferences(local, policy);
}

export class LockedSettingError extends Error {}

export async function savePreferences(patch: Partial<Preferences>): Promise<Preferences> {
  const policy = await loadPolicy();
  const locked = Object.keys(patch).filter((key) => policy.locked.includes(key as keyof Preferences));
  if (locked.length > 0) {
    throw new LockedSettingError(`Your organisation's policy locks this setting (${locked.join(', ')}).`);
  }
  await preferencesMigrated();
  // Only what the analyst chose is stored: presets the policy changes later still apply elsewhere.
  const own = PreferencesSchema.partial().parse({
    ...parsePreferenceFields(await storage.getItem<unknown>('local:preferences')),
    ...patch,
  });
  await preferencesItem.setValue(own as Preferences);
  return applyPolicyToPreferences(own, policy);
}

/** The key as the UI may show it: never more than its last four characters. */
export function maskKey(key: string): string {
  if (!key) return '';
  return `••••${key.slice(-4)}`;
}

/** MISP's key format (API-NOTES §1): 40 alphanumerics after trimming. */
export function isValidKeyShape(key: string): boolean {
  return /^[A-Za-z0-9]{40}$/.test(key.trim());
}

/** Why a typed key cannot be a MISP key (refused before anything is sent), or undefined. */
export function keyShapeError(key: string): string | undefined {
  const typed = key.trim();
  if (!typed || isValidKeyShape(typed)) return undefined;
  const length = [...typed].length;
  return length === 40
    ? 'A MISP API key is 40 letters and digits, nothing else (MISP → My profile → Auth keys).'
    : `A MISP API key is 40 letters and digits; this is ${length} characters (MISP → My profile → Auth keys).`;
}
