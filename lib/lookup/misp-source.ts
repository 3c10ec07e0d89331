import {
  groupAttributesByValue,
  isMispError,
  type MispAttribute,
  MispClient,
  matchKey,
  parseAddress,
} from '../misp';
import type { MispInstance } from '../settings';
import type { CidrRanges } from './cidr-ranges';
import { type Match, toMatch } from './matches';
import type { ListHit, SourceAnswer } from './records';
import type { LookupSource } from './service';

/** The warninglist hits MISP put on a value's attributes (`includeWarninglistHits`, IDS attributes only, obs 100). */
function attributeLists(attributes: readonly MispAttribute[]): ListHit[] {
  const seen = new Map<string, ListHit>();
  for (const attribute of attributes) {
    for (const warning of attribute.warnings ?? []) {
      seen.set(warning.warninglist_name, {
        name: warning.warninglist_name,
        ...(warning.match === undefined ? {} : { matched: warning.match }),
      });
    }
  }
  return [...seen.values()];
}

export type LookupClient = Pick<MispClient, 'lookupValues' | 'checkWarninglists' | 'findCidrRanges'>;

/**
 * A lookup source backed by one MISP instance: one attributes/restSearch per batch (complete
 * answers only, see `MispClient.lookupValues`), IPs matched against the instance's CIDR ranges
 * (details asked only for the ranges that contain one), and the values MISP does not know checked
 * against the instance's enabled warninglists (`/warninglists/checkValue`).
 */
export function mispLookupSource(
  instance: MispInstance,
  options: { timeoutMs: number; ttlMs: number; cidr: CidrRanges; client?: LookupClient },
): LookupSource {
  const client =
    options.client ??
    new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs: options.timeoutMs });
  return {
    instanceId: instance.id,
    async lookup(values) {
      const { attributes, capped } = await client.lookupValues(values);
      const cappedKeys = new Set(capped);
      const grouped = groupAttributesByValue(values, attributes);
      const answers = new Map<string, SourceAnswer & { matches: Match[] }>();
      for (const [value, matched] of grouped) {
        answers.set(value, {
          matches: matched.map((attribute) => toMatch(instance.id, attribute)),
          ...(cappedKeys.has(matchKey(value)) ? { capped: true } : {}),
          ...(matched.length > 0 ? { lists: attributeLists(matched) } : {}),
        });
      }
      const ips = values.filter((value) => !value.includes('/') && parseAddress(value) !== undefined);
      if (ips.length > 0) await addRangeMatches(instance.id, ips, answers, client, options);
      const misses = values.filter((value) => answers.get(value)?.matches.length === 0);
      if (misses.length > 0) {
        try {
          const hits = await client.checkWarninglists(misses);
          for (const value of misses) {
            const answer = answers.get(value);
            if (answer)
              answer.lists = (hits.get(value) ?? []).map(({ name, matched }) => ({ name, matched }));
          }
        } catch (error) {
          // Not allowed or not answered: the bundled lists stand in (lists stay unknown).
          if (!isMispError(error)) throw error;
        }
      }
      return answers;
    },
  };
}

/** IPs inside the instance's CIDR ranges: the details of just those ranges, as matches `viaCidr`. */
async function addRangeMatches(
  instanceId: string,
  ips: readonly string[],
  answers: Map<string, SourceAnswer & { matches: Match[] }>,
  client: LookupClient,
  options: { ttlMs: number; cidr: CidrRanges },
): Promise<void> {
  const { index, complete, maxRanges } = await options.cidr.index(instanceId, options.ttlMs, client);
  const rangesOf = new Map<string, string[]>();
  for (const ip of ips) {
    const ranges = [...new Set(index.match(ip))];
    if (ranges.length > 0) rangesOf.set(ip, ranges);
    if (!complete) {
      const answer = answers.get(ip);
      if (answer) answer.rangesChecked = maxRanges;
    }
  }
  if (rangesOf.size === 0) return;
  const rangeValues = [...new Set([...rangesOf.values()].flat())];
  const { attributes } = await client.lookupValues(rangeValues);
  const details = groupAttributesByValue(rangeValues, attributes);
  for (const [ip, ranges] of rangesOf) {
    const viaCidr = ranges.flatMap((range) =>
      (details.get(range) ?? []).map((attribute) => ({
        ...toMatch(instanceId, attribute),
        viaCidr: attribute.value,
      })),
    );
    const answer = answers.get(ip);
    if (answer) answer.matches = [...answer.matches, ...viaCidr];
  }
}
