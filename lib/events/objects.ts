import type { AttributeInput } from './model';
import type { PageUnit } from './page-units';

/**
 * "Group into objects": selected values the page presents together become MISP objects — hashes and
 * a file name on one row or line a `file`, a URL with its host and IP a `url`, a domain or host with
 * its IP a `domain-ip`. Everything else stays a plain attribute. The templates are MISP's own
 * (misp-objects); which MISP type goes in which relation is data, here.
 */

export type ObjectTemplateName = 'file' | 'domain-ip' | 'url';

/** Object relation per MISP type, for each template Sightline builds. */
export const OBJECT_RELATIONS: Record<ObjectTemplateName, Readonly<Record<string, string>>> = {
  file: {
    md5: 'md5',
    sha1: 'sha1',
    sha256: 'sha256',
    sha512: 'sha512',
    ssdeep: 'ssdeep',
    filename: 'filename',
  },
  url: { url: 'url', uri: 'url', hostname: 'host', domain: 'domain', 'ip-dst': 'ip', 'ip-src': 'ip' },
  'domain-ip': { domain: 'domain', hostname: 'hostname', 'ip-dst': 'ip', 'ip-src': 'ip' },
};

const HASH_TYPES = new Set(['md5', 'sha1', 'sha256', 'sha512', 'ssdeep']);
const HOST_TYPES = new Set(['domain', 'hostname']);
const IP_TYPES = new Set(['ip-dst', 'ip-src']);
const URL_TYPES = new Set(['url', 'uri']);

/** A file name as reports write it beside a sample's hashes (an extension that files of interest have). */
const FILE_NAME =
  /^[^\s\\/:*?"<>|]{1,200}\.(exe|dll|sys|scr|cpl|ocx|bat|cmd|ps1|psm1|vbs|vbe|js|jse|wsf|hta|lnk|jar|apk|elf|bin|so|dylib|docx?|docm|dotm?|xlsx?|xlsm|xlsb|pptx?|pptm|pdf|rtf|one|zip|rar|7z|gz|tgz|tar|iso|img|vhdx?|msi|msix|dmg|pkg|deb|rpm|sh|py|pyc|php|aspx?|jsp|tmp|dat|chm|reg|inf|html?|txt|log|json|ini|cfg|conf|xml)$/i;

export interface ObjectMember extends AttributeInput {
  relation: string;
}

export interface ObjectProposal {
  /** Stable for the same grouping (the template and its values): what "Undo" remembers. */
  key: string;
  template: ObjectTemplateName;
  members: ObjectMember[];
}

/** Groups the selected attributes by where they stand on the page. */
export function proposeObjects(
  units: readonly PageUnit[],
  selected: readonly AttributeInput[],
): ObjectProposal[] {
  const byValue = new Map(selected.map((attribute) => [attribute.value, attribute]));
  const claimed = new Set<string>();
  const proposals: ObjectProposal[] = [];
  for (const unit of units) {
    const here = [...new Set(unit.found.flat().map((occurrence) => occurrence.value))].flatMap((value) => {
      const attribute = byValue.get(value);
      return attribute && !claimed.has(value) ? [attribute] : [];
    });
    for (const proposal of [fileObject(unit, here), urlObject(here), domainIpObject(here)]) {
      if (!proposal || proposal.members.some((member) => claimed.has(member.value))) continue;
      for (const member of proposal.members) if (member.type !== 'filename') claimed.add(member.value);
      proposals.push(proposal);
    }
  }
  return proposals;
}

function proposal(template: ObjectTemplateName, members: ObjectMember[]): ObjectProposal {
  const key = `${template}:${members.map((member) => `${member.relation}=${member.value}`).join('|')}`;
  return { key, template, members };
}

function member(template: ObjectTemplateName, attribute: AttributeInput): ObjectMember {
  return { ...attribute, relation: OBJECT_RELATIONS[template][attribute.type] ?? 'text' };
}

/** Hashes of different kinds (one each) and a file name on the row: at least two of them. */
function fileObject(unit: PageUnit, here: readonly AttributeInput[]): ObjectProposal | undefined {
  const hashes = here.filter((attribute) => HASH_TYPES.has(attribute.type));
  const types = new Set(hashes.map((attribute) => attribute.type));
  // Two hashes of one kind on a row are two samples: no single file.
  if (types.size !== hashes.length) return undefined;
  const name = fileNameIn(unit);
  const members = hashes.map((attribute) => member('file', attribute));
  if (name)
    members.push({
      type: 'filename',
      value: name,
      category: 'Payload delivery',
      toIds: false,
      comment: '',
      relation: 'filename',
    });
  return members.length >= 2 && hashes.length >= 1 ? proposal('file', members) : undefined;
}

/** One URL with its host (the URL's own) and/or IPs. */
function urlObject(here: readonly AttributeInput[]): ObjectProposal | undefined {
  const urls = here.filter((attribute) => URL_TYPES.has(attribute.type));
  const url = urls[0];
  if (urls.length !== 1 || !url) return undefined;
  const host = hostOf(url.value);
  const hosts = here.filter((attribute) => HOST_TYPES.has(attribute.type) && attribute.value === host);
  const ips = here.filter((attribute) => IP_TYPES.has(attribute.type));
  const parts = [...hosts.slice(0, 1), ...ips];
  if (parts.length === 0) return undefined;
  return proposal(
    'url',
    [url, ...parts].map((attribute) => member('url', attribute)),
  );
}

/** One domain or host with the IPs beside it (and no URL on the row). */
function domainIpObject(here: readonly AttributeInput[]): ObjectProposal | undefined {
  if (here.some((attribute) => URL_TYPES.has(attribute.type))) return undefined;
  const hosts = here.filter((attribute) => HOST_TYPES.has(attribute.type));
  const ips = here.filter((attribute) => IP_TYPES.has(attribute.type));
  const host = hosts[0];
  if (hosts.length !== 1 || !host || ips.length === 0) return undefined;
  return proposal(
    'domain-ip',
    [host, ...ips].map((attribute) => member('domain-ip', attribute)),
  );
}

/** The first file name on the row or line that is not itself an indicator. */
function fileNameIn(unit: PageUnit): string | undefined {
  for (const [index, cell] of unit.cells.entries()) {
    const found = unit.found[index] ?? [];
    for (const match of cell.matchAll(/[^\s"'“”‘’()[\]<>,;|]+/g)) {
      const token = match[0].replace(/[.:]+$/, '');
      const start = match.index;
      if (found.some((occurrence) => start < occurrence.end && start + token.length > occurrence.start))
        continue;
      if (FILE_NAME.test(token)) return token;
    }
  }
  return undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname;
  } catch {
    return undefined;
  }
}

/** The selection split into plain attributes and the objects the analyst kept (not undone). */
export function splitIntoObjects(
  attributes: readonly AttributeInput[],
  proposals: readonly ObjectProposal[],
  undone: ReadonlySet<string>,
): { attributes: AttributeInput[]; objects: ObjectProposal[] } {
  const kept = proposals.filter((candidate) => !undone.has(candidate.key));
  const grouped = new Set(kept.flatMap((object) => object.members.map((m) => m.value)));
  return { attributes: attributes.filter((attribute) => !grouped.has(attribute.value)), objects: kept };
}
