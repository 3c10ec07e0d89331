import { eventCountText, knownStatusText, type LookupInstanceView } from './by-instance';
import type { PartStatus, ValueStatus } from './status';

/** How a derived part is named to the analyst (kept here: the page's card needs it, not the parser). */
const DERIVED_PART_LABELS: Record<PartStatus['part'], string> = {
  host: 'Host',
  'host-port': 'Host and port',
  domain: 'Domain',
};

/**
 * A value's status line, as the popup lists it: "In MISP (2 events)", "In MISP (2,000+ attributes)",
 * "In MISP (1 event): host cdn-update.site", "New · dynamic DNS", "Likely benign (Top 10K most-used
 * sites from Tranco)", "Lookup failed: … (asking again)".
 */
export function statusText(status: ValueStatus, instances: readonly LookupInstanceView[] = []): string {
  const notes = status.notes?.length ? ` · ${status.notes.join(' · ')}` : '';
  switch (status.status) {
    case 'known': {
      const head =
        status.capped === undefined
          ? knownStatusText(status, instances)
          : `In MISP (${status.capped.toLocaleString('en')}+ attributes)`;
      const via = status.via?.length
        ? `: ${status.via.map((part) => `${DERIVED_PART_LABELS[part.part].toLowerCase()} ${part.value}`).join(', ')}`
        : '';
      return `${head}${via}${notes}`;
    }
    case 'new':
      return `New${notes}`;
    case 'benign':
      return `${status.benignList ? `Likely benign (${status.benignList})` : 'Likely benign'}${notes}`;
    case 'pending':
      return 'Checking…';
    case 'error':
      return `Lookup failed${status.error ? `: ${status.error}` : ''}${status.retry ? ' (asking again)' : ''}`;
    case 'skipped':
      return status.error ?? 'Not checked';
  }
}

/** A derived value's status line under its URL or e-mail address: "In MISP (1 event)", "New". */
export function partStatusText(part: PartStatus): string {
  switch (part.status) {
    case 'known':
      return `In MISP (${eventCountText(part.eventCount ?? 0)})`;
    case 'benign':
      return part.benignList ? `Likely benign (${part.benignList})` : 'Likely benign';
    default:
      return statusText({ status: part.status });
  }
}

/** "Host cdn-update.site is in MISP": what the card says about a match on a derived value. */
export function derivedMatchText(part: PartStatus['part'], value: string): string {
  return `${DERIVED_PART_LABELS[part]} ${value} is in MISP`;
}
