/**
 * The indicator scanner: one refang pass, one candidate-regex pass, then cheap per-candidate
 * validation. Synchronous and linear in the text length (no nested quantifiers; every candidate
 * start is anchored by a one-character look-behind, so a failed attempt never rescans a word).
 */

import { btc } from './kinds/btc';
import { cidr } from './kinds/cidr';
import { cve } from './kinds/cve';
import { domain, forgetHostAnswers, hostInfo } from './kinds/domain';
import { email } from './kinds/email';
import { hashKindForLength } from './kinds/hashes';
import { ipv4 } from './kinds/ipv4';
import { ipv6 } from './kinds/ipv6';
import { ssdeep } from './kinds/ssdeep';
import { formatUrl, parseUrl, URL_SCHEMES, url } from './kinds/url';
import type { DecodedForm, IndicatorKind, IndicatorNote, Occurrence } from './model';
import { looksLikeNonDomain, unlikelyDomain, unlikelyEmail, unlikelyHash, VERSION_CONTEXT } from './noise';
import { OffsetMap, refang } from './refang';

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
  const aloneOnLine = lineEndsAt(text, end) && lineStartsAt(text, start);
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

function lineEndsAt(text: string, end: number): boolean {
  for (let i = end; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return true;
    if (ch !== 32 && ch !== 9) return false;
  }
  return true;
}

function lineStartsAt(text: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch === '\n') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '-' && ch !== '*' && ch !== '>') return false;
  }
  return true;
}

/** What a classifier found, in refanged offsets; scanText turns it into its Occurrence in place. */
class Found implements Occurrence {
  original = '';
  defanged = false;
  constructor(
    readonly type: IndicatorKind,
    readonly value: string,
    public start: number,
    public end: number,
    readonly note?: IndicatorNote,
  ) {}
}

/** Records a hit (one shape for every hit, so the scanner's loops stay monomorphic). */
function hit(
  out: Found[],
  type: IndicatorKind,
  value: string,
  start: number,
  end: number,
  note?: IndicatorNote,
): void {
  out.push(new Found(type, value, start, end, note));
}

const HEX_LETTER = /[a-f]/i;

/** A hex run: a digest of a known length, or a hex-encoded URL. */
function classifyHex(text: string, run: string, start: number, out: Found[]): void {
  // An all-digit run is a number, not a digest.
  if (hashKindForLength(run.length) !== null && HEX_LETTER.test(run)) {
    pushDigest(text, run, start, out);
    return;
  }
  const decoded = decodeHexUrl(run);
  if (decoded !== null) pushDecodedUrl(decoded, 'hex', start, start + run.length, out);
}

/** A digest (a hex run of a hash's length with a letter), unless its context says serial or GUID. */
function pushDigest(text: string, run: string, start: number, out: Found[]): void {
  const type = hashKindForLength(run.length)!.kind;
  const unlikely = unlikelyHash(text, start);
  const value = run.toLowerCase();
  const end = start + run.length;
  hit(out, type, value, start, end, unlikely === null ? undefined : { unlikely });
}

function classifyColonRun(text: string, start: number, end: number, out: Found[]): void {
  // Strip punctuation a sentence may add (`::1.` or `fe80::1:`).
  while (end > start && ':.'.includes(text[end - 1]!)) end--;
  const run = text.slice(start, end);
  if (ssdeep.detect(run)) {
    if (ssdeep.validate(run)) hit(out, 'ssdeep', run, start, end);
    return;
  }
  if (run.includes('/')) {
    if (!cidr.validate(run)) return;
    const value = cidr.normalise(run);
    // `2001:db8::1/128` is one address.
    if (value.endsWith('/128')) hit(out, 'ipv6', value.slice(0, -4), start, end);
    else hit(out, 'cidr', value, start, end);
    return;
  }
  if (!ipv6.validate(run)) return;
  // A zone (`fe80::1%eth0`) stays in the original; the value is the address.
  const zone = /^%[\w.-]{1,32}/.exec(text.slice(end, end + 34));
  hit(out, 'ipv6', ipv6.normalise(run), start, end + (zone?.[0].length ?? 0));
}

