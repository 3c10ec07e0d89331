import { type Occurrence, scanText } from '../indicators';
import type { PageContent } from './page-content';

/**
 * The places in a page where values stand together: a table row (its cells), a list item, a line of
 * a paragraph or code block. Comments from context and object grouping both read the page this way.
 */
export type UnitKind = 'row' | 'item' | 'line';

export interface PageUnit {
  kind: UnitKind;
  /** A row's cells; one entry for an item or a line. */
  cells: string[];
  /** The indicators in each cell (offsets into that cell). */
  found: Occurrence[][];
}

/** Every unit of the page, in reading order (a table's first row is its header and is left out when it holds no value). */
export function pageUnits(content: PageContent): PageUnit[] {
  const units: PageUnit[] = [];
  const add = (kind: UnitKind, cells: string[]) => {
    const found = cells.map((cell) => scanText(cell));
    if (found.some((list) => list.length > 0)) units.push({ kind, cells, found });
  };
  for (const block of content.blocks) {
    if (block.kind === 'table') for (const row of block.rows) add('row', row);
    else if (block.kind === 'list') for (const item of block.items) add('item', [item]);
    else if (block.kind === 'paragraph' || block.kind === 'code')
      for (const line of block.text.split('\n')) add('line', [line]);
  }
  return units;
}

/** True when a cell holds nothing but indicators (and punctuation): it says nothing about the others. */
export function onlyIndicators(cell: string, found: readonly Occurrence[]): boolean {
  let rest = cell;
  for (const occurrence of [...found].sort((a, b) => b.start - a.start))
    rest = rest.slice(0, occurrence.start) + rest.slice(occurrence.end);
  return !/[\p{L}\p{N}]/u.test(rest);
}
