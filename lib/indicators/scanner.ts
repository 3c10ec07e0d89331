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
import type { DecodedForm, IndicatorKind, IndicatorNote, Occurrence } from './model';
import { looksLikeNonDomain, unlikelyDomain, unlikelyEmail, unlikelyHash, VERSION_CONTEXT } from './noise';
import { originalEnd, originalStart, type RefangEdit, refang, touchesEdit } from './refang';

// Not in a URL: spaces, quotes, angle brackets and their fullwidth and CJK forms (`＜evil.com＞`).
const URL_CHARS = String.raw`[^\s<>"'\u0060{}|\\^\u00a0\u2018\u2019\u201c\u201d\u00ab\u00bb\u3001\u3002\u300c\u300d\u300e\u300f\u3008\u3009\u300a\u300b\uff08\uff09\uff0c\uff1c\uff1e\uff3b\uff3d]`;
const SEP = String.raw`[-_ \u2010-\u2013]`;

/**
 * Candidate alternatives (one capture group each):
 * 1 URL with a scheme · 2 CVE · 3 colon run (IPv6, CIDR, ssdeep) · 4 hex run (hashes, hex-encoded URLs)
 * · 5 bitcoin · 6 base64-encoded URL · 7 dotted run (host, IPv4, e-mail, scheme-less URL, `*.` wildcard)
 * with optional port and path.
 */
export const CANDIDATE = new RegExp(
  [
    String.raw`(?<![a-z0-9.\-])((?:${URL_SCHEMES.map((s) => s.replace('+', '\\+')).join('|')})://${URL_CHARS}+)`,
    String.raw`(?<![\w\-])(cve${SEP}\d{4}${SEP}\d{4,7})(?!\d)`,
    String.raw`(?<![\w:./+])([0-9a-f]{0,10}:[0-9a-z/+:.]+)`,
    // A hash glued to a word is taken when the boundary is unambiguous: a letter that is no hex digit
    // (or `_`) on either side, and not `0x` before it.
    '(?<![0-9a-fx])([0-9a-f]{22,})(?![0-9a-f])',
    String.raw`(?<!\w)([13][1-9a-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})(?!\w)`,
    String.raw`(?<![\w+/])(aHR0c[a-z0-9+/]{9,}={0,2})(?![\w+/=])`,
    String.raw`(?<![\w.@%+\-])((?:\*\.)?\w[\w%+\-]*(?:[.@][\w%+\-]+)+(?::\d{1,5})?(?:[/?#]${URL_CHARS}*)?)`,
  ].join('|'),
  'gi',
);

