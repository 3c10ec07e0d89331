/**
 * Collects a page's visible text as chunks, one per text node, in document order, with the block
 * boundaries that separate them — the input of the indicator scanner. Inline boundaries (spans,
 * <code>, <wbr>, syntax-highlighting) do not separate chunks, so `<code>evil</code>[.]com` scans as
 * one indicator; block boundaries do, so two paragraphs never glue into one word.
 */

export interface DomTextChunk {
  node: Text;
  text: string;
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

/**
 * Walks `root` and returns its text chunks. `blockBreakBefore` is set when a block element starts or
 * ends between a chunk and the previous one (or a <br>, <img>… sits between them).
 */
export function collectTextChunks(root: Node, ownHost?: Element | null): DomTextChunk[] {
  const doc = root.ownerDocument ?? (root as Document);
  const chunks: DomTextChunk[] = [];
  let pendingBreak = true;
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
  // Tracks block elements we are inside, to notice when the walk leaves one.
  const openBlocks: Element[] = [];
  let node: Node | null = walker.currentNode === root ? walker.nextNode() : walker.currentNode;
  for (; node; node = walker.nextNode()) {
    // Leaving blocks: any open block that does not contain this node has ended.
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
      continue;
    }
    const text = (node as Text).data;
    if (text.length === 0) continue;
    chunks.push({ node: node as Text, text, blockBreakBefore: pendingBreak });
    pendingBreak = false;
  }
  return chunks;
}
