import ipaddr from 'ipaddr.js';
import type { MispAttribute } from './schemas';

/**
 * Value handling shared by lookups, sightings and event filing: the comparison key MISP effectively
 * uses (its value columns are case-insensitive, IPv6 is compressed, domains lose a trailing dot), and
 * the guard against values that MISP would read as query syntax.
 */

/**
 * The key two values are "the same" under in MISP: lower-cased (the value columns use a
 * case-insensitive collation, obs 020/021; hashes, domains and e-mails are stored lower-cased),
 * IP addresses in canonical form (MISP compresses IPv6 before comparing), no trailing dot on
 * host names. URLs are NOT otherwise normalised: MISP does not either (obs 022).
 */
export function matchKey(value: string): string {
  const trimmed = value.trim();
  if (trimmed.includes(':') && ipaddr.IPv6.isValid(trimmed)) {
    return ipaddr.IPv6.parse(trimmed).toString();
  }
  const lowered = trimmed.toLowerCase();
  if (/^[^\s/@:|]+\.$/.test(lowered)) return lowered.replace(/\.+$/, '');
  return lowered;
}

/**
 * Why a value cannot be sent as a lookup/sighting value, or `undefined` when it can.
 * MISP turns a leading `!` into a negation ("everything but this") and a `%` into an SQL LIKE
 * wildcard (obs 023). There is no escape: MISP decides on LIKE by looking for `%` itself, so an
 * escaped `\%` would either still be a LIKE pattern or be compared literally, backslash included.
 * Such values are therefore refused rather than sent. (Percent-encoded URLs are the common
 * casualty; MISP stores URLs as written, so the caller may try the decoded form instead.)
 */
export function unsafeValueReason(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return 'empty value';
  if (trimmed.startsWith('!')) return 'a leading "!" would make MISP search for everything except this value';
  if (trimmed.includes('%')) return 'a "%" would make MISP treat the value as a wildcard pattern';
  return undefined;
}

export interface RefusedValue {
  value: string;
  reason: string;
}

/** Splits values into those safe to send (deduplicated by match key, first spelling kept) and refused ones. */
export function partitionLookupValues(values: readonly string[]): {
  send: string[];
  refused: RefusedValue[];
} {
  const send: string[] = [];
  const refused: RefusedValue[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const reason = unsafeValueReason(value);
    if (reason !== undefined) {
      refused.push({ value, reason });
      continue;
    }
    const key = matchKey(value);
    if (seen.has(key)) continue;
    seen.add(key);
    send.push(key);
  }
  return { send, refused };
}

/**
 * The keys under which an attribute can be found by value: its whole value, and for composite types
 * (`domain|ip`, `filename|md5`, …) each half, because MISP matches a searched value against value1
 * OR value2 (API-NOTES §3). MISP splits composite values at the first `|`.
 */
export function attributeMatchKeys(attribute: Pick<MispAttribute, 'type' | 'value'>): string[] {
  const keys = [matchKey(attribute.value)];
  if (attribute.type.includes('|')) {
    const separator = attribute.value.indexOf('|');
    if (separator >= 0) {
      keys.push(
        matchKey(attribute.value.slice(0, separator)),
        matchKey(attribute.value.slice(separator + 1)),
      );
    }
  }
  return [...new Set(keys)];
}

/**
 * Groups looked-up attributes by the input value they matched, since MISP's answer does not say
 * (obs 019). Every input appears in the map, with `[]` for a miss; two spellings of the same value
 * (`EVIL.example`, `evil.example`) share their attributes.
 */
export function groupAttributesByValue<A extends Pick<MispAttribute, 'type' | 'value'>>(
  inputs: readonly string[],
  attributes: readonly A[],
): Map<string, A[]> {
  const byKey = new Map<string, A[]>();
  for (const attribute of attributes) {
    for (const key of attributeMatchKeys(attribute)) {
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [attribute]);
      else list.push(attribute);
    }
  }
  const grouped = new Map<string, A[]>();
  for (const input of inputs) grouped.set(input, byKey.get(matchKey(input)) ?? []);
  return grouped;
}

/** Identity of an attribute for "did MISP keep what we sent": type + value as MISP stores it. */
export function attributeIdentity(type: string, value: string): string {
  return `${type.trim().toLowerCase()}\u0000${matchKey(value)}`;
}
