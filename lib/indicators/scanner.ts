/**
 * The indicator scanner: one refang pass, one candidate-regex pass, then cheap per-candidate
 * validation. Synchronous and linear in the text length (no nested quantifiers; every candidate
 * start is anchored by a one-character look-behind, so a failed attempt never rescans a word).
 */

import { btc } from './kinds/btc';
import { cidr } from './kinds/cidr';
import { cve } from './kinds/cve';
import { domain, hostInfo } from './kinds/domain';
import { email } from './kinds/email';
import { hashKindForLength } from './kinds/hashes';
import { ipv4 } from './kinds/ipv4';
import { ipv6 } from './kinds/ipv6';
import { ssdeep } from './kinds/ssdeep';
import { URL_SCHEMES, url } from './kinds/url';
import type { IndicatorKind, Occurrence } from './model';
import { looksLikeNonDomain } from './noise';
import { originalEnd, originalStart, type RefangEdit, refang, touchesEdit } from './refang';

const URL_CHARS = String.raw`[^\s<>"'\u0060{}|\\^\u00a0\u2018\u2019\u201c\u201d]`;

/**
 * Candidate alternatives (one capture group each):
 * 1 URL with a scheme · 2 CVE · 3 colon run (IPv6, CIDR, ssdeep) · 4 hex run · 5 bitcoin
 * · 6 dotted run (host, IPv4, e-mail, scheme-less URL) with optional port and path.
 */
export const CANDIDATE = new RegExp(
  [
    String.raw`(?<![a-z0-9+.\-])((?:${URL_SCHEMES.join('|')})://${URL_CHARS}+)`,
    String.raw`(?<![\w\-])(cve-\d{4}-\d{4,7})(?!\d)`,
    String.raw`(?<![\w:./+])([0-9a-f]{0,10}:[0-9a-z/+:.]+)`,
    String.raw`(?<!\w)([0-9a-f]{32,128})(?!\w)`,
    String.raw`(?<!\w)([13][1-9a-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})(?!\w)`,
    String.raw`(?<![\w.@%+\-])(\w[\w%+\-]*(?:[.@][\w%+\-]+)+(?::\d{1,5})?(?:[/?#]${URL_CHARS}*)?)`,
  ].join('|'),
  'gi',
);

const TRAILING_PUNCTUATION = '.,;:!?*\'"';
const CLOSER_TO_OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * Where a URL-ish run really ends: before a closer with no opener inside the run (`(see
 * http://x/a_(b))` keeps `a_(b)`), before markdown's `](`, before HTML entities, and before trailing
 * sentence punctuation. A `?` is kept when the run is alone on its line (IOC lists write `p.php?`).
 */
function trimRunEnd(text: string, start: number, end: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40 || ch === 91) depth++;
    else if (ch === 41 || ch === 93) {
      if (depth === 0) {
        end = i;
        break;
      }
      depth--;
    } else if (ch === 38 && /^&(?:gt|lt|quot|amp|#39|#x27);/.test(text.slice(i, i + 6))) {
      end = i;
      break;
    }
  }
  const aloneOnLine = /^[ \t]*(?:\r?\n|$)/.test(text.slice(end, end + 4)) && lineStartsAt(text, start);
  while (end > start) {
    const last = text[end - 1]!;
    if (last === '?' && aloneOnLine && end - 1 > start && text[end - 2] !== '?') break;
    if (TRAILING_PUNCTUATION.includes(last)) {
      end--;
      continue;
    }
    const opener = CLOSER_TO_OPENER[last];
    if (opener !== undefined && !text.slice(start, end - 1).includes(opener)) {
      end--;
      continue;
    }
    break;
  }
  return end;
}

function lineStartsAt(text: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch === '\n') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '-' && ch !== '*' && ch !== '>') return false;
  }
  return true;
}

// The word must stand alone: "server 1.2.3.4" is an IP, "ver 1.2.3.4" is a version.
const VERSION_CONTEXT = /(?:^|[^a-z])(?:version|ver\.?|v|build|release|firmware|chrome|firefox|os)\s*$/i;

