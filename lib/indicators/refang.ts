/**
 * Refanging with an offset map.
 *
 * Reports defang indicators (`hxxp[:]//evil[.]com`, `user[at]host`, `1.2.3[.]4`) so nobody clicks
 * them. We rewrite the text once into its refanged form, remembering every rewritten span, so the
 * scanner can run on clean text and still report offsets (and the original characters) in the text
 * the page shows. Only bracketed or otherwise unmistakable markers are rewritten: a plain `end. Then`
 * stays as it is, so prose never turns into an indicator.
 */

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

const SCHEME_REFANG: Readonly<Record<string, string>> = {
  hxxp: 'http',
  hxxps: 'https',
  http: 'http',
  https: 'https',
  fxp: 'ftp',
  fxps: 'ftps',
  ftp: 'ftp',
  ftps: 'ftps',
  meow: 'http',
  meows: 'https',
};

// Horizontal whitespace only: a defang marker never spans a line break.
const SP = '[ \\t\\u00a0]*';

/**
 * One pass over the text for every marker. Every alternative starts with a distinctive character
 * (`[`, `(`, `{`, a scheme letter, a space before `DOT`, a backslash) and there is no leading
 * look-behind (it defeats the engine's first-character scan, 5× slower here): what must precede a
 * marker is checked in code. Groups: 1 scheme, 2 its separator · 3 opening bracket, 4 inner, 5 closing ·
 * 6 ` DOT ` · 7 `\.`
 */
const MARKER = new RegExp(
  [
    // hxxp://, hXXps[:]//, fxp://, meow://, http ://, http[://]
    `([hH][xXtT]{2}[pP][sS]?|[fF][xXtT][pP][sS]?|[mM][eE][oO][wW][sS]?)(${SP}(?:\\[:\\/\\/\\]|\\[:\\]\\/\\/|\\(:\\)\\/\\/|:\\/\\/))`,
    // [.] (.) {.} [dot] [ . ] [at] (at) [@] [:] [://] [/]
    `([\\[({])${SP}(\\.|[dD][oO][tT]|@|[aA][tT]|:|:\\/\\/|\\/)${SP}([\\])}])`,
    '( DOT )(?=[A-Za-z0-9])',
    '(\\\\\\.)(?=[A-Za-z0-9_-])',
  ].join('|'),
  'g',
);

const CLOSING: Readonly<Record<string, string>> = { '[': ']', '(': ')', '{': '}' };

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

/**
 * A bracketed dot or at (`[.]`, ` [ dot ] `, `(at)`) is rewritten only with an indicator character on
 * both sides, touching the brackets or, for square brackets only, across spaces (`evil [.] com`;
 * those spaces are consumed). Round brackets with spaces around are prose: `there (at) night`. Returns the span to replace, or null to leave the text alone.
 */
function bracketedSpan(
  text: string,
  start: number,
  end: number,
  allowOuterSpaces: boolean,
): { start: number; end: number } | null {
  let left = start;
  if (!isLabelChar(text.charCodeAt(left - 1))) {
    if (!allowOuterSpaces) return null;
    while (left > 0 && isSpace(text.charCodeAt(left - 1))) left--;
    if (left === start || !isLabelChar(text.charCodeAt(left - 1))) return null;
  }
  let right = end;
  if (!isLabelChar(text.charCodeAt(right))) {
    if (!allowOuterSpaces) return null;
    while (right < text.length && isSpace(text.charCodeAt(right))) right++;
    if (right === end || !isLabelChar(text.charCodeAt(right))) return null;
  }
  return { start: left, end: right };
}

export function refang(text: string): RefangedText {
  MARKER.lastIndex = 0;
  let match = MARKER.exec(text);
  if (match === null) return { text, edits: [] };
  const parts: string[] = [];
  const edits: RefangEdit[] = [];
  let copiedUpTo = 0;
  let normLength = 0;
  const push = (origStart: number, origEnd: number, replacement: string) => {
    if (origStart > copiedUpTo) {
      parts.push(text.slice(copiedUpTo, origStart));
      normLength += origStart - copiedUpTo;
    }
    parts.push(replacement);
    edits.push({
      normStart: normLength,
      normEnd: normLength + replacement.length,
      origStart,
      origEnd,
    });
    normLength += replacement.length;
    copiedUpTo = origEnd;
  };
  while (match !== null) {
    const index = match.index;
    const [whole, scheme, schemeSep, open, inner, close, spelledDot, escapedDot] = match;
    if (scheme !== undefined && schemeSep !== undefined) {
      // `xhttp://` is not a scheme start.
      const refanged = isAlnum(text.charCodeAt(index - 1)) ? undefined : SCHEME_REFANG[scheme.toLowerCase()];
      // `htxp`, `fttp` and the like are not markers we know: leave them.
      if (refanged !== undefined) {
        const replacement = `${refanged}://`;
        if (whole !== replacement) push(index, index + whole.length, replacement);
      }
    } else if (open !== undefined && inner !== undefined && close !== undefined) {
      if (CLOSING[open] === close) {
        const lower = inner.toLowerCase();
        if (lower === '.' || lower === 'dot' || lower === '@' || lower === 'at') {
          const span = bracketedSpan(text, index, index + whole.length, open === '[');
          if (span !== null) push(span.start, span.end, lower === '.' || lower === 'dot' ? '.' : '@');
        } else if (open === '[') {
          push(index, index + whole.length, inner);
        }
      }
    } else if (spelledDot !== undefined) {
      // `evil DOT com`, not `US DOT rules`: the left label must be lower-case.
      if (isLowerAlnum(text.charCodeAt(index - 1))) push(index, index + whole.length, '.');
    } else if (escapedDot !== undefined) {
      if (isLabelChar(text.charCodeAt(index - 1))) push(index, index + whole.length, '.');
    }
    match = MARKER.exec(text);
  }
  if (edits.length === 0) return { text, edits };
  if (copiedUpTo < text.length) parts.push(text.slice(copiedUpTo));
  return { text: parts.join(''), edits };
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
  const i = lastEditBefore(edits, pos, true);
  if (i < 0) return pos;
  const edit = edits[i]!;
  if (pos < edit.normEnd) return edit.origStart;
  return pos - edit.normEnd + edit.origEnd;
}

/** Maps an end offset (exclusive) in the refanged text to the original text. */
export function originalEnd(edits: readonly RefangEdit[], pos: number): number {
  const i = lastEditBefore(edits, pos, false);
  if (i < 0) return pos;
  const edit = edits[i]!;
  if (pos <= edit.normEnd) return edit.origEnd;
  return pos - edit.normEnd + edit.origEnd;
}

/** Whether any rewrite touched `[start, end)` of the refanged text. */
export function touchesEdit(edits: readonly RefangEdit[], start: number, end: number): boolean {
  const i = lastEditBefore(edits, end, false);
  if (i < 0) return false;
  const edit = edits[i]!;
  return edit.normEnd > start || edit.normStart > start;
}

/** Refangs a single value (no offsets), e.g. one pasted indicator. */
export function refangValue(value: string): string {
  return refang(value).text;
}
