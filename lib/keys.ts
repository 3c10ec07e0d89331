import { type KeyRecord, openDatabase, type SightlineDatabase } from './db';

/**
 * The background's key store: MISP API keys live in the extension's own IndexedDB (`keys`), which
 * no content script can open on any browser. Only the background imports this module.
 */

/** Marks that keys once kept in `storage.local` were moved here (a later one there is ignored). */
const MOVED_MARK = '\u0000moved-from-storage-local';

let database: Promise<SightlineDatabase> | undefined;

function keyDatabase(): Promise<SightlineDatabase> {
  database ??= openDatabase();
  return database;
}

/** The stored keys by instance id. */
export async function readKeys(): Promise<Map<string, KeyRecord>> {
  const all = await (await keyDatabase()).getAll('keys');
  return new Map(all.filter((record) => record.instanceId !== MOVED_MARK).map((r) => [r.instanceId, r]));
}

/**
 * Replaces the analyst's keys with `records` (one per instance); keys copied from the policy stay
 * unless `policy` is given, which replaces those instead.
 */
export async function writeKeys(records: KeyRecord[], options: { policy?: boolean } = {}): Promise<void> {
  const tx = (await keyDatabase()).transaction('keys', 'readwrite');
  const replacing = options.policy === true;
  for (const existing of await tx.store.getAll()) {
    if (existing.instanceId === MOVED_MARK) continue;
    if ((existing.fromPolicy === true) === replacing) await tx.store.delete(existing.instanceId);
  }
  for (const record of records) await tx.store.put({ ...record, ...(replacing ? { fromPolicy: true } : {}) });
  await tx.done;
}

/** Whether keys from `storage.local` were moved here already; `markMoved` records that they were. */
export async function keysMoved(): Promise<boolean> {
  return (await (await keyDatabase()).get('keys', MOVED_MARK)) !== undefined;
}

export async function markMoved(): Promise<void> {
  await (await keyDatabase()).put('keys', { instanceId: MOVED_MARK, apiKey: '', origin: '' });
}
