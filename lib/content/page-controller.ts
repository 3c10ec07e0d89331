import type { Extraction, PageIndicator } from '../indicators/page-indicators';
import { markKind } from '../lookup/mark-kind';
import type { ValueStatus } from '../lookup/status';
import { OccurrenceIndex } from './hit-test';
import { ask } from './messaging';
import { createOverlay, type Overlay } from './overlay';
import {
  occurrenceRange,
  type PageOccurrence,
  pruneDetached,
  type ScanResult,
  scanChunkList,
  scanRoots,
  VIEWPORT_FIRST_MIN_CHARS,
  viewportRun,
  walkRoot,
} from './page-scan';

const MUTATION_DEBOUNCE_MS = 400;

/** The two preferences the page layer reads (the rest stay in the background). */
export interface MarkPreferences {
  showNewMarks: boolean;
  showBenignMarks: boolean;
}

/** What the page layer needs of its content-script context (WXT's, or a test's). */
export interface PageContext {
  readonly signal: AbortSignal;
  readonly isInvalid: boolean;
  onInvalidated(callback: () => void): void;
}

/**
 * Extraction runs in the background, off the page's main thread. Asked twice at most: a background
 * the browser stopped mid-request answers the second time.
 */
async function extractInBackground(texts: string[]): Promise<Extraction | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await ask('page/extract', { texts });
    if (answer.ok) return answer.data;
  }
  return undefined;
}

/** Resolves when the page's main thread is idle (at the latest after a second). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 50);
  });
}

/** An indicator occurrence the pointer or caret is on. */
export interface IndicatorHit {
  value: string;
  kind: string | undefined;
  occurrence: PageOccurrence;
}

/**
 * One frame's scan: walks the text, asks the background for extraction and statuses, draws marks and
 * keeps them in place. Knows nothing of the card; `indicatorAt` and `indicatorAtSelection` tell the
 * hover logic which indicator is where, for every indicator whatever its status.
 */
export class PageController {
  readonly overlay: Overlay;
  private result: ScanResult = { indicators: new Map(), occurrences: [] };
  private statuses: Record<string, ValueStatus> = {};
  private highlightsOn = true;
  private observing = false;
  private pendingRoots = new Set<Node>();
  private mutationTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly hits = new OccurrenceIndex();

  constructor(
    private readonly ctx: PageContext,
    private readonly preferences: MarkPreferences,
    private readonly doc: Document = document,
  ) {
    this.overlay = createOverlay(doc);
    this.overlay.keepAttached(ctx.signal);
    ctx.onInvalidated(() => this.overlay.destroy());
  }

  get highlighted(): boolean {
    return this.highlightsOn;
  }

  async scan(): Promise<void> {
    if (!this.observing) {
      this.observing = true;
      this.observeMutations();
    }
    const options = { extract: extractInBackground, ownHost: this.overlay.host, signal: this.ctx.signal };
    const chunks = await walkRoot(this.doc.body ?? this.doc.documentElement, options);
    const result: ScanResult = { indicators: new Map(), occurrences: [] };
    this.result = result;
    const chars = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
    if (chars < VIEWPORT_FIRST_MIN_CHARS) {
      await scanChunkList(chunks, { ...options, into: result });
      await this.report();
      return;
    }
    // A long page: what the analyst sees first is extracted, looked up and marked first; the rest
    // follows when the page is idle, and the second report replaces the first.
    const range = this.doc.createRange();
    const { from, to } = viewportRun(chunks, this.doc.defaultView?.innerHeight ?? 0, (chunk) => {
      range.selectNodeContents(chunk.node);
      return range.getBoundingClientRect().top;
    });
    await scanChunkList(chunks.slice(from, to), { ...options, into: result });
    await this.report();
    if (this.ctx.isInvalid || this.result !== result) return;
    await whenIdle();
    await scanChunkList([...chunks.slice(0, from), ...chunks.slice(to)], { ...options, into: result });
    if (this.result === result) await this.report();
  }

  toggleHighlights(): void {
    this.highlightsOn = !this.highlightsOn;
    this.drawMarks();
  }

  /** Re-measures the marks (after scroll, resize or reflow). */
  relayout(): void {
    this.overlay.relayout();
  }

  /** The indicator under a viewport point, if highlights are on. */
  indicatorAt(x: number, y: number): IndicatorHit | undefined {
    if (!this.highlightsOn || this.result.occurrences.length === 0) return undefined;
    const occurrence = this.hits.at(this.result.occurrences, x, y, this.doc);
    return occurrence && this.hitOf(occurrence);
  }

