import ipaddr from 'ipaddr.js';
import type { MispAttribute } from './schemas';

/**
 * MISP does not match a plain IP against CIDR attributes (`ip-dst` "203.0.113.0/24" is not found by
 * searching "203.0.113.9"). Sightline therefore fetches the instance's CIDR attributes once
 * (`MispClient.findCidrAttributes`, cached by the caller and refreshed with the lookup cache) and
 * matches IPs locally with this index. CIDR attributes are few on real instances, so a linear scan
 * per IP is cheap; ranges are pre-parsed once.
 */

export const CIDR_ATTRIBUTE_TYPES = ['ip-src', 'ip-dst'] as const;

type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface CidrEntry<A> {
  attribute: A;
  range: ParsedRange;
}

/** The CIDR range an attribute value denotes, or undefined for a plain address or anything else. */
export function parseCidrValue(value: string): ParsedRange | undefined {
  const trimmed = value.trim();
  if (!trimmed.includes('/')) return undefined;
  try {
    return ipaddr.parseCIDR(trimmed);
  } catch {
    return undefined;
  }
}

function toComparable(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  // ::ffff:a.b.c.d is the IPv4 address for matching purposes.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

export class CidrIndex<A extends Pick<MispAttribute, 'type' | 'value'>> {
  readonly entries: CidrEntry<A>[];

  constructor(attributes: readonly A[]) {
    this.entries = [];
    for (const attribute of attributes) {
      if (!(CIDR_ATTRIBUTE_TYPES as readonly string[]).includes(attribute.type)) continue;
      const range = parseCidrValue(attribute.value);
      if (range !== undefined) this.entries.push({ attribute, range });
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** The CIDR attributes whose range contains `ip` (an address, not a range); [] when not an IP. */
  match(ip: string): A[] {
    const trimmed = ip.trim();
    if (!ipaddr.isValid(trimmed)) return [];
    const address = toComparable(ipaddr.parse(trimmed));
    const hits: A[] = [];
    for (const { attribute, range } of this.entries) {
      const [network, bits] = range;
      if (network.kind() !== address.kind()) continue;
      if (address.match(network, bits)) hits.push(attribute);
    }
    return hits;
  }
}
