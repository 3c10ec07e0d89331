import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { StoredPdf } from './pdf/store';

/**
 * Sightline's one IndexedDB database, owned by the background service worker.
 * - `lookups`: MISP answers per instance and value, hits and misses, with the time they were fetched.
 * - `outbox`: writes to MISP (events, attributes, sightings) kept until MISP confirms them.
 * - `alerts`: notifications raised for watch rules and seen-before indicators.
 * - `cidr`: per instance, the compact index of MISP's CIDR ranges (id, value, timestamp), refreshed
 *   incrementally.
 * - `seen`: indicators read on scanned pages that MISP did not know then (value, type, where and
 *   when), re-checked later for "seen before, known now" (lib/seen).
 * - `keys`: the MISP API keys, one per instance with the origin it belongs to (lib/keys.ts). The
 *   extension's own database is out of every content script's reach on every browser, unlike
 *   `storage.local` (readable by content scripts on Firefox) and `storage.managed` (everywhere).
 * - `clusters`: per instance, its galaxy clusters (name, tag, galaxy, synonyms, external ids) for the
 *   event form's "Galaxy clusters" search and the clusters a page mentions; refreshed daily.
 * - `pdfs`: the few PDFs last read (a tab's, a dropped file's) with their bytes, for the offscreen
 *   reader, Sightline's reader and "Attach report file" (lib/pdf/store.ts).
 * Values are stored as plain data; readers re-validate them with zod (a stored record may be from an
 * older version of Sightline).
 */

export interface LookupRecord {
  /** `${instanceId}\u0000${value}` */
  key: string;
  instanceId: string;
  value: string;
  fetchedAt: number;
  /** Last time a lookup read it (kept to within minutes): the least recently used go first. */
  usedAt: number;
  /** Normalised matches (see lib/lookup/matches.ts); empty for a miss. */
  matches: unknown[];
  /** MISP holds more attributes for the value than were read (a single value, asked on its own). */
  capped?: boolean;
  /** The instance's warninglists that hit the value; absent when they could not be asked. */
  lists?: unknown[];
  /** An IP checked against only the first this-many CIDR ranges of the instance. */
  rangesChecked?: number;
  /** About how much the record takes (its matches as JSON), for the cache's size limit. */
  bytes: number;
}

export interface CidrRecord {
  instanceId: string;
  /** When the index was last brought up to date, and last fetched whole (ms). */
  fetchedAt: number;
  fullAt: number;
  /** The newest attribute timestamp seen (Unix seconds): the next incremental fetch starts there. */
  newest: number;
  /** False when the instance holds more ranges than the index keeps. */
  complete: boolean;
  /** The ranges, as parallel lists (compact in storage). */
  ids: string[];
  types: string[];
  values: string[];
  timestamps: number[];
}

export interface OutboxRecord {
  id: string;
  kind: string;
  instanceId: string;
  createdAt: number;
  state: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  /** The last failure's kind and MISP's field errors ("Event.info: must not be empty"), for the form. */
  lastErrorKind?: string;
  lastErrorDetails?: string[];
  payload: unknown;
  result?: unknown;
  tabId?: number;
}

export interface AlertRecord {
  id: string;
  instanceId: string;
  createdAt: number;
  read: boolean;
  payload: unknown;
  /** When its browser notification was shown (absent while owed). */
  notifiedAt?: number;
}

export interface SeenRecord {
  value: string;
  type: string;
  /** Where it was first read: the page's host, title and address without query or fragment. */
  host: string;
  title: string;
  pageUrl: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** When MISP was last asked about it (0: not since it was recorded). */
  checkedAt: number;
}

export interface KeyRecord {
  instanceId: string;
  apiKey: string;
  /** The origin the key was entered (or confirmed) for: it is sent nowhere else. */
  origin: string;
  /** Copied from the organisation's policy (`storage.managed`) rather than typed by the analyst. */
  fromPolicy?: boolean;
}

export interface ClusterRecord {
  instanceId: string;
  fetchedAt: number;
  /** False when the instance holds more clusters than the index keeps. */
  complete: boolean;
  clusters: unknown[];
}

interface SightlineDB extends DBSchema {
  lookups: {
    key: string;
    value: LookupRecord;
    indexes: { fetchedAt: number; instanceId: string; usedAt: number };
  };
  cidr: { key: string; value: CidrRecord };
  outbox: { key: string; value: OutboxRecord; indexes: { state: string; createdAt: number } };
  alerts: { key: string; value: AlertRecord; indexes: { createdAt: number } };
  seen: { key: string; value: SeenRecord; indexes: { lastSeenAt: number; checkedAt: number } };
  keys: { key: string; value: KeyRecord };
  clusters: { key: string; value: ClusterRecord };
  pdfs: { key: string; value: StoredPdf; indexes: { storedAt: number } };
}

export type SightlineDatabase = IDBPDatabase<SightlineDB>;

export const DB_NAME = 'sightline';
const DB_VERSION = 6;

export function openDatabase(name = DB_NAME): Promise<SightlineDatabase> {
  return openDB<SightlineDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        const lookups = db.createObjectStore('lookups', { keyPath: 'key' });
        lookups.createIndex('fetchedAt', 'fetchedAt');
        lookups.createIndex('instanceId', 'instanceId');
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('state', 'state');
        outbox.createIndex('createdAt', 'createdAt');
        const alerts = db.createObjectStore('alerts', { keyPath: 'id' });
        alerts.createIndex('createdAt', 'createdAt');
      }
      if (oldVersion < 2) {
        // A cache: records from version 1 lack `usedAt` and `bytes`, so they are dropped, not migrated.
        const lookups = transaction.objectStore('lookups');
        void lookups.clear();
        lookups.createIndex('usedAt', 'usedAt');
        db.createObjectStore('cidr', { keyPath: 'instanceId' });
      }
      if (oldVersion < 3) {
        const seen = db.createObjectStore('seen', { keyPath: 'value' });
        seen.createIndex('lastSeenAt', 'lastSeenAt');
        seen.createIndex('checkedAt', 'checkedAt');
      }
      if (oldVersion < 4) {
        db.createObjectStore('keys', { keyPath: 'instanceId' });
      }
      if (oldVersion < 5) {
        db.createObjectStore('clusters', { keyPath: 'instanceId' });
      }
      if (oldVersion < 6) {
        const pdfs = db.createObjectStore('pdfs', { keyPath: 'key' });
        pdfs.createIndex('storedAt', 'storedAt');
      }
    },
  });
}

export function lookupKey(instanceId: string, value: string): string {
  return `${instanceId}\u0000${value}`;
}

interface DeletingCursor {
  delete(): Promise<void>;
  continue(): Promise<DeletingCursor | null>;
}

/** Deletes the records of `store` whose `index` value is below `cutoff` (a time). Returns how many went. */
export async function deleteBelow(
  db: SightlineDatabase,
  store: 'lookups' | 'seen',
  index: 'fetchedAt' | 'lastSeenAt',
  cutoff: number,
): Promise<number> {
  const tx = db.transaction(store, 'readwrite');
  // Both stores index a time; idb's types cannot tie a name chosen at run time to its store.
  const source = tx.store.index(index as never) as unknown as {
    openCursor(range: IDBKeyRange): Promise<DeletingCursor | null>;
  };
  let removed = 0;
  let cursor = await source.openCursor(IDBKeyRange.upperBound(cutoff, true));
  while (cursor) {
    await cursor.delete();
    removed++;
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}
