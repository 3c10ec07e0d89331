import { z } from 'zod';
import { INDICATOR_KINDS } from './model';

const REASON_MAX = 200;

/** What the scanner or the page's context says about a value (model.ts IndicatorNote). */
export const IndicatorNoteSchema = z.object({
  decoded: z.enum(['percent', 'base64', 'hex']).optional(),
  wildcard: z.literal(true).optional(),
  unlikely: z.string().max(REASON_MAX).optional(),
  reference: z.string().max(REASON_MAX).optional(),
});

/** What a page's indicators look like as they travel between content script, background and popup. */

export const MAX_VALUE_LENGTH = 2048;
export const MAX_PAGE_INDICATORS = 20_000;

/** Text one `page/extract` request may carry (the content script sends about 512 KB at a time). */
export const MAX_EXTRACT_CHARS = 8 * 1024 * 1024;
export const MAX_EXTRACT_TEXTS = 10_000;

/**
 * What extraction found in a batch of texts, laid out for a cheap check and a small message (the
 * content script reads it on the page's main thread): each distinct indicator once, in parallel
 * lists, and every occurrence as four numbers in `hits`: text index, indicator index, start, end
 * (exclusive; offsets in that text).
 */
export const ExtractionSchema = z
  .object({
    kinds: z.array(z.enum(INDICATOR_KINDS)),
    values: z.array(z.string().min(1).max(MAX_VALUE_LENGTH)),
    /** The characters as the page shows them; empty when they are the value itself. */
    originals: z.array(z.string().max(MAX_VALUE_LENGTH * 4)),
    /** Each value's note (decoded, wildcard, reference, likely not an indicator), null for none. */
    notes: z.array(IndicatorNoteSchema.nullable()).optional(),
    // Tens of thousands of numbers: checked in one loop rather than one schema call each.
    hits: z.custom<number[]>(
      (hits) =>
        Array.isArray(hits) &&
        hits.length % 4 === 0 &&
        hits.every((n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0),
      { message: 'hits must be whole numbers, four per occurrence' },
    ),
  })
  .refine(
    ({ kinds, values, originals, notes, hits }) =>
      kinds.length === values.length &&
      originals.length === values.length &&
      (notes === undefined || notes.length === values.length) &&
      hits.every((n, i) => i % 4 !== 1 || n < values.length),
    { message: 'Inconsistent extraction answer' },
  );
export type Extraction = z.infer<typeof ExtractionSchema>;

/** One distinct indicator found on a page (or pasted text). */
export const PageIndicatorSchema = z.object({
  type: z.enum(INDICATOR_KINDS),
  value: z.string().min(1).max(MAX_VALUE_LENGTH),
  original: z.string().max(MAX_VALUE_LENGTH * 4),
  count: z.number().int().min(1),
  note: IndicatorNoteSchema.optional(),
});
export type PageIndicator = z.infer<typeof PageIndicatorSchema>;
