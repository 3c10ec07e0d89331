import { z } from 'zod';

/**
 * The page's readable text as blocks (title, headings, paragraphs, lists, tables, code), read once in
 * the tab when the Page panel opens. It is what the event report, the comments from context and the
 * object grouping work from. The page controls its DOM, so the answer is untrusted: bounded here and
 * parsed with `PageContentSchema` before anything uses it.
 */

export const MAX_BLOCKS = 5000;
export const MAX_CONTENT_CHARS = 1_000_000;
const MAX_TEXT = 20_000;

const Text = z.string().max(MAX_TEXT);

export const PageBlockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), level: z.number().int().min(1).max(6), text: Text }),
  z.object({ kind: z.literal('paragraph'), text: Text }),
  z.object({ kind: z.literal('list'), ordered: z.boolean(), items: z.array(Text).max(1000) }),
  z.object({ kind: z.literal('table'), rows: z.array(z.array(Text).max(64)).max(5000) }),
  z.object({ kind: z.literal('code'), text: z.string().max(MAX_TEXT * 5) }),
]);
export type PageBlock = z.infer<typeof PageBlockSchema>;

export const PageContentSchema = z
  .object({ title: z.string().max(2000), blocks: z.array(PageBlockSchema).max(MAX_BLOCKS) })
  .refine((content) => blockChars(content.blocks) <= MAX_CONTENT_CHARS, {
    message: `At most ${MAX_CONTENT_CHARS} characters of page text`,
  });
export type PageContent = z.infer<typeof PageContentSchema>;

function blockChars(blocks: readonly PageBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.kind === 'list') total += block.items.reduce((sum, item) => sum + item.length, 0);
    else if (block.kind === 'table')
      total += block.rows.reduce((sum, row) => sum + row.reduce((s, cell) => s + cell.length, 0), 0);
    else total += block.text.length;
  }
  return total;
}

/** The page's text, block after block (for finding what it names). */
export function contentText(content: PageContent): string {
  const parts = [content.title];
  for (const block of content.blocks) {
    if (block.kind === 'list') parts.push(...block.items);
    else if (block.kind === 'table') parts.push(...block.rows.map((row) => row.join(' | ')));
    else parts.push(block.text);
  }
  return parts.join('\n');
}

/** Paragraphs with real text: the report checkbox is on by default beyond a few of them. */
export function paragraphCount(content: PageContent): number {
  return content.blocks.filter((block) => block.kind === 'paragraph' && block.text.length >= 40).length;
}

/**
 * Reads the document's readable blocks. Runs in the tab (`scripting.executeScript`), so it is one
 * self-contained function: no imports, no module scope. The article or main element when there is
 * one, else the body; scripts, navigation, forms, hidden elements and ad-like boxes are left out.
 */
