import {
  groupAttributesByValue,
  isMispError,
  type MispAttribute,
  type MispClient,
  type MispSighting,
} from '../misp';
import type { SightingPayload, SightingResult, SightingUndoPayload, ValueResult } from './model';

/** The part of the MISP client sightings need (a fake in unit tests). */
export type SightingClient = Pick<MispClient, 'addSighting' | 'lookupValues' | 'deleteSighting'>;

/** Does a sighting row come from this payload (same source, type and second)? */
export function isOurs(row: MispSighting, payload: SightingPayload): boolean {
  return (
    (row.source ?? '').trim() === payload.source.trim() &&
    row.type === String(payload.type) &&
    Number(row.date_sighting) === payload.timestamp
  );
}

/**
 * Which of the payload's values MISP holds a sighting for, found with one attributes/restSearch
 * (with sightings): MISP answers a bulk sighting with only its last row and skips unknown values
 * silently, so this is how Sightline tells the analyst which values did not take — and how a retry
 * finds out that an earlier attempt landed although its answer was lost.
 */
export async function findLanded(
  client: SightingClient,
  payload: SightingPayload,
): Promise<{ sightingIds: string[]; perValue: ValueResult[]; attributes: MispAttribute[] }> {
  const { attributes } = await client.lookupValues(payload.values);
  return { ...landedIn(attributes, payload), attributes };
}

export function landedIn(
  attributes: readonly MispAttribute[],
  payload: SightingPayload,
): { sightingIds: string[]; perValue: ValueResult[] } {
  const grouped = groupAttributesByValue(payload.values, attributes);
  const ids = new Set<string>();
  const perValue = payload.values.map((value): ValueResult => {
    const rows = (grouped.get(value) ?? []).flatMap((attribute) =>
      attribute.Sighting.filter((row) => isOurs(row, payload)),
    );
    for (const row of rows) ids.add(row.id);
    return { value, ok: rows.length > 0, count: rows.length };
  });
  return { sightingIds: [...ids], perValue };
}

/**
 * Sends one queued sighting. On a retry (`attempt > 1`) it first checks whether the earlier attempt
 * landed, so a lost answer never doubles the sighting. MISP's failures (HTTP 200 with only a
 * `message`) arrive as MispError from the client and fail the record with MISP's reason.
 */
export async function sendSighting(
  client: SightingClient,
  payload: SightingPayload,
  attempt: number,
): Promise<{ result: SightingResult; attributes?: MispAttribute[] }> {
  if (attempt > 1) {
    const { attributes, ...earlier } = await findLanded(client, payload);
    if (earlier.sightingIds.length > 0) return { result: { ...earlier, alreadyLanded: true }, attributes };
  }
  const last = await client.addSighting({
    values: payload.values,
    type: payload.type,
    source: payload.source,
    timestamp: payload.timestamp,
  });
  try {
    const landed = await findLanded(client, payload);
    const sightingIds = landed.sightingIds.includes(last.id)
      ? landed.sightingIds
      : [...landed.sightingIds, last.id];
    return {
      result: { sightingIds, perValue: landed.perValue, alreadyLanded: false },
      attributes: landed.attributes,
    };
  } catch (error) {
    // The sighting is in MISP; only the per-value confirmation is missing.
    if (!isMispError(error)) throw error;
    return {
      result: {
        sightingIds: [last.id],
        perValue: payload.values.map((value) => ({ value, ok: null, count: 0 })),
        alreadyLanded: false,
      },
    };
  }
}

/** Deletes the sightings of an Undo; one already gone (404) counts as deleted, so retries are safe. */
export async function sendUndo(
  client: SightingClient,
  payload: SightingUndoPayload,
): Promise<{ deleted: number }> {
  let deleted = 0;
  for (const id of payload.sightingIds) {
    try {
      await client.deleteSighting(id);
      deleted++;
    } catch (error) {
      if (!(isMispError(error) && error.kind === 'not-found')) throw error;
    }
  }
  return { deleted };
}
