import { type ExtractedOccurrence, MAX_VALUE_LENGTH } from '../messages';
import { scanText } from './scanner';

/**
 * The indicators in each of a content script's texts, as `page/extract` answers them. Values longer
 * than a report may carry (a 5,000-character URL) are left out here, so one of them cannot make the
 * whole page's report invalid.
 */
export function extractTexts(texts: readonly string[]): ExtractedOccurrence[][] {
  return texts.map((text) => {
    const found: ExtractedOccurrence[] = [];
    for (const occurrence of scanText(text)) {
      if (occurrence.value.length > MAX_VALUE_LENGTH || occurrence.original.length > MAX_VALUE_LENGTH * 4)
        continue;
      found.push([occurrence.type, occurrence.value, occurrence.original, occurrence.start, occurrence.end]);
    }
    return found;
  });
}
