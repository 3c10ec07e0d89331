import { type JoinedChunks, joinChunkRange, locateSpan, planChunkSlices } from '../indicators/chunk-text';
import type { IndicatorKind, IndicatorNote } from '../indicators/model';
import type { Extraction, PageIndicator } from '../indicators/page-indicators';
import { type DomTextChunk, walkTextChunks } from './text-walker';

/**
 * One occurrence of an indicator in the page: where its text starts and ends. The DOM range is made
 * only when a mark is drawn for it (most values on a page are never marked, and every live range
 * costs the page a little on each DOM change).
 */
export interface PageOccurrence {
  value: string;
  startNode: Text;
  startOffset: number;
  endNode: Text;
  endOffset: number;
  range?: Range;
}

/** The occurrence's DOM range (made once), or undefined when its text no longer has those offsets. */
export function occurrenceRange(occurrence: PageOccurrence): Range | undefined {
  if (occurrence.range) return occurrence.range;
  const { startNode, endNode } = occurrence;
  const range = (startNode.ownerDocument ?? document).createRange();
  try {
    range.setStart(startNode, Math.min(occurrence.startOffset, startNode.length));
    range.setEnd(endNode, Math.min(occurrence.endOffset, endNode.length));
  } catch {
    return undefined;
  }
  occurrence.range = range;
  return range;
}

export interface ScanResult {
  indicators: Map<string, PageIndicator>;
  occurrences: PageOccurrence[];
}

/** Gives the page the main thread back between slices of work. */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The scanner's cost grows faster than linearly with the text: it reads the page in slices of this size. */
const SLICE_CHARS = 8 * 1024;
const SLICE_BUDGET_MS = 8;
/** Distinct indicators per page we track (the background takes at most 20,000 per report). */
export const MAX_PAGE_INDICATORS = 10_000;
/** Marks per value and per page: a page repeating one value 190,000 times gets its first 200 marked. */
export const MAX_OCCURRENCES_PER_VALUE = 200;
export const MAX_PAGE_OCCURRENCES = 20_000;

/**
 * Finds the indicators in a batch of joined texts (see ExtractionSchema). The content script asks the
 * background for this (`page/extract`), so the scanner's regexes and validation run off the page's
 * main thread.
 */
export type ExtractTexts = (texts: string[]) => Promise<Extraction | undefined>;

/** Text sent for extraction in one message (a bigger page goes in several). */
const EXTRACT_BATCH_CHARS = 512 * 1024;

function toOccurrence(
  chunks: readonly DomTextChunk[],
  joined: JoinedChunks,
  value: string,
  start: number,
  end: number,
): PageOccurrence | undefined {
  const span = locateSpan(joined, start, end);
  const first = chunks[span.start.chunk];
  const last = chunks[span.end.chunk];
  if (!first || !last) return undefined;
  return {
    value,
    startNode: first.node,
    startOffset: first.nodeOffset + span.start.offset,
    endNode: last.node,
    endOffset: last.nodeOffset + span.end.offset,
  };
}

export interface ScanOptions {
  extract: ExtractTexts;
  ownHost?: Element | null;
  signal?: AbortSignal;
  into?: ScanResult;
}

/** The text chunks under one root, walked in slices that leave the page responsive. */
export function walkRoot(
  root: Node,
  options: Pick<ScanOptions, 'ownHost' | 'signal'>,
): Promise<DomTextChunk[]> {
  return walkTextChunks(root, {
    ownHost: options.ownHost,
    signal: options.signal,
    budgetMs: SLICE_BUDGET_MS,
    yieldToPage,
  });
}

/**
 * Finds the indicators in the text under `roots`. The walk runs here in slices that leave the page
 * responsive; extraction runs in the background (`extract`), a batch of joined slices at a time, and
 * what it finds is mapped back to text nodes here, again yielding whenever a slice used its budget.
 */
export async function scanRoots(roots: readonly Node[], options: ScanOptions): Promise<ScanResult> {
  const result: ScanResult = options.into ?? { indicators: new Map(), occurrences: [] };
  for (const root of roots) {
    if (options.signal?.aborted) break;
    await scanChunkList(await walkRoot(root, options), { ...options, into: result });
  }
  return result;
}

/**
 * Finds the indicators in walked chunks (a whole root's, or a run of them that starts at a block
 * boundary, so no indicator is cut) and adds them to `options.into`.
 */
