/**
 * Warninglists: "likely benign" marks from the MISP warninglists bundled from misp-warninglists (see
 * data/SOURCES.md) or named by the analyst's MISP (`/warninglists/checkValue`), and the notes that
 * replace them for hosts on platforms where anyone publishes: dynamic DNS, URL shorteners and
 * user-content platforms (data/user-content.ts). A warninglist only annotates: Sightline looks every
 * value up, and a value MISP holds is "In MISP" whatever a list says.
 *
 * This module carries ~700 KB of list data: the background imports it, the content script must not
 * (it only needs `scanner.ts`).
 */
import { z } from 'zod';
import { type IpRange, parseAddress, parseRangeOrAddress, rangeContains } from '../misp/cidr';
import platformLists from './data/platform-lists.json';
import { USER_CONTENT_PLATFORMS } from './data/user-content';
import warninglistData from './data/warninglists.json';
import { hostOf } from './derived';
import { HostSuffixSet } from './host-suffixes';
import type { MispType } from './misp-types';
import type { IndicatorKind } from './model';
import { INDICATOR_REGISTRY } from './registry';

const WarninglistFile = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['cidr', 'string', 'hostname', 'substring', 'regex']),
    version: z.union([z.string(), z.number()]),
    matching_attributes: z.array(z.string()),
    list: z.array(z.string()),
  }),
);

const CompactList = z.object({
  name: z.string(),
  version: z.number(),
  suffixes: z.record(z.string(), z.string()),
});
const PlatformListsFile = z.object({ dynamicDns: CompactList, urlShorteners: CompactList });

export interface BenignMark {
  /** The warninglist's name as MISP shows it, e.g. "List of RFC 1918 CIDR blocks". */
  readonly listName: string;
  /** The list entry that matched (`10.0.0.0/8`, `google.com`). */
  readonly matched: string;
  readonly source: 'bundled' | 'server';
}

export type PlatformKind = 'dynamic-dns' | 'url-shortener' | 'user-content';

/** A host on a platform where anyone publishes: shown as a note, never as "likely benign". */
export interface PlatformNote {
  readonly kind: PlatformKind;
  /** The platform's domain that matched (`sytes.net`, `bit.ly`, `githubusercontent.com`). */
  readonly parent: string;
  /** "dynamic DNS", "URL shortener", "user content on github.com". */
  readonly text: string;
}

export interface Annotation {
  readonly benign: BenignMark | null;
  readonly notes: readonly PlatformNote[];
}

interface CompiledList {
  readonly name: string;
  readonly type: 'cidr' | 'string' | 'hostname' | 'substring' | 'regex';
  readonly attributes: ReadonlySet<string>;
  readonly entries: ReadonlySet<string>;
  readonly ranges: readonly (IpRange & { entry?: string })[];
  readonly rangeEntries: readonly string[];
  readonly patterns: readonly RegExp[];
  readonly substrings: readonly string[];
}

/** MISP stores regex entries PHP-style (`/…/i`). */
function compilePattern(entry: string): RegExp | null {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(entry);
  try {
    return m === null ? new RegExp(entry) : new RegExp(m[1]!, m[2]!.replace(/[^imsu]/g, ''));
  } catch {
    return null;
  }
}

function compileRanges(entries: readonly string[]): { ranges: IpRange[]; rangeEntries: string[] } {
  const ranges: IpRange[] = [];
  const rangeEntries: string[] = [];
  for (const entry of entries) {
    const range = parseRangeOrAddress(entry);
    if (range === undefined) continue;
    ranges.push(range);
    rangeEntries.push(entry);
  }
  return { ranges, rangeEntries };
}

let compiled: readonly CompiledList[] | null = null;

function lists(): readonly CompiledList[] {
  if (compiled !== null) return compiled;
  compiled = WarninglistFile.parse(warninglistData).map((list) => ({
    name: list.name,
    type: list.type,
    attributes: new Set(list.matching_attributes),
    entries: new Set(list.type === 'string' || list.type === 'hostname' ? list.list : []),
    ...(list.type === 'cidr' ? compileRanges(list.list) : { ranges: [], rangeEntries: [] }),
    patterns:
      list.type === 'regex' ? list.list.map(compilePattern).filter((r): r is RegExp => r !== null) : [],
    substrings: list.type === 'substring' ? list.list : [],
  }));
  return compiled;
}

interface Platforms {
  readonly dynamicDns: HostSuffixSet;
  readonly dynamicDnsName: string;
  readonly urlShorteners: HostSuffixSet;
  readonly urlShortenersName: string;
  readonly userContent: HostSuffixSet;
}

let platformSets: Platforms | null = null;

function platforms(): Platforms {
  if (platformSets !== null) return platformSets;
  const data = PlatformListsFile.parse(platformLists);
  platformSets = {
    dynamicDns: HostSuffixSet.fromCompact(data.dynamicDns.suffixes),
    dynamicDnsName: data.dynamicDns.name,
    urlShorteners: HostSuffixSet.fromCompact(data.urlShorteners.suffixes),
    urlShortenersName: data.urlShorteners.name,
    userContent: HostSuffixSet.fromEntries(USER_CONTENT_PLATFORMS.flatMap((category) => category.domains)),
  };
  return platformSets;
}

/** `a.b.evil.com` matches entry `evil.com`: walk the host's parent names. */
function matchHostname(host: string, entries: ReadonlySet<string>): string | null {
  let name = host;
  for (;;) {
    if (entries.has(name)) return name;
    const dot = name.indexOf('.');
    if (dot < 0) return null;
    name = name.slice(dot + 1);
  }
}

