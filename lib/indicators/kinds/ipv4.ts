import type { IndicatorKindSpec } from '../model';

const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Parses a dotted quad into a 32-bit unsigned number, or null. Leading zeros are tolerated (`010.0.0.1`). */
export function parseIpv4(candidate: string): number | null {
  if (!IPV4_SHAPE.test(candidate)) return null;
  let value = 0;
  for (const part of candidate.split('.')) {
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export const ipv4: IndicatorKindSpec = {
  kind: 'ipv4',
  label: 'IPv4 address',
  mispTypes: ['ip-dst', 'ip-src'],
  defaultMispType: () => 'ip-dst',
  detect: (candidate) => IPV4_SHAPE.test(candidate),
  validate: (candidate) => parseIpv4(candidate) !== null,
  normalise: (candidate) => formatIpv4(parseIpv4(candidate) ?? 0),
};
