import type { InstanceInput, PublicInstance } from '../messages';
import { isValidKeyShape, loadInstances, type MispInstance, maskKey, saveInstances } from '../settings';
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
  };
}

export class InstanceInputError extends Error {}

/** Validates and merges an edit from the options page; an empty key keeps the stored one. */
export function mergeInstance(
  existing: MispInstance[],
  input: InstanceInput,
  newId: () => string,
): MispInstance[] {
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

export async function saveInstanceInput(input: InstanceInput): Promise<MispInstance> {
  const merged = mergeInstance(await loadInstances(), input, () => crypto.randomUUID());
  await saveInstances(merged);
  const saved = merged.find((instance) => instance.id === (input.id ?? merged.at(-1)?.id));
  if (!saved) throw new Error('The instance was not saved.');
  return saved;
}
