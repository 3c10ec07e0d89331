/**
 * Collects a page's visible text as chunks, one per text node, in document order, with the block
 * boundaries that separate them — the input of the indicator scanner. Inline boundaries (spans,
 * <code>, <wbr>, syntax-highlighting) do not separate chunks, so `<code>evil</code>[.]com` scans as
 * one indicator; block boundaries do, so two paragraphs never glue into one word.
 */

export interface DomTextChunk {
  node: Text;
  text: string;
  /** Where `text` starts in the node's data (long nodes are cut into pieces). */
  nodeOffset: number;
  blockBreakBefore: boolean;
}

const SKIPPED_TAGS = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEXTAREA',
  'INPUT',
  'SELECT',
  'OPTION',
  'TEMPLATE',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'SVG',
  'CANVAS',
  'VIDEO',
  'AUDIO',
  'HEAD',
  'TITLE',
]);

/** Elements that start a new line of text wherever they appear. */
const BLOCK_TAGS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'BR',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIALOG',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'HTML',
  'IMG',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'TD',
  'TFOOT',
  'TH',
  'THEAD',
  'TR',
  'UL',
  'BUTTON',
  'LABEL',
]);

export function isBlockElement(element: Element): boolean {
  return BLOCK_TAGS.has(element.tagName.toUpperCase());
}

/** Whether an element's subtree holds no text we should read (code, hidden, editable, ours). */
export function isSkippedElement(element: Element, ownHost?: Element | null): boolean {
  if (element === ownHost) return true;
  if (SKIPPED_TAGS.has(element.tagName.toUpperCase())) return true;
  if (element instanceof HTMLElement) {
    if (element.hidden || element.isContentEditable) return true;
    if (element.getAttribute('aria-hidden') === 'true') return true;
    if (typeof element.checkVisibility === 'function' && !element.checkVisibility()) return true;
  }
  return false;
}

/** Text nodes longer than this are scanned in pieces (the scanner's cost grows faster than linearly). */
export const MAX_CHUNK_CHARS = 8 * 1024;

/**
 * Cuts a long text into pieces of at most `max` characters, each ending just after whitespace where
 * there is any (indicators never contain whitespace, so none is cut), else at `max`.
 */
export function splitLongText(text: string, max = MAX_CHUNK_CHARS): Array<{ offset: number; text: string }> {
  if (text.length <= max) return [{ offset: 0, text }];
  const pieces: Array<{ offset: number; text: string }> = [];
  let from = 0;
  while (from < text.length) {
    let to = Math.min(from + max, text.length);
    if (to < text.length) {
      // The last whitespace in the second half of the window, if any.
      for (let i = to - 1; i > from + max / 2; i--) {
        const code = text.charCodeAt(i);
        if (code === 32 || code === 10 || code === 9 || code === 13 || code === 160) {
          to = i + 1;
          break;
        }
      }
    }
    pieces.push({ offset: from, text: text.slice(from, to) });
    from = to;
  }
  return pieces;
}

export interface WalkOptions {
  ownHost?: Element | null;
  signal?: AbortSignal;
  /** Time a slice of the walk may take before it yields to the page. */
  budgetMs?: number;
  /** How to give the page the main thread back (a macrotask by default). */
  yieldToPage?: () => Promise<void>;
}

interface Frame {
  walker: TreeWalker;
  openBlocks: Element[];
}

function frameFor(root: Node, ownHost: Element | null | undefined): Frame {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        return isSkippedElement(node as Element, ownHost)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  return { walker, openBlocks: [] };
}

/**
 * Walks `root` and returns its text chunks, open shadow roots included (a shadow tree's text comes
 * right after its host's start, before the host's light children). `blockBreakBefore` is set when a
 * block element starts or ends between a chunk and the previous one (or a <br>, <img>… sits between
 * them, or a shadow tree starts or ends). Long text nodes are cut into pieces of MAX_CHUNK_CHARS.
 * The walk yields to the page whenever a slice has used its budget, so no task of ours runs long
 * on a page with 100,000 elements or deeply nested shadow roots.
 */
export async function walkTextChunks(root: Node, options: WalkOptions = {}): Promise<DomTextChunk[]> {
  const budget = options.budgetMs ?? 8;
  const pause = options.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const chunks: DomTextChunk[] = [];
  const stack: Frame[] = [frameFor(root, options.ownHost)];
  let pendingBreak = true;
  let sinceBreak = 0;
  let sliceStarted = performance.now();
  let steps = 0;
  while (stack.length > 0) {
    if ((++steps & 127) === 0 && performance.now() - sliceStarted > budget) {
      await pause();
      if (options.signal?.aborted) break;
      sliceStarted = performance.now();
    }
    const frame = stack[stack.length - 1]!;
    const node = frame.walker.nextNode();
    if (!node) {
      stack.pop();
      pendingBreak = true;
      continue;
    }
    // Leaving blocks: any open block that does not contain this node has ended.
    const { openBlocks } = frame;
    while (openBlocks.length > 0 && !openBlocks[openBlocks.length - 1]!.contains(node)) {
      openBlocks.pop();
      pendingBreak = true;
    }
    if (node.nodeType === Node.ELEMENT_NODE) {
      const element = node as Element;
      if (isBlockElement(element)) {
        pendingBreak = true;
        openBlocks.push(element);
      }
      // An open shadow root (closed ones are null here): its text is what the page shows.
      const shadow = element.shadowRoot;
      if (shadow) {
        pendingBreak = true;
        stack.push(frameFor(shadow, options.ownHost));
      }
      continue;
    }
    const text = (node as Text).data;
    if (text.length === 0) continue;
    // A long run of inline text (100,000 spans in one paragraph) gets a break at whitespace too, so
    // the scanner's slices stay small; no indicator contains whitespace, so none is cut.
    if (pendingBreak) sinceBreak = 0;
    else if (sinceBreak > MAX_CHUNK_CHARS && (/^\s/.test(text) || /\s$/.test(chunks.at(-1)?.text ?? ''))) {
      pendingBreak = true;
      sinceBreak = 0;
    }
    sinceBreak += text.length;
    for (const piece of splitLongText(text)) {
      chunks.push({
        node: node as Text,
        text: piece.text,
        nodeOffset: piece.offset,
        blockBreakBefore: pendingBreak,
      });
      pendingBreak = piece.offset + piece.text.length < text.length;
    }
  }
  return chunks;
}
