import type { IndicatorKindSpec } from '../model';
import { hostInfo } from './domain';
import { parseIpv4 } from './ipv4';

const LOCAL_PART = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;

function split(candidate: string): { local: string; host: string } | null {
  const at = candidate.indexOf('@');
  if (at <= 0 || at !== candidate.lastIndexOf('@')) return null;
  return { local: candidate.slice(0, at), host: candidate.slice(at + 1) };
}

/** `user@[192.0.2.1]`: RFC 5321's IPv4 address literal. */
function addressLiteral(host: string): boolean {
  return host.startsWith('[') && host.endsWith(']') && parseIpv4(host.slice(1, -1)) !== null;
}

export const email: IndicatorKindSpec = {
  kind: 'email',
  label: 'E-mail address',
  mispTypes: ['email-src', 'email-dst', 'email'],
  defaultMispType: () => 'email-src',
  detect: (candidate) => split(candidate) !== null,
  validate: (candidate) => {
    const parts = split(candidate);
    return (
      parts !== null &&
      parts.local.length <= 64 &&
      LOCAL_PART.test(parts.local) &&
      (hostInfo(parts.host) !== null || addressLiteral(parts.host))
    );
  },
  // Mailbox names are case-insensitive in practice everywhere indicators are matched.
  normalise: (candidate) => candidate.toLowerCase(),
};
