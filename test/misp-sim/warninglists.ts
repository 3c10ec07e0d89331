import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { WarninglistFile, WarninglistRow } from './types';

/**
 * Warninglists as MISP 2.5.1 loads and checks them (transcripts 095-101, 121-123, 186): lists come
 * from the misp-warninglists `list.json` files in test/fixtures/misp/warninglists; checks are
 * case-sensitive; `cidr` lists match by range (a bare address is its /32 or /128, and is what the
 * answer names), `hostname` lists match the entry, every sub-domain of it and URLs on either but
 * never its parent domain (Warninglist::__evalHostname; entries lose leading and trailing dots),
 * `string` lists match exactly.
 */

const WARNINGLIST_DIR = new URL('../fixtures/misp/warninglists/', import.meta.url);

/** Every list file shipped in the fixtures, in file-name order (the order MISP assigns ids). */
export const ALL_WARNINGLIST_FILES = [
  'common-contact-emails',
  'common-ioc-false-positive',
  'dynamic-dns',
  'empty-hashes',
  'google',
  'ipv6-linklocal',
  'multicast',
  'public-dns-v4',
  'public-dns-v6',
  'rfc1918',
  'rfc3849',
  'rfc5735',
  'rfc6598',
  'rfc6761',
  'second-level-tlds',
  'security-provider-blogpost',
  'tlds',
  'tranco10k',
  'url-shortener',
] as const;

/** The five lists the recording copied onto the server before transcript 095. */
export const REPLAY_WARNINGLIST_FILES = [
  'empty-hashes',
  'rfc1918',
  'rfc5735',
  'rfc6761',
  'tranco10k',
] as const;

const listFileSchema = z.object({
  name: z.string(),
  type: z.enum(['cidr', 'hostname', 'string', 'substring', 'regex']),
  description: z.string().default(''),
  version: z.number(),
  category: z.string().nullish(),
  matching_attributes: z.array(z.string()).default([]),
  list: z.array(z.string()),
});

const fileCache = new Map<string, WarninglistFile>();

export function loadWarninglistFile(file: string): WarninglistFile {
  const cached = fileCache.get(file);
  if (cached) return cached;
  const parsed = listFileSchema.parse(
    JSON.parse(readFileSync(new URL(`${file}.json`, WARNINGLIST_DIR), 'utf8')),
  );
  const loaded: WarninglistFile = {
    file,
    name: parsed.name,
    type: parsed.type,
    description: parsed.description,
    version: parsed.version,
    category: parsed.category ?? 'false_positive',
    matchingAttributes: parsed.matching_attributes,
    entries: parsed.list,
  };
  fileCache.set(file, loaded);
  return loaded;
}

interface CompiledList {
  /** Ranges wider than one address. */
  cidrs: { range: [ipaddr.IPv4 | ipaddr.IPv6, number]; entry: string }[];
  /** Single addresses (normalised) → the entry as MISP stores it ("8.8.8.8/32"). */
  addresses: Map<string, string>;
  exact: Map<string, string>;
  regexps: { regexp: RegExp; entry: string }[];
}

const compiled = new WeakMap<WarninglistFile, CompiledList>();

function compile(list: WarninglistFile): CompiledList {
  const existing = compiled.get(list);
  if (existing) return existing;
  const result: CompiledList = { cidrs: [], addresses: new Map(), exact: new Map(), regexps: [] };
  for (const entry of list.entries) {
    if (list.type === 'cidr') {
      try {
        const range = entry.includes('/')
          ? ipaddr.parseCIDR(entry)
          : ([ipaddr.parse(entry), entry.includes(':') ? 128 : 32] as [ipaddr.IPv4 | ipaddr.IPv6, number]);
        const single = range[1] === (range[0].kind() === 'ipv4' ? 32 : 128);
        const stored = entry.includes('/') ? entry : `${entry}/${range[1]}`;
        if (single) result.addresses.set(range[0].toNormalizedString(), stored);
        else result.cidrs.push({ range, entry: stored });
      } catch {
        // MISP skips entries it cannot parse as ranges.
      }
    } else if (list.type === 'hostname') {
      const host = entry.replace(/^\.+|\.+$/g, '');
      if (host !== '') result.exact.set(host, host);
    } else if (list.type === 'regex') {
      try {
        // Entries are PCRE literals such as `/^(abuse|soc)\@.*$/i`: keep the flags JavaScript knows.
        const literal = /^\/(.*)\/([a-z]*)$/s.exec(entry);
        const flags = [...(literal?.[2] ?? '')].filter((flag) => 'ims'.includes(flag)).join('');
        result.regexps.push({ regexp: new RegExp(literal ? (literal[1] ?? '') : entry, flags), entry });
      } catch {
        // Invalid patterns never match.
      }
    } else {
      result.exact.set(entry, entry);
    }
  }
  compiled.set(list, result);
  return result;
}

function hostOf(value: string): string {
  const schemeMatch = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i.exec(value);
  if (schemeMatch?.[1]) return schemeMatch[1];
  return value.split(/[/?#:]/)[0] ?? value;
}

/** The entry of `list` that `value` hits, or null. */
export function matchWarninglist(list: WarninglistFile, value: string): string | null {
  const lists = compile(list);
  switch (list.type) {
    case 'cidr': {
      const address = value.split('/')[0] ?? value;
      if (!ipaddr.isValid(address)) return null;
      let parsed = ipaddr.parse(address);
      if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
        parsed = (parsed as ipaddr.IPv6).toIPv4Address();
      }
      const single = lists.addresses.get(parsed.toNormalizedString());
      if (single !== undefined) return single;
      for (const { range, entry } of lists.cidrs) {
        if (range[0].kind() === parsed.kind() && parsed.match(range)) return entry;
      }
      return null;
    }
    case 'hostname': {
      let host = hostOf(value);
      for (;;) {
        const hit = lists.exact.get(host);
        if (hit !== undefined) return hit;
        const dot = host.indexOf('.');
        if (dot < 0) return null;
        host = host.slice(dot + 1);
      }
    }
    case 'substring': {
      for (const entry of list.entries) if (value.includes(entry)) return entry;
      return null;
    }
    case 'regex': {
      for (const { regexp, entry } of lists.regexps) if (regexp.test(value)) return entry;
      return null;
    }
    default:
      return lists.exact.get(value) ?? null;
  }
}

export interface WarninglistHit {
  list: WarninglistRow;
  match: string;
}

/** Hits of `value` on the enabled lists, by list id; `type` limits to lists valid for that attribute type. */
export function checkWarninglists(lists: WarninglistRow[], value: string, type?: string): WarninglistHit[] {
  const hits: WarninglistHit[] = [];
  const parts = type?.includes('|') ? value.split('|') : [value];
  for (const list of [...lists].sort((a, b) => a.id - b.id)) {
    if (!list.enabled) continue;
    if (type !== undefined && list.matchingAttributes.length > 0 && !list.matchingAttributes.includes(type)) {
      continue;
    }
    for (const part of parts) {
      const match = matchWarninglist(list, part);
      if (match !== null) {
        hits.push({ list, match });
        break;
      }
    }
  }
  return hits;
}
