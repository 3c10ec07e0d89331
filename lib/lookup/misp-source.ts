import { CidrIndex, groupAttributesByValue, type MispAttribute, MispClient } from '../misp';
import type { MispInstance } from '../settings';
import { type Match, toMatch } from './matches';
import type { LookupSource } from './service';

const IP_LIKE = /^[0-9a-f:.]+$/i;

/** Matches kept per value (newest events first): the card shows a few, and the cache stays small. */
export const MAX_MATCHES_PER_VALUE = 50;

function newestFirst(matches: Match[]): Match[] {
  return [...matches]
    .sort((a, b) => b.event.date.localeCompare(a.event.date) || b.attribute.timestamp - a.attribute.timestamp)
    .slice(0, MAX_MATCHES_PER_VALUE);
}

/**
 * The CIDR attributes of each instance, fetched once per TTL: MISP does not match a plain IP against
 * the ranges it stores, so IPs are matched locally against them.
 */
export class CidrCache {
  private readonly entries = new Map<
    string,
    { fetchedAt: number; index: Promise<CidrIndex<MispAttribute>> }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  get(
    instanceId: string,
    ttlMs: number,
    fetch: () => Promise<MispAttribute[]>,
  ): Promise<CidrIndex<MispAttribute>> {
    const cached = this.entries.get(instanceId);
    if (cached && this.now() - cached.fetchedAt < ttlMs) return cached.index;
    const index = fetch().then((attributes) => new CidrIndex(attributes));
    // A failed fetch is not cached: the next lookup tries again.
    index.catch(() => this.entries.delete(instanceId));
    this.entries.set(instanceId, { fetchedAt: this.now(), index });
    return index;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A lookup source backed by one MISP instance. */
export function mispLookupSource(
  instance: MispInstance,
  options: { timeoutMs: number; ttlMs: number; cidr: CidrCache },
): LookupSource {
  const client = new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs: options.timeoutMs });
  return {
    instanceId: instance.id,
    async lookup(values) {
      const { attributes } = await client.lookupValues(values);
      const grouped = groupAttributesByValue(values, attributes);
      const answers = new Map<string, Match[]>();
      for (const [value, matched] of grouped) {
        answers.set(value, newestFirst(matched.map((attribute) => toMatch(instance.id, attribute))));
      }
      const ips = values.filter((value) => IP_LIKE.test(value) && !value.includes('/'));
      if (ips.length > 0) {
        const index = await options.cidr.get(instance.id, options.ttlMs, () => client.findCidrAttributes());
        if (index.size > 0) {
          for (const ip of ips) {
            const ranges = index.match(ip);
            if (ranges.length === 0) continue;
            const viaCidr = ranges.map((attribute) => ({
              ...toMatch(instance.id, attribute),
              viaCidr: attribute.value,
            }));
            answers.set(ip, newestFirst([...(answers.get(ip) ?? []), ...viaCidr]));
          }
        }
      }
      return answers;
    },
  };
}
