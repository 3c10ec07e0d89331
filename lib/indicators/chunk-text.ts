import type { ChunkPosition, TextChunk } from './model';

/**
 * A run of chunks joined into the one text the scanner reads: inline neighbours as they are (so
 * `<code>evil</code>[.]com` is one indicator), a block break as a newline (so blocks never glue).
 * Kept apart from the scanner so the content script can join and locate without carrying the
 * scanner itself (which runs in the background).
 */
export interface JoinedChunks {
  readonly text: string;
  /** Index of the first chunk. */
  readonly from: number;
  /** Where each chunk starts in `text`. */
  readonly starts: readonly number[];
}

export function joinChunkRange(chunks: readonly TextChunk[], from = 0, to = chunks.length): JoinedChunks {
  const parts: string[] = [];
  const starts: number[] = [];
  let length = 0;
  for (let i = from; i < to; i++) {
    const chunk = chunks[i]!;
    if (i > from && chunk.blockBreakBefore) {
      parts.push('\n');
      length += 1;
    }
    starts.push(length);
    parts.push(chunk.text);
    length += chunk.text.length;
  }
  return { text: parts.join(''), from, starts };
}

/** The chunk (index into the full list) and offset in it of a character offset in the joined text. */
export function locateInChunks(joined: JoinedChunks, offset: number): ChunkPosition {
  const { starts } = joined;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { chunk: joined.from + lo, offset: offset - starts[lo]! };
}

/** The chunk positions of `[start, end)` in the joined text; `end` is the last character's offset + 1. */
export function locateSpan(
  joined: JoinedChunks,
  start: number,
  end: number,
): { start: ChunkPosition; end: ChunkPosition } {
  const last = locateInChunks(joined, end - 1);
  return { start: locateInChunks(joined, start), end: { chunk: last.chunk, offset: last.offset + 1 } };
}

/**
 * Cuts a chunk list into `[from, to)` slices of roughly `targetChars` for scanning between yields.
 * Slices end only at block breaks, which no indicator crosses, so scanning slice by slice finds
 * exactly what one scan would. A single block longer than the target stays whole.
 */
export function planChunkSlices(
  chunks: readonly TextChunk[],
  targetChars: number,
): Array<{ from: number; to: number }> {
  const slices: Array<{ from: number; to: number }> = [];
  let from = 0;
  let size = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (i > from && chunk.blockBreakBefore && size >= targetChars) {
      slices.push({ from, to: i });
      from = i;
      size = 0;
    }
    size += chunk.text.length;
  }
  if (from < chunks.length) slices.push({ from, to: chunks.length });
  return slices;
}
