/**
 * A PDF page's text runs (as pdf.js reports them: a string at a position) put back into reading
 * order: lines top to bottom, two-column blocks column by column, words hyphenated at a line break
 * joined, and indicators a report's layout broke across lines (a long URL, a hash, a defanged host)
 * rejoined, so that the scanner sees them whole.
 *
 * Every character of the result remembers the run (and offset in it) it came from, so the reader
 * can put marks on pdf.js's text layer for what the scanner found in the text.
 */

/** One text run, in PDF user space (y grows upwards; x, y is the run's baseline start). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  /** The font size (about the line height). */
  height: number;
}

export interface AssembledPage {
  text: string;
  /**
   * Where the text came from, four numbers per piece: offset in `text`, run index, offset in the
   * run's text, length. Characters the assembly added (spaces, line breaks) belong to no piece.
   */
  pieces: number[];
}

interface Piece {
  run: number;
  offset: number;
  text: string;
}

interface Segment {
  start: number;
  end: number;
  pieces: Piece[];
}

interface Line {
  y: number;
  height: number;
  segments: Segment[];
}

/** A flowed line: its pieces and where it ends (for "did it reach the column's right edge"). */
interface FlowLine {
  pieces: Piece[];
  end: number;
}

/** Lengths of the hashes Sightline reads (MD5, SHA1, SHA256, SHA512) in hex characters. */
const HASH_LENGTHS = new Set([32, 40, 64, 128]);
/** Hex runs at least this long at a line's end may be the first part of a hash. */
const MIN_HASH_PART = 12;

/** Runs on one baseline (within half a line) form a line. */
function groupLines(runs: readonly TextRun[]): Line[] {
  const order = runs
    .map((run, index) => ({ run, index }))
    .filter(({ run }) => run.text.length > 0 && run.text.trim().length > 0)
    .sort((a, b) => b.run.y - a.run.y || a.run.x - b.run.x);
  const lines: Array<{ y: number; height: number; members: Array<{ run: TextRun; index: number }> }> = [];
  for (const entry of order) {
    const height = Math.max(entry.run.height, 1);
    const line = lines.find(
      (candidate) => Math.abs(candidate.y - entry.run.y) <= Math.max(candidate.height, height) * 0.5,
    );
    if (line) {
      line.members.push(entry);
      line.height = Math.max(line.height, height);
    } else lines.push({ y: entry.run.y, height, members: [entry] });
  }
  lines.sort((a, b) => b.y - a.y);
  return lines.map((line) => ({
    y: line.y,
    height: line.height,
    segments: segmentsOf(line.members, line.height),
  }));
}

/** A line's runs left to right, split where a gap is wider than a word space (columns, table cells). */
function segmentsOf(members: Array<{ run: TextRun; index: number }>, height: number): Segment[] {
  const sorted = [...members].sort((a, b) => a.run.x - b.run.x);
  const segments: Segment[] = [];
  let current: Segment | undefined;
  for (const { run, index } of sorted) {
    const gap = current ? run.x - current.end : 0;
    if (!current || gap > height * 1.5) {
      current = { start: run.x, end: run.x + run.width, pieces: [] };
      segments.push(current);
    } else if (gap > height * 0.1 && !endsWithSpace(current.pieces) && !/^\s/.test(run.text)) {
      current.pieces.push({ run: -1, offset: 0, text: ' ' });
    }
    current.pieces.push({ run: index, offset: 0, text: run.text });
    current.end = Math.max(current.end, run.x + run.width);
  }
  return segments;
}

const endsWithSpace = (pieces: readonly Piece[]) => /\s$/.test(pieces.at(-1)?.text ?? '');

/**
 * The x of a column gutter, when the page has one: an x that falls in a wide gap on at least three
 * lines and that few lines cross.
 */
function findGutter(lines: readonly Line[]): number | undefined {
  const candidates = new Set<number>();
  for (const line of lines) {
    for (let i = 1; i < line.segments.length; i++)
      candidates.add((line.segments[i - 1]!.end + line.segments[i]!.start) / 2);
  }
  let best: { x: number; gaps: number } | undefined;
  for (const x of candidates) {
    let gaps = 0;
    let crossings = 0;
    for (const line of lines) {
      if (line.segments.some((segment) => segment.start < x && segment.end > x)) crossings++;
      else if (line.segments.some((s) => s.end <= x) && line.segments.some((s) => s.start >= x)) gaps++;
    }
    if (gaps >= 3 && gaps >= crossings * 2 && (!best || gaps > best.gaps)) best = { x, gaps };
  }
  return best?.x;
}

/** Lines in reading order: full-width lines as they come, two-column blocks left column first. */
function readingOrder(lines: readonly Line[]): FlowLine[][] {
  const gutter = findGutter(lines);
  const flows: FlowLine[][] = [];
  let left: FlowLine[] = [];
  let right: FlowLine[] = [];
  let full: FlowLine[] = [];
  const flat = (segments: Segment[]): FlowLine => ({
    pieces: segments.flatMap((segment, i) =>
      i === 0 ? segment.pieces : [{ run: -1, offset: 0, text: ' ' }, ...segment.pieces],
    ),
    end: Math.max(...segments.map((segment) => segment.end)),
  });
  const flushColumns = () => {
    if (left.length > 0) flows.push(left);
    if (right.length > 0) flows.push(right);
    left = [];
    right = [];
  };
  for (const line of lines) {
    const crosses =
      gutter === undefined || line.segments.some((segment) => segment.start < gutter && segment.end > gutter);
    if (crosses) {
      flushColumns();
      full.push(flat(line.segments));
      continue;
    }
    if (full.length > 0) flows.push(full);
    full = [];
    const leftSegments = line.segments.filter((segment) => segment.end <= gutter);
    const rightSegments = line.segments.filter((segment) => segment.start >= gutter);
    if (leftSegments.length > 0) left.push(flat(leftSegments));
    if (rightSegments.length > 0) right.push(flat(rightSegments));
  }
  flushColumns();
  if (full.length > 0) flows.push(full);
  return flows;
}