function classifySchemeUrl(text: string, start: number, end: number, out: Found[]): void {
  end = trimRunEnd(text, start, end);
  const candidate = text.slice(start, end);
  const parts = parseUrl(candidate);
  if (parts === null) return;
  hit(out, 'url', formatUrl(parts), start, end);
  if (parts.rest.includes('?')) nestedUrls(candidate, start, out);
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
    if (url.validate(inner)) hit(out, 'url', url.normalise(inner), offset + begin, offset + stop);
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
  hit(out, 'url', url.normalise(trimmed), start, end, { decoded: form });
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
  offsets: OffsetMap,
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
  const defanged = offsets.touches(start, end);

  if (host.includes('@')) {
    if (email.validate(host)) {
      const unlikely = defanged ? null : unlikelyEmail(host);
      hit(
        out,
        'email',
        email.normalise(host),
        start,
        start + hostEnd,
        unlikely === null ? undefined : { unlikely },
      );
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
  const parts = !wildcard && hasPath ? parseUrl(run) : null;
  if (parts !== null) {
    hit(out, 'url', formatUrl(parts), start, end);
    return;
  }
  const unlikely = defanged || port !== '' || hasPath ? null : unlikelyDomain(text, start, host, info.tld);
  const note: IndicatorNote | undefined = wildcard
    ? { wildcard: true }
    : unlikely === null
      ? undefined
      : { unlikely };
  hit(out, 'domain', domain.normalise(host), wildcard ? start - 2 : start, start + hostEnd, note);
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
      hit(out, 'ipv4', ipv4.normalise(first), start, start + first.length);
      const lastStart = start + first.length + 1;
      hit(out, 'ipv4', ipv4.normalise(last), lastStart, lastStart + last.length);
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
    if (value.endsWith('/32')) hit(out, 'ipv4', value.slice(0, -3), start, end);
    else hit(out, 'cidr', value, start, end);
    return;
  }
  if (hasPath && path[0] === '/') {
    hit(out, 'url', url.normalise(text.slice(start, end)), start, end);
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
      hit(out, 'email', email.normalise(address), local, hostEnd + 1);
      return;
    }
  }
  hit(out, 'ipv4', ipv4.normalise(host), start, hostEnd);
}

/** Runs of this many letters or digits may be a hash or a bitcoin address (`bc1` + 11 is the shortest). */
const LONG_ALNUM_RUN = 14;

