/**
 * Refanging with an offset map.
 *
 * Reports defang indicators (`hxxp[:]//evil[.]com`, `user[at]host`, `1.2.3[.]4`) so nobody clicks
 * them. We rewrite the text once into its refanged form, remembering every rewritten span, so the
 * scanner can run on clean text and still report offsets (and the original characters) in the text
 * the page shows. Only bracketed or otherwise unmistakable markers are rewritten: a plain `end. Then`
 * stays as it is, so prose never turns into an indicator.
 *
 * Every family of markers is a table below; the pass over the text only looks at the few characters
 * a marker can start at (one table lookup per character, no regex).
 */
import { hostInfo } from './kinds/domain';

/** One rewritten span: `[origStart, origEnd)` in the original became `[normStart, normEnd)`. */
export interface RefangEdit {
  readonly normStart: number;
  readonly normEnd: number;
  readonly origStart: number;
  readonly origEnd: number;
}

export interface RefangedText {
  /** The text with every defang marker rewritten. Identical to the input when there was none. */
  readonly text: string;
  readonly edits: readonly RefangEdit[];
}

/** Scheme spellings (lower-cased) → the scheme they stand for. */
export const SCHEME_WORDS: Readonly<Record<string, string>> = {
  http: 'http',
  https: 'https',
  hxxp: 'http',
  hxxps: 'https',
  hxxts: 'https',
  'h**p': 'http',
  'h**ps': 'https',
  fxp: 'ftp',
  fxps: 'ftps',
  ftp: 'ftp',
  ftps: 'ftps',
  meow: 'http',
  meows: 'https',
};

/**
 * What reports write between a scheme and its host, each read as `://`. Longest first: the first that
 * matches wins. `:/` and `__` count only before a host character (`C:/` and `a__b` have no scheme).
 */
export const SCHEME_SEPARATORS: readonly string[] = [
  '[://]',
  '[:]//',
  '(:)//',
  '[:/]/',
  ':///',
  '://',
  ':\\\\',
  ':\\',
  ':/',
  '__',
];

/** What a marker stands for once refanged. */
type MarkerMeaning = 'dot' | 'at' | 'slash' | 'colon' | 'hyphen';

/**
 * What may stand between brackets (`[dot]`, `(at)`, `{.}`, `[ . ]`), lower-cased, and what it means.
 * `punkt`, `punto` and `point` are the dot in other languages, `arroba` and `et` the at.
 */
export const BRACKETED_MARKERS: Readonly<Record<string, MarkerMeaning>> = {
  '.': 'dot',
  dot: 'dot',
  punkt: 'dot',
  punto: 'dot',
  point: 'dot',
  '@': 'at',
  at: 'at',
  arroba: 'at',
  et: 'at',
  '/': 'slash',
  ':': 'colon',
  '-': 'hyphen',
};

/** Markers that no sentence puts in round brackets, so taken with spaces around them too (`evil (dot) com`). */
const SPACED_IN_ANY_BRACKETS: ReadonlySet<string> = new Set(['dot', 'punkt', 'arroba']);

/** Bracket pairs a marker may stand in. */
export const BRACKET_PAIRS: Readonly<Record<string, string>> = { '[': ']', '(': ')', '{': '}' };

/**
 * Words written with spaces around them in place of a character (`evil DOT com`, `ops AT evil.com`):
 * upper case only, so `a dot on the map` and `at night` stay prose.
 */
export const SPACED_WORDS: Readonly<Record<string, MarkerMeaning>> = { DOT: 'dot', AT: 'at' };

/** Characters inserted in front of a real one (`evil^.com`, `evil\.com`). */
export const INSERTED_BEFORE_DOT: readonly string[] = ['^', '\\'];

/** Square brackets left unbalanced or doubled around a dot (`bad[.site`, `4.]]]19`, `77[.]]3`, `a].[b`). */
const LOOSE_DOT_BRACKETS = '[]';

