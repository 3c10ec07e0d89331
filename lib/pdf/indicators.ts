import { extractTexts } from '../indicators/extract-texts';
import { MAX_PAGE_INDICATORS, type PageIndicator } from '../indicators/page-indicators';

/** The distinct indicators of a document's texts (one per page), counted, in order of appearance. */
export function documentIndicators(texts: readonly string[]): PageIndicator[] {
  const extraction = extractTexts(texts);
  const counts = new Array<number>(extraction.values.length).fill(0);
  for (let i = 1; i < extraction.hits.length; i += 4) counts[extraction.hits[i]!]! += 1;
  return extraction.values.slice(0, MAX_PAGE_INDICATORS).map((value, index) => ({
    type: extraction.kinds[index]!,
    value,
    original: extraction.originals[index] || value,
    count: Math.max(1, counts[index]!),
  }));
}
