import type { IndicatorKind, IndicatorNote } from '../indicators/model';
import type { PartStatus, ValueStatus } from './status';

/**
 * The popup's rows for derived values: under each URL its host (and host:port), under each e-mail
 * address its domain, with what MISP said about each, selectable on their own for filing (an analyst
 * often files the domain, not the URL). A derived value that is on the page as its own indicator is
 * listed there only.
 */

export interface ListedValue {
  type: IndicatorKind;
  value: string;
  original: string;
  count: number;
  status: ValueStatus;
  /** How it was written (decoded, wildcard) and whether it is a reference or likely no indicator. */
  note?: IndicatorNote;
  /** Set on a derived row: the URL or e-mail address it comes from, and which part it is. */
  derivedFrom?: { value: string; part: PartStatus['part'] };
}

function partStatus(part: PartStatus): ValueStatus {
  return {
    status: part.status,
    ...(part.eventCount === undefined ? {} : { eventCount: part.eventCount }),
    ...(part.threatLevel === undefined ? {} : { threatLevel: part.threatLevel }),
    ...(part.benignList === undefined ? {} : { benignList: part.benignList }),
  };
}

/** The items followed by the derived rows of every item that has any. */
export function withDerivedRows<T extends ListedValue>(items: readonly T[]): Array<T | ListedValue> {
  const listed = new Set(items.map((item) => item.value));
  const rows: ListedValue[] = [];
  for (const item of items) {
    for (const part of item.status.parts ?? []) {
      if (listed.has(part.value)) continue;
      listed.add(part.value);
      rows.push({
        type: part.kind,
        value: part.value,
        original: part.value,
        count: 1,
        status: partStatus(part),
        derivedFrom: { value: item.value, part: part.part },
        // The host of a reference is a reference too.
        ...(item.note?.reference === undefined ? {} : { note: { reference: item.note.reference } }),
      });
    }
  }
  return [...items, ...rows];
}
