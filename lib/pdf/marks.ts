/** From an assembled page's text offsets back to pdf.js's text runs (for marks and find). */

export interface RunSpan {
  run: number;
  /** Offsets in the run's text (end exclusive). */
  start: number;
  end: number;
}

/** The run slices that `[start, end)` of the assembled text came from (added spaces belong to none). */
export function runSpans(pieces: readonly number[], start: number, end: number): RunSpan[] {
  const spans: RunSpan[] = [];
  for (let i = 0; i + 3 < pieces.length; i += 4) {
    const at = pieces[i]!;
    const length = pieces[i + 3]!;
    const from = Math.max(start, at);
    const to = Math.min(end, at + length);
    if (from >= to) continue;
    const offset = pieces[i + 2]!;
    spans.push({ run: pieces[i + 1]!, start: offset + from - at, end: offset + to - at });
  }
  return spans;
}

/** Where `query` occurs in `text`, case-insensitively (find in document). */
export function findAll(text: string, query: string, limit = 1000): Array<[number, number]> {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const haystack = text.toLowerCase();
  const found: Array<[number, number]> = [];
  for (
    let at = haystack.indexOf(needle);
    at >= 0 && found.length < limit;
    at = haystack.indexOf(needle, at + 1)
  ) {
    found.push([at, at + needle.length]);
  }
  return found;
}
