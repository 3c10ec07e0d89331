import type { CDPSession, Page } from 'playwright-core';

/**
 * Reaching into closed shadow roots from tests, as TOOLCHAIN.md describes: the Chrome DevTools
 * Protocol sees them (page scripts and Playwright locators do not). Input goes through page.mouse,
 * so events are trusted.
 */

interface DomNode {
  nodeId: number;
  backendNodeId: number;
  nodeName: string;
  localName?: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  shadowRootType?: string;
  nodeValue?: string;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export async function cdp(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page);
}

function attr(node: DomNode, name: string): string | undefined {
  const list = node.attributes ?? [];
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
  return undefined;
}

function* walk(node: DomNode): Generator<DomNode> {
  yield node;
  for (const shadow of node.shadowRoots ?? []) yield* walk(shadow);
  for (const child of node.children ?? []) yield* walk(child);
}

async function boxOf(session: CDPSession, backendNodeId: number): Promise<Box | undefined> {
  try {
    const { model } = (await session.send('DOM.getBoxModel', { backendNodeId })) as {
      model: { border: number[]; width: number; height: number };
    };
    return { x: model.border[0]!, y: model.border[1]!, width: model.width, height: model.height };
  } catch {
    return undefined;
  }
}

/** The marks Sightline drew (inside its closed shadow root): class and box in viewport pixels. */
export async function readMarks(page: Page): Promise<Array<{ kind: string; box: Box }>> {
  const session = await cdp(page);
  try {
    const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    const marks: Array<{ kind: string; box: Box }> = [];
    for (const node of walk(root)) {
      const className = attr(node, 'class') ?? '';
      if (node.localName === 'div' && className.startsWith('mark ')) {
        const box = await boxOf(session, node.backendNodeId);
        if (box) marks.push({ kind: className.slice(5), box });
      }
    }
    return marks;
  } finally {
    await session.detach();
  }
}

/** Finds a node by ARIA role and accessible name anywhere, closed shadow roots included. */
export async function findByRole(
  page: Page,
  role: string,
  name: string | RegExp,
): Promise<{ backendNodeId: number; name: string } | undefined> {
  const session = await cdp(page);
  try {
    const { nodes } = (await session.send('Accessibility.getFullAXTree', {})) as {
      nodes: Array<{
        role?: { value: string };
        name?: { value: string };
        backendDOMNodeId?: number;
        ignored?: boolean;
      }>;
    };
    for (const node of nodes) {
      if (node.ignored || node.role?.value !== role || node.backendDOMNodeId === undefined) continue;
      const nodeName = node.name?.value ?? '';
      if (typeof name === 'string' ? nodeName === name : name.test(nodeName)) {
        return { backendNodeId: node.backendDOMNodeId, name: nodeName };
      }
    }
    return undefined;
  } finally {
    await session.detach();
  }
}

/**
 * Calls `functionDeclaration` with `this` bound to a node found by `findByRole` (closed shadow roots
 * included: CDP holds the reference, no page script can) and returns its JSON result.
 */
export async function callOnNode<T>(
  page: Page,
  backendNodeId: number,
  functionDeclaration: string,
): Promise<T> {
  const session = await cdp(page);
  try {
    const { object } = (await session.send('DOM.resolveNode', { backendNodeId })) as {
      object: { objectId: string };
    };
    const { result } = (await session.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration,
      returnByValue: true,
    })) as { result: { value: T } };
    return result.value;
  } finally {
    await session.detach();
  }
}

/** The text content of a node found by `findByRole` (closed shadow content included). */
export async function textOf(page: Page, backendNodeId: number): Promise<string> {
  const session = await cdp(page);
  try {
    const { outerHTML } = (await session.send('DOM.getOuterHTML', { backendNodeId })) as {
      outerHTML: string;
    };
    return outerHTML
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/\s+/g, ' ')
      .trim();
  } finally {
    await session.detach();
  }
}

/** The box of a node found by `findByRole`. */
export async function boxOfNode(page: Page, backendNodeId: number): Promise<Box | undefined> {
  const session = await cdp(page);
  try {
    return await boxOf(session, backendNodeId);
  } finally {
    await session.detach();
  }
}

/** Moves the real mouse to a box's centre and clicks (a trusted event). */
export async function clickBox(page: Page, box: Box): Promise<void> {
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Viewport rectangles of every occurrence of `text` in the page's text nodes (test-side, main world). */
export async function textRects(page: Page, texts: string[]): Promise<Array<{ text: string; box: Box }>> {
  return page.evaluate((wanted) => {
    const out: Array<{ text: string; box: { x: number; y: number; width: number; height: number } }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      for (const text of wanted) {
        let from = 0;
        for (;;) {
          const at = node.data.indexOf(text, from);
          if (at < 0) break;
          from = at + text.length;
          const before = node.data[at - 1] ?? ' ';
          const after = node.data[at + text.length] ?? ' ';
          // Whole tokens only: "1.2.3.4" inside "11.2.3.45" is not an occurrence.
          if (/[\w.\-[\]]/.test(before) || /[\w-]/.test(after)) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + text.length);
          for (const rect of range.getClientRects()) {
            out.push({ text, box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height } });
          }
        }
      }
    }
    return out;
  }, texts);
}

export function overlaps(a: Box, b: Box, slack = 2): boolean {
  return (
    a.x < b.x + b.width + slack &&
    b.x < a.x + a.width + slack &&
    a.y < b.y + b.height + slack &&
    b.y < a.y + a.height + slack
  );
}

/** The page text whose characters lie under a box (to name what a stray mark covers). */
export async function textUnder(page: Page, box: Box): Promise<string> {
  return page.evaluate((b) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let out = '';
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const range = document.createRange();
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getBoundingClientRect();
        if (
          r.x + r.width / 2 >= b.x &&
          r.x + r.width / 2 <= b.x + b.width &&
          r.y + r.height / 2 >= b.y &&
          r.y + r.height / 2 <= b.y + b.height
        ) {
          out += node.data[i];
        }
      }
    }
    return out || '(no text)';
  }, box);
}

/**
 * Scrolls the page text `original` (as the page shows it, e.g. `evil[.]com`) into view and points at
 * it with the real mouse until the card for `value` opens; returns the card dialog. If the marks were
 * still moving into place after the scroll, it points again after a pause longer than the hover delay
 * (every move restarts that delay), as a reader would.
 */
export async function hoverUntilCard(
  page: Page,
  original: string,
  value: string,
  timeoutMs = 10_000,
): Promise<{ backendNodeId: number; name: string }> {
  await page.evaluate((text) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent?.includes(text)) node.parentElement?.scrollIntoView({ block: 'center' });
    }
  }, original);
  const [target] = await textRects(page, [original]);
  if (!target) throw new Error(`"${original}" is not on the page`);
  const x = target.box.x + 3;
  const y = target.box.y + target.box.height / 2;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    await page.mouse.move(x + (attempt % 2), y);
    const pointedAt = Date.now();
    while (Date.now() - pointedAt < 1000) {
      const dialog = await findByRole(page, 'dialog', `MISP matches for ${value}`);
      if (dialog) return dialog;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`No card for ${value} opened within ${timeoutMs} ms`);
}