export function readPageContent(): unknown {
  const LIMIT_BLOCKS = 5000;
  const LIMIT_CHARS = 1_000_000;
  const LIMIT_TEXT = 20_000;
  const SKIP = new Set(
    'SCRIPT STYLE NOSCRIPT TEMPLATE NAV ASIDE FORM BUTTON SELECT TEXTAREA INPUT IFRAME SVG CANVAS OBJECT EMBED DIALOG MENU VIDEO AUDIO IMG'.split(
      ' ',
    ),
  );
  const SKIP_ROLES = new Set(
    'navigation banner contentinfo complementary search dialog menu menubar'.split(' '),
  );
  const BLOCK = new Set(
    'P DIV SECTION ARTICLE MAIN H1 H2 H3 H4 H5 H6 UL OL LI TABLE PRE BLOCKQUOTE FIGURE FIGCAPTION DL DT DD HR ADDRESS DETAILS SUMMARY HEADER FOOTER CENTER FIELDSET TR TD TH THEAD TBODY'.split(
      ' ',
    ),
  );
  // Class or id words of boxes that are not the report: ads, cookie banners, sharing, comments.
  const NOISE =
    /(^|[\s_-])(ads?|advert\w*|sponsor\w*|promo\w*|cookies?|consent|newsletter|share|social|related|comments?|sidebar|breadcrumbs?|subscribe|popup|modal)([\s_-]|$)/i;
  const root = document.querySelector('article, main, [role="main"]') ?? document.body;
  const insideContentRoot = root !== document.body;
  const blocks: unknown[] = [];
  let chars = 0;
  const full = () => blocks.length >= LIMIT_BLOCKS || chars >= LIMIT_CHARS;
  const clip = (text: string) => text.slice(0, LIMIT_TEXT);

  const skipped = (el: Element): boolean => {
    if (SKIP.has(el.tagName)) return true;
    // The site's own header and footer, unless they belong to the article itself.
    if (!insideContentRoot && (el.tagName === 'HEADER' || el.tagName === 'FOOTER')) return true;
    if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
    if (SKIP_ROLES.has(el.getAttribute('role') ?? '')) return true;
    const marks = `${el.id} ${typeof el.className === 'string' ? el.className : ''}`;
    if (marks.trim() !== '' && NOISE.test(marks)) return true;
    const style = el.getAttribute('style') ?? '';
    if (/display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
    return false;
  };
  const tidy = (text: string) =>
    text
      .split('\n')
      .map((line) => line.replace(/[ \t\u00a0\r\f\v]+/g, ' ').trim())
      .filter((line) => line !== '')
      .join('\n');
  const inline = (node: Node): string => {
    if (node.nodeType === 3) return node.nodeValue ?? '';
    if (node.nodeType !== 1) return '';
    const el = node as Element;
    if (skipped(el)) return '';
    if (el.tagName === 'BR') return '\n';
    let out = '';
    for (const child of Array.from(el.childNodes)) out += inline(child);
    // Block-level children inside inline content still end a line.
    return BLOCK.has(el.tagName) ? `\n${out}\n` : out;
  };
  const push = (block: Record<string, unknown>, size: number) => {
    if (full()) return;
    blocks.push(block);
    chars += size;
  };
  const paragraph = (text: string) => {
    const clean = clip(tidy(text));
    if (clean !== '') push({ kind: 'paragraph', text: clean }, clean.length);
  };
  const visit = (el: Element) => {
    if (full() || skipped(el)) return;
    const tag = el.tagName;
    if (/^H[1-6]$/.test(tag)) {
      const text = clip(tidy(inline(el)).replace(/\n/g, ' '));
      if (text !== '') push({ kind: 'heading', level: Number(tag[1]), text }, text.length);
      return;
    }
    if (tag === 'P') return paragraph(inline(el));
    if (tag === 'PRE') {
      const text = (el.textContent ?? '')
        .replace(/\r\n?/g, '\n')
        .replace(/^\n+|\s+$/g, '')
        .slice(0, LIMIT_TEXT * 5);
      if (text !== '') push({ kind: 'code', text }, text.length);
      return;
    }
    if (tag === 'UL' || tag === 'OL') {
      const items = Array.from(el.children)
        .filter((child) => child.tagName === 'LI' && !skipped(child))
        .map((child) => clip(tidy(inline(child))))
        .filter((item) => item !== '')
        .slice(0, 1000);
      if (items.length > 0)
        push(
          { kind: 'list', ordered: tag === 'OL', items },
          items.reduce((sum, item) => sum + item.length, 0),
        );
      return;
    }
    if (tag === 'TABLE') {
      const rows = Array.from(el.querySelectorAll('tr'))
        .filter((row) => row.closest('table') === el && !skipped(row))
        .map((row) =>
          Array.from(row.children)
            .filter((cell) => cell.tagName === 'TD' || cell.tagName === 'TH')
            .slice(0, 64)
            .map((cell) => clip(tidy(inline(cell)).replace(/\n/g, ' '))),
        )
        .filter((row) => row.some((cell) => cell !== ''))
        .slice(0, 5000);
      if (rows.length > 0)
        push(
          { kind: 'table', rows },
          rows.reduce((sum, row) => sum + row.reduce((s, cell) => s + cell.length, 0), 0),
        );
      return;
    }
    // A container: runs of inline content are paragraphs, block children are visited in turn.
    let run = '';
    for (const child of Array.from(el.childNodes)) {
      if (child.nodeType === 1 && BLOCK.has((child as Element).tagName)) {
        paragraph(run);
        run = '';
        visit(child as Element);
      } else run += inline(child);
    }
    paragraph(run);
  };
  if (root) visit(root);
  return { title: (document.title || '').slice(0, 2000), blocks };
}