const TRAILING_PUNCTUATION = '.,;:!?*\'"';
const CLOSER_TO_OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * Where a URL-ish run really ends: before a closer with no opener inside the run (`(see
 * http://x/a_(b))` keeps `a_(b)`), before a square bracket past the host (AsciiDoc's
 * `url[see here]`; a URL writes `[` percent-encoded), before markdown's `](`, before HTML entities,
 * and before trailing sentence punctuation and a closing `+` (AsciiDoc's `+url+`). A `?` is kept when
 * the run is alone on its line (IOC lists write `p.php?`), never a `??` run.
 */
function trimRunEnd(text: string, start: number, end: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40) depth++;
    else if (ch === 91) {
      // `http://[2001:db8::1]/` brackets its host.
      if (text.charCodeAt(i - 1) !== 47 || text.charCodeAt(i - 2) !== 47) {
        end = i;
        break;
      }
      depth++;
    } else if (ch === 41 || ch === 93) {
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
    if (last === '?' && aloneOnLine && end - 1 > start && text[end - 2] !== '?' && text[end] !== '?') break;
    if (TRAILING_PUNCTUATION.includes(last)) {
      end--;
      continue;
    }
    if (last === '+' && text[end - 2] !== '+') {
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

interface Found {
  readonly type: IndicatorKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly note?: IndicatorNote;
}

const HEX_LETTER = /[a-f]/i;

/** A hex run: a digest of a known length (unless its context says serial or GUID), or a hex-encoded URL. */
function classifyHex(text: string, run: string, start: number, out: Found[]): void {
  const spec = hashKindForLength(run.length);
  // An all-digit run is a number, not a digest.
  if (spec !== null && HEX_LETTER.test(run)) {
    const unlikely = unlikelyHash(text, start);
    out.push({
      type: spec.kind,
      value: run.toLowerCase(),
      start,
      end: start + run.length,
      ...(unlikely === null ? {} : { note: { unlikely } }),
    });
    return;
  }
  const decoded = decodeHexUrl(run);
  if (decoded !== null) pushDecodedUrl(decoded, 'hex', start, start + run.length, out);
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
    if (!cidr.validate(run)) return;
    const value = cidr.normalise(run);
    // `2001:db8::1/128` is one address.
    if (value.endsWith('/128')) out.push({ type: 'ipv6', value: value.slice(0, -4), start, end });
    else out.push({ type: 'cidr', value, start, end });
    return;
  }
  if (!ipv6.validate(run)) return;
  // A zone (`fe80::1%eth0`) stays in the original; the value is the address.
  const zone = /^%[\w.-]{1,32}/.exec(text.slice(end, end + 34));
  out.push({ type: 'ipv6', value: ipv6.normalise(run), start, end: end + (zone?.[0].length ?? 0) });
}

function classifySchemeUrl(text: string, start: number, end: number, out: Found[]): void {
  end = trimRunEnd(text, start, end);
  const candidate = text.slice(start, end);
  if (!url.validate(candidate)) return;
  out.push({ type: 'url', value: url.normalise(candidate), start, end });
  nestedUrls(candidate, start, out);
}

const PERCENT_SCHEME = /(?:https?|ftp)%3a%2f%2f/gi;

/**
 * URLs inside another URL's query: percent-encoded (`?u=https%3A%2F%2Fevil.example%2Fa`, extracted
 * decoded) or plain (`?url=https://evil.example/a`). Each ends at the next `&`.
 */
function nestedUrls(outer: string, offset: number, out: Found[]): void {
  const query = outer.indexOf('?');
  if (query < 0) return;
  if (outer.indexOf('%3', query) >= 0) {
    PERCENT_SCHEME.lastIndex = query;
    for (let m = PERCENT_SCHEME.exec(outer); m !== null; m = PERCENT_SCHEME.exec(outer)) {
      let stop = outer.indexOf('&', m.index);
      if (stop < 0) stop = outer.length;
      let decoded: string;
      try {
        decoded = decodeURIComponent(outer.slice(m.index, stop));
      } catch {
        continue;
      }
      pushDecodedUrl(decoded, 'percent', offset + m.index, offset + stop, out);
      PERCENT_SCHEME.lastIndex = stop;
    }
  }
  for (let at = outer.indexOf('://', query); at >= 0; at = outer.indexOf('://', at + 3)) {
    let begin = at;
    while (begin > query && /[a-z]/i.test(outer[begin - 1]!)) begin--;
    if (begin === at || outer[begin - 1] !== '=') continue;
    let stop = outer.indexOf('&', at);
    if (stop < 0) stop = outer.length;
    const inner = outer.slice(begin, stop);
    if (url.validate(inner))
      out.push({ type: 'url', value: url.normalise(inner), start: offset + begin, end: offset + stop });
  }
}

/** A decoded text is a URL when it starts with a scheme and a valid host; what follows the URL is cut. */
function pushDecodedUrl(decoded: string, form: DecodedForm, start: number, end: number, out: Found[]): void {
  // Printable ASCII but for space, quotes and angle brackets.
  const stop = decoded.search(/[^!#-&(-;=?-~]/);
  const candidate = stop < 0 ? decoded : decoded.slice(0, stop);
  if (!/^(?:https?|ftp):\/\//i.test(candidate)) return;
  const trimmed = candidate.slice(0, trimRunEnd(candidate, 0, candidate.length));
  if (!url.validate(trimmed)) return;
  out.push({ type: 'url', value: url.normalise(trimmed), start, end, note: { decoded: form } });
}

function decodeHexUrl(run: string): string | null {
  // `http` in hex; only then is the run worth decoding.
  if (!/^68747470/i.test(run)) return null;
  let decoded = '';
  for (let i = 0; i + 1 < run.length; i += 2)
    decoded += String.fromCharCode(Number.parseInt(run.slice(i, i + 2), 16));
  return decoded;
}

function classifyBase64(run: string, start: number, out: Found[]): void {
  let decoded: string;
  try {
    // Without its padding; a lone sixth bit at the end cannot be decoded and carries nothing.
    const body = run.replace(/=+$/, '');
    decoded = atob(body.length % 4 === 1 ? body.slice(0, -1) : body);
  } catch {
    return;
  }
  pushDecodedUrl(decoded, 'base64', start, start + run.length, out);
}

const IPV4_RANGE = /^(\d{1,3}(?:\.\d{1,3}){3})-(\d{1,3}(?:\.\d{1,3}){3})$/;

/** Host, IPv4, e-mail or scheme-less URL: the dotted run plus what follows it. */
function classifyDottedRun(
  text: string,
  start: number,
  rawEnd: number,
  edits: readonly RefangEdit[],
  out: Found[],
): void {
  let wildcard = false;
  if (text.charCodeAt(start) === 42) {
    wildcard = true;
    start += 2;
  }
  const end = trimRunEnd(text, start, rawEnd);
  const run = text.slice(start, end);
  let hostEnd = run.search(/[:/?#]/);
  if (hostEnd < 0) hostEnd = run.length;
  const host = run.slice(0, hostEnd);
  const rest = run.slice(hostEnd);
  const defanged = edits.length > 0 && touchesEdit(edits, start, end);

  if (host.includes('@')) {
    if (email.validate(host)) {
      const unlikely = defanged ? null : unlikelyEmail(host);
      out.push({
        type: 'email',
        value: email.normalise(host),
        start,
        end: start + hostEnd,
        ...(unlikely === null ? {} : { note: { unlikely } }),
      });
    }
    return;
  }

  const port = /^:\d{1,5}/.exec(rest)?.[0] ?? '';
  const path = rest.slice(port.length);
  // A path is only a path when it carries something (`evil.com/` is the host with a slash).
  const hasPath = path.length > 1 && (path[0] === '/' || path[0] === '?' || path[0] === '#');

  if (/^[\d.-]+$/.test(host)) {
    classifyNumeric(text, start, end, host, port, path, hasPath, defanged, out);
    return;
  }

  const info = hostInfo(host);
  if (info === null) return;
  if (!defanged && looksLikeNonDomain(text, start, host, info.tld, port !== '' || hasPath)) return;
  if (!wildcard && hasPath && url.validate(run)) {
    out.push({ type: 'url', value: url.normalise(run), start, end });
    return;
  }
  const unlikely = defanged || port !== '' || hasPath ? null : unlikelyDomain(text, start, host, info.tld);
  const note: IndicatorNote | undefined = wildcard
    ? { wildcard: true }
    : unlikely === null
      ? undefined
      : { unlikely };
  out.push({
    type: 'domain',
    value: domain.normalise(host),
    start: wildcard ? start - 2 : start,
    end: start + hostEnd,
    ...(note === undefined ? {} : { note }),
  });
}

/** A run of digits, dots and hyphens: an IPv4 address, a range of two, a CIDR or an IP's URL. */
function classifyNumeric(
  text: string,
  start: number,
  end: number,
  host: string,
  port: string,
  path: string,
  hasPath: boolean,
  defanged: boolean,
  out: Found[],
): void {
  const range = IPV4_RANGE.exec(host);
  if (range !== null) {
    // `10.0.0.1-10.0.0.9`: both ends are addresses.
    const [, first, last] = range as unknown as [string, string, string];
    if (ipv4.validate(first) && ipv4.validate(last)) {
      out.push({ type: 'ipv4', value: ipv4.normalise(first), start, end: start + first.length });
      const lastStart = start + first.length + 1;
      out.push({ type: 'ipv4', value: ipv4.normalise(last), start: lastStart, end: lastStart + last.length });
    }
    return;
  }
  if (!ipv4.detect(host) || !ipv4.validate(host)) return;
  if (!defanged && VERSION_CONTEXT.test(text.slice(Math.max(0, start - 12), start))) return;
  const hostEnd = start + host.length;
  if (port === '' && /^\/\d{1,2}$/.test(path)) {
    const run = text.slice(start, end);
    if (!cidr.validate(run)) return;
    const value = cidr.normalise(run);
    // `1.2.3.4/32` is one address.
    if (value.endsWith('/32')) out.push({ type: 'ipv4', value: value.slice(0, -3), start, end });
    else out.push({ type: 'cidr', value, start, end });
    return;
  }
  if (hasPath && path[0] === '/') {
    out.push({ type: 'url', value: url.normalise(text.slice(start, end)), start, end });
    return;
  }
  // `user@[192.0.2.1]`: an e-mail address with an address literal.
  if (
    text.charCodeAt(start - 1) === 91 &&
    text.charCodeAt(start - 2) === 64 &&
    text.charCodeAt(hostEnd) === 93
  ) {
    let local = start - 2;
    while (local > 0 && /[\w.%+-]/.test(text[local - 1]!)) local--;
    const address = text.slice(local, hostEnd + 1);
    if (local < start - 2 && email.validate(address)) {
      out.push({ type: 'email', value: email.normalise(address), start: local, end: hostEnd + 1 });
      return;
    }
  }
  out.push({ type: 'ipv4', value: ipv4.normalise(host), start, end: hostEnd });
}

/** Runs of this many letters or digits may be a hash or a bitcoin address (`bc1` + 11 is the shortest). */
const LONG_ALNUM_RUN = 14;

/** What each ASCII character means to candidateStretches (anything else is an ordinary character). */
const OTHER = 0;
const SEPARATOR = 1;
const ALNUM = 2;
const MARK = 3;
/** `+` and `/`: base64 characters, so they do not end a run of letters and digits. */
const BASE64 = 4;
const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  for (const code of [32, 10, 9, 13, 12, 11]) table[code] = SEPARATOR;
  for (let code = 48; code <= 57; code++) table[code] = ALNUM;
  for (let code = 65; code <= 90; code++) table[code] = ALNUM;
  for (let code = 97; code <= 122; code++) table[code] = ALNUM;
  for (const code of [46, 58, 64]) table[code] = MARK;
  table[43] = BASE64;
  table[47] = BASE64;
  return table;
})();

/** Whether the three characters before `i` spell `cve`, in any case. */
function cveBefore(text: string, i: number): boolean {
  return (
    (text.charCodeAt(i - 1) | 32) === 101 &&
    (text.charCodeAt(i - 2) | 32) === 118 &&
    (text.charCodeAt(i - 3) | 32) === 99
  );
}

/**
 * The stretches of `text` that may hold a candidate, as [start, end) pairs. A candidate never
 * contains whitespace (but for `CVE 2021 1234`), and each kind needs a mark a plain word lacks: `.`
 * or `@` (hosts, IPs, e-mail, URLs), `:` (schemes, IPv6, ssdeep), `cve` and a separator, or a long
 * run of letters and digits (hashes, bitcoin, base64). Prose is mostly words without any of these,
 * and skipping them in a plain loop is several times faster than letting the candidate regex try
 * every position. Stretches close together are joined, so the regex runs once for a line of
 * indicators.
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
    // Spaces a `CVE 2021 1234` may still cross.
    let bridge = 0;
    for (; i < length; i++) {
      code = text.charCodeAt(i);
      const kind = code < 128 ? CHAR_CLASS[code]! : code === 160 ? SEPARATOR : OTHER;
      if (kind === ALNUM) {
        if (++alnumRun >= LONG_ALNUM_RUN) promising = true;
        continue;
      }
      if (alnumRun === 3 && cveBefore(text, i)) {
        promising = true;
        if (code === 32) bridge = 2;
      }
      if (kind === SEPARATOR) {
        if (code !== 32 || bridge === 0) break;
        bridge--;
        alnumRun = 0;
        continue;
      }
      if (kind === BASE64) continue;
      alnumRun = 0;
      if (kind === MARK) promising = true;
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
      const before = out.length;
      classifyCandidate(text, match, edits, out);
      // A dotted run that is nothing (`sample_<sha256>.bin`) may still hold a hash or a URL.
      if (out.length === before && match[7] !== undefined) pattern.lastIndex = match.index + 1;
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
  else if (match[4] !== undefined) classifyHex(text, match[4], start, out);
  else if (match[5] !== undefined) {
    if (btc.validate(match[5])) out.push({ type: 'btc', value: btc.normalise(match[5]), start, end });
  } else if (match[6] !== undefined) classifyBase64(match[6], start, out);
  else classifyDottedRun(text, start, end, edits, out);
}

/** Every indicator occurrence in a text, in order, with offsets into that text. */
export function scanText(text: string): Occurrence[] {
  const { text: refanged, edits } = refang(text);
  const found = scanRefanged(refanged, edits);
  const occurrences: Occurrence[] = new Array(found.length);
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const start = edits.length === 0 ? f.start : originalStart(edits, f.start);
    const end = edits.length === 0 ? f.end : originalEnd(edits, f.end);
    occurrences[i] = {
      type: f.type,
      value: f.value,
      original: text.slice(start, end),
      start,
      end,
      defanged: edits.length > 0 && touchesEdit(edits, f.start, f.end),
      ...(f.note === undefined ? {} : { note: f.note }),
    };
  }
  return occurrences;
}
