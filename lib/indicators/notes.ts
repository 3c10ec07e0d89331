import type { DecodedForm, IndicatorNote } from './model';

/** How the popup speaks of a value's note (one place for the wording). */

const DECODED_FROM: Readonly<Record<DecodedForm, string>> = {
  percent: 'decoded from a percent-encoded URL',
  base64: 'decoded from base64',
  hex: 'decoded from hex',
};

/**
 * What replaces "New" for a value MISP does not know: a reference is never "New", nor is a value
 * that is likely not an indicator. Null when the usual status stands.
 */
export function noteStatus(note: IndicatorNote | undefined): string | null {
  if (note?.reference !== undefined) return `Reference: ${note.reference}`;
  if (note?.unlikely !== undefined) return `Likely not an indicator: ${note.unlikely}`;
  return null;
}

/** Short remarks shown beside the value: how it was written. */
export function noteHints(note: IndicatorNote | undefined): string[] {
  const hints: string[] = [];
  if (note?.decoded !== undefined) hints.push(DECODED_FROM[note.decoded]);
  if (note?.wildcard) hints.push('wildcard');
  return hints;
}

/** Whether "Select all new" may select the value: references and likely non-indicators stay unselected. */
export function offeredForFiling(note: IndicatorNote | undefined): boolean {
  return note?.reference === undefined && note?.unlikely === undefined;
}
