import { z } from 'zod';
import type { CidrRecord, SightlineDatabase } from '../db';
import { CidrIndex, type CidrRange, type MispClient } from '../misp';

/**
 * The index of each instance's CIDR ranges, for matching a page's IPs locally (MISP does not match
 * an IP against the ranges it stores). Kept small and cheap for the server:
 * - compact: id, type, value and timestamp of each range, no event context; the details (events,
 *   tags, sightings) are asked only for the ranges that contain a page's IP;
 * - kept in IndexedDB and refreshed incrementally once per TTL with MISP's `timestamp` filter (what
 *   changed since the newest range seen, soft-deleted ones included), fetched whole once a day (to
 *   catch what an incremental fetch cannot see: hard deletions, events pulled from other servers
 *   with their original timestamps, changed permissions);
 * - bounded: at most `maxRanges` ranges; beyond that the index says it is incomplete and the IPs
 *   checked against it carry a note.
 */

export const DEFAULT_MAX_RANGES = 200_000;
const FULL_REFRESH_MS = 24 * 60 * 60_000;
/** Incremental fetches start a little before the newest timestamp seen (saves in flight at that second). */
const OVERLAP_SECONDS = 300;

export interface RangeIndex {
  /** The ranges' values (`203.0.113.0/24`): all a match needs, details are asked by value. */
  index: CidrIndex<string>;
  /** False when the instance holds more ranges than the index keeps. */
  complete: boolean;
  maxRanges: number;
}

interface Held {
  checkedAt: number;
  /** When the held index was fetched (the stored record's `fetchedAt`): the record is read again only to refresh. */
  fetchedAt: number;
  ranges: RangeIndex;
}

export type RangeClient = Pick<MispClient, 'findCidrRanges'>;

export class CidrRanges {
  private readonly held = new Map<string, Held>();
  private readonly loading = new Map<string, Promise<RangeIndex>>();
  private readonly now: () => number;
  private readonly maxRanges: number;
  /** Range requests sent to MISP since start (the bench). */
  requests = 0;

  constructor(
    private readonly db: SightlineDatabase,
    options: { now?: () => number; maxRanges?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxRanges = options.maxRanges ?? DEFAULT_MAX_RANGES;
  }

  /** The instance's range index, brought up to date when it is older than `ttlMs`. */
  index(instanceId: string, ttlMs: number, client: RangeClient): Promise<RangeIndex> {
    const held = this.held.get(instanceId);
    if (held && this.now() - held.checkedAt < ttlMs) return Promise.resolve(held.ranges);
    const loading = this.loading.get(instanceId);
    if (loading) return loading;
    const next = this.refresh(instanceId, ttlMs, client).finally(() => this.loading.delete(instanceId));
    this.loading.set(instanceId, next);
    return next;
  }

  /** Forgets every index (settings changed, cache cleared). */
  async clear(): Promise<void> {
    this.held.clear();
    await this.db.clear('cidr');
  }

  private async refresh(instanceId: string, ttlMs: number, client: RangeClient): Promise<RangeIndex> {
    const stored = readRecord(await this.db.get('cidr', instanceId));
    const now = this.now();
    if (stored && now - stored.fetchedAt < ttlMs) return this.hold(stored, stored.fetchedAt);
    try {
      const record =
        stored?.complete && now - stored.fullAt < FULL_REFRESH_MS
          ? await this.incremental(stored, client, now)
          : await this.full(instanceId, client, now);
      await this.db.put('cidr', record);
      return this.hold(record, now);
    } catch (error) {
      // MISP could not be asked: an older index is better than none (checked again next time).
      if (stored) return this.hold(stored, now - ttlMs);
      throw error;
    }
  }

  private async full(instanceId: string, client: RangeClient, now: number): Promise<CidrRecord> {
    const answer = await client.findCidrRanges({ maxRanges: this.maxRanges });
    this.requests += answer.requests;
    const ranges = answer.ranges.filter((range) => !range.deleted).slice(0, this.maxRanges);
    return toRecord(instanceId, ranges, {
      fetchedAt: now,
      fullAt: now,
      complete: answer.complete && ranges.length < this.maxRanges,
    });
  }

  private async incremental(stored: CidrRecord, client: RangeClient, now: number): Promise<CidrRecord> {
    const answer = await client.findCidrRanges({
      since: Math.max(0, stored.newest - OVERLAP_SECONDS),
      maxRanges: this.maxRanges,
    });
    this.requests += answer.requests;
    // More changed than one fetch holds: start over.
    if (!answer.complete) return this.full(stored.instanceId, client, now);
    const byId = new Map(fromRecord(stored).map((range) => [range.id, range]));
    for (const range of answer.ranges) {
      if (range.deleted) byId.delete(range.id);
      else byId.set(range.id, range);
    }
    let newest = stored.newest;
    for (const range of answer.ranges) newest = Math.max(newest, range.timestamp);
    const ranges = [...byId.values()];
    return toRecord(stored.instanceId, ranges.slice(0, this.maxRanges), {
      fetchedAt: now,
      fullAt: stored.fullAt,
      complete: ranges.length < this.maxRanges,
      newest,
    });
  }

  /** Keeps the index in memory (not the record: it is read from IndexedDB again to refresh). */
  private hold(record: CidrRecord, checkedAt: number): RangeIndex {
    const held = this.held.get(record.instanceId);
    const ranges =
      held?.fetchedAt === record.fetchedAt
        ? held.ranges
        : { index: rangeIndex(record.values), complete: record.complete, maxRanges: this.maxRanges };
    this.held.set(record.instanceId, { checkedAt, fetchedAt: record.fetchedAt, ranges });
    return ranges;
  }
}

/** The index the worker holds: each range's text once, nothing else. */
export function rangeIndex(values: Iterable<string>): CidrIndex<string> {
  return new CidrIndex<string>(values, (value) => value);
}

const StoredRecordSchema = z.object({
  instanceId: z.string(),
  fetchedAt: z.number(),
  fullAt: z.number(),
  newest: z.number(),
  complete: z.boolean(),
  ids: z.array(z.string()),
  types: z.array(z.string()),
  values: z.array(z.string()),
  timestamps: z.array(z.number()),
});

/** A stored index, or undefined when it does not parse (another version wrote it, or it is damaged). */
function readRecord(raw: unknown): CidrRecord | undefined {
  const parsed = StoredRecordSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function toRecord(
  instanceId: string,
  ranges: readonly CidrRange[],
  meta: { fetchedAt: number; fullAt: number; complete: boolean; newest?: number },
): CidrRecord {
  let newest = meta.newest ?? 0;
  for (const range of ranges) newest = Math.max(newest, range.timestamp);
  return {
    instanceId,
    fetchedAt: meta.fetchedAt,
    fullAt: meta.fullAt,
    newest,
    complete: meta.complete,
    ids: ranges.map((range) => range.id),
    types: ranges.map((range) => range.type),
    values: ranges.map((range) => range.value),
    timestamps: ranges.map((range) => range.timestamp),
  };
}

function fromRecord(record: CidrRecord): CidrRange[] {
  return record.ids.map((id, i) => ({
    id,
    type: record.types[i] ?? 'ip-dst',
    value: record.values[i] ?? '',
    timestamp: record.timestamps[i] ?? 0,
    deleted: false,
  }));
}
