import type { ChunkOccurrence } from '../indicators/model';
import { planChunkSlices, scanChunkRange } from '../indicators/scanner';
import type { PageIndicator } from '../messages';
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

/** The scanner's cost grows faster than linearly with the text: small slices keep each task short. */
const SLICE_CHARS = 8 * 1024;
const SLICE_BUDGET_MS = 8;
/** Distinct indicators per page we track (the background takes at most 20,000 per report). */
export const MAX_PAGE_INDICATORS = 10_000;
/** Marks per value and per page: a page repeating one value 190,000 times gets its first 200 marked. */
export const MAX_OCCURRENCES_PER_VALUE = 200;
export const MAX_PAGE_OCCURRENCES = 20_000;

function toOccurrence(
  chunks: readonly DomTextChunk[],
  occurrence: ChunkOccurrence,
): PageOccurrence | undefined {
  const start = chunks[occurrence.start.chunk];
  const end = chunks[occurrence.end.chunk];
  if (!start || !end) return undefined;
  return {
    value: occurrence.value,
    startNode: start.node,
    startOffset: start.nodeOffset + occurrence.start.offset,
    endNode: end.node,
    endOffset: end.nodeOffset + occurrence.end.offset,
  };
}

/**
 * Scans the text under `roots` for indicators, in slices that leave the page responsive: the walk
 * and the scan yield to the page whenever a slice has used its time budget.
 */
export async function scanRoots(
  roots: readonly Node[],
  options: { ownHost?: Element | null; signal?: AbortSignal; into?: ScanResult } = {},
): Promise<ScanResult> {
  const result: ScanResult = options.into ?? { indicators: new Map(), occurrences: [] };
  for (const root of roots) {
    if (options.signal?.aborted) break;
    const chunks = await walkTextChunks(root, {
      ownHost: options.ownHost,
      signal: options.signal,
      budgetMs: SLICE_BUDGET_MS,
      yieldToPage,
    });
    let sliceStarted = performance.now();
    for (const slice of planChunkSlices(chunks, SLICE_CHARS)) {
      if (options.signal?.aborted) break;
      for (const occurrence of scanChunkRange(chunks, slice.from, slice.to)) {
        let indicator = result.indicators.get(occurrence.value);
        if (indicator) indicator.count++;
        else {
          if (result.indicators.size >= MAX_PAGE_INDICATORS) continue;
          indicator = {
            type: occurrence.type,
            value: occurrence.value,
            original: occurrence.original,
            count: 1,
          };
          result.indicators.set(occurrence.value, indicator);
        }
        // The count stays true; only the ranges (what marks are drawn from) are capped.
        if (indicator.count > MAX_OCCURRENCES_PER_VALUE || result.occurrences.length >= MAX_PAGE_OCCURRENCES)
          continue;
        const located = toOccurrence(chunks, occurrence);
        if (located) result.occurrences.push(located);
      }
      if (performance.now() - sliceStarted > SLICE_BUDGET_MS) {
        await yieldToPage();
        sliceStarted = performance.now();
      }
    }
  }
  return result;
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
