import type { PDFDocumentProxy } from 'pdfjs-dist';
import { TextLayer } from 'pdfjs-dist';
import type { MarkKind } from '../../lookup/mark-kind';
import { type AssembledPage, assemblePage } from '../assemble';
import { textRuns } from '../extract';
import { runSpans } from '../marks';

/**
 * The reader's pages: each a canvas (what the PDF looks like), pdf.js's text layer (selectable
 * text, where marks are measured) and a layer of Sightline's marks and find highlights on top.
 */

export const READER_SCALE = 1.3;

export interface ReaderPage {
  element: HTMLElement;
  assembled: AssembledPage;
  textDivs: HTMLElement[];
  marks: HTMLElement;
  /** Draws the page's picture (near the viewport); `release` frees it again (far from it). */
  paint(): Promise<void>;
  release(): void;
}

export interface PlacedMark {
  value: string;
  page: number;
  element: HTMLElement;
}

/** Renders page `n` (1-based) into `container` and returns it with its assembled text. */
export async function renderPage(
  document: PDFDocumentProxy,
  n: number,
  container: HTMLElement,
): Promise<ReaderPage> {
  const page = await document.getPage(n);
  const viewport = page.getViewport({ scale: READER_SCALE });
  const doc = container.ownerDocument;
  const element = doc.createElement('section');
  element.className = 'sl-reader-page';
  element.id = `page-${n}`;
  element.setAttribute('aria-label', `Page ${n}`);
  element.style.width = `${viewport.width}px`;
  element.style.height = `${viewport.height}px`;
  element.style.setProperty('--scale-factor', String(READER_SCALE));
  element.style.setProperty('--total-scale-factor', String(READER_SCALE));
  const canvas = doc.createElement('canvas');
  const ratio = doc.defaultView?.devicePixelRatio ?? 1;
  // Nothing drawn (and no pixels held) until the page comes near the view.
  canvas.width = 0;
  canvas.height = 0;
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  canvas.setAttribute('aria-hidden', 'true');
  const textLayer = doc.createElement('div');
  textLayer.className = 'textLayer';
  const marks = doc.createElement('div');
  marks.className = 'sl-marks';
  element.append(canvas, textLayer, marks);
  container.append(element);
  const content = await page.getTextContent();
  const layer = new TextLayer({ textContentSource: content, container: textLayer, viewport });
  await layer.render();
  // The canvas is drawn only while the page is near the viewport: hundreds of painted pages would
  // hold hundreds of megabytes.
  let painted: Promise<void> | undefined;
  const paint = () => {
    painted ??= (async () => {
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      await page.render({
        canvas,
        canvasContext: canvas.getContext('2d')!,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      }).promise;
    })().catch(() => {
      painted = undefined;
    });
    return painted;
  };
  const release = () => {
    if (!painted) return;
    painted = undefined;
    canvas.width = 0;
    canvas.height = 0;
  };
  return {
    element,
    assembled: assemblePage(textRuns(content.items)),
    textDivs: layer.textDivs,
    marks,
    paint,
    release,
  };
}

/** Boxes (relative to the page) of `[start, end)` of the page's assembled text. */
export function boxesOf(page: ReaderPage, start: number, end: number): DOMRect[] {
  const origin = page.element.getBoundingClientRect();
  const boxes: DOMRect[] = [];
  for (const span of runSpans(page.assembled.pieces, start, end)) {
    const node = page.textDivs[span.run]?.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    const range = page.element.ownerDocument.createRange();
    range.setStart(node, Math.min(span.start, node.textContent?.length ?? 0));
    range.setEnd(node, Math.min(span.end, node.textContent?.length ?? 0));
    for (const rect of range.getClientRects()) {
      if (rect.width > 0 && rect.height > 0)
        boxes.push(new DOMRect(rect.left - origin.left, rect.top - origin.top, rect.width, rect.height));
    }
  }
  return boxes;
}

/** Draws a mark of `kind` (or a find highlight) over each box. */
export function drawBoxes(
  page: ReaderPage,
  boxes: readonly DOMRect[],
  className: string,
  value?: string,
): HTMLElement[] {
  return boxes.map((box) => {
    const element = page.element.ownerDocument.createElement('div');
    element.className = className;
    if (value !== undefined) element.dataset.value = value;
    element.style.left = `${box.x - 1}px`;
    element.style.top = `${box.y - 1}px`;
    element.style.width = `${box.width + 2}px`;
    element.style.height = `${box.height + 2}px`;
    page.marks.append(element);
    return element;
  });
}

export const markClass = (kind: MarkKind) => `mark ${kind}`;