/** What each ASCII character is to candidateStretches, as bits (anything else is an ordinary character). */
const SEPARATOR = 1;
const ALNUM = 2;
/** A hex digit; with HEX_LETTER for `a`–`f`. */
const HEX = 4;
const HEX_LETTER_BIT = 8;
const MARK = 16;
/** `+` and `/`: base64 characters, so they do not end a run of letters and digits. */
const BASE64 = 32;
const CHAR_BITS = (() => {
  const table = new Uint8Array(128);
  for (const code of [32, 10, 9, 13, 12, 11]) table[code] = SEPARATOR;
  for (let code = 48; code <= 57; code++) table[code] = ALNUM | HEX;
  for (let code = 65; code <= 90; code++) table[code] = ALNUM;
  for (let code = 97; code <= 122; code++) table[code] = ALNUM;
  for (const ch of 'abcdefABCDEF') table[ch.charCodeAt(0)] = ALNUM | HEX | HEX_LETTER_BIT;
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

/** A stretch the candidate regex must read. */
export const REGEX_STRETCH = 0;
/**
 * A token that is a whole hex digest: 32, 40, 64 or 128 hex digits with at least one letter between
 * separators (all digits are a number).
 */
export const DIGEST_TOKEN = 1;

function isDigestLength(length: number): boolean {
  return length === 64 || length === 32 || length === 40 || length === 128;
}

/**
 * The stretches of `text` that may hold a candidate, as [start, end, kind) triples in order. A
 * candidate never contains whitespace (but for `CVE 2021 1234`), and each kind needs a mark a plain
 * word lacks: `.` or `@` (hosts, IPs, e-mail, URLs), `:` (schemes, IPv6, ssdeep), `cve` and a
 * separator, or a long run of letters and digits (hashes, bitcoin, base64). Prose is mostly words
 * without any of these, and skipping them in a plain loop is several times faster than letting the
 * candidate regex try every position. A token that is a whole digest (hash lists are most of an
 * appendix) is given as DIGEST_TOKEN: the regex would take it whole, so it need not run. Regex
 * stretches close together are joined, so the regex runs once for a line of indicators.
 */
export function candidateStretches(text: string): number[] {
  const stretches: number[] = [];
  const length = text.length;
  let covered = 0;
  let nextDensityCheck = DENSITY_CHECK_CHARS;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (code < 128 ? CHAR_BITS[code] === SEPARATOR : code === 160) {
      i++;
      continue;
    }
    const start = i;
    let promising = false;
    // AND of every character's bits (HEX stays only if all are hex digits), OR for a hex letter.
    let all = 0xff;
    let any = 0;
    let alnumRun = 0;
    // Spaces a `CVE 2021 1234` may still cross.
    let bridge = 0;
    for (; i < length; i++) {
      code = text.charCodeAt(i);
      const bits = code < 128 ? CHAR_BITS[code]! : code === 160 ? SEPARATOR : 0;
      if ((bits & ALNUM) !== 0) {
        all &= bits;
        any |= bits;
        if (++alnumRun >= LONG_ALNUM_RUN) promising = true;
        continue;
      }
      if (alnumRun === 3 && cveBefore(text, i)) {
        promising = true;
        if (code === 32) bridge = 2;
      }
      if (bits === SEPARATOR) {
        if (code !== 32 || bridge === 0) break;
        bridge--;
        alnumRun = 0;
        all = 0;
        continue;
      }
      all = 0;
      if (bits === BASE64) continue;
      alnumRun = 0;
      if (bits === MARK) promising = true;
    }
    if (!promising) continue;
    if ((all & HEX) !== 0 && (any & HEX_LETTER_BIT) !== 0 && isDigestLength(i - start)) {
      stretches.push(start, i, DIGEST_TOKEN);
      continue;
    }
    const last = stretches.length - 3;
    if (
      last >= 0 &&
      stretches[last + 2] === REGEX_STRETCH &&
      start - stretches[last + 1]! <= STRETCH_JOIN_GAP
    ) {
      covered += i - stretches[last + 1]!;
      stretches[last + 1] = i;
    } else {
      covered += i - start;
      stretches.push(start, i, REGEX_STRETCH);
    }
    // An indicator list (IOC dumps) is nearly all stretch: then the regex reads it all.
    if (i >= nextDensityCheck) {
      if (covered > DENSE_SHARE * i) return [0, length, REGEX_STRETCH];
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
function scanRefanged(text: string, offsets: OffsetMap): Found[] {
  const out: Found[] = [];
  const pattern = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  const stretches = candidateStretches(text);
  for (let s = 0; s < stretches.length; s += 3) {
    const start = stretches[s]!;
    const end = stretches[s + 1]!;
    if (stretches[s + 2] === DIGEST_TOKEN) {
      pushDigest(text, text.slice(start, end), start, out);
      continue;
    }
    // The regex sees the text up to the stretch's end (so look-behinds see what precedes it, and
    // nothing after it can start a match) and starts where the stretch starts.
    const upToEnd = end === text.length ? text : text.slice(0, end);
    pattern.lastIndex = start;
    let match = pattern.exec(upToEnd);
    while (match !== null) {
      const before = out.length;
      classifyCandidate(text, match, offsets, out);
      // A dotted run that is nothing (`sample_<sha256>.bin`) may still hold a hash or a URL.
      if (out.length === before && match[7] !== undefined) pattern.lastIndex = match.index + 1;
      match = pattern.exec(upToEnd);
    }
  }
  return out;
}

function classifyCandidate(text: string, match: RegExpExecArray, offsets: OffsetMap, out: Found[]): void {
  const start = match.index;
  const end = start + match[0].length;
  if (match[1] !== undefined) classifySchemeUrl(text, start, end, out);
  else if (match[2] !== undefined) {
    if (cve.validate(match[2])) hit(out, 'cve', cve.normalise(match[2]), start, end);
  } else if (match[3] !== undefined) classifyColonRun(text, start, end, out);
  else if (match[4] !== undefined) classifyHex(text, match[4], start, out);
  else if (match[5] !== undefined) {
    if (btc.validate(match[5])) hit(out, 'btc', btc.normalise(match[5]), start, end);
  } else if (match[6] !== undefined) classifyBase64(match[6], start, out);
  else classifyDottedRun(text, start, end, offsets, out);
}

/** Every indicator occurrence in a text, in order, with offsets into that text. */
export function scanText(text: string): Occurrence[] {
  const { text: refanged, edits } = refang(text);
  forgetHostAnswers();
  const found = scanRefanged(refanged, new OffsetMap(edits));
  forgetHostAnswers();
  // Each hit becomes its occurrence in place: offsets into the original text, its characters there.
  const offsets = new OffsetMap(edits);
  for (const hit of found) {
    const start = offsets.originalStart(hit.start);
    const end = offsets.originalEnd(hit.end);
    hit.defanged = offsets.touches(hit.start, hit.end);
    hit.start = start;
    hit.end = end;
    hit.original = text.slice(start, end);
  }
  return found;
}
