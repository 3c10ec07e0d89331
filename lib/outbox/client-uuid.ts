/**
 * The client uuid of the `index`-th item of a write keyed by `key` (itself a uuid): the same on every
 * retry, different for each item and from the key, and a valid RFC 4122 uuid (the key's version and
 * variant are kept). A retried "Add to existing event" sends the same attribute uuids, so MISP
 * recognises attributes it already stored.
 */
export function itemUuid(key: string, index: number): string {
  const hex = key.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(hex)) {
    throw new Error(`Not a uuid: ${key}`);
  }
  const node = (Number.parseInt(hex.slice(24), 16) + index + 1) % 2 ** 48;
  return `${hex.slice(0, 24)}${node.toString(16).padStart(12, '0')}`;
}