interface Found {
  readonly type: IndicatorKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const HEX_LETTER = /[a-f]/i;

/** The candidate regex already guarantees a hex run bounded by non-word characters. */
function classifyHex(run: string, start: number, out: Found[]): void {
  const spec = hashKindForLength(run.length);
  // An all-digit run is a number, not a digest.
  if (spec !== null && HEX_LETTER.test(run)) {
    out.push({ type: spec.kind, value: run.toLowerCase(), start, end: start + run.length });
  }
}

function classifyColonRun(text: string, start: number, end: number, out: Found[]): void {
  // Strip punctuation a sentence may add (`::1.` or `fe80::1:`).
  while (end > start && ':.'.includes(text[end - 1]!)) end--;
  const run = text.slice(start, end);
  if (ssdeep.detect(run)) {
    if (ssdeep.validate(run)) out.push({ type: 'ssdeep', value: run, start, end });
    return;
  }
  if (run.includes('/')) {
    if (cidr.validate(run)) out.push({ type: 'cidr', value: cidr.normalise(run), start, end });
    return;
  }
  if (ipv6.validate(run)) out.push({ type: 'ipv6', value: ipv6.normalise(run), start, end });
}

function classifySchemeUrl(text: string, start: number, end: number, out: Found[]): void {
  end = trimRunEnd(text, start, end);
  const candidate = text.slice(start, end);
  if (url.validate(candidate)) out.push({ type: 'url', value: url.normalise(candidate), start, end });
}

/** Host, IPv4, e-mail or scheme-less URL: the dotted run plus what follows it. */
function classifyDottedRun(
  text: string,
  start: number,
  rawEnd: number,
  edits: readonly RefangEdit[],
  out: Found[],
): void {
  const end = trimRunEnd(text, start, rawEnd);
  const run = text.slice(start, end);
  let hostEnd = run.search(/[:/?#]/);
  if (hostEnd < 0) hostEnd = run.length;
  const host = run.slice(0, hostEnd);
  const rest = run.slice(hostEnd);
  const defanged = edits.length > 0 && touchesEdit(edits, start, end);

  if (host.includes('@')) {
    if (email.validate(host))
      out.push({ type: 'email', value: email.normalise(host), start, end: start + hostEnd });
    return;
  }

  const port = /^:\d{1,5}/.exec(rest)?.[0] ?? '';
  const path = rest.slice(port.length);
  // A path is only a path when it carries something (`evil.com/` is the host with a slash).
  const hasPath = path.length > 1 && (path[0] === '/' || path[0] === '?' || path[0] === '#');

  if (/^[\d.]+$/.test(host)) {
    if (!ipv4.detect(host) || !ipv4.validate(host)) return;
    if (!defanged && VERSION_CONTEXT.test(text.slice(Math.max(0, start - 12), start))) return;
    if (port === '' && /^\/\d{1,2}$/.test(path)) {
      if (cidr.validate(run)) out.push({ type: 'cidr', value: cidr.normalise(run), start, end });
      return;
    }
    if (hasPath && path[0] === '/') {
      out.push({ type: 'url', value: url.normalise(run), start, end });
      return;
    }
    out.push({ type: 'ipv4', value: ipv4.normalise(host), start, end: start + hostEnd });
    return;
  }

  const info = hostInfo(host);
  if (info === null) return;
  if (!defanged && looksLikeNonDomain(text, start, host, info.tld, port !== '' || hasPath)) return;
  if (hasPath && url.validate(run)) {
    out.push({ type: 'url', value: url.normalise(run), start, end });
    return;
  }
  out.push({ type: 'domain', value: domain.normalise(host), start, end: start + hostEnd });
}

/** Runs of this many letters or digits may be a hash or a bitcoin address (`bc1` + 11 is the shortest). */
const LONG_ALNUM_RUN = 14;

/** What each ASCII character means to candidateStretches (anything else is an ordinary character). */
const OTHER = 0;
const SEPARATOR = 1;
const ALNUM = 2;
const MARK = 3;
const HYPHEN = 4;
const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  for (const code of [32, 10, 9, 13, 12, 11]) table[code] = SEPARATOR;
  for (let code = 48; code <= 57; code++) table[code] = ALNUM;
  for (let code = 65; code <= 90; code++) table[code] = ALNUM;
  for (let code = 97; code <= 122; code++) table[code] = ALNUM;
  for (const code of [46, 58, 64]) table[code] = MARK;
  table[45] = HYPHEN;
  return table;
})();

/**
 * The stretches of `text` that may hold a candidate, as [start, end) pairs. A candidate never
 * contains whitespace, and each kind needs a mark a plain word lacks: `.` or `@` (hosts, IPs,
 * e-mail, URLs), `:` (schemes, IPv6, ssdeep), `cve-`, or a long run of letters and digits (hashes,
 * bitcoin). Prose is mostly words without any of these, and skipping them in a plain loop is several
 * times faster than letting the candidate regex try every position. Stretches close together are
 * joined, so the regex runs once for a line of indicators.
 */
export function candidateStretches(text: string): number[] {
  const stretches: number[] = [];
  const length = text.length;
  let covered = 0;
  let nextDensityCheck = DENSITY_CHECK_CHARS;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (code === 160 || (code < 128 && CHAR_CLASS[code] === SEPARATOR)) {
      i++;
      continue;
    }
    const start = i;
    let promising = false;
    let alnumRun = 0;
    for (; i < length; i++) {
      code = text.charCodeAt(i);
      const kind = code < 128 ? CHAR_CLASS[code]! : code === 160 ? SEPARATOR : OTHER;
      if (kind === ALNUM) {
        if (++alnumRun >= LONG_ALNUM_RUN) promising = true;
        continue;
      }
      if (kind === SEPARATOR) break;
      alnumRun = 0;
      if (kind === MARK) promising = true;
      else if (
        kind === HYPHEN &&
        i >= 3 &&
        (text.charCodeAt(i - 1) | 32) === 101 &&
        (text.charCodeAt(i - 2) | 32) === 118 &&
        (text.charCodeAt(i - 3) | 32) === 99
      )
        promising = true; // `cve-`, in either case
    }
    if (!promising) continue;
    const last = stretches.length - 1;
    if (last > 0 && start - stretches[last]! <= STRETCH_JOIN_GAP) {
      covered += i - stretches[last]!;
      stretches[last] = i;
    } else {
      covered += i - start;
      stretches.push(start, i);
    }
    // An indicator list (hash tables, IOC dumps) is nearly all stretch: then the regex reads it all.
    if (i >= nextDensityCheck) {
      if (covered > DENSE_SHARE * i) return [0, length];
      nextDensityCheck = i + DENSITY_CHECK_CHARS;
    }
  }
  return stretches;
}