const lastToken = (text: string) => /\S*$/.exec(text.trimEnd())?.[0] ?? '';
const firstToken = (text: string) => /^\S*/.exec(text.trimStart())?.[0] ?? '';
// Sentence punctuation after a word ("cator.") is no part of an address.
const looksLikeAddress = (token: string) =>
  /[./@:]|\[\.\]|\(\.\)|\[dot\]/i.test(token.replace(/[.,;:!?)\]]+$/, ''));
const looksLikeUrl = (token: string) => /^(h[tx]{2}ps?|f[tx]p|https?)(:|\[:\])/i.test(token);

/** How two lines of one column meet: joined as they are, joined without a hyphen, or a line break. */
export function lineJoin(
  previous: string,
  next: string,
  reachedEdge = false,
): 'join' | 'drop-hyphen' | 'break' {
  const tail = lastToken(previous);
  const head = firstToken(next);
  if (!tail || !head) return 'break';
  // A word hyphenated at the line's end: "indi-" + "cators". A host or URL keeps its hyphen.
  if (/\p{L}-$/u.test(tail) && /^\p{Ll}/u.test(head)) {
    return looksLikeAddress(tail) || looksLikeAddress(head) ? 'join' : 'drop-hyphen';
  }
  const hexHead = /^[0-9a-f]+/i.exec(head)?.[0] ?? '';
  if (/^[0-9a-f]+$/i.test(tail) && tail.length >= MIN_HASH_PART && hexHead.length > 0) {
    const joined = tail.length + hexHead.length;
    // A hash split in two where the first part is no whole hash itself.
    if (!HASH_LENGTHS.has(tail.length) && joined <= 128) return 'join';
    // Half a SHA256 looks like an MD5: joined only when the line ran to the column's edge inside a
    // sentence (a list of MD5s, one a line, stays a list).
    const alone = previous.trim() === tail && next.trim() === head;
    if (HASH_LENGTHS.has(joined) && reachedEdge && !alone) return 'join';
  }
  // Defanged dots and at-signs at the break: "evil[.]" + "com", "evil" + "[.]com", "user[@]" + "host".
  if (/(\[\.\]|\(\.\)|\[dot\]|\[\.|\[@\]|\[at\]|@)$/i.test(tail) && /^[\p{L}\d]/u.test(head)) return 'join';
  if (/[\p{L}\d]$/u.test(tail) && /^(\[\.\]|\(\.\)|\[dot\]|\.\]|\[@\]|\[at\]|@)/i.test(head)) return 'join';
  // A URL cut at a separator, or cut anywhere when the line ran to the column's edge.
  if (looksLikeUrl(tail) && /^[\w\-.~/?#[\]@!$&'()*+,;=%:]/.test(head)) {
    if (/[/\-_=?&#%.]$/.test(tail) || reachedEdge) return 'join';
  }
  return 'break';
}

/** Puts a page's runs back together (see the module comment). */
export function assemblePage(runs: readonly TextRun[]): AssembledPage {
  let text = '';
  const pieces: number[] = [];
  const append = (piece: Piece) => {
    if (piece.text.length === 0) return;
    if (piece.run >= 0) pieces.push(text.length, piece.run, piece.offset, piece.text.length);
    text += piece.text;
  };
  const lines = groupLines(runs);
  const height = Math.max(1, ...lines.map((line) => line.height));
  for (const flow of readingOrder(lines)) {
    const edge = Math.max(...flow.map((line) => line.end));
    let pending: Piece[] = [];
    const lineText = (line: Piece[]) => line.map((piece) => piece.text).join('');
    flow.forEach((line, index) => {
      if (index === 0) {
        pending = [...line.pieces];
        return;
      }
      const previous = flow[index - 1]!;
      const join = lineJoin(lineText(pending), lineText(line.pieces), previous.end >= edge - height);
      if (join === 'break') {
        for (const piece of pending) append(piece);
        text = text.trimEnd();
        text += '\n';
        pending = trimStart(line.pieces);
        return;
      }
      pending = trimEnd(pending);
      if (join === 'drop-hyphen') pending = dropLastChar(pending);
      pending.push(...trimStart(line.pieces));
    });
    for (const piece of pending) append(piece);
    text = text.trimEnd();
    text += '\n\n';
  }
  return { text: text.replace(/\n+$/, '\n'), pieces };
}

function trimEnd(pieces: Piece[]): Piece[] {
  const out = [...pieces];
  while (out.length > 0) {
    const last = out.at(-1)!;
    const trimmed = last.text.trimEnd();
    if (trimmed.length === last.text.length) break;
    if (trimmed.length === 0) out.pop();
    else out[out.length - 1] = { ...last, text: trimmed };
    if (trimmed.length > 0) break;
  }
  return out;
}

function trimStart(pieces: Piece[]): Piece[] {
  const out = [...pieces];
  while (out.length > 0) {
    const first = out[0]!;
    const trimmed = first.text.trimStart();
    if (trimmed.length === first.text.length) break;
    if (trimmed.length === 0) out.shift();
    else out[0] = { ...first, offset: first.offset + first.text.length - trimmed.length, text: trimmed };
    if (trimmed.length > 0) break;
  }
  return out;
}

function dropLastChar(pieces: Piece[]): Piece[] {
  const out = [...pieces];
  const last = out.at(-1);
  if (!last) return out;
  if (last.text.length <= 1) out.pop();
  else out[out.length - 1] = { ...last, text: last.text.slice(0, -1) };
  return out;
}
