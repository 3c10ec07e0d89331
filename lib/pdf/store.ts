import type { SightlineDatabase } from '../db';

/**
 * PDFs Sightline fetched or was given (a tab's PDF, a dropped file), kept in IndexedDB so that the
 * offscreen document, the reader and event filing read the same bytes without fetching again. A
 * handful at most: the oldest go first.
 */

export const MAX_STORED_PDFS = 6;

export interface StoredPdf {
  /** `tab:<id>` for a tab's PDF, `file:<uuid>` for a dropped file. */
  key: string;
  /** The tab's address (empty for a file). */
  url: string;
  name: string;
  bytes: Uint8Array;
  storedAt: number;
  /** Known once its text was read. */
  pages?: number;
}

export const tabPdfKey = (tabId: number) => `tab:${tabId}`;

export async function putPdf(db: SightlineDatabase, record: StoredPdf): Promise<void> {
  const tx = db.transaction('pdfs', 'readwrite');
  await tx.store.put(record);
  const keys = await tx.store.index('storedAt').getAllKeys();
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_STORED_PDFS))) await tx.store.delete(key);
  await tx.done;
}

export async function getPdf(db: SightlineDatabase, key: string): Promise<StoredPdf | undefined> {
  const record = await db.get('pdfs', key);
  // Stored by this version of Sightline, but checked anyway (readers re-validate what they read).
  if (!record || !(record.bytes instanceof Uint8Array) || typeof record.name !== 'string') return undefined;
  return record;
}

export async function forgetPdf(db: SightlineDatabase, key: string): Promise<void> {
  await db.delete('pdfs', key);
}
