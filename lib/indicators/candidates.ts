/**
 * Where candidates stand in a (refanged) text, in one pass of plain character tests: no regex, no
 * allocation. Seven shapes, tried in this order at each position where one may start; the first that
 * matches is the candidate and the search goes on after it (candidates.test-support.ts has the same
 * shapes as one regular expression, which the tests hold this to):
 *
 * 1 URL with a scheme · 2 CVE · 3 colon run (IPv6, CIDR, ssdeep) · 4 hex run (hashes, hex-encoded
 * URLs) · 5 bitcoin · 6 base64-encoded URL · 7 dotted run (host, IPv4, e-mail, scheme-less URL, `*.`
 * wildcard) with optional port and path.
 *
 * Every shape must start after a character of a given set (a word start, mostly), so inside a word
 * only two checks remain (a hex run glued after a letter, a scheme after `_`). Each step moves
 * forward: linear in the text's length.
 */
import { URL_SCHEMES } from './kinds/url';

export const SCHEME_URL = 1;
export const CVE_ID = 2;
export const COLON_RUN = 3;
export const HEX_RUN = 4;
export const BITCOIN = 5;
export const BASE64_URL = 6;
export const DOTTED_RUN = 7;
export type CandidateShape = 1 | 2 | 3 | 4 | 5 | 6 | 7;

// Character classes, as bits (ASCII only; see the helpers for the rest).
const WORD = 1; // \w
const HEX = 2; // [0-9a-f], either case
const LETTER = 4; // [a-z], either case
const DIGIT = 8;
const URL_CHAR = 16; // may stand in a URL
const COLON_RUN_CHAR = 32; // [0-9a-z/+:.]
const START = 64; // may start a shape: \w, `:` or `*`

const BITS = (() => {
  const table = new Uint8Array(128);
  // Everything but JavaScript's `\s` and the characters below may stand in a URL, controls too.
  for (let code = 0; code < 128; code++) if (code < 9 || (code > 13 && code !== 32)) table[code] = URL_CHAR;
  for (const ch of '<>"\'`{}|\\^') table[ch.charCodeAt(0)] = 0;
  for (let code = 48; code <= 57; code++) table[code]! |= WORD | HEX | DIGIT | COLON_RUN_CHAR | START;
  for (let code = 65; code <= 90; code++) {
    table[code]! |= WORD | LETTER | COLON_RUN_CHAR | START;
    table[code + 32]! |= WORD | LETTER | COLON_RUN_CHAR | START;
  }
  for (const ch of 'abcdefABCDEF') table[ch.charCodeAt(0)]! |= HEX;
  table[95]! |= WORD | START; // _
  for (const ch of '/+:.') table[ch.charCodeAt(0)]! |= COLON_RUN_CHAR;
  table[58]! |= START; // :
  table[42]! |= START; // *
  return table;
})();

/** Non-ASCII characters that end a URL: JavaScript's `\s`, quotes, and fullwidth or CJK brackets and punctuation. */
const NOT_IN_URL: ReadonlySet<number> = new Set(
  [
    0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff, 0x2018, 0x2019, 0x201c, 0x201d, 0xab, 0xbb,
    0x3001, 0x3002, 0x300c, 0x300d, 0x300e, 0x300f, 0x3008, 0x3009, 0x300a, 0x300b, 0xff08, 0xff09, 0xff0c,
    0xff1c, 0xff1e, 0xff3b, 0xff3d,
  ].concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i)),
);

/** The class bits of a character code (0 past either end of the text, where charCodeAt gives NaN or we pass -1). */
function bits(code: number): number {
  return code >= 0 && code < 128 ? BITS[code]! : 0;
}

function isUrlChar(code: number): boolean {
  return code < 128 ? (BITS[code]! & URL_CHAR) !== 0 : !NOT_IN_URL.has(code);
}

/** `[a-z0-9.\-]`, either case: what may not come before a scheme. */
function blocksScheme(code: number): boolean {
  const b = bits(code);
  return ((b & WORD) !== 0 && code !== 95) || code === 46 || code === 45;
}

const SCHEMES: ReadonlySet<string> = new Set(URL_SCHEMES);
const LONGEST_SCHEME = Math.max(...URL_SCHEMES.map((s) => s.length));

/** `[-_ \u2010-\u2013]`: what may separate a CVE id's parts. */
function isCveSeparator(code: number): boolean {
  return code === 45 || code === 95 || code === 32 || (code >= 0x2010 && code <= 0x2013);
}

/** Base58 for legacy addresses: `[1-9a-z]`, either case. */
function isBase58ish(code: number): boolean {
  return (bits(code) & (LETTER | DIGIT)) !== 0 && code !== 48;
}

