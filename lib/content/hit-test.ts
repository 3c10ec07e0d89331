import { occurrenceRange, type PageOccurrence } from './page-scan';

/**
 * Which indicator occurrence is under a viewport point, for every indicator on the page whatever MISP
 * said about it (a card opens for each, so a page learns nothing by hit-testing). The text position
 * under the point comes from the browser (`caretPositionFromPoint`, or Chromium's older
 * `caretRangeFromPoint`), then a map from text nodes to their occurrences; the occurrence's own boxes
 * confirm the point is on it (a caret lands on the nearest character even beside the text).
 */
export class OccurrenceIndex {
  private byNode = new Map<Text, PageOccurrence[]>();
  private source: readonly PageOccurrence[] | undefined;

  /** Rebuilt lazily when the scan's occurrence list is replaced or grows. */
  private index(occurrences: readonly PageOccurrence[]): Map<Text, PageOccurrence[]> {
    if (this.source === occurrences && this.indexed === occurrences.length) return this.byNode;
    this.byNode = new Map();
    for (const occurrence of occurrences) {
      this.add(occurrence.startNode, occurrence);
      if (occurrence.endNode !== occurrence.startNode) this.add(occurrence.endNode, occurrence);
    }
    this.source = occurrences;
    this.indexed = occurrences.length;
    return this.byNode;
  }
  private indexed = 0;

  private add(node: Text, occurrence: PageOccurrence): void {
    const list = this.byNode.get(node);
    if (list) list.push(occurrence);
    else this.byNode.set(node, [occurrence]);
  }

  at(occurrences: readonly PageOccurrence[], x: number, y: number, doc: Document = document) {
    const caret = caretAt(doc, x, y);
    if (!caret) return undefined;
    const candidates = this.index(occurrences).get(caret.node);
    if (!candidates) return undefined;
    for (const occurrence of candidates) {
      if (!covers(occurrence, caret.node, caret.offset)) continue;
      const range = occurrenceRange(occurrence);
      if (range && containsPoint(range, x, y)) return occurrence;
    }
    return undefined;
  }
}

function covers(occurrence: PageOccurrence, node: Text, offset: number): boolean {
  const afterStart = node !== occurrence.startNode || offset >= occurrence.startOffset;
  const beforeEnd = node !== occurrence.endNode || offset <= occurrence.endOffset;
  return afterStart && beforeEnd;
}

/** Whether a viewport point is on one of a range's boxes (a pixel of slack, as marks have). */
export function containsPoint(range: Range, x: number, y: number): boolean {
  for (const rect of range.getClientRects()) {
    if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) return true;
  }
  return false;
}

interface CaretDocument {
  caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null;
  caretRangeFromPoint?(x: number, y: number): Range | null;
}

function caretAt(doc: Document, x: number, y: number): { node: Text; offset: number } | undefined {
  const caretDoc = doc as unknown as CaretDocument;
  let node: Node | undefined;
  let offset = 0;
  if (typeof caretDoc.caretPositionFromPoint === 'function') {
    const position = caretDoc.caretPositionFromPoint(x, y);
    node = position?.offsetNode;
    offset = position?.offset ?? 0;
  } else if (typeof caretDoc.caretRangeFromPoint === 'function') {
    const range = caretDoc.caretRangeFromPoint(x, y);
    node = range?.startContainer;
    offset = range?.startOffset ?? 0;
  }
  return node && node.nodeType === 3 ? { node: node as Text, offset } : undefined;
}