const MEANING_TEXT: Readonly<Record<MarkerMeaning, string>> = {
  dot: '.',
  at: '@',
  slash: '/',
  colon: ':',
  hyphen: '-',
};

/** The longest bracketed marker (`[ arroba ]`). */
const MAX_BRACKETED = 10;
/** The longest scheme spelling. */
const MAX_SCHEME_WORD = 5;

const CODE_SPACE = 32;

function isLabelChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45
  );
}

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isLowerAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 160;
}

/** The characters a marker can start at (or, for a loose dot, be centred on). */
const TRIGGER = (() => {
  const table = new Uint8Array(128);
  for (const ch of '[({.:_^\\@ ') table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** Collects the rewrites and builds the refanged text from them. */
class Rewriter {
  readonly parts: string[] = [];
  readonly edits: RefangEdit[] = [];
  copiedUpTo = 0;
  normLength = 0;

  constructor(readonly text: string) {}

  /** Replaces `[origStart, origEnd)`; false when it would overlap the previous rewrite. */
  push(origStart: number, origEnd: number, replacement: string): boolean {
    if (origStart < this.copiedUpTo) return false;
    if (origStart > this.copiedUpTo) {
      this.parts.push(this.text.slice(this.copiedUpTo, origStart));
      this.normLength += origStart - this.copiedUpTo;
    }
    this.parts.push(replacement);
    this.edits.push({
      normStart: this.normLength,
      normEnd: this.normLength + replacement.length,
      origStart,
      origEnd,
    });
    this.normLength += replacement.length;
    this.copiedUpTo = origEnd;
    return true;
  }

  result(): RefangedText {
    if (this.edits.length === 0) return { text: this.text, edits: this.edits };
    if (this.copiedUpTo < this.text.length) this.parts.push(this.text.slice(this.copiedUpTo));
    return { text: this.parts.join(''), edits: this.edits };
  }
}

/** The scheme spelled right before `end` (spaces allowed in between), as [start, scheme], or null. */
function schemeBefore(text: string, end: number): [number, string] | null {
  let wordEnd = end;
  while (wordEnd > 0 && isSpace(text.charCodeAt(wordEnd - 1)) && end - wordEnd < 2) wordEnd--;
  let start = wordEnd;
  while (start > 0 && wordEnd - start <= MAX_SCHEME_WORD) {
    const code = text.charCodeAt(start - 1);
    if (!isAlnum(code) && code !== 42) break;
    start--;
  }
  if (start === wordEnd || wordEnd - start > MAX_SCHEME_WORD) return null;
  // `xhttp://` and `e-http://` are not a scheme's start.
  const before = text.charCodeAt(start - 1);
  if (isLabelChar(before) || before === 42) return null;
  const scheme = SCHEME_WORDS[text.slice(start, wordEnd).toLowerCase()];
  return scheme === undefined ? null : [start, scheme];
}

/** A scheme and separator ending at a separator starting at `i`: returns the end of what was read, or -1. */
function tryScheme(text: string, i: number, out: Rewriter): number {
  // `http://` and `https://` as they should be: nothing to rewrite.
  if (text.charCodeAt(i + 1) === 47 && text.charCodeAt(i + 2) === 47 && text.charCodeAt(i + 3) !== 47) {
    const p = text.charCodeAt(i - 1) === 115 ? i - 1 : i;
    if (
      text.charCodeAt(p - 1) === 112 &&
      text.charCodeAt(p - 2) === 116 &&
      text.charCodeAt(p - 3) === 116 &&
      text.charCodeAt(p - 4) === 104 &&
      !isLabelChar(text.charCodeAt(p - 5))
    )
      return i + 3;
  }
  for (const separator of SCHEME_SEPARATORS) {
    if (text.charCodeAt(i) !== separator.charCodeAt(0) || !text.startsWith(separator, i)) continue;
    const end = i + separator.length;
    const loose = separator === ':/' || separator === '__';
    if (loose && !isLabelChar(text.charCodeAt(end))) return -1;
    const found = schemeBefore(text, i);
    if (found === null) return -1;
    const [start, scheme] = found;
    const replacement = `${scheme}://`;
    if (end - start === replacement.length && text.startsWith(replacement, start)) return end;
    return out.push(start, end, replacement) ? end : -1;
  }
  return -1;
}

/**
 * A bracketed marker opening at `i` (`[.]`, `( dot )`, `{at}`, `[/]`): returns the end of what was
 * rewritten, or -1. A dot or at needs an indicator character on both sides, touching the brackets or,
 * for square brackets (and words in any bracket), across spaces (`evil [.] com`; those spaces are
 * consumed). Round brackets around a bare mark with spaces outside are prose: `there (at) night`.
 */
function tryBracketed(text: string, i: number, out: Rewriter): number {
  const close = BRACKET_PAIRS[text[i]!]!.charCodeAt(0);
  // Bounded: an unclosed bracket must not send the search to the end of the text.
  const limit = Math.min(text.length, i + MAX_BRACKETED + 2);
  let closeAt = i + 1;
  while (closeAt < limit && text.charCodeAt(closeAt) !== close) closeAt++;
  if (closeAt >= limit) return -1;
  // Most markers are one character (`[.]`): no need to cut the text for them.
  const lower =
    closeAt === i + 2
      ? text[i + 1]!
      : text
          .slice(i + 1, closeAt)
          .trim()
          .toLowerCase();
  const meaning = BRACKETED_MARKERS[lower];
  if (meaning === undefined) return -1;
  let start = i;
  let end = closeAt + 1;
  const before = text.charCodeAt(start - 1);
  const after = text.charCodeAt(end);
  if (meaning === 'dot' || meaning === 'at') {
    const spacesAllowed = text[i] === '[' || SPACED_IN_ANY_BRACKETS.has(lower);
    if (!isLabelChar(before)) {
      if (!spacesAllowed) return -1;
      while (start > 0 && isSpace(text.charCodeAt(start - 1))) start--;
      if (start === i || !isLabelChar(text.charCodeAt(start - 1))) return -1;
    }
    if (!isLabelChar(after)) {
      if (!spacesAllowed) return -1;
      while (end < text.length && isSpace(text.charCodeAt(end))) end++;
      if (end === closeAt + 1 || !isLabelChar(text.charCodeAt(end))) return -1;
    }
  } else if (meaning === 'hyphen') {
    // `bad[-]host` is a hyphen; `bad[-].com` an insertion before the dot.
    if (!isLabelChar(before)) return -1;
    if (text.charCodeAt(end) === 46) return out.push(start, end, '') ? end : -1;
    if (!isLabelChar(after)) return -1;
  } else if (!isLabelChar(before) && text[i] !== '[') {
    return -1;
  }
  return out.push(start, end, MEANING_TEXT[meaning]) ? end : -1;
}

/**
 * A dot with loose or doubled square brackets around it (`bad[.site`, `4.]]]19`, `77[.]]3`, `a].[b`),
 * or a balanced round or curly pair (`(.)`, `{.}`): rewritten when label characters stand outside.
 */
function tryLooseDot(text: string, i: number, out: Rewriter): number {
  // Most dots have a letter or digit on both sides: nothing to look at.
  if (isLabelChar(text.charCodeAt(i - 1)) && isLabelChar(text.charCodeAt(i + 1))) return -1;
  const prev = text[i - 1];
  const next = text[i + 1];
  let start = i;
  let end = i + 1;
  if ((prev === '(' && next === ')') || (prev === '{' && next === '}')) {
    start--;
    end++;
  } else {
    while (start > 0 && LOOSE_DOT_BRACKETS.includes(text[start - 1]!)) start--;
    while (end < text.length && LOOSE_DOT_BRACKETS.includes(text[end]!)) end++;
  }
  if (start === i && end === i + 1) return -1;
  // A closer before the dot must face an opener after it (`a].[b`): `array[i].length` and
  // `[Cracked].rar` close a bracket opened earlier.
  if (text[i - 1] === ']' && text[end - 1] !== '[') return -1;
  if (!isLabelChar(text.charCodeAt(start - 1)) || !isLabelChar(text.charCodeAt(end))) return -1;
  return out.push(start, end, '.') ? end : -1;
}

/** `evil^.com`, `evil\.com`: the inserted character goes. */
function tryInsertedBeforeDot(text: string, i: number, out: Rewriter): number {
  if (text.charCodeAt(i + 1) !== 46 || !isLabelChar(text.charCodeAt(i - 1))) return -1;
  if (!isLabelChar(text.charCodeAt(i + 2))) return -1;
  return out.push(i, i + 2, '.') ? i + 2 : -1;
}

/** ` DOT ` and ` AT ` between a lower-case label and an indicator character (`US DOT rules` is prose). */
function trySpacedWord(text: string, i: number, out: Rewriter): number {
  const first = text.charCodeAt(i + 1);
  if (first !== 68 && first !== 65) return -1; // D, A
  if (!isLowerAlnum(text.charCodeAt(i - 1))) return -1;
  for (const [word, meaning] of Object.entries(SPACED_WORDS)) {
    const end = i + 1 + word.length;
    if (text.startsWith(word, i + 1) && text.charCodeAt(end) === CODE_SPACE) {
      if (!isLabelChar(text.charCodeAt(end + 1))) return -1;
      return out.push(i, end + 1, MEANING_TEXT[meaning]) ? end + 1 : -1;
    }
  }
  return -1;
}

/**
 * `ops @ evil.com`, `ops@ evil.com`: one space on either side of an at between a name and a dotted
 * host (`me @ the office` is prose).
 */
function trySpacedAt(text: string, i: number, out: Rewriter): number {
  const spaceBefore = text.charCodeAt(i - 1) === CODE_SPACE;
  const spaceAfter = text.charCodeAt(i + 1) === CODE_SPACE;
  if (!spaceBefore && !spaceAfter) return -1;
  const start = spaceBefore ? i - 1 : i;
  const end = spaceAfter ? i + 2 : i + 1;
  if (!isLabelChar(text.charCodeAt(start - 1)) || !isLabelChar(text.charCodeAt(end))) return -1;
  let label = end;
  while (label < text.length && isLabelChar(text.charCodeAt(label))) label++;
  const next = text.charCodeAt(label);
  if (next !== 46 && next !== 91 && next !== 40) return -1; // . [ (
  return out.push(start, end, '@') ? end : -1;
}

/**
 * `bad-host . site`: a dot with one space on each side, taken only when unambiguous — lower-case
 * labels on both sides, and the right one a public suffix that ends the word (`end . Then` is prose).
 */
function trySpacedDot(text: string, i: number, out: Rewriter): number {
  if (text.charCodeAt(i - 1) !== CODE_SPACE || text.charCodeAt(i + 1) !== CODE_SPACE) return -1;
  let left = i - 1;
  while (left > 0 && isLabelChar(text.charCodeAt(left - 1))) left--;
  let right = i + 2;
  while (right < text.length && isLabelChar(text.charCodeAt(right))) right++;
  const leftLabel = text.slice(left, i - 1);
  const rightLabel = text.slice(i + 2, right);
  if (leftLabel.length < 2 || rightLabel.length < 2) return -1;
  if (leftLabel !== leftLabel.toLowerCase() || rightLabel !== rightLabel.toLowerCase()) return -1;
  const following = text.charCodeAt(right);
  if (following === 46 || following === 64 || isAlnum(following)) return -1;
  const info = hostInfo(`${leftLabel}.${rightLabel}`);
  if (info === null || info.tld !== rightLabel) return -1;
  return out.push(i - 1, i + 2, '.') ? i + 2 : -1;
}

export function refang(text: string): RefangedText {
  const out = new Rewriter(text);
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || TRIGGER[code] === 0) continue;
    let end = -1;
    switch (code) {
      case 91: // [
        end = tryScheme(text, i, out);
        if (end < 0) end = tryBracketed(text, i, out);
        break;
      case 40: // (
        end = tryScheme(text, i, out);
        if (end < 0) end = tryBracketed(text, i, out);
        break;
      case 123: // {
        end = tryBracketed(text, i, out);
        break;
      case 58: // :
      case 95: // _
        end = tryScheme(text, i, out);
        break;
      case 46: // .
        end = tryLooseDot(text, i, out);
        if (end < 0) end = trySpacedDot(text, i, out);
        break;
      case 94: // ^
      case 92: // \
        end = tryInsertedBeforeDot(text, i, out);
        break;
      case 64: // @
        end = trySpacedAt(text, i, out);
        break;
      case CODE_SPACE:
        end = trySpacedWord(text, i, out);
        break;
    }
    if (end > i) i = end - 1;
  }
  return out.result();
}

