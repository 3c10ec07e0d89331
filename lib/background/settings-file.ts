import { z } from 'zod';
import type { ImportChange } from '../protocol/settings';
import {
  isValidKeyShape,
  keyAfterEdit,
  type ManagedPolicy,
  type MispInstance,
  type Preferences,
  parsePreferenceFields,
  withOneDefault,
} from '../settings';
import { normalizeMispUrl } from '../url';

/** The settings file: versioned, keys only when the analyst asked for them. */
export const SettingsFileSchema = z.object({
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
export type SettingsFile = z.infer<typeof SettingsFileSchema>;

export class SettingsFileError extends Error {}

/** Parses a settings file's text, saying what is wrong in the analyst's words. */
export function parseSettingsFile(json: string): SettingsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new SettingsFileError('This file is not JSON.');
  }
  const parsed = SettingsFileSchema.safeParse(raw);
  if (!parsed.success) throw new SettingsFileError('This is not a Sightline settings file.');
  return parsed.data;
}

export interface ImportPlan {
  /** The instances after the import (unchanged when the policy locks them). */
  instances: MispInstance[];
  /** The preferences the import sets (the policy's locked ones left out). */
  preferences: Partial<Preferences>;
  /** What the import changes, for the analyst to review before anything is applied. */
  changes: ImportChange[];
  /** Some instance would send its key over http:// to another machine. */
  needsInsecureConfirmation: boolean;
}

/**
 * What importing `file` would do, without doing it. Instances merge by id under the same rules as
 * the options form: a key in the file is bound to the file's URL; a stored key stays only at its own
 * origin (an instance whose origin changes loses it unless the file carries one).
 */
export function planImport(
  file: SettingsFile,
  existing: MispInstance[],
  current: Preferences,
  policy: ManagedPolicy,
): ImportPlan {
  const changes: ImportChange[] = [];
  let instances = [...existing];
  let needsInsecureConfirmation = false;
  for (const incoming of file.instances) {
    const name = incoming.name.trim() || incoming.url;
    const url = normalizeMispUrl(incoming.url);
    const previous = instances.find((instance) => instance.id === incoming.id);
    if (policy.lockInstances || previous?.managed) {
      changes.push({ kind: 'skipped', name, url: incoming.url, reason: "set by your organisation's policy" });
      continue;
    }
    if (!url.ok) {
      changes.push({ kind: 'skipped', name, url: incoming.url, reason: url.error });
      continue;
    }
    const fileKey = incoming.apiKey?.trim() ?? '';
    const validFileKey = fileKey && isValidKeyShape(fileKey) ? fileKey : '';
    const key = keyAfterEdit(previous, validFileKey, url.origin);
    const insecure = url.insecure && key.apiKey !== '';
    needsInsecureConfirmation ||= insecure;
    const next: MispInstance = {
      id: incoming.id,
      name: incoming.name.trim() || new URL(url.url).hostname,
      url: url.url,
      apiKey: key.apiKey,
      ...(key.keyOrigin ? { keyOrigin: key.keyOrigin } : {}),
      useForLookups: incoming.useForLookups,
      defaultForEvents: incoming.defaultForEvents,
    };
    changes.push({
      kind: !previous ? 'added' : previous.url !== next.url ? 'url-changed' : 'updated',
      name: next.name,
      url: next.url,
      ...(previous && previous.url !== next.url ? { previousUrl: previous.url } : {}),
      key: validFileKey ? 'from-file' : key.apiKey ? 'kept' : previous?.apiKey ? 'cleared' : 'none',
      insecure,
    });
    instances = previous
      ? instances.map((instance) => (instance.id === next.id ? next : instance))
      : [...instances, next];
  }
  const offered = parsePreferenceFields(file.preferences);
  const preferences: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(offered)) {
    if (policy.locked.includes(key as keyof Preferences)) continue;
    preferences[key] = value;
    if (JSON.stringify(current[key as keyof Preferences]) !== JSON.stringify(value)) {
      changes.push({ kind: 'preference', name: key, value: JSON.stringify(value).slice(0, 200) });
    }
  }
  return {
    instances: withOneDefault(instances),
    preferences: preferences as Partial<Preferences>,
    changes,
    needsInsecureConfirmation,
  };
}
