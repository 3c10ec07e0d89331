import type { InstanceInput, PublicInstance } from '../messages';
import {
  isValidKeyShape,
  loadInstances,
  loadPolicy,
  type MispInstance,
  maskKey,
  saveInstances,
} from '../settings';
import { checkMispUrl } from '../url';

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
  };
}

export class InstanceInputError extends Error {}

/** Validates and merges an edit from the options page; an empty key keeps the stored one. */
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
  const url = checkMispUrl(input.url);
  if (url.error || !url.normalized) throw new InstanceInputError(url.error ?? 'Invalid URL.');
  const key = input.apiKey?.trim() ?? '';
  if (key && !isValidKeyShape(key)) {
    throw new InstanceInputError('A MISP API key is 40 letters and digits (MISP → My profile → Auth keys).');
  }
  const id = input.id ?? newId();
  const previous = existing.find((instance) => instance.id === id);
  const next: MispInstance = {
    id,
    name: input.name.trim() || new URL(url.normalized).hostname,
    url: url.normalized,
    apiKey: key || previous?.apiKey || '',
    useForLookups: input.useForLookups,
    defaultForEvents: input.defaultForEvents,
    ...(previous?.managed ? { managed: true, keyFromPolicy: previous.keyFromPolicy === true } : {}),
  };
  let all = previous
    ? existing.map((instance) => (instance.id === id ? next : instance))
    : [...existing, next];
  if (next.defaultForEvents) {
    all = all.map((instance) => (instance.id === id ? instance : { ...instance, defaultForEvents: false }));
  }
  // Exactly one default for new events when there is any instance.
  if (!all.some((instance) => instance.defaultForEvents) && all[0])
    all[0] = { ...all[0], defaultForEvents: true };
  return all;
}

/** Removes an instance the analyst added; the policy's instances stay. */
export async function removeInstance(id: string): Promise<void> {
  const existing = await loadInstances();
  if (existing.some((instance) => instance.id === id && instance.managed)) {
    throw new InstanceInputError("Your organisation's policy sets this MISP instance: it cannot be removed.");
  }
  const rest = existing.filter((instance) => instance.id !== id);
  if (rest.length > 0 && !rest.some((instance) => instance.defaultForEvents) && rest[0]) {
    rest[0] = { ...rest[0], defaultForEvents: true };
  }
  await saveInstances(rest);
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
