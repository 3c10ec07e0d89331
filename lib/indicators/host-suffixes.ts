/**
 * Sets of host names with MISP's "hostname" warninglist semantics: an entry matches itself and every
 * name below it, never its parent (`Warninglist::__evalHostname`; transcripts 121, 123, 186). Large
 * lists (35,000 dynamic-DNS suffixes) are bundled compactly: entries grouped by their parent, each
 * group one space-separated string of first labels (`{"dyndns.org": "foo bar"}` is `foo.dyndns.org`
 * and `bar.dyndns.org`) — less than half the size of the upstream JSON.
 */

/** An upstream entry as MISP compares it: trimmed, lower-case, without leading or trailing dots. */
export function normaliseHostEntry(entry: string): string {
  return entry
    .trim()
    .toLowerCase()
    .replace(/^\.+|\.+$/g, '');
}

function splitFirstLabel(name: string): [first: string, parent: string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** The compact form of a list: parent → sorted first labels, space-separated; parents sorted. */
export function compactHostList(entries: Iterable<string>): Record<string, string> {
  const groups = new Map<string, Set<string>>();
  for (const entry of entries) {
    const name = normaliseHostEntry(entry);
    if (name === '' || /\s/.test(name)) continue;
    const [first, parent] = splitFirstLabel(name);
    let group = groups.get(parent);
    if (group === undefined) {
      group = new Set();
      groups.set(parent, group);
    }
    group.add(first);
  }
  const out: Record<string, string> = {};
  for (const parent of [...groups.keys()].sort()) out[parent] = [...groups.get(parent)!].sort().join(' ');
  return out;
}

export class HostSuffixSet {
  private constructor(private readonly byParent: ReadonlyMap<string, ReadonlySet<string>>) {}

  static fromCompact(compact: Readonly<Record<string, string>>): HostSuffixSet {
    const byParent = new Map<string, Set<string>>();
    for (const [parent, labels] of Object.entries(compact)) byParent.set(parent, new Set(labels.split(' ')));
    return new HostSuffixSet(byParent);
  }

  static fromEntries(entries: Iterable<string>): HostSuffixSet {
    return HostSuffixSet.fromCompact(compactHostList(entries));
  }

  get size(): number {
    let count = 0;
    for (const labels of this.byParent.values()) count += labels.size;
    return count;
  }

  /** The shortest entry that `host` is or is below (as MISP checks, from the top-level domain down). */
  match(host: string): string | null {
    const name = host.toLowerCase().replace(/\.+$/, '');
    if (name === '') return null;
    const labels = name.split('.');
    for (let start = labels.length - 1; start >= 0; start--) {
      const parent = labels.slice(start + 1).join('.');
      if (this.byParent.get(parent)?.has(labels[start]!)) return labels.slice(start).join('.');
    }
    return null;
  }
}
