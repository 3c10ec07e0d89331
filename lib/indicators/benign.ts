/**
 * "Likely benign" marking with MISP warninglists bundled from misp-warninglists (see data/SOURCES.md),
 * plus merging of a server `/warninglists/checkValue` answer.
 *
 * This module carries ~330 KB of list data: the background imports it, the content script must not
 * (it only needs `scanner.ts`).
 */
import { z } from 'zod';
import warninglistData from './data/warninglists.json';
import { parseIpv4 } from './kinds/ipv4';
import { parseIpv6 } from './kinds/ipv6';
import { parseUrl } from './kinds/url';
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

export interface BenignMark {
  /** The warninglist's name as MISP shows it, e.g. "List of RFC 1918 CIDR blocks". */
  readonly listName: string;
  /** The list entry that matched (`10.0.0.0/8`, `google.com`). */
  readonly matched: string;
  readonly source: 'bundled' | 'server';
}

interface Range {
  readonly v6: boolean;
  readonly groups: readonly number[];
  readonly prefix: number;
  readonly entry: string;
}

interface CompiledList {
  readonly name: string;
  readonly type: 'cidr' | 'string' | 'hostname' | 'substring' | 'regex';
  readonly attributes: ReadonlySet<string>;
  readonly entries: ReadonlySet<string>;
  readonly ranges: readonly Range[];
  readonly patterns: readonly RegExp[];
  readonly substrings: readonly string[];
}

/** An IP as 16-bit groups (IPv4 as two groups) for prefix comparison. */
function ipGroups(value: string): { v6: boolean; groups: number[] } | null {
  const v4 = parseIpv4(value);
  if (v4 !== null) return { v6: false, groups: [v4 >>> 16, v4 & 0xffff] };
  const v6 = parseIpv6(value);
  return v6 === null ? null : { v6: true, groups: [...v6.groups] };
}

function inRange(ip: { v6: boolean; groups: readonly number[] }, range: Range): boolean {
  if (ip.v6 !== range.v6) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((ip.groups[i] ?? 0) & mask) !== ((range.groups[i] ?? 0) & mask)) return false;
  }
  return true;
}

function compileRange(entry: string): Range | null {
  const [address = '', prefixText] = entry.split('/');
  const ip = ipGroups(address);
  if (ip === null) return null;
  const prefix = prefixText === undefined ? (ip.v6 ? 128 : 32) : Number(prefixText);
  return { ...ip, prefix, entry };
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

let compiled: readonly CompiledList[] | null = null;

function lists(): readonly CompiledList[] {
  if (compiled !== null) return compiled;
  compiled = WarninglistFile.parse(warninglistData).map((list) => ({
    name: list.name,
    type: list.type,
    attributes: new Set(list.matching_attributes),
    entries: new Set(list.type === 'string' || list.type === 'hostname' ? list.list : []),
    ranges: list.type === 'cidr' ? list.list.map(compileRange).filter((r): r is Range => r !== null) : [],
    patterns:
      list.type === 'regex' ? list.list.map(compilePattern).filter((r): r is RegExp => r !== null) : [],
    substrings: list.type === 'substring' ? list.list : [],
  }));
  return compiled;
}

function hostOf(kind: IndicatorKind, value: string): string | null {
  if (kind === 'domain') return value;
  if (kind === 'url') return parseUrl(value)?.host ?? null;
  if (kind === 'email') return value.slice(value.lastIndexOf('@') + 1);
  return null;
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
      const address = kind === 'cidr' ? value.slice(0, value.indexOf('/')) : value;
      const ip = ipGroups(address);
      if (ip === null) return null;
      return list.ranges.find((r) => inRange(ip, r))?.entry ?? null;
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
 * Checks a normalised value against the bundled warninglists that apply to its MISP types, the way
 * MISP does (lists are lower-case; so is the value). Returns the first matching list, or null.
 */
export function bundledBenignMark(kind: IndicatorKind, value: string): BenignMark | null {
  const types = kindTypes(kind);
  const lower = value.toLowerCase();
  for (const list of lists()) {
    if (!types.some((t) => list.attributes.has(t))) continue;
    const matched = matchList(list, kind, lower);
    if (matched !== null) return { listName: list.name, matched, source: 'bundled' };
  }
  return null;
}

/** Names of the bundled lists (for display in settings/about). */
export function bundledWarninglistNames(): string[] {
  return lists().map((l) => l.name);
}

/** Body for `POST /warninglists/checkValue`: distinct lower-cased values (server matching is case-sensitive). */
export function checkValueRequestBody(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim().toLowerCase()))];
}

const CheckValueHit = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string(),
  matched: z.string().optional(),
});

/** `{value: [{id, name, matched}]}`, or `[]` when nothing matched (PHP's empty array). */
const CheckValueAnswer = z.union([
  z.array(z.unknown()).length(0),
  z.record(z.string(), z.array(CheckValueHit)),
]);

/** Parses a `/warninglists/checkValue` answer into the first hit per (lower-cased) value. */
export function parseCheckValueAnswer(answer: unknown): Map<string, BenignMark> {
  const parsed = CheckValueAnswer.parse(answer);
  const marks = new Map<string, BenignMark>();
  if (Array.isArray(parsed)) return marks;
  for (const [value, hits] of Object.entries(parsed)) {
    const first = hits[0];
    if (first !== undefined) {
      marks.set(value.toLowerCase(), {
        listName: first.name,
        matched: first.matched ?? value,
        source: 'server',
      });
    }
  }
  return marks;
}

/**
 * Merges a server answer into already-marked items: the server's lists (the ones the analyst's MISP
 * has enabled) win; a bundled mark stays when the server said nothing about the value.
 */
export function mergeServerBenign<T extends { readonly value: string; readonly benign: BenignMark | null }>(
  items: readonly T[],
  answer: unknown,
): T[] {
  const server = parseCheckValueAnswer(answer);
  return items.map((item) => {
    const mark = server.get(item.value.toLowerCase());
    return mark === undefined ? item : { ...item, benign: mark };
  });
}
