import { type Extraction, MAX_VALUE_LENGTH } from './page-indicators';
import { type ReferenceContext, ReferenceJudge } from './references';
import { scanText } from './scanner';

/**
 * The indicators in a content script's texts, as `page/extract` answers them (see ExtractionSchema).
 * A value keeps the original characters of its first occurrence. Values longer than a report may
 * carry (a 5,000-character URL) are left out here, so one of them cannot make the whole page's report
 * invalid. Each value carries its note: how it was written (decoded, wildcard), and whether it is a
 * reference (judged against the page, `context.pageUrl`) or likely not an indicator.
 */
export function extractTexts(texts: readonly string[], context: ReferenceContext = {}): Extraction {
  const notes: NonNullable<Extraction['notes']> = [];
  const extraction: Extraction = { kinds: [], values: [], originals: [], notes, hits: [] };
  const indexOf = new Map<string, number>();
  const references = new ReferenceJudge(context);
  texts.forEach((text, textIndex) => {
    for (const occurrence of scanText(text)) {
      const { value, original } = occurrence;
      if (value.length > MAX_VALUE_LENGTH || original.length > MAX_VALUE_LENGTH * 4) continue;
      let index = indexOf.get(value);
      if (index === undefined) {
        index = extraction.values.length;
        indexOf.set(value, index);
        extraction.kinds.push(occurrence.type);
        extraction.values.push(value);
        extraction.originals.push(original === value ? '' : original);
        notes.push(references.note(occurrence.type, value, occurrence.note) ?? null);
      }
      extraction.hits.push(textIndex, index, occurrence.start, occurrence.end);
    }
  });
  return extraction;
}
