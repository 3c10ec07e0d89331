/**
 * The indicator scanner: one refang pass, one pass finding candidates (candidates.ts), then cheap
 * per-candidate validation. Synchronous and linear in the text length.
 */

import { BASE64_URL, BITCOIN, CandidateFinder, COLON_RUN, CVE_ID, HEX_RUN, SCHEME_URL } from './candidates';
import { btc } from './kinds/btc';
import { cidr } from './kinds/cidr';
import { cve } from './kinds/cve';
import { domain, forgetHostAnswers, hostInfo } from './kinds/domain';
import { email } from './kinds/email';
import { hashKindForLength } from './kinds/hashes';
import { ipv4 } from './kinds/ipv4';
import { ipv6 } from './kinds/ipv6';
import { ssdeep } from './kinds/ssdeep';
import { formatUrl, parseUrl, url } from './kinds/url';
import type { DecodedForm, IndicatorKind, IndicatorNote, Occurrence } from './model';
import { looksLikeNonDomain, unlikelyDomain, unlikelyEmail, unlikelyHash, VERSION_CONTEXT } from './noise';
import { OffsetMap, refang } from './refang';

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
    /** AS_WRITTEN when the value is the hit's characters themselves (scanText fills it in). */
    public value: string,
    public start: number,
    public end: number,
    readonly note?: IndicatorNote,
  ) {}
}

/**
 * A value that is its characters as written: most hashes and hosts are written in lower case, and
 * taking the original's characters spares the scanner a copy of each (it keeps tens of thousands).
 */
const AS_WRITTEN = '';

/** `AS_WRITTEN` when `s` has no capital letter, else `s` in lower case. */
function lowerOrAsWritten(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 65 && code <= 90) return s.toLowerCase();
  }
  return AS_WRITTEN;
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

/**
 * A hex run: a digest of a known length (one with a letter: all digits are a number), unless its
 * context says serial or GUID; or a hex-encoded URL. `letter` and `capital` come from the finder.
 */
function classifyHex(
  text: string,
  start: number,
  end: number,
  letter: boolean,
  capital: boolean,
  out: Found[],
): void {
  const spec = hashKindForLength(end - start);
  if (spec === null) {
    const decoded = decodeHexUrl(text.slice(start, end));
    if (decoded !== null) pushDecodedUrl(decoded, 'hex', start, end, out);
    return;
  }
  if (!letter) return;
  const unlikely = unlikelyHash(text, start);
  const value = capital ? text.slice(start, end).toLowerCase() : AS_WRITTEN;
  hit(out, spec.kind, value, start, end, unlikely === null ? undefined : { unlikely });
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
  let hostEnd = 0;
  let numeric = true;
  for (; hostEnd < run.length; hostEnd++) {
    const code = run.charCodeAt(hostEnd);
    if (code === 58 || code === 47 || code === 63 || code === 35) break; // : / ? #
    // Digits, dots and hyphens only: an address or a range of two.
    if (numeric && !((code >= 48 && code <= 57) || code === 46 || code === 45)) numeric = false;
  }
  const host = hostEnd === run.length ? run : run.slice(0, hostEnd);
  const rest = hostEnd === run.length ? '' : run.slice(hostEnd);
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

  const port = rest.charCodeAt(0) === 58 ? (/^:\d{1,5}/.exec(rest)?.[0] ?? '') : '';
  const path = rest.slice(port.length);
  // A path is only a path when it carries something (`evil.com/` is the host with a slash).
  const hasPath = path.length > 1 && (path[0] === '/' || path[0] === '?' || path[0] === '#');

  if (numeric && hostEnd > 0) {
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
  const value = wildcard ? domain.normalise(host) : lowerOrAsWritten(host);
  hit(out, 'domain', value, wildcard ? start - 2 : start, start + hostEnd, note);
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

/** Scans refanged text; offsets are in that text. */
function scanRefanged(text: string, offsets: OffsetMap): Found[] {
  const out: Found[] = [];
  const finder = new CandidateFinder(text);
  while (finder.next()) {
    const { start, end, shape } = finder;
    switch (shape) {
      case SCHEME_URL:
        classifySchemeUrl(text, start, end, out);
        break;
      case CVE_ID: {
        const id = text.slice(start, end);
        if (cve.validate(id)) hit(out, 'cve', cve.normalise(id), start, end);
        break;
      }
      case COLON_RUN:
        classifyColonRun(text, start, end, out);
        break;
      case HEX_RUN:
        classifyHex(text, start, end, finder.hexLetter, finder.hexCapital, out);
        break;
      case BITCOIN: {
        const address = text.slice(start, end);
        if (btc.validate(address)) hit(out, 'btc', btc.normalise(address), start, end);
        break;
      }
      case BASE64_URL:
        classifyBase64(text.slice(start, end), start, out);
        break;
      default: {
        const before = out.length;
        classifyDottedRun(text, start, end, offsets, out);
        // A dotted run that is nothing (`sample_<sha256>.bin`) may still hold a hash or a URL.
        if (out.length === before) finder.resumeAt(start + 1);
      }
    }
  }
  return out;
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
    hit.original = text.slice(start, end);
    if (hit.value === AS_WRITTEN)
      hit.value = hit.defanged ? refanged.slice(hit.start, hit.end) : hit.original;
    hit.start = start;
    hit.end = end;
  }
  return found;
}
