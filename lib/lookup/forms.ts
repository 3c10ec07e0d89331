import { type DerivedPart, derivedValues } from '../indicators/derived';
import type { IndicatorKind } from '../indicators/model';

/**
 * What is looked up for one indicator. MISP matches whole strings only (transcripts 109-113), so:
 * - a URL is looked up in the forms MISP may hold it in — as written, with and without its scheme,
 *   with and without one trailing slash (`www.` kept as written) — one indicator for all of them;
 * - a URL's host (and `host:port`) and an e-mail address's domain are looked up as derived values.
 * Everything goes into the same ≤ 500-value batches as the page's other values.
 */

export type LookupRole = 'self' | 'form' | DerivedPart;

export interface PlannedValue {
  readonly value: string;
  readonly role: LookupRole;
  /** The kind the value is checked as (a form is a URL; a host a domain or an IP). */
  readonly kind: IndicatorKind;
}

/** Schemes tried for a URL written without one: how analysts paste web addresses. */
const SCHEMES_FOR_BARE_URLS = ['http://', 'https://'] as const;

/**
 * The forms of a URL MISP may hold it in, the URL as written first. A trailing slash is only added or
 * removed at the end of the path (a URL with a query or fragment keeps its end).
 */
export function urlForms(url: string): string[] {
  const schemeEnd = url.indexOf('://');
  const scheme = schemeEnd < 0 ? '' : url.slice(0, schemeEnd + 3);
  const rest = schemeEnd < 0 ? url : url.slice(schemeEnd + 3);
  const ends = [rest];
  if (!/[?#]/.test(rest)) {
    if (rest.endsWith('/')) ends.push(rest.slice(0, -1));
    else ends.push(`${rest}/`);
  }
  const prefixes = scheme === '' ? ['', ...SCHEMES_FOR_BARE_URLS] : [scheme, ''];
  const forms = prefixes.flatMap((prefix) => ends.map((end) => `${prefix}${end}`));
  return [...new Set(forms.filter((form) => form !== '' && !form.endsWith('://')))];
}

/**
 * The values to look up for an indicator, each once. A value that is both a form and a derived value
 * (`http://evil.example/` has the form `evil.example`, its host) counts as the derived value: a
 * match on it says the host is in MISP.
 */
export function lookupPlan(kind: IndicatorKind, value: string): PlannedValue[] {
  const derived = derivedValues(kind, value);
  const planned: PlannedValue[] = [{ value, role: 'self', kind }];
  if (kind === 'url') {
    const taken = new Set([value, ...derived.map((part) => part.value)]);
    for (const form of urlForms(value)) {
      if (!taken.has(form)) planned.push({ value: form, role: 'form', kind: 'url' });
      taken.add(form);
    }
  }
  for (const part of derived) {
    if (part.value !== value) planned.push({ value: part.value, role: part.part, kind: part.kind });
  }
  return planned;
}
