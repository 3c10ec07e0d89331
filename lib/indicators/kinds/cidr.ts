import type { IndicatorKindSpec } from '../model';
import { formatIpv4, parseIpv4 } from './ipv4';
import { formatIpv6, parseIpv6 } from './ipv6';

const PREFIX = /^\d{1,3}$/;

function split(candidate: string): { address: string; prefix: number } | null {
  const slash = candidate.indexOf('/');
  if (slash < 0) return null;
  const prefixText = candidate.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return null;
  return { address: candidate.slice(0, slash), prefix: Number(prefixText) };
}

function parseCidr(candidate: string): string | null {
  const parts = split(candidate);
  if (parts === null) return null;
  const v4 = parseIpv4(parts.address);
  if (v4 !== null) return parts.prefix <= 32 ? `${formatIpv4(v4)}/${parts.prefix}` : null;
  const v6 = parseIpv6(parts.address);
  if (v6 !== null) return parts.prefix <= 128 ? `${formatIpv6(v6)}/${parts.prefix}` : null;
  return null;
}

/** An IPv4 or IPv6 range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`). MISP files it as ip-dst/ip-src. */
export const cidr: IndicatorKindSpec = {
  kind: 'cidr',
  label: 'IP range (CIDR)',
  mispTypes: ['ip-dst', 'ip-src'],
  defaultMispType: () => 'ip-dst',
  detect: (candidate) => split(candidate) !== null,
  validate: (candidate) => parseCidr(candidate) !== null,
  normalise: (candidate) => parseCidr(candidate) ?? candidate.toLowerCase(),
};
