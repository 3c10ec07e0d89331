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

/** Whether a tag name (as `tagName` gives it) is in a set of upper-case names; HTML's are upper case already. */
function tagIn(set: ReadonlySet<string>, element: Element): boolean {
  const name = element.tagName;
  return set.has(name) || set.has(name.toUpperCase());
}

export function isBlockElement(element: Element): boolean {
  return tagIn(BLOCK_TAGS, element);
}

/** Whether an element's subtree holds no text we should read (code, hidden, editable, ours). */
export function isSkippedElement(element: Element, ownHost?: Element | null): boolean {
  if (element === ownHost) return true;
  if (tagIn(SKIPPED_TAGS, element)) return true;
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

/** Children still to visit under one parent; `endsBlock` when leaving them ends a block (or a shadow tree). */
interface Frame {
  next: Node | null;
  endsBlock: boolean;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * Walks `root` and returns its text chunks, open shadow roots included (a shadow tree's text comes
 * right after its host's start, before the host's light children). `blockBreakBefore` is set when a
 * block element starts or ends between a chunk and the previous one (or a <br>, <img>… sits between
 * them, or a shadow tree starts or ends). Long text nodes are cut into pieces of MAX_CHUNK_CHARS.
 * The walk yields to the page whenever a slice has used its budget, so no task of ours runs long
 * on a page with 100,000 elements or deeply nested shadow roots.
 *
 * A plain loop over firstChild/nextSibling rather than a TreeWalker: a TreeWalker's filter is a call
 * from the engine into script for every node, which made the walk the costliest part of a scan.
 */
export async function walkTextChunks(root: Node, options: WalkOptions = {}): Promise<DomTextChunk[]> {
  const budget = options.budgetMs ?? 8;
  const pause = options.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const ownHost = options.ownHost;
  const chunks: DomTextChunk[] = [];
  const stack: Frame[] = [];
  let pendingBreak = true;
  let sinceBreak = 0;

  const addText = (node: Text) => {
    const text = node.data;
    if (text.length === 0) return;
    // Markup's indentation between elements: it separates words as a line break does, and needs no
    // chunk of its own (on real pages these are a good share of all text nodes).
    if (text.length < 256 && text.trim().length === 0 && text.includes('\n')) {
      pendingBreak = true;
      return;
    }
    // A long run of inline text (100,000 spans in one paragraph) gets a break at whitespace too, so
    // the scanner's slices stay small; no indicator contains whitespace, so none is cut.
    if (pendingBreak) sinceBreak = 0;
    else if (sinceBreak > MAX_CHUNK_CHARS && (/^\s/.test(text) || /\s$/.test(chunks.at(-1)?.text ?? ''))) {
      pendingBreak = true;
      sinceBreak = 0;
    }
    sinceBreak += text.length;
    if (text.length <= MAX_CHUNK_CHARS) {
      chunks.push({ node, text, nodeOffset: 0, blockBreakBefore: pendingBreak });
      pendingBreak = false;
      return;
    }
    for (const piece of splitLongText(text)) {
      chunks.push({ node, text: piece.text, nodeOffset: piece.offset, blockBreakBefore: pendingBreak });
      pendingBreak = piece.offset + piece.text.length < text.length;
    }
  };
  // Enters an element: its shadow tree first (pushed last, so visited first), then its light children.
  const enter = (element: Element, endsBlock: boolean) => {
    const first = element.firstChild;
    if (first) stack.push({ next: first, endsBlock });
    // An open shadow root (closed ones are null here): its text is what the page shows.
    const shadow = element.shadowRoot;
    if (shadow) {
      pendingBreak = true;
      stack.push({ next: shadow.firstChild, endsBlock: true });
    }
  };

  if (root.nodeType === TEXT_NODE) addText(root as Text);
  else if (root.nodeType === ELEMENT_NODE) {
    if (!isSkippedElement(root as Element, ownHost)) enter(root as Element, false);
  } else if (root.firstChild) stack.push({ next: root.firstChild, endsBlock: false });

  let sliceStarted = performance.now();
  let steps = 0;
  while (stack.length > 0) {
    if ((++steps & 255) === 0 && performance.now() - sliceStarted > budget) {
      await pause();
      if (options.signal?.aborted) break;
      sliceStarted = performance.now();
    }
    const frame = stack[stack.length - 1]!;
    const node = frame.next;
    if (node === null) {
      stack.pop();
      if (frame.endsBlock) pendingBreak = true;
      continue;
    }
    frame.next = node.nextSibling;
    const type = node.nodeType;
    if (type === TEXT_NODE) {
      addText(node as Text);
      continue;
    }
    if (type !== ELEMENT_NODE) continue;
    const element = node as Element;
    if (isSkippedElement(element, ownHost)) continue;
    const block = isBlockElement(element);
    if (block) pendingBreak = true;
    enter(element, block);
  }
  return chunks;
}