/** The bech32 alphabet, either case: `[02-9ac-hj-np-z]`. */
function isBech32(code: number): boolean {
  const lower = code | 32;
  if (code >= 48 && code <= 57) return code !== 49;
  return lower >= 97 && lower <= 122 && lower !== 98 && lower !== 105 && lower !== 111;
}

function isBase64(code: number): boolean {
  return (bits(code) & (LETTER | DIGIT)) !== 0 || code === 43 || code === 47;
}

/** `[\w%+\-]`: what makes up a dotted run's labels. */
function isLabel(code: number): boolean {
  return (bits(code) & WORD) !== 0 || code === 37 || code === 43 || code === 45;
}

/** Finds candidates one after the other: `next()` moves to the next one and sets start, end and shape. */
export class CandidateFinder {
  start = 0;
  end = 0;
  shape: CandidateShape = DOTTED_RUN;
  /** For a hex run: whether it has a letter (`a`–`f`) and whether one is a capital. */
  hexLetter = false;
  hexCapital = false;
  private position = 0;
  /** Where the next `://` is, at or after `position` (-1: none left), found lazily. */
  private schemeSeparator = -2;

  constructor(private readonly text: string) {}

  /** Goes on searching at `position` (after a dotted run that turned out to be nothing). */
  resumeAt(position: number): void {
    this.position = position;
  }

  next(): boolean {
    const { text } = this;
    const length = text.length;
    let p = this.position;
    let prev = p > 0 ? text.charCodeAt(p - 1) : -1;
    for (; p < length; p++) {
      const code = text.charCodeAt(p);
      const b = bits(code);
      if ((b & START) !== 0) {
        let end = -1;
        const prevBits = bits(prev);
        if ((prevBits & WORD) !== 0) {
          // Inside a word: a scheme after `_`, a hex run after a letter that is no hex digit.
          if (prev === 95 && (b & LETTER) !== 0) end = this.schemeUrl(p);
          if (end < 0 && (b & HEX) !== 0 && (prevBits & HEX) === 0 && (prev | 32) !== 120)
            end = this.hexRun(p);
        } else {
          end = this.atWordStart(p, code, b, prev, prevBits);
        }
        if (end >= 0) {
          this.start = p;
          this.end = end;
          this.position = end;
          return true;
        }
      }
      prev = code;
    }
    this.position = length;
    return false;
  }

  /** Every shape in order at `p`, which follows no word character. Sets `shape`; returns the end or -1. */
  private atWordStart(p: number, code: number, b: number, prev: number, prevBits: number): number {
    let end: number;
    if ((b & LETTER) !== 0 && !blocksScheme(prev)) {
      end = this.schemeUrl(p);
      if (end >= 0) return end;
    }
    if ((code | 32) === 99 && prev !== 45) {
      end = this.cve(p);
      if (end >= 0) return end;
    }
    if (((b & HEX) !== 0 || code === 58) && prev !== 58 && prev !== 46 && prev !== 47 && prev !== 43) {
      end = this.colonRun(p);
      if (end >= 0) return end;
    }
    if ((b & HEX) !== 0 && (prevBits & HEX) === 0 && (prev | 32) !== 120) {
      end = this.hexRun(p);
      if (end >= 0) return end;
    }
    if (code === 49 || code === 51 || (code | 32) === 98) {
      end = this.bitcoin(p, code);
      if (end >= 0) return end;
    }
    if ((code | 32) === 97 && prev !== 43 && prev !== 47) {
      end = this.base64Url(p);
      if (end >= 0) return end;
    }
    if (prev !== 46 && prev !== 64 && prev !== 37 && prev !== 43 && prev !== 45) {
      end = this.dottedRun(p, code);
      if (end >= 0) return end;
    }
    return -1;
  }

  private schemeUrl(p: number): number {
    const { text } = this;
    if (this.schemeSeparator !== -1 && this.schemeSeparator < p)
      this.schemeSeparator = text.indexOf('://', p);
    const separator = this.schemeSeparator;
    if (separator < 0 || separator - p > LONGEST_SCHEME || separator === p) return -1;
    if (!SCHEMES.has(text.slice(p, separator).toLowerCase())) return -1;
    let end = separator + 3;
    while (end < text.length && isUrlChar(text.charCodeAt(end))) end++;
    if (end === separator + 3) return -1;
    this.shape = SCHEME_URL;
    return end;
  }

