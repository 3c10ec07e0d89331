import type { InstanceInput, PublicInstance } from '../messages';
import {
  keyAfterEdit,
  keyShapeError,
  loadInstances,
  loadPolicy,
  type MispInstance,
  maskKey,
  saveInstances,
  withOneDefault,
} from '../settings';
import { mispOrigin, normalizeMispUrl } from '../url';

/** What extension pages may see of an instance: never the key itself. */
export function toPublic(instance: MispInstance): PublicInstance {
  return {
    id: instance.id,
    name: instance.name,
    url: instance.url,
    keyHint: maskKey(instance.apiKey),
    hasKey: instance.apiKey.length > 0,
    useForLookups: instance.useForLookups,
    defaultForEvents: instance.defaultForEvents,
    managed: instance.managed === true,
    keyFromPolicy: instance.keyFromPolicy === true,
    ...(instance.apiKey && instance.keyOrigin ? { keyOrigin: instance.keyOrigin } : {}),
  };
}

/**
 * The stored key of instance `id` for a request to `url` (a connection test), or why not: the key goes
 * only to the origin it was entered for.
 */
export function storedKeyFor(
  instance: MispInstance | undefined,
  url: string,
): { key: string } | { error: string } {
  if (!instance?.apiKey) return { error: 'Enter the API key first.' };
  const origin = mispOrigin(url);
  if (origin !== instance.keyOrigin) {
    return {
      error: `The stored key belongs to ${instance.keyOrigin ?? 'another address'}: type the API key for ${origin ?? url}.`,
    };
  }
  return { key: instance.apiKey };
}

export class InstanceInputError extends Error {}

/**
 * Validates and merges an edit from the options page. An empty key keeps the stored one only at the
 * origin it was entered for (or one the analyst confirmed in `keyFor`); http:// to another machine
 * with a key needs `allowInsecure`; an edit of an instance that was removed meanwhile (`mustExist`)
 * is refused instead of re-creating it.
 */
export function mergeInstance(
  existing: MispInstance[],
  input: InstanceInput,
  newId: () => string,
  options: { lockInstances?: boolean } = {},
): MispInstance[] {
  const lockedPrevious = input.id
    ? existing.find((instance) => instance.id === input.id && instance.managed)
    : undefined;
  if (lockedPrevious) {
    // URL and name are the policy's; the analyst may add a key (unless the policy gives one) and toggles.
    input = { ...input, url: lockedPrevious.url, name: lockedPrevious.name };
    if (lockedPrevious.keyFromPolicy) input = { ...input, apiKey: undefined };
  } else if (options.lockInstances && !existing.some((instance) => instance.id === input.id)) {
    throw new InstanceInputError("Your organisation's policy sets the MISP instances: none can be added.");
  }
  if (input.mustExist && !existing.some((instance) => instance.id === input.id)) {
    throw new InstanceInputError('This MISP instance was removed. Use “Add MISP instance” to add it again.');
  }
  const url = normalizeMispUrl(input.url);
  if (!url.ok) throw new InstanceInputError(url.error);
  const typed = input.apiKey?.trim() ?? '';
  const shape = keyShapeError(typed);
  if (shape) throw new InstanceInputError(shape);
  const id = input.id ?? newId();
  const previous = existing.find((instance) => instance.id === id);
  const key = previous?.keyFromPolicy
    ? { apiKey: previous.apiKey, keyOrigin: previous.keyOrigin }
    : keyAfterEdit(previous, typed, url.origin, input.keyFor);
  if (url.insecure && key.apiKey && !input.allowInsecure && !previous?.managed) {
    throw new InstanceInputError(
      `Not saved: ${url.url} is http://, so your API key would travel unencrypted. Confirm to use it anyway.`,
    );
  }
  const next: MispInstance = {
    id,
    name: input.name.trim() || new URL(url.url).hostname,
    url: url.url,
    apiKey: key.apiKey,
    ...(key.keyOrigin ? { keyOrigin: key.keyOrigin } : {}),
    useForLookups: input.useForLookups,
    defaultForEvents: input.defaultForEvents,
    ...(previous?.managed ? { managed: true, keyFromPolicy: previous.keyFromPolicy === true } : {}),
  };
  const all = previous
    ? existing.map((instance) => (instance.id === id ? next : instance))
    : [...existing, next];
  return withOneDefault(all, next.defaultForEvents ? id : undefined);
}

/** Removes an instance the analyst added; the policy's instances stay. */
export async function removeInstance(id: string): Promise<void> {
  const existing = await loadInstances();
  if (existing.some((instance) => instance.id === id && instance.managed)) {
    throw new InstanceInputError("Your organisation's policy sets this MISP instance: it cannot be removed.");
  }
  await saveInstances(withOneDefault(existing.filter((instance) => instance.id !== id)));
}

export async function saveInstanceInput(input: InstanceInput): Promise<MispInstance> {
  const [existing, policy] = await Promise.all([loadInstances(), loadPolicy()]);
  const merged = mergeInstance(existing, input, () => crypto.randomUUID(), {
    lockInstances: policy.lockInstances,
  });
  await saveInstances(merged);
  const saved = merged.find((instance) => instance.id === (input.id ?? merged.at(-1)?.id));
  if (!saved) throw new Error('The instance was not saved.');
  return saved;
}
