import type { IndicatorKindSpec } from '../model';
import { parseIpv4 } from './ipv4';

const IPV6_SHAPE = /^[0-9A-Fa-f:.]{2,45}$/;
const GROUP = /^[0-9A-Fa-f]{1,4}$/;

export interface ParsedIpv6 {
  /** Eight 16-bit groups. */
  readonly groups: readonly number[];
  /** Whether the text ended in a dotted quad (`::ffff:1.2.3.4`), kept in the canonical form. */
  readonly dottedTail: boolean;
}

function parseGroups(part: string, allowDottedTail: boolean): { groups: number[]; dotted: boolean } | null {
  if (part === '') return { groups: [], dotted: false };
  const pieces = part.split(':');
  const groups: number[] = [];
  let dotted = false;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (allowDottedTail && i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 === null) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      dotted = true;
    } else if (GROUP.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return { groups, dotted };
}

/** Parses an IPv6 address (RFC 4291 text forms, no zone id), or null. */
export function parseIpv6(candidate: string): ParsedIpv6 | null {
  if (!IPV6_SHAPE.test(candidate)) return null;
  const halves = candidate.split('::');
  if (halves.length > 2) return null;
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (head === null || tail === null) return null;
    const missing = 8 - head.groups.length - tail.groups.length;
    if (missing < 1) return null;
    return {
      groups: [...head.groups, ...new Array<number>(missing).fill(0), ...tail.groups],
      dottedTail: tail.dotted,
    };
  }
  const all = parseGroups(candidate, true);
  if (all === null || all.groups.length !== 8) return null;
  return { groups: all.groups, dottedTail: all.dotted };
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(parsed: ParsedIpv6): string {
  const hexGroups = parsed.dottedTail ? parsed.groups.slice(0, 6) : parsed.groups;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < hexGroups.length; ) {
    if (hexGroups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < hexGroups.length && hexGroups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = hexGroups.map((g) => g.toString(16));
  let text: string;
  if (bestStart < 0) {
    text = hex.join(':');
  } else {
    text = `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
  }
  if (parsed.dottedTail) {
    const high = parsed.groups[6] ?? 0;
    const low = parsed.groups[7] ?? 0;
    const dotted = `${high >>> 8}.${high & 255}.${low >>> 8}.${low & 255}`;
    text = text.endsWith(':') ? `${text}${dotted}` : `${text}:${dotted}`;
  }
  return text;
}

/**
 * Prose and code carry colon runs that parse as IPv6 (`a::b`, `12::34`); an address must have a
 * digit and at least two non-zero groups, or be fully written out.
 */
function plausible(candidate: string, parsed: ParsedIpv6): boolean {
  if (!/\d/.test(candidate)) return false;
  if (!candidate.includes('::')) return true;
  return parsed.groups.filter((g) => g !== 0).length >= 2;
}

export const ipv6: IndicatorKindSpec = {
  kind: 'ipv6',
  label: 'IPv6 address',
  mispTypes: ['ip-dst', 'ip-src'],
  defaultMispType: () => 'ip-dst',
  detect: (candidate) => IPV6_SHAPE.test(candidate) && candidate.includes(':'),
  validate: (candidate) => {
    const parsed = parseIpv6(candidate);
    return parsed !== null && plausible(candidate, parsed);
  },
  normalise: (candidate) => {
    const parsed = parseIpv6(candidate);
    return parsed === null ? candidate.toLowerCase() : formatIpv6(parsed);
  },
};
