import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/**
 * Sightline's one IndexedDB database, owned by the background service worker.
 * - `lookups`: MISP answers per instance and value, hits and misses, with the time they were fetched.
 * - `outbox`: writes to MISP (events, attributes, sightings) kept until MISP confirms them.
 * - `alerts`: notifications raised for watched tags.
 * Values are stored as plain data; readers re-validate them with zod (a stored record may be from an
 * older version of Sightline).
 */

export interface LookupRecord {
  /** `${instanceId}\u0000${value}` */
  key: string;
  instanceId: string;
  value: string;
  fetchedAt: number;
  /** Normalised matches (see lib/lookup/matches.ts); empty for a miss. */
  matches: unknown[];
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
}

interface SightlineDB extends DBSchema {
  lookups: { key: string; value: LookupRecord; indexes: { fetchedAt: number; instanceId: string } };
  outbox: { key: string; value: OutboxRecord; indexes: { state: string; createdAt: number } };
  alerts: { key: string; value: AlertRecord; indexes: { createdAt: number } };
}

export type SightlineDatabase = IDBPDatabase<SightlineDB>;

export const DB_NAME = 'sightline';
const DB_VERSION = 1;

export function openDatabase(name = DB_NAME): Promise<SightlineDatabase> {
  return openDB<SightlineDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
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
    },
  });
}

export function lookupKey(instanceId: string, value: string): string {
  return `${instanceId}\u0000${value}`;
}
