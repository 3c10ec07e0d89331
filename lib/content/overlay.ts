/**
 * Draws Sightline's marks without touching the page's own DOM structure or styles. One host element
 * is attached to every scanned page at start-up, whatever the page contains, with a fixed zero-size
 * box, `pointer-events: none` and a closed shadow root: page scripts can see that the host exists
 * (on every page alike) but cannot read what is inside, cannot hit-test it (elementFromPoint goes
 * through), and its layout never changes with what Sightline found. The page's mutation records
 * show nothing after the host is attached: marks and the card live inside the closed root.
 */

import type { MarkKind } from '../lookup/mark-kind';

export type { MarkKind };

export interface MarkRequest {
  /** The ranges of one occurrence of an indicator in the page. */
  range: Range;
  kind: MarkKind;
  /** Index of the indicator in the content script's list (for the card). */
  indicator: number;
}

export interface PlacedMark {
  indicator: number;
  kind: MarkKind;
  /** Viewport-relative rectangles at the last layout. */
  rects: DOMRect[];
}

const MARK_STYLE = `
:host { all: initial; }
.layer { position: fixed; left: 0; top: 0; width: 0; height: 0; overflow: visible; pointer-events: none; }
.mark { position: fixed; box-sizing: border-box; border-radius: 2px; pointer-events: none; }
.mark.high { background: rgba(229, 57, 53, 0.22); border-bottom: 2px solid #e53935; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
.mark.medium { background: rgba(251, 140, 0, 0.22); border-bottom: 2px solid #fb8c00; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
.mark.low { background: rgba(253, 216, 53, 0.28); border-bottom: 2px solid #f9a825; box-shadow: 0 0 0 1px rgba(0,0,0,.25); }
.mark.undefined { background: rgba(30, 136, 229, 0.18); border-bottom: 2px solid #1e88e5; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
.mark.new { border-bottom: 1px dashed rgba(120, 120, 120, 0.9); }
.mark.benign { border-bottom: 1px dotted rgba(120, 120, 120, 0.6); }
`;

export const HOST_TAG = 'sightline-overlay';

export interface Overlay {
  host: HTMLElement;
  /** The closed shadow root: only Sightline holds this reference. */
  root: ShadowRoot;
  setMarks(marks: MarkRequest[]): void;
  /** Re-measures every mark (after scroll, resize or reflow). */
  relayout(): void;
  /** Which indicator's mark is under a viewport point, if any. */
  indicatorAt(x: number, y: number): number | undefined;
  marks(): readonly PlacedMark[];
  destroy(): void;
}

export function createOverlay(doc: Document = document): Overlay {
  const host = doc.createElement(HOST_TAG);
  // Inline styles on the host: a zero-size, non-interactive box that never affects page layout.
  host.setAttribute(
    'style',
    'all: initial !important; position: fixed !important; left: 0 !important; top: 0 !important; width: 0 !important; height: 0 !important; pointer-events: none !important; z-index: 2147483647 !important; display: block !important; contain: layout style !important;',
  );
  const root = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = MARK_STYLE;
  const layer = doc.createElement('div');
  layer.className = 'layer';
  root.append(style, layer);
  doc.documentElement.append(host);

  let requests: MarkRequest[] = [];
  let placed: PlacedMark[] = [];
  const elements: HTMLElement[] = [];

  function relayout() {
    placed = requests.map((request) => ({
      indicator: request.indicator,
      kind: request.kind,
      rects: [...request.range.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0),
    }));
    const needed = placed.reduce((sum, mark) => sum + mark.rects.length, 0);
    while (elements.length < needed) {
      const element = doc.createElement('div');
      layer.append(element);
      elements.push(element);
    }
    while (elements.length > needed) elements.pop()?.remove();
    let i = 0;
    for (const mark of placed) {
      for (const rect of mark.rects) {
        const element = elements[i++]!;
        element.className = `mark ${mark.kind}`;
        element.style.left = `${rect.left - 1}px`;
        element.style.top = `${rect.top - 1}px`;
        element.style.width = `${rect.width + 2}px`;
        element.style.height = `${rect.height + 2}px`;
      }
    }
  }

  return {
    host,
    root,
    setMarks(marks) {
      requests = marks;
      relayout();
    },
    relayout,
    indicatorAt(x, y) {
      for (const mark of placed) {
        for (const rect of mark.rects) {
          if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) {
            return mark.indicator;
          }
        }
      }
      return undefined;
    },
    marks: () => placed,
    destroy() {
      host.remove();
    },
  };
}
