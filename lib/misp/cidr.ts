import ipaddr from 'ipaddr.js';

/**
 * IP addresses and CIDR ranges, one implementation for everything that matches an address against
 * ranges: MISP's CIDR attributes (MISP does not match a plain IP against the ranges it stores:
 * `ip-dst` "203.0.113.0/24" is not found by searching "203.0.113.9", so Sightline matches locally)
 * and the bundled `cidr` warninglists.
 */

export const CIDR_ATTRIBUTE_TYPES = ['ip-src', 'ip-dst'] as const;

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
export type IpRange = [IpAddress, number];

/** `::ffff:a.b.c.d` is the IPv4 address for matching purposes. */
function comparable(address: IpAddress): IpAddress {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** An address in dotted-quad or any IPv6 form (zone dropped), or undefined. */
export function parseAddress(value: string): IpAddress | undefined {
  const trimmed = value.trim().replace(/%[^%]*$/, '');
  if (ipaddr.IPv4.isValidFourPartDecimal(trimmed)) return ipaddr.IPv4.parse(trimmed);
  if (!trimmed.includes(':') || !ipaddr.IPv6.isValid(trimmed)) return undefined;
  return comparable(ipaddr.IPv6.parse(trimmed));
}

/** The CIDR range a value denotes (`203.0.113.0/24`), or undefined for a plain address or anything else. */
export function parseCidrValue(value: string): IpRange | undefined {
  const trimmed = value.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(trimmed.slice(0, slash));
  const bitsText = trimmed.slice(slash + 1);
  if (address === undefined || !/^\d{1,3}$/.test(bitsText)) return undefined;
  let bits = Number(bitsText);
  // An IPv4-mapped range (`::ffff:10.0.0.0/104`) is the IPv4 range.
  if (address.kind() === 'ipv4' && trimmed.slice(0, slash).includes(':')) bits -= 96;
  if (bits < 0 || bits > (address.kind() === 'ipv4' ? 32 : 128)) return undefined;
  return [address, bits];
}

/** A range, or a plain address as the range of just itself (warninglists mix both). */
export function parseRangeOrAddress(value: string): IpRange | undefined {
  const range = parseCidrValue(value);
  if (range !== undefined) return range;
  const address = parseAddress(value);
  return address === undefined ? undefined : [address, address.kind() === 'ipv4' ? 32 : 128];
}

export function rangeContains([network, bits]: IpRange, address: IpAddress): boolean {
  return network.kind() === address.kind() && address.match(network, bits);
}

/**
 * The network part of an address for a prefix length, as a map key: a number for IPv4 (no string per
 * range), the masked bytes as text for IPv6.
 */
function networkKey(bytes: readonly number[], bits: number): number | string {
  if (bytes.length === 4) {
    const address = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    return bits === 0 ? 0 : (address & (0xffffffff << (32 - bits))) >>> 0;
  }
  const out: number[] = [];
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    out.push(bits >= 8 ? bytes[i]! : bytes[i]! & (0xff << (8 - bits)) & 0xff);
  }
  return out.join('.');
}

interface Typed {
  type: string;
  value: string;
}

/** An ip-src/ip-dst attribute's value, when it is a range candidate. */
function attributeRange(entry: Typed): string | undefined {
  return (CIDR_ATTRIBUTE_TYPES as readonly string[]).includes(entry.type) ? entry.value : undefined;
}

/**
 * Ranges indexed by prefix length: an address is matched with one map look-up per prefix length in
 * use (at most 33 for IPv4, 129 for IPv6) instead of a scan of every range, so an instance with
 * hundreds of thousands of ranges answers in microseconds. CIDR ranges never partly overlap: an
 * address can be in several nested ranges, and gets all of them. Entries are kept as given (the
 * lookups keep just the range's text, a few dozen bytes a range); `rangeOf` says which text is the
 * range (by default an ip-src/ip-dst attribute's value).
 */
export class CidrIndex<E = Typed> {
  private readonly byFamily = {
    ipv4: new Map<number, Map<number | string, E | E[]>>(),
    ipv6: new Map<number, Map<number | string, E | E[]>>(),
  };
  private count = 0;

  constructor(
    entries: Iterable<E> = [],
    private readonly rangeOf: (entry: E) => string | undefined = attributeRange as (
      entry: E,
    ) => string | undefined,
  ) {
    for (const entry of entries) this.add(entry);
  }

  /** Adds an entry when it is a range; returns whether it was added. */
  add(entry: E): boolean {
    const text = this.rangeOf(entry);
    const range = text === undefined ? undefined : parseCidrValue(text);
    if (range === undefined) return false;
    const [network, bits] = range;
    const byBits = this.byFamily[network.kind()];
    let byKey = byBits.get(bits);
    if (byKey === undefined) {
      byKey = new Map();
      byBits.set(bits, byKey);
    }
    const key = networkKey(network.toByteArray(), bits);
    const found = byKey.get(key);
    // Most keys hold one range: no list for them.
    if (found === undefined) byKey.set(key, entry);
    else if (Array.isArray(found)) found.push(entry);
    else byKey.set(key, [found, entry]);
    this.count++;
    return true;
  }

  get size(): number {
    return this.count;
  }

  /** The entries whose range contains `ip` (an address, not a range); [] when it is not an IP. */
  match(ip: string): E[] {
    const address = parseAddress(ip);
    if (address === undefined) return [];
    const bytes = address.toByteArray();
    const hits: E[] = [];
    for (const [bits, byKey] of this.byFamily[address.kind()]) {
      const found = byKey.get(networkKey(bytes, bits));
      if (found === undefined) continue;
      if (Array.isArray(found)) hits.push(...found);
      else hits.push(found);
    }
    return hits;
  }
}