/** Index of the last edit with `normStart < pos` (or `<=` when `inclusive`), or -1. */
function lastEditBefore(edits: readonly RefangEdit[], pos: number, inclusive: boolean): number {
  let lo = 0;
  let hi = edits.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const edit = edits[mid]!;
    if (edit.normStart < pos || (inclusive && edit.normStart === pos)) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Maps a start offset in the refanged text to the original text. */
export function originalStart(edits: readonly RefangEdit[], pos: number): number {
  return new OffsetMap(edits).originalStart(pos);
}

/** Maps an end offset (exclusive) in the refanged text to the original text. */
export function originalEnd(edits: readonly RefangEdit[], pos: number): number {
  return new OffsetMap(edits).originalEnd(pos);
}

/** Whether any rewrite touched `[start, end)` of the refanged text. */
export function touchesEdit(edits: readonly RefangEdit[], start: number, end: number): boolean {
  return new OffsetMap(edits).touches(start, end);
}

/**
 * originalStart, originalEnd and touchesEdit for offsets asked in (mostly) increasing order, as the
 * scanner asks them: each answer starts from the previous one's edit instead of searching them all.
 */
export class OffsetMap {
  private cursor = -1;

  constructor(private readonly edits: readonly RefangEdit[]) {}

  /** Index of the last edit with `normStart < pos` (or `<=` when `inclusive`), or -1. */
  private lastBefore(pos: number, inclusive: boolean): number {
    const { edits } = this;
    let i = this.cursor;
    if (i >= 0 && (edits[i]!.normStart > pos || (!inclusive && edits[i]!.normStart === pos)))
      return lastEditBefore(edits, pos, inclusive);
    // A few steps forward from the cursor; further away, search.
    for (let steps = 0; i + 1 < edits.length; steps++) {
      const next = edits[i + 1]!.normStart;
      if (next > pos || (!inclusive && next === pos)) break;
      if (steps === 8) {
        i = lastEditBefore(edits, pos, inclusive);
        break;
      }
      i++;
    }
    this.cursor = i;
    return i;
  }

  originalStart(pos: number): number {
    if (this.edits.length === 0) return pos;
    const i = this.lastBefore(pos, true);
    if (i < 0) return pos;
    const edit = this.edits[i]!;
    return pos < edit.normEnd ? edit.origStart : pos - edit.normEnd + edit.origEnd;
  }

  originalEnd(pos: number): number {
    if (this.edits.length === 0) return pos;
    const i = this.lastBefore(pos, false);
    if (i < 0) return pos;
    const edit = this.edits[i]!;
    return pos <= edit.normEnd ? edit.origEnd : pos - edit.normEnd + edit.origEnd;
  }

  touches(start: number, end: number): boolean {
    if (this.edits.length === 0) return false;
    const i = this.lastBefore(end, false);
    if (i < 0) return false;
    const edit = this.edits[i]!;
    return edit.normEnd > start || edit.normStart > start;
  }
}

/** Refangs a single value (no offsets), e.g. one pasted indicator. */
export function refangValue(value: string): string {
  return refang(value).text;
}
