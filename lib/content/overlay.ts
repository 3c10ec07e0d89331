/**
 * Draws Sightline's marks without touching the page's own DOM structure or styles. One host element
 * is attached to every scanned page at start-up, whatever the page contains, with a fixed zero-size
 * box, `pointer-events: none` and a closed shadow root: page scripts can see that the host exists
 * (on every page alike) but cannot read what is inside, cannot hit-test it (elementFromPoint goes
 * through), and its layout never changes with what Sightline found. The page's mutation records
 * show nothing after the host is attached: marks and the card live inside the closed root.
 */

import type { MarkKind } from '../lookup/mark-kind';
import { threatLevelColour } from '../threat-level';

export type { MarkKind };

export interface MarkRequest {
  /** The ranges of one occurrence of an indicator in the page. */
  range: Range;
  kind: MarkKind;
}

const MARK_STYLE = `
:host { all: initial; }
.layer { position: fixed; left: 0; top: 0; width: 0; height: 0; overflow: visible; pointer-events: none; }
.mark { position: fixed; box-sizing: border-box; border-radius: 2px; pointer-events: none; }
.mark.high { background: ${threatLevelColour(1, 0.22)}; border-bottom: 2px solid ${threatLevelColour(1)}; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
.mark.medium { background: ${threatLevelColour(2, 0.22)}; border-bottom: 2px solid ${threatLevelColour(2)}; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
.mark.low { background: ${threatLevelColour(3, 0.28)}; border-bottom: 2px solid ${threatLevelColour(3)}; box-shadow: 0 0 0 1px rgba(0,0,0,.25); }
.mark.undefined { background: ${threatLevelColour(4, 0.18)}; border-bottom: 2px solid ${threatLevelColour(4)}; box-shadow: 0 0 0 1px rgba(255,255,255,.55); }
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
  /** Puts the host back whenever the page removes it, until `signal` aborts. */
  keepAttached(signal: AbortSignal): void;
  destroy(): void;
}

/** How far beyond the viewport (above and below) marks are kept in place. */
const NEAR_MARGIN = '200%';

/** Re-attachments allowed in a burst; a page removing the host faster is answered more slowly. */
const REATTACH_BURST = 20;
const REATTACH_WINDOW_MS = 5_000;
const REATTACH_BACKOFF_MS = 1_000;

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
  const elements: HTMLElement[] = [];
  // Only marks near the viewport are measured and drawn: the element holding each occurrence's text
  // is watched with an IntersectionObserver (two viewports of margin above and below), so a scroll
  // on a page with thousands of marks re-lays a few dozen. Without the observer, every mark is near.
  const near = new Set<Element>();
  let anchors = new Map<Element, number>();
  let queued = false;
  const view = doc.defaultView;
  const queueRelayout = () => {
    if (queued || !view) return;
    queued = true;
    view.requestAnimationFrame(() => {
      queued = false;
      relayout();
    });
  };
  const observer =
    view && typeof view.IntersectionObserver === 'function'
      ? new view.IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (entry.isIntersecting) near.add(entry.target);
              else near.delete(entry.target);
            }
            queueRelayout();
          },
          { rootMargin: `${NEAR_MARGIN} 0px ${NEAR_MARGIN} 0px` },
        )
      : undefined;
  const anchorOf = (request: MarkRequest) => {
    const start = request.range.startContainer;
    return start.nodeType === 1 ? (start as Element) : start.parentElement;
  };
  const isNear = (request: MarkRequest) => {
    if (!observer) return true;
    const anchor = anchorOf(request);
    return anchor !== null && near.has(anchor);
  };
  function watchAnchors(): void {
    if (!observer) return;
    const next = new Map<Element, number>();
    for (const request of requests) {
      const anchor = anchorOf(request);
      if (anchor) next.set(anchor, (next.get(anchor) ?? 0) + 1);
    }
    for (const anchor of anchors.keys()) {
      if (!next.has(anchor)) {
        observer.unobserve(anchor);
        near.delete(anchor);
      }
    }
    for (const anchor of next.keys()) if (!anchors.has(anchor)) observer.observe(anchor);
    anchors = next;
  }

  function relayout() {
    // Every box is read before any mark is written: a write between two reads would make the
    // browser lay the page out again for the next read.
    const boxes: Array<{ kind: MarkKind; rect: DOMRect }> = [];
    for (const request of requests) {
      if (!isNear(request)) continue;
      for (const rect of request.range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) boxes.push({ kind: request.kind, rect });
      }
    }
    while (elements.length < boxes.length) {
      const element = doc.createElement('div');
      layer.append(element);
      elements.push(element);
    }
    while (elements.length > boxes.length) elements.pop()?.remove();
    boxes.forEach(({ kind, rect }, i) => {
      const element = elements[i]!;
      element.className = `mark ${kind}`;
      element.style.left = `${rect.left - 1}px`;
      element.style.top = `${rect.top - 1}px`;
      element.style.width = `${rect.width + 2}px`;
      element.style.height = `${rect.height + 2}px`;
    });
  }

  return {
    host,
    root,
    setMarks(marks) {
      requests = marks;
      watchAnchors();
      relayout();
    },
    relayout,
    keepAttached(signal) {
      let recent: number[] = [];
      let pending: ReturnType<typeof setTimeout> | undefined;
      const reattach = () => {
        pending = undefined;
        if (signal.aborted || host.isConnected) return;
        (doc.documentElement ?? doc).append(host);
      };
      // A page that removes the host (or replaces <html>) gets it back; one that keeps removing it
      // gets it back once a second, so the two of us never spin the main thread.
      const observer = new MutationObserver(() => {
        if (host.isConnected || pending !== undefined) return;
        const now = Date.now();
        recent = recent.filter((at) => now - at < REATTACH_WINDOW_MS);
        recent.push(now);
        if (recent.length <= REATTACH_BURST) reattach();
        else pending = setTimeout(reattach, REATTACH_BACKOFF_MS);
      });
      // Wherever the page moved it (into <body>, which it then removed): one check per batch of changes.
      observer.observe(doc, { childList: true, subtree: true });
      signal.addEventListener('abort', () => {
        observer.disconnect();
        if (pending !== undefined) clearTimeout(pending);
      });
    },
    destroy() {
      observer?.disconnect();
      host.remove();
    },
  };
}