  /** The indicator the caret or selection is on (the keyboard's way to a card). */
  indicatorAtSelection(): IndicatorHit | undefined {
    const selection = this.doc.getSelection();
    if (!selection || selection.rangeCount === 0) return undefined;
    const caret = selection.getRangeAt(0);
    const occurrence = this.result.occurrences.find((candidate) => {
      const range = occurrenceRange(candidate);
      return (
        range !== undefined &&
        range.compareBoundaryPoints(Range.START_TO_END, caret) >= 0 &&
        range.compareBoundaryPoints(Range.END_TO_START, caret) <= 0
      );
    });
    return occurrence && this.hitOf(occurrence);
  }

  private hitOf(occurrence: PageOccurrence): IndicatorHit {
    return {
      value: occurrence.value,
      kind: this.result.indicators.get(occurrence.value)?.type,
      occurrence,
    };
  }

  private observeMutations(): void {
    const host = this.overlay.host;
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.target === host || host.contains(record.target)) continue;
        if (record.type === 'characterData') this.pendingRoots.add(record.target.parentNode ?? record.target);
        for (const node of record.addedNodes) {
          if (node !== host) this.pendingRoots.add(node);
        }
        if (record.removedNodes.length > 0) this.pendingRoots.add(record.target);
      }
      if (this.pendingRoots.size > 0 && this.mutationTimer === undefined) {
        this.mutationTimer = setTimeout(() => {
          this.mutationTimer = undefined;
          if (!this.ctx.isInvalid) void this.rescanChanged();
        }, MUTATION_DEBOUNCE_MS);
      }
    });
    observer.observe(this.doc.documentElement, { childList: true, subtree: true, characterData: true });
    this.ctx.onInvalidated(() => {
      observer.disconnect();
      if (this.mutationTimer !== undefined) clearTimeout(this.mutationTimer);
    });
  }

  /** Scans only what changed since the last scan. */
  private async rescanChanged(): Promise<void> {
    const roots = [...this.pendingRoots].filter((node) => node.isConnected);
    this.pendingRoots.clear();
    // Keep only the outermost changed roots; re-scanning a root replaces its old occurrences.
    const outermost = roots.filter((node) => !roots.some((other) => other !== node && other.contains(node)));
    this.result.occurrences = this.result.occurrences.filter(
      (occurrence) => !outermost.some((root) => root.contains(occurrence.startNode)),
    );
    pruneDetached(this.result);
    const before = new Set(this.result.indicators.keys());
    await scanRoots(outermost, {
      extract: extractInBackground,
      ownHost: this.overlay.host,
      signal: this.ctx.signal,
      into: this.result,
    });
    const changed =
      this.result.indicators.size !== before.size ||
      [...this.result.indicators.keys()].some((value) => !before.has(value));
    if (changed) await this.report();
    else this.drawMarks();
  }

  private async report(): Promise<void> {
    const answer = await ask('page/indicators', {
      url: location.href,
      title: this.doc.title,
      indicators: [...this.result.indicators.values()] satisfies PageIndicator[],
    });
    if (this.ctx.isInvalid) return;
    if (answer.ok) {
      const { statuses, newValues } = answer.data;
      const isNew: ValueStatus = { status: 'new' };
      for (const value of newValues) statuses[value] = isNew;
      this.statuses = statuses;
    }
    this.drawMarks();
  }

  private drawMarks(): void {
    if (!this.highlightsOn) {
      this.overlay.setMarks([]);
      return;
    }
    const marks = [];
    for (const occurrence of this.result.occurrences) {
      const kind = markKind(this.statuses[occurrence.value], this.preferences);
      if (!kind) continue;
      const range = occurrenceRange(occurrence);
      if (range) marks.push({ range, kind });
    }
    this.overlay.setMarks(marks);
  }

  /** "Look up in MISP" on a selection: the first indicator in it, looked up now. */
  async firstIndicatorIn(text: string): Promise<{ value: string; kind: string } | undefined> {
    const found = await extractInBackground([text]);
    const index = found?.hits[1];
    if (!found || index === undefined) return undefined;
    const value = found.values[index]!;
    const kind = found.kinds[index]!;
    await ask('lookup/values', {
      indicators: [{ type: kind, value, original: found.originals[index] || value, count: 1 }],
    });
    return { value, kind };
  }
}
