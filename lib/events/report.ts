import { scanText } from '../indicators';
import { defang } from './export';
import type { PageBlock, PageContent } from './page-content';

/**
 * "Attach page as event report": the page's readable text as MISP event-report Markdown. The page URL
 * and the time it was read come first; every indicator is written defanged in a code span, and the
 * first mention of each filed one is followed by MISP's reference to its attribute,
 * `@[attribute](uuid)`, with the client uuid it is filed under. Page text is escaped, so a page cannot
 * write references, links or HTML of its own into the report.
 */

export interface ReportPage {
  url: string;
  title: string;
  readAt: Date;
}

export function reportMarkdown(
  content: PageContent,
  page: ReportPage,
  /** Filed value → the uuid of its attribute. */
  references: ReadonlyMap<string, string>,
): string {
  const referenced = new Set<string>();
  const inline = (text: string) => inlineMarkdown(text, references, referenced);
  const out = [
    `# ${inline(page.title.trim() || content.title.trim() || page.url)}`,
    `Source: ${escapeText(page.url)}  \nRead: ${page.readAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  ];
  const blocks = [...content.blocks];
  // The page's own title heading would repeat the report's.
  const first = blocks[0];
  if (first?.kind === 'heading' && first.text.trim() === page.title.trim()) blocks.shift();
  for (const block of blocks) out.push(blockMarkdown(block, inline));
  return `${out.filter((part) => part !== '').join('\n\n')}\n`;
}

function blockMarkdown(block: PageBlock, inline: (text: string) => string): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(6, block.level + 1))} ${inline(block.text)}`;
    case 'paragraph':
      return block.text
        .split('\n')
        .map((line) => inline(line))
        .join('  \n');
    case 'list':
      return block.items
        .map((item, index) => `${block.ordered ? `${index + 1}.` : '-'} ${inline(item.replace(/\n/g, ' '))}`)
        .join('\n');
    case 'table': {
      const width = Math.max(...block.rows.map((row) => row.length));
      const cells = (row: readonly string[]) =>
        `| ${Array.from({ length: width }, (_, i) => inline(row[i] ?? '')).join(' | ')} |`;
      const [header = [], ...body] = block.rows;
      return [cells(header), `|${' --- |'.repeat(width)}`, ...body.map(cells)].join('\n');
    }
    case 'code': {
      const text = defangAll(block.text);
      const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
      const fence = '`'.repeat(longest + 1);
      return `${fence}\n${text}\n${fence}`;
    }
  }
}

/** A line of page text: escaped, indicators defanged in code spans, filed ones referenced once. */
function inlineMarkdown(
  text: string,
  references: ReadonlyMap<string, string>,
  referenced: Set<string>,
): string {
  let out = '';
  let at = 0;
  for (const occurrence of scanText(text)) {
    out += escapeText(text.slice(at, occurrence.start));
    out += codeSpan(defang(occurrence.type, occurrence.value));
    const uuid = references.get(occurrence.value);
    if (uuid && !referenced.has(occurrence.value)) {
      referenced.add(occurrence.value);
      out += ` @[attribute](${uuid})`;
    }
    at = occurrence.end;
  }
  return out + escapeText(text.slice(at));
}

function defangAll(text: string): string {
  let out = '';
  let at = 0;
  for (const occurrence of scanText(text)) {
    out += text.slice(at, occurrence.start) + defang(occurrence.type, occurrence.value);
    at = occurrence.end;
  }
  return out + text.slice(at);
}

function codeSpan(text: string): string {
  const ticks = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(ticks + 1);
  return ticks > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Markdown's own characters (and MISP's `@[…](…)` references) lose their meaning. */
export function escapeText(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|@~!(){}#]/g, (char) => `\\${char}`)
    .replace(/^(\s*)([-+=])(?=\s|$)/, '$1\\$2')
    .replace(/^(\s*)(\d+)\.(?=\s|$)/, '$1$2\\.');
}