  private cve(p: number): number {
    const { text } = this;
    if ((text.charCodeAt(p + 1) | 32) !== 118 || (text.charCodeAt(p + 2) | 32) !== 101) return -1;
    if (!isCveSeparator(text.charCodeAt(p + 3))) return -1;
    for (let i = p + 4; i < p + 8; i++) if ((bits(text.charCodeAt(i)) & DIGIT) === 0) return -1;
    if (!isCveSeparator(text.charCodeAt(p + 8))) return -1;
    let end = p + 9;
    while (end < text.length && (bits(text.charCodeAt(end)) & DIGIT) !== 0) end++;
    const digits = end - p - 9;
    if (digits < 4 || digits > 7) return -1;
    this.shape = CVE_ID;
    return end;
  }

  private colonRun(p: number): number {
    const { text } = this;
    let colon = p;
    while (colon < text.length && colon - p <= 10 && (bits(text.charCodeAt(colon)) & HEX) !== 0) colon++;
    if (colon - p > 10 || text.charCodeAt(colon) !== 58) return -1;
    let end = colon + 1;
    while (end < text.length && (bits(text.charCodeAt(end)) & COLON_RUN_CHAR) !== 0) end++;
    if (end === colon + 1) return -1;
    this.shape = COLON_RUN;
    return end;
  }

  private hexRun(p: number): number {
    const { text } = this;
    let end = p;
    let letter = false;
    let capital = false;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      const b = bits(code);
      if ((b & HEX) === 0) break;
      if ((b & LETTER) !== 0) {
        letter = true;
        if (code < 97) capital = true;
      }
    }
    if (end - p < 22) return -1;
    this.shape = HEX_RUN;
    this.hexLetter = letter;
    this.hexCapital = capital;
    return end;
  }

  private bitcoin(p: number, code: number): number {
    const { text } = this;
    let end: number;
    if (code === 49 || code === 51) {
      end = p + 1;
      while (end < text.length && end - p <= 35 && isBase58ish(text.charCodeAt(end))) end++;
      const n = end - p - 1;
      if (n >= 25 && n <= 34 && (bits(text.charCodeAt(end)) & WORD) === 0) {
        this.shape = BITCOIN;
        return end;
      }
    }
    if ((code | 32) !== 98 || (text.charCodeAt(p + 1) | 32) !== 99 || text.charCodeAt(p + 2) !== 49)
      return -1;
    end = p + 3;
    while (end < text.length && end - p <= 75 && isBech32(text.charCodeAt(end))) end++;
    const n = end - p - 3;
    if (n < 11 || n > 71 || (bits(text.charCodeAt(end)) & WORD) !== 0) return -1;
    this.shape = BITCOIN;
    return end;
  }

  private base64Url(p: number): number {
    const { text } = this;
    // `aHR0c`, in either case (the regex it mirrors ignores case).
    if (
      (text.charCodeAt(p + 1) | 32) !== 104 ||
      (text.charCodeAt(p + 2) | 32) !== 114 ||
      text.charCodeAt(p + 3) !== 48 ||
      (text.charCodeAt(p + 4) | 32) !== 99
    )
      return -1;
    let end = p + 5;
    while (end < text.length && isBase64(text.charCodeAt(end))) end++;
    if (end - p - 5 < 9) return -1;
    let padding = 0;
    while (padding < 3 && text.charCodeAt(end + padding) === 61) padding++;
    if (padding === 3) return -1;
    end += padding;
    const after = text.charCodeAt(end);
    if ((bits(after) & WORD) !== 0 || after === 43 || after === 47 || after === 61) return -1;
    this.shape = BASE64_URL;
    return end;
  }

  private dottedRun(p: number, code: number): number {
    const { text } = this;
    const length = text.length;
    let k = p;
    if (code === 42) {
      if (text.charCodeAt(p + 1) !== 46) return -1;
      k = p + 2;
    }
    if ((bits(text.charCodeAt(k)) & WORD) === 0) return -1;
    k++;
    while (k < length && isLabel(text.charCodeAt(k))) k++;
    let labels = 0;
    for (;;) {
      const mark = text.charCodeAt(k);
      if ((mark !== 46 && mark !== 64) || !isLabel(text.charCodeAt(k + 1))) break;
      k += 2;
      while (k < length && isLabel(text.charCodeAt(k))) k++;
      labels++;
    }
    if (labels === 0) return -1;
    if (text.charCodeAt(k) === 58 && (bits(text.charCodeAt(k + 1)) & DIGIT) !== 0) {
      const portStart = k + 1;
      k = portStart;
      while (k < length && k - portStart < 5 && (bits(text.charCodeAt(k)) & DIGIT) !== 0) k++;
    }
    const next = text.charCodeAt(k);
    if (next === 47 || next === 63 || next === 35) {
      k++;
      while (k < length && isUrlChar(text.charCodeAt(k))) k++;
    }
    this.shape = DOTTED_RUN;
    return k;
  }
}
