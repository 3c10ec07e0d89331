/**
 * References: values a report names that are not indicators of the attack it describes — the page's
 * own address, its site and links to it, the sites of publishers and security vendors (MISP's
 * `security-provider-blogpost` warninglist, bundled in data/reference-lists.json), and the contact
 * addresses reports end with (`soc@` of a CERT, `report@` of a vendor). The popup lists them apart,
 * never selects them for filing and never calls them "New".
 *
 * Carries the publisher list (~17 KB): the background and popup import it, the content script does not.
 */
import { z } from 'zod';
import referenceLists from './data/reference-lists.json';
import { hostOf } from './derived';
import { HostSuffixSet } from './host-suffixes';
import { hostInfo } from './kinds/domain';
import type { IndicatorKind, IndicatorNote } from './model';
import { CONTACT_LOCAL_PARTS } from './noise';

const ReferenceListsFile = z.object({
  publishers: z.object({ name: z.string(), version: z.number(), hosts: z.array(z.string()) }),
});

let publishers: HostSuffixSet | undefined;

/** Built on first use, not at import. */
function publisherHosts(): HostSuffixSet {
  publishers ??= HostSuffixSet.fromEntries(ReferenceListsFile.parse(referenceLists).publishers.hosts);
  return publishers;
}

/** What a text's references are judged against: the page it comes from, when there is one. */
export interface ReferenceContext {
  /** The page's address (its host and site make references); absent for pasted text and files. */
  readonly pageUrl?: string;
}

/** The page's host and registrable domain, or null when it has no usable host. */
function pageSite(pageUrl: string | undefined): { host: string; site: string } | null {
  if (pageUrl === undefined) return null;
  let host: string;
  try {
    host = new URL(pageUrl).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
  if (host === '') return null;
  return { host, site: hostInfo(host)?.registrable ?? host };
}

/** Compiled once per text: the context's page site. */
export class ReferenceJudge {
  private readonly page: { host: string; site: string } | null;

  constructor(context: ReferenceContext = {}) {
    this.page = pageSite(context.pageUrl);
  }

  /** Why the value is a reference, or null when it may be an indicator. */
  reason(kind: IndicatorKind, value: string): string | null {
    const host = hostOf(kind, value);
    if (host === null) return null;
    const owner = this.ownerOf(host);
    if (owner === null) return null;
    if (kind === 'email') {
      const local = value.slice(0, value.lastIndexOf('@'));
      return CONTACT_LOCAL_PARTS.has(local) ? `contact address of ${owner}` : null;
    }
    return owner === 'this site' ? 'this page’s site' : `publisher or security vendor (${owner})`;
  }

  /** `this site` for the page's own site, the matching list entry for a publisher, else null. */
  private ownerOf(host: string): string | null {
    if (this.page !== null) {
      if (host === this.page.host) return 'this site';
      const site = hostInfo(host)?.registrable;
      if (site !== undefined && site === this.page.site) return 'this site';
    }
    return publisherHosts().match(host);
  }

  /** The note with the reference reason added (a reference is never "likely not an indicator" too). */
  note(kind: IndicatorKind, value: string, note: IndicatorNote | undefined): IndicatorNote | undefined {
    const reference = this.reason(kind, value);
    if (reference === null) return note;
    const { unlikely: _unlikely, ...rest } = note ?? {};
    return { ...rest, reference };
  }
}
