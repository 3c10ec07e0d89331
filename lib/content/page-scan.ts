import type { ChunkOccurrence } from '../indicators/model';
import { planChunkSlices, scanChunkRange } from '../indicators/scanner';
import type { PageIndicator } from '../messages';
import { type DomTextChunk, walkTextChunks } from './text-walker';

/** One occurrence of an indicator in the page, as a live DOM range. */
export interface PageOccurrence {
  value: string;
  range: Range;
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

function toRange(
  doc: Document,
  chunks: readonly DomTextChunk[],
  occurrence: ChunkOccurrence,
): Range | undefined {
  const start = chunks[occurrence.start.chunk];
  const end = chunks[occurrence.end.chunk];
  if (!start || !end) return undefined;
  const range = doc.createRange();
  try {
    range.setStart(start.node, Math.min(start.nodeOffset + occurrence.start.offset, start.node.length));
    range.setEnd(end.node, Math.min(end.nodeOffset + occurrence.end.offset, end.node.length));
  } catch {
    return undefined;
  }
  return range;
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
    const doc = root.ownerDocument ?? (root as Document);
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
        const range = toRange(doc, chunks, occurrence);
        if (range) result.occurrences.push({ value: occurrence.value, range });
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
    (occurrence) => occurrence.range.startContainer.isConnected && occurrence.range.endContainer.isConnected,
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
