import { lookupKey, type SightlineDatabase } from '../db';
import { MatchSchema, toMatch } from '../lookup/matches';
import { groupAttributesByValue, type MispAttribute } from '../misp';

/**
 * After a sighting (or its undo) the lookup cache entries of its values are replaced with MISP's
 * fresh answer, so the hover card and the badge show the new counts. Matches that came through a
 * CIDR range are kept as they were (a sighting by value does not touch the range's attribute).
 */
export async function refreshCachedMatches(
  db: SightlineDatabase,
  instanceId: string,
  values: readonly string[],
  attributes: readonly MispAttribute[],
  now = Date.now(),
): Promise<void> {
  const grouped = groupAttributesByValue(values, attributes);
  const tx = db.transaction('lookups', 'readwrite');
  const olds = await Promise.all(values.map((value) => tx.store.get(lookupKey(instanceId, value))));
  await Promise.all([
    ...values.map((value, index) => {
      const old = MatchSchema.array().safeParse(olds[index]?.matches ?? []);
      const viaCidr = old.success ? old.data.filter((match) => match.viaCidr !== undefined) : [];
      return tx.store.put({
        key: lookupKey(instanceId, value),
        instanceId,
        value,
        fetchedAt: now,
        matches: [
          ...(grouped.get(value) ?? []).map((attribute) => toMatch(instanceId, attribute)),
          ...viaCidr,
        ],
      });
    }),
    tx.done,
  ]);
}