/** Past this share of promising text, looking for stretches costs more than it saves. */
const DENSE_SHARE = 0.6;
const DENSITY_CHECK_CHARS = 4096;

/** Stretches closer than this are scanned as one. */
const STRETCH_JOIN_GAP = 64;

/** Scans refanged text; offsets are in that text. */
function scanRefanged(text: string, edits: readonly RefangEdit[]): Found[] {
  const out: Found[] = [];
  const pattern = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  const stretches = candidateStretches(text);
  for (let s = 0; s < stretches.length; s += 2) {
    // The regex sees the text up to the stretch's end (so look-behinds see what precedes it, and
    // nothing after it can start a match) and starts where the stretch starts.
    const end = stretches[s + 1]!;
    const upToEnd = end === text.length ? text : text.slice(0, end);
    pattern.lastIndex = stretches[s]!;
    let match = pattern.exec(upToEnd);
    while (match !== null) {
      classifyCandidate(text, match, edits, out);
      match = pattern.exec(upToEnd);
    }
  }
  return out;
}

function classifyCandidate(
  text: string,
  match: RegExpExecArray,
  edits: readonly RefangEdit[],
  out: Found[],
): void {
  const start = match.index;
  const end = start + match[0].length;
  if (match[1] !== undefined) classifySchemeUrl(text, start, end, out);
  else if (match[2] !== undefined) {
    if (cve.validate(match[2])) out.push({ type: 'cve', value: cve.normalise(match[2]), start, end });
  } else if (match[3] !== undefined) classifyColonRun(text, start, end, out);
  else if (match[4] !== undefined) classifyHex(match[4], start, out);
  else if (match[5] !== undefined) {
    if (btc.validate(match[5])) out.push({ type: 'btc', value: btc.normalise(match[5]), start, end });
  } else classifyDottedRun(text, start, end, edits, out);
}

/** Every indicator occurrence in a text, in order, with offsets into that text. */
export function scanText(text: string): Occurrence[] {
  const refanged = refang(text);
  const found = scanRefanged(refanged.text, refanged.edits);
  const { edits } = refanged;
  return found.map((f) => {
    if (edits.length === 0) {
      return {
        type: f.type,
        value: f.value,
        original: text.slice(f.start, f.end),
        start: f.start,
        end: f.end,
        defanged: false,
      };
    }
    const start = originalStart(edits, f.start);
    const end = originalEnd(edits, f.end);
    return {
      type: f.type,
      value: f.value,
      original: text.slice(start, end),
      start,
      end,
      defanged: touchesEdit(edits, f.start, f.end),
    };
  });
}
