import { parseUrl } from './kinds/url';
import type { IndicatorKind } from './model';
import { INDICATOR_REGISTRY } from './registry';

/**
 * Values derived from an indicator: a URL's host (a domain or an IP, and `host:port` when the URL
 * names a port) and an e-mail address's domain. MISP events often hold the host while a report writes
 * the full URL, and MISP matches whole strings only (a domain never finds its URLs, transcripts
 * 112, 118), so Sightline looks the derived values up too, and the analyst can file them on their own.
 */

export type DerivedPart = 'host' | 'host-port' | 'domain';

export interface DerivedValue {
  readonly part: DerivedPart;
  /** The kind it is filed and checked as: `domain`, `ipv4`, `ipv6`, or `url` for `host:port`. */
  readonly kind: IndicatorKind;
  /** Normalised like an indicator of that kind. */
  readonly value: string;
}

function hostKind(host: string): 'domain' | 'ipv4' | 'ipv6' | null {
  if (INDICATOR_REGISTRY.ipv4.validate(host)) return 'ipv4';
  if (host.includes(':') && INDICATOR_REGISTRY.ipv6.validate(host)) return 'ipv6';
  if (INDICATOR_REGISTRY.domain.validate(host)) return 'domain';
  return null;
}

function normalisedHost(host: string): { kind: 'domain' | 'ipv4' | 'ipv6'; value: string } | null {
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  const kind = hostKind(bare);
  return kind === null ? null : { kind, value: INDICATOR_REGISTRY[kind].normalise(bare) };
}

/** The e-mail address's domain (or address literal `user@[192.0.2.1]`), as written. */
function emailHost(value: string): string | null {
  const at = value.lastIndexOf('@');
  return at < 0 ? null : value.slice(at + 1);
}

/**
 * The host a value names, lower-cased: a domain itself, a URL's host (IPv6 without brackets), an
 * e-mail address's domain; null for other kinds or a value that does not parse.
 */
export function hostOf(kind: IndicatorKind, value: string): string | null {
  if (kind === 'domain') return value.toLowerCase();
  if (kind === 'url') return parseUrl(value)?.host ?? null;
  if (kind === 'email')
    return (
      emailHost(value)
        ?.toLowerCase()
        .replace(/^\[(.*)\]$/, '$1') ?? null
    );
  return null;
}

/** The derived values of an indicator (none for kinds other than URL and e-mail). */
export function derivedValues(kind: IndicatorKind, value: string): DerivedValue[] {
  if (kind === 'email') {
    const host = emailHost(value);
    const parsed = host === null ? null : normalisedHost(host);
    return parsed === null ? [] : [{ part: 'domain', ...parsed }];
  }
  if (kind !== 'url') return [];
  const parts = parseUrl(value);
  if (parts === null) return [];
  const host = normalisedHost(parts.host);
  if (host === null) return [];
  const out: DerivedValue[] = [{ part: 'host', ...host }];
  const port = /^:(\d{1,5})/.exec(parts.rest)?.[1];
  if (port !== undefined) {
    const authority = host.kind === 'ipv6' ? `[${host.value}]` : host.value;
    out.push({ part: 'host-port', kind: 'url', value: `${authority}:${Number(port)}` });
  }
  return out;
}
