import type { ChunkOccurrence } from '../indicators/model';
import { planChunkSlices, scanChunkRange } from '../indicators/scanner';
import type { PageIndicator } from '../messages';
import { collectTextChunks, type DomTextChunk } from './text-walker';

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

const SLICE_CHARS = 64 * 1024;
const SLICE_BUDGET_MS = 12;

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
    range.setStart(start.node, Math.min(occurrence.start.offset, start.node.length));
    range.setEnd(end.node, Math.min(occurrence.end.offset, end.node.length));
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
    const chunks = collectTextChunks(root, options.ownHost);
    let sliceStarted = performance.now();
    for (const slice of planChunkSlices(chunks, SLICE_CHARS)) {
      if (options.signal?.aborted) break;
      for (const occurrence of scanChunkRange(chunks, slice.from, slice.to)) {
        const range = toRange(doc, chunks, occurrence);
        if (!range) continue;
        result.occurrences.push({ value: occurrence.value, range });
        const seen = result.indicators.get(occurrence.value);
        if (seen) seen.count++;
        else {
          result.indicators.set(occurrence.value, {
            type: occurrence.type,
            value: occurrence.value,
            original: occurrence.original,
            count: 1,
          });
        }
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
