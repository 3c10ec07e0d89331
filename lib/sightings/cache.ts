import { lookupKey, type SightlineDatabase } from '../db';
import { toMatch } from '../lookup/matches';
import { fromRecord, toRecord } from '../lookup/records';
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
  capped: readonly string[] = [],
): Promise<void> {
  const grouped = groupAttributesByValue(values, attributes);
  const tx = db.transaction('lookups', 'readwrite');
  const olds = await Promise.all(values.map((value) => tx.store.get(lookupKey(instanceId, value))));
  await Promise.all([
    ...values.map((value, index) => {
      const old = fromRecord(olds[index]);
      const viaCidr = old?.matches.filter((match) => match.viaCidr !== undefined) ?? [];
      const matches = [
        ...(grouped.get(value) ?? []).map((attribute) => toMatch(instanceId, attribute)),
        ...viaCidr,
      ];
      return tx.store.put(
        toRecord(
          instanceId,
          value,
          {
            matches,
            ...(capped.includes(value.toLowerCase()) || old?.capped ? { capped: true } : {}),
            ...(old?.lists === undefined ? {} : { lists: old.lists }),
          },
          now,
        ),
      );
    }),
    tx.done,
  ]);
}