function matchList(list: CompiledList, kind: IndicatorKind, value: string): string | null {
  switch (list.type) {
    case 'string':
      return list.entries.has(value) ? value : null;
    case 'hostname': {
      const host = hostOf(kind, value);
      return host === null ? null : matchHostname(host, list.entries);
    }
    case 'cidr': {
      const address = parseAddress(kind === 'cidr' ? value.slice(0, value.indexOf('/')) : value);
      if (address === undefined) return null;
      const index = list.ranges.findIndex((range) => rangeContains(range, address));
      return index < 0 ? null : list.rangeEntries[index]!;
    }
    case 'substring':
      return list.substrings.find((s) => value.includes(s)) ?? null;
    case 'regex':
      return list.patterns.find((p) => p.test(value))?.source ?? null;
  }
}

/** The MISP types a list may apply to, for a kind: the kind's own types. */
function kindTypes(kind: IndicatorKind): readonly MispType[] {
  return INDICATOR_REGISTRY[kind].mispTypes;
}

/**
 * The platform notes of a value: its host (a domain, a URL's host, an e-mail's domain) is or is below
 * a dynamic-DNS provider, a URL shortener or a user-content platform.
 */
export function platformNotes(kind: IndicatorKind, value: string): PlatformNote[] {
  const host = hostOf(kind, value.toLowerCase());
  if (host === null || parseAddress(host) !== undefined) return [];
  const sets = platforms();
  const notes: PlatformNote[] = [];
  const dynamic = sets.dynamicDns.match(host);
  if (dynamic !== null) notes.push({ kind: 'dynamic-dns', parent: dynamic, text: 'dynamic DNS' });
  const shortener = sets.urlShorteners.match(host);
  if (shortener !== null) notes.push({ kind: 'url-shortener', parent: shortener, text: 'URL shortener' });
  const content = sets.userContent.match(host);
  if (content !== null) {
    notes.push({ kind: 'user-content', parent: content, text: `user content on ${content}` });
  }
  return notes;
}

/**
 * Whether a platform note rules out a host-based "likely benign" mark: a URL on the platform, or a
 * name below the platform's own domain. The platform's domain written on its own (`github.com`,
 * `bit.ly`) is the popular site itself and keeps its marks.
 */
function isSomeonesContent(kind: IndicatorKind, value: string, notes: readonly PlatformNote[]): boolean {
  if (notes.length === 0) return false;
  if (kind === 'url') return true;
  const host = hostOf(kind, value.toLowerCase());
  return notes.some((note) => host !== note.parent);
}

/**
 * Checks a normalised value against the bundled warninglists that apply to its MISP types, the way
 * MISP does (lists are lower-case; so is the value), and against the platform lists. A host that is
 * someone's content on a platform gets notes and no benign mark.
 */
export function bundledAnnotation(kind: IndicatorKind, value: string): Annotation {
  const lower = value.toLowerCase();
  const notes = platformNotes(kind, lower);
  if (isSomeonesContent(kind, lower, notes)) return { benign: null, notes };
  const types = kindTypes(kind);
  for (const list of lists()) {
    if (!types.some((t) => list.attributes.has(t))) continue;
    const matched = matchList(list, kind, lower);
    if (matched !== null) return { benign: { listName: list.name, matched, source: 'bundled' }, notes };
  }
  return { benign: null, notes };
}

/** The first bundled list that calls a value likely benign, or null (platform rule included). */
export function bundledBenignMark(kind: IndicatorKind, value: string): BenignMark | null {
  return bundledAnnotation(kind, value).benign;
}

/** Names of the bundled warninglists (the options page lists them). */
export function bundledWarninglistNames(): string[] {
  return lists().map((l) => l.name);
}

/** The bundled lists that give notes instead of marks (the options page lists them). */
export function bundledPlatformListNames(): string[] {
  const sets = platforms();
  return [
    `${sets.dynamicDnsName} (${sets.dynamicDns.size.toLocaleString('en')} suffixes)`,
    `${sets.urlShortenersName} (${sets.urlShorteners.size})`,
    `User-content platforms: ${USER_CONTENT_PLATFORMS.map((c) => c.name).join(', ')} (${sets.userContent.size} domains)`,
  ];
}

/** A `/warninglists/checkValue` hit (`lib/misp` reads and validates the answer). */
export interface ServerListHit {
  readonly name: string;
  readonly matched?: string;
}

/**
 * What the analyst's MISP said about a value (the hits `/warninglists/checkValue` returned for it):
 * the first list that marks it likely benign, with the server's list name. MISP's own dynamic-DNS
 * and URL-shortener lists give notes, never a mark; for someone's content on a platform, hits whose
 * entry is a host name (`githubusercontent.com` for `raw.githubusercontent.com`) are set aside.
 */
export function serverAnnotation(
  kind: IndicatorKind,
  value: string,
  hits: readonly ServerListHit[],
): Annotation {
  const lower = value.toLowerCase();
  const sets = platforms();
  const notes = platformNotes(kind, lower);
  const listNotes: Record<string, Omit<PlatformNote, 'parent'>> = {
    [sets.dynamicDnsName]: { kind: 'dynamic-dns', text: 'dynamic DNS' },
    [sets.urlShortenersName]: { kind: 'url-shortener', text: 'URL shortener' },
  };
  for (const hit of hits) {
    const note = listNotes[hit.name];
    if (note !== undefined && !notes.some((known) => known.kind === note.kind)) {
      notes.push({ ...note, parent: hit.matched ?? lower });
    }
  }
  const content = isSomeonesContent(kind, lower, notes);
  const mark = hits.find(
    (hit) =>
      listNotes[hit.name] === undefined &&
      !(content && parseRangeOrAddress(hit.matched ?? lower) === undefined),
  );
  return {
    benign:
      mark === undefined ? null : { listName: mark.name, matched: mark.matched ?? lower, source: 'server' },
    notes,
  };
}
