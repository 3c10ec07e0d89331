import type { Occurrence } from '../indicators';
import { onlyIndicators, type PageUnit, type UnitKind } from './page-units';

/**
 * Comments from the page's context: what stood next to a value where the page gives it — the other
 * cells of its table row, else its list item or the sentence around it — about 100 characters.
 * A table row says most ("payload", "C2"), so it wins over prose that mentions the value.
 */

export const COMMENT_LENGTH = 100;
const RANK: Record<UnitKind, number> = { row: 0, item: 1, line: 2 };

/** Dangling separators left where the value was cut out ("C2: ", "(…)", " – "). */
const EDGE = /^[\s:;,.\-–—|/=>"'`]+|[\s:;,\-–—|/=<"'`]+$/gu;

export function contextComments(
  units: readonly PageUnit[],
  wanted?: ReadonlySet<string>,
): Map<string, string> {
  const best = new Map<string, { rank: number; comment: string }>();
  for (const unit of units) {
    unit.found.forEach((found, cellIndex) => {
      for (const occurrence of found) {
        if (wanted && !wanted.has(occurrence.value)) continue;
        const known = best.get(occurrence.value);
        if (known && known.rank <= RANK[unit.kind]) continue;
        const comment = commentFor(unit, cellIndex, occurrence);
        if (comment !== '') best.set(occurrence.value, { rank: RANK[unit.kind], comment });
      }
    });
  }
  return new Map([...best].map(([value, { comment }]) => [value, comment]));
}

function commentFor(unit: PageUnit, cellIndex: number, occurrence: Occurrence): string {
  if (unit.kind === 'row') {
    const others = unit.cells.filter(
      (cell, index) =>
        index !== cellIndex && cell.trim() !== '' && !onlyIndicators(cell, unit.found[index] ?? []),
    );
    if (others.length > 0) return shorten(others.join(' · '), 0);
  }
  const text = unit.cells[cellIndex] ?? '';
  const [start, end] = sentenceAround(text, occurrence, unit.found[cellIndex] ?? []);
  const before = text.slice(start, occurrence.start);
  const after = text.slice(occurrence.end, end);
  const joined = `${before.replace(EDGE, '')} ${after.replace(EDGE, '')}`
    .replace(/\(\s*\)|\[\s*\]/g, '')
    .replace(/([([])\s+|\s+([)\]])/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
  return shorten(joined.replace(EDGE, ''), before.replace(EDGE, '').length);
}

/** The sentence holding the occurrence: sentence ends are `.!?` + space outside any indicator. */
function sentenceAround(
  text: string,
  occurrence: Occurrence,
  found: readonly Occurrence[],
): [number, number] {
  const inside = (index: number) => found.some((other) => index >= other.start && index < other.end);
  let start = 0;
  let end = text.length;
  for (const match of text.matchAll(/[.!?](?=\s)/g)) {
    const index = match.index;
    if (inside(index)) continue;
    if (index < occurrence.start) start = index + 1;
    else if (index >= occurrence.end) {
      end = index + 1;
      break;
    }
  }
  return [start, end];
}

/** At most COMMENT_LENGTH characters, cut at words around `focus`, with "…" where text was cut. */
export function shorten(text: string, focus: number): string {
  if (text.length <= COMMENT_LENGTH) return text;
  let from = Math.max(0, Math.min(focus - COMMENT_LENGTH / 2, text.length - COMMENT_LENGTH));
  let to = from + COMMENT_LENGTH - 2;
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  const space = text.lastIndexOf(' ', to);
  if (to < text.length && space > from) to = space;
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
}
