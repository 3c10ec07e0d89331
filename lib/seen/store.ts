import { deleteBelow, type SeenRecord, type SightlineDatabase } from '../db';

/**
 * "Seen before, known now": the indicators Sightline found on scanned pages that MISP did not know
 * then, kept in IndexedDB so that a later check can say when one became known. Each value keeps where
 * it was first read (host, title, the address without query or fragment) and when it was first and
 * last read — never any page text. Bounded: MAX_SEEN_VALUES in all (the least recently read go first),
 * MAX_VALUES_PER_PAGE from one page report, and nothing older than the retention the analyst set.
 */

export const MAX_SEEN_VALUES = 50_000;
export const MAX_VALUES_PER_PAGE = 1_000;
export const DAY_MS = 24 * 60 * 60_000;

export interface SeenPlace {
  host: string;
  title: string;
  pageUrl: string;
}

/** Where a value was read, as kept: http(s) pages only; the address loses its query and fragment. */
export function seenPlace(url: string, title: string): SeenPlace | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return {
    host: parsed.hostname,
    title: title.trim().slice(0, 300),
    pageUrl: `${parsed.origin}${parsed.pathname}`.slice(0, 2000),
  };
}

export class SeenStore {
  constructor(
    private readonly db: SightlineDatabase,
    private readonly maxValues = MAX_SEEN_VALUES,
  ) {}

  /**
   * Remembers values read on a page (at most MAX_VALUES_PER_PAGE of them): a value already kept keeps
   * its first place and gets a new "last read" time. Returns how many values were new to the store.
   */
  async remember(
    place: SeenPlace,
    values: ReadonlyArray<{ value: string; type: string }>,
    now: number,
  ): Promise<number> {
    let added = 0;
    const tx = this.db.transaction('seen', 'readwrite');
    for (const { value, type } of values.slice(0, MAX_VALUES_PER_PAGE)) {
      const existing = await tx.store.get(value);
      if (existing) {
        await tx.store.put({ ...existing, lastSeenAt: now });
        continue;
      }
      await tx.store.put({ value, type, ...place, firstSeenAt: now, lastSeenAt: now, checkedAt: 0 });
      added++;
    }
    await tx.done;
    if (added > 0) await this.evictOverflow();
    return added;
  }

  async get(values: readonly string[]): Promise<Map<string, SeenRecord>> {
    const tx = this.db.transaction('seen');
    const out = new Map<string, SeenRecord>();
    for (const value of values) {
      const record = await tx.store.get(value);
      if (record) out.set(value, record);
    }
    await tx.done;
    return out;
  }

  /** Up to `limit` values last asked about before `checkedBefore`, the longest unasked first. */
  async due(limit: number, checkedBefore: number): Promise<SeenRecord[]> {
    const out: SeenRecord[] = [];
    let cursor = await this.db
      .transaction('seen')
      .store.index('checkedAt')
      .openCursor(IDBKeyRange.upperBound(checkedBefore, true));
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  async markChecked(values: readonly string[], now: number): Promise<void> {
    const tx = this.db.transaction('seen', 'readwrite');
    for (const value of values) {
      const record = await tx.store.get(value);
      if (record) await tx.store.put({ ...record, checkedAt: now });
    }
    await tx.done;
  }

  async remove(values: readonly string[]): Promise<void> {
    const tx = this.db.transaction('seen', 'readwrite');
    for (const value of values) await tx.store.delete(value);
    await tx.done;
  }

  /** Drops what was last read more than `retentionDays` ago. Returns how many went. */
  async prune(now: number, retentionDays: number): Promise<number> {
    return deleteBelow(this.db, 'seen', 'lastSeenAt', now - retentionDays * DAY_MS);
  }

  async clear(): Promise<void> {
    await this.db.clear('seen');
  }

  async stats(): Promise<{ count: number; oldestAt?: number }> {
    const count = await this.db.count('seen');
    const oldest = await this.db.transaction('seen').store.index('lastSeenAt').openCursor();
    return { count, ...(oldest ? { oldestAt: oldest.value.firstSeenAt } : {}) };
  }

  /** Over the bound: the least recently read values go first. */
  private async evictOverflow(): Promise<void> {
    const excess = (await this.db.count('seen')) - this.maxValues;
    if (excess <= 0) return;
    const tx = this.db.transaction('seen', 'readwrite');
    let cursor = await tx.store.index('lastSeenAt').openCursor();
    for (let removed = 0; cursor && removed < excess; removed++) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }
}
