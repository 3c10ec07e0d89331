import type { IndicatorKindSpec } from '../model';
import { hostInfo } from './domain';
import { parseIpv4 } from './ipv4';
import { parseIpv6 } from './ipv6';

/** Schemes we treat as URLs (after refanging `hxxp`, `fxp`, `meow`). */
export const URL_SCHEMES = [
  'http',
  'https',
  'ftp',
  'ftps',
  'sftp',
  'ws',
  'wss',
  'tcp',
  'udp',
  'ssh',
  'smb',
  'rtsp',
  'ldap',
  'ldaps',
  'irc',
  'socks5',
  'socks4',
  // Mining pool addresses (`stratum+tcp://pool.example:3333`).
  'stratum+tcp',
  'stratum+ssl',
  'stratum+tls',
  'stratum2+tcp',
] as const;

const SCHEME_SET: ReadonlySet<string> = new Set(URL_SCHEMES);

export interface UrlParts {
  /** Lower-cased scheme, or '' for a scheme-less URL (`evil.com/gate.php`). */
  readonly scheme: string;
  /** Host as written (lower-cased), without brackets for IPv6. */
  readonly host: string;
  readonly hostKind: 'domain' | 'ipv4' | 'ipv6';
  /** Everything after the host: `:port/path?query#fragment`. */
  readonly rest: string;
  /** `user:pass@` when present. */
  readonly userinfo: string;
}

const PORT = /^:\d{1,5}(?=$|[/?#])/;

export function parseUrl(candidate: string): UrlParts | null {
  let scheme = '';
  let remainder = candidate;
  const schemeEnd = candidate.indexOf('://');
  if (schemeEnd >= 0) {
    scheme = candidate.slice(0, schemeEnd).toLowerCase();
    if (!SCHEME_SET.has(scheme)) return null;
    remainder = candidate.slice(schemeEnd + 3);
  }
  let authorityEnd = remainder.search(/[/?#]/);
  if (authorityEnd < 0) authorityEnd = remainder.length;
  let authority = remainder.slice(0, authorityEnd);
  const path = remainder.slice(authorityEnd);
  let userinfo = '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    userinfo = authority.slice(0, at + 1);
    authority = authority.slice(at + 1);
  }
  let host: string;
  let port = '';
  let hostKind: UrlParts['hostKind'];
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return null;
    host = authority.slice(1, close);
    port = authority.slice(close + 1);
    if (parseIpv6(host) === null) return null;
    hostKind = 'ipv6';
  } else {
    const colon = authority.indexOf(':');
    host = colon >= 0 ? authority.slice(0, colon) : authority;
    port = colon >= 0 ? authority.slice(colon) : '';
    if (parseIpv4(host) !== null) hostKind = 'ipv4';
    else if (hostInfo(host) !== null) hostKind = 'domain';
    else return null;
  }
  if (port !== '' && (!PORT.test(port) || Number(port.slice(1)) > 65535)) return null;
  return { scheme, host: host.toLowerCase(), hostKind, rest: `${port}${path}`, userinfo };
}

/** The canonical text of a parsed URL: scheme and host lower-cased, path and query as written. */
export function formatUrl(parts: UrlParts): string {
  const host = parts.hostKind === 'ipv6' ? `[${parts.host}]` : parts.host;
  return `${parts.scheme === '' ? '' : `${parts.scheme}://`}${parts.userinfo}${host}${parts.rest}`;
}

export const url: IndicatorKindSpec = {
  kind: 'url',
  label: 'URL',
  mispTypes: ['url', 'link'],
  defaultMispType: () => 'url',
  detect: (candidate) => candidate.includes('://') || candidate.includes('/'),
  validate: (candidate) => parseUrl(candidate) !== null,
  // Scheme and host are case-insensitive; path and query are not.
  normalise: (candidate) => {
    const parts = parseUrl(candidate);
    return parts === null ? candidate : formatUrl(parts);
  },
};