export async function scanChunkList(
  chunks: readonly DomTextChunk[],
  options: ScanOptions & { into: ScanResult },
): Promise<ScanResult> {
  const result = options.into;
  const add = (
    kind: IndicatorKind,
    value: string,
    original: string,
    note: IndicatorNote | null | undefined,
  ): PageIndicator | undefined => {
    let indicator = result.indicators.get(value);
    if (indicator) indicator.count++;
    else {
      if (result.indicators.size >= MAX_PAGE_INDICATORS) return undefined;
      indicator = note
        ? { type: kind, value, original, count: 1, note }
        : { type: kind, value, original, count: 1 };
      result.indicators.set(value, indicator);
    }
    return indicator;
  };
  // Join the slices and send them in batches; every batch is on its way before the first answer is read.
  const batches: Array<{ joined: JoinedChunks[]; answer: Promise<Extraction | undefined> }> = [];
  let batch: JoinedChunks[] = [];
  let batchChars = 0;
  const send = () => {
    if (batch.length === 0) return;
    const joined = batch;
    batches.push({ joined, answer: options.extract(joined.map((slice) => slice.text)) });
    batch = [];
    batchChars = 0;
  };
  for (const slice of planChunkSlices(chunks, SLICE_CHARS)) {
    const joined = joinChunkRange(chunks, slice.from, slice.to);
    batch.push(joined);
    batchChars += joined.text.length;
    if (batchChars >= EXTRACT_BATCH_CHARS) send();
  }
  send();
  let sliceStarted = performance.now();
  for (const { joined, answer } of batches) {
    const found = await answer.catch(() => undefined);
    if (options.signal?.aborted) break;
    if (!found) continue;
    const { kinds, values, originals, notes, hits } = found;
    for (let h = 0; h < hits.length; h += 4) {
      const slice = joined[hits[h]!];
      const index = hits[h + 1]!;
      const value = values[index]!;
      const indicator = add(kinds[index]!, value, originals[index] || value, notes?.[index]);
      // The count stays true; only the ranges (what marks are drawn from) are capped.
      if (
        !slice ||
        !indicator ||
        indicator.count > MAX_OCCURRENCES_PER_VALUE ||
        result.occurrences.length >= MAX_PAGE_OCCURRENCES
      )
        continue;
      const located = toOccurrence(chunks, slice, value, hits[h + 2]!, hits[h + 3]!);
      if (located) result.occurrences.push(located);
      if ((h & 1023) === 0 && performance.now() - sliceStarted > SLICE_BUDGET_MS) {
        await yieldToPage();
        sliceStarted = performance.now();
      }
    }
  }
  return result;
}

/** Text a page needs before the viewport-first scan is worth a second round trip. */
export const VIEWPORT_FIRST_MIN_CHARS = 64 * 1024;
/** Text kept on either side of the viewport in the first pass. */
const VIEWPORT_MARGIN_CHARS = 16 * 1024;

/**
 * The run of chunks in and near the viewport, [from, to), cut at block boundaries. Chunks are in
 * document order, which on a normal page is top-to-bottom order: a binary search on the boxes of a
 * dozen text nodes finds the first one below the top of the viewport and the first one past its
 * bottom (no layout of the rest of the page).
 */
export function viewportRun(
  chunks: readonly DomTextChunk[],
  viewportHeight: number,
  top: (chunk: DomTextChunk) => number,
): { from: number; to: number } {
  const firstAtOrBelow = (y: number) => {
    let low = 0;
    let high = chunks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (top(chunks[mid]!) < y) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  let from = firstAtOrBelow(0);
  let to = firstAtOrBelow(viewportHeight);
  // A margin of text either side, then out to the nearest block boundary.
  for (let chars = 0; from > 0 && chars < VIEWPORT_MARGIN_CHARS; ) chars += chunks[--from]!.text.length;
  for (let chars = 0; to < chunks.length && chars < VIEWPORT_MARGIN_CHARS; )
    chars += chunks[to++]!.text.length;
  while (from > 0 && !chunks[from]!.blockBreakBefore) from--;
  while (to < chunks.length && !chunks[to]!.blockBreakBefore) to++;
  return { from, to };
}

/** Drops occurrences whose text left the page, and recounts. */
export function pruneDetached(result: ScanResult): void {
  result.occurrences = result.occurrences.filter(
    (occurrence) => occurrence.startNode.isConnected && occurrence.endNode.isConnected,
  );
  const counts = new Map<string, number>();
  for (const occurrence of result.occurrences)
    counts.set(occurrence.value, (counts.get(occurrence.value) ?? 0) + 1);
  for (const [value, indicator] of result.indicators) {
    const count = counts.get(value);
    if (count === undefined) result.indicators.delete(value);
    else indicator.count = count;
  }
}
