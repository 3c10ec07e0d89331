import { deleteBelow, lookupKey, type SightlineDatabase } from '../db';
import type { Match } from './matches';
import { fromRecord, type ListHit, type SourceAnswer, type StoredAnswer, toRecord } from './records';

/**
 * Looks indicator values up in every MISP instance enabled for lookups, for all tabs at once:
 * values are de-duplicated across tabs, sent in batches (≤ 500 values a request, a few requests in
 * flight, tabs served in turn), and every complete answer — hit or miss — is cached in IndexedDB
 * with a TTL. A cached answer is served at once; a stale one is served too while a refresh runs in
 * the background (stale-while-revalidate), and `onChanged` says when the refresh changed it. A tab
 * that closes cancels what only it was waiting for.
 *
 * Bounded: the queue holds at most `maxQueued` values and one tab at most `maxQueuedPerTab` of them
 * (what does not fit is refused with a clear reason, not dropped silently), so one tab can never
 * exhaust what other tabs need; the cache holds at most `maxEntries` records and `maxBytes`, the
 * least recently used evicted first (`prune`, run periodically and after many writes).
 */

export interface LookupSource {
  instanceId: string;
  /** One MISP request (or a few pages) for up to `maxBatch` values; answers per requested value. */
  lookup(values: readonly string[]): Promise<Map<string, SourceAnswer>>;
}

export type LookupOutcome =
  | {
      state: 'done';
      matches: Match[];
      fetchedAt: number;
      /** MISP holds more attributes for the value than were read. */
      capped?: boolean;
      /** The instances' warninglists that hit it; undefined when no instance could be asked. */
      lists?: ListHit[];
      /** An IP checked against only the first this-many CIDR ranges of an instance. */
      rangesChecked?: number;
    }
  | { state: 'error'; message: string }
  /** Not looked up: the queue (or this tab's share of it) is full. */
  | { state: 'refused'; message: string }
  | { state: 'cancelled' };

export interface LookupServiceOptions {
  db: SightlineDatabase;
  sources: () => Promise<LookupSource[]>;
  ttlMs: () => Promise<number>;
  now?: () => number;
  maxBatch?: number;
  maxInFlight?: number;
  /** Delay before a partial batch is sent, so values from several frames and tabs share requests. */
  batchDelayMs?: number;
  /** Values waiting (or in flight) at most, all tabs together, and for one tab. */
  maxQueued?: number;
  maxQueuedPerTab?: number;
  /** Cache bounds: records and (estimated) bytes. */
  maxEntries?: number;
  maxBytes?: number;
  onError?: (instanceId: string, error: unknown) => void;
  onSuccess?: (instanceId: string) => void;
  /** A background refresh changed cached answers that these tabs were shown. */
  onChanged?: (tabIds: number[], values: string[]) => void;
}

export const DEFAULT_MAX_QUEUED = 40_000;
export const DEFAULT_MAX_QUEUED_PER_TAB = 10_000;
export const DEFAULT_MAX_ENTRIES = 50_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** A read refreshes a record's `usedAt` only when it is older than this (reads stay reads). */
const TOUCH_AFTER_MS = 10 * 60_000;
/** Stale answers are kept (and served while refreshed) up to this many TTLs old. */
const STALE_TTLS = 2;
/** Writes after which the cache is pruned without waiting for the periodic run. */
const PRUNE_EVERY_WRITES = 5_000;

interface PendingValue {
  instanceId: string;
  value: string;
  tabs: Set<number>;
  waiters: Array<(outcome: LookupOutcome) => void>;
  /** A refresh of a stale answer shown to these tabs: compare, and tell them when it changed. */
  previous?: StoredAnswer;
}

export class LookupService {
  private readonly pending = new Map<string, PendingValue>();
  private readonly inFlight = new Set<string>();
  private readonly perTab = new Map<number, number>();
  private running = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private writesSincePrune = 0;
  private pruning: Promise<{ expired: number; evicted: number }> | undefined;
  private readonly now: () => number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly batchDelayMs: number;
  private readonly maxQueued: number;
  private readonly maxQueuedPerTab: number;
  /** Requests sent to MISP since start (for the badge tooltip, tests and the bench). */
  requestsSent = 0;
  /** Values sent to MISP since start (the bench). */
  valuesSent = 0;

  constructor(private readonly options: LookupServiceOptions) {
    this.now = options.now ?? Date.now;
    this.maxBatch = Math.min(options.maxBatch ?? 500, 500);
    this.maxInFlight = options.maxInFlight ?? 2;
    this.batchDelayMs = options.batchDelayMs ?? 25;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.maxQueuedPerTab = options.maxQueuedPerTab ?? DEFAULT_MAX_QUEUED_PER_TAB;
  }

  /**
   * Answers for `values` from every lookup instance: per value, the matches found (merged across
   * instances) or why there are none. Resolves once every value has an answer.
   */
  async lookup(tabId: number, values: readonly string[]): Promise<Map<string, LookupOutcome>> {
    const sources = await this.options.sources();
    const ttl = await this.options.ttlMs();
    const unique = [...new Set(values)];
    const perInstance = await Promise.all(
      sources.map(async (source) => {
        const cached = await this.readCache(source.instanceId, unique);
        const waits: Array<Promise<[string, LookupOutcome]>> = [];
        const answers = new Map<string, LookupOutcome>();
        for (const value of unique) {
          const stored = cached.get(value);
          if (stored) {
            answers.set(value, doneOutcome(stored, stored.fetchedAt));
            // Stale: serve it, and refresh behind the analyst's back.
            if (this.now() - stored.fetchedAt > ttl)
              void this.enqueue(source.instanceId, value, tabId, stored);
          } else {
            waits.push(this.enqueue(source.instanceId, value, tabId).then((outcome) => [value, outcome]));
          }
        }
        for (const [value, outcome] of await Promise.all(waits)) answers.set(value, outcome);
        return answers;
      }),
    );
    const merged = new Map<string, LookupOutcome>();
    for (const value of unique) {
      const outcomes = perInstance.map((answers) => answers.get(value)).filter((o) => o !== undefined);
      merged.set(value, mergeOutcomes(outcomes));
    }
    return merged;
  }

  /** Cached answers only (no request): for revisits, the hover card and sightings. */
  async cached(values: readonly string[]): Promise<Map<string, Match[]>> {
    const out = new Map<string, Match[]>();
    for (const [value, answer] of await this.cachedAnswers(values)) out.set(value, answer.matches);
    return out;
  }

  /** Cached answers merged across instances, with their flags (capped, lists). */
  async cachedAnswers(values: readonly string[]): Promise<Map<string, SourceAnswer>> {
    const sources = await this.options.sources();
    const out = new Map<string, SourceAnswer>();
    for (const source of sources) {
      for (const [value, stored] of await this.readCache(source.instanceId, values)) {
        const seen = out.get(value);
        out.set(value, seen === undefined ? stored : mergeAnswers(seen, stored));
      }
    }
    return out;
  }

  /** Values waiting for MISP (queued or in flight). */
  get queued(): number {
    return this.pending.size;
  }

  /** A tab closed or navigated: drop what only it was waiting for. */
  cancelTab(tabId: number): void {
    for (const [key, pending] of this.pending) {
      if (!pending.tabs.delete(tabId)) continue;
      this.countTab(tabId, -1);
      if (pending.tabs.size === 0 && !this.inFlight.has(key)) {
        this.pending.delete(key);
        for (const waiter of pending.waiters) waiter({ state: 'cancelled' });
      }
    }
  }

  /** Forget cached answers (Sightline wrote to MISP, so they may be out of date). */
  async invalidate(values: readonly string[]): Promise<void> {
    const sources = await this.options.sources();
    const tx = this.options.db.transaction('lookups', 'readwrite');
    await Promise.all([
      ...sources.flatMap((source) =>
        values.map((value) => tx.store.delete(lookupKey(source.instanceId, value))),
      ),
      tx.done,
    ]);
  }

  /**
   * Deletes answers too old to serve (more than two TTLs), then evicts the least recently used until
   * the cache is within its bounds (to 90 %, so that it is not pruned again at once). Run at
   * start-up, periodically and after many writes; concurrent calls share one run.
   */
  prune(): Promise<{ expired: number; evicted: number }> {
    this.pruning ??= this.runPrune().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async runPrune(): Promise<{ expired: number; evicted: number }> {
    this.writesSincePrune = 0;
    const cutoff = this.now() - STALE_TTLS * (await this.options.ttlMs());
    const db = this.options.db;
    const expired = await deleteBelow(db, 'lookups', 'fetchedAt', cutoff);
    const maxEntries = this.options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    let entries = 0;
    let bytes = 0;
    {
      const tx = db.transaction('lookups');
      let cursor = await tx.store.openCursor();
      while (cursor) {
        entries++;
        bytes += cursor.value.bytes ?? 0;
        cursor = await cursor.continue();
      }
      await tx.done;
    }
    let evicted = 0;
    if (entries > maxEntries || bytes > maxBytes) {
      const targetEntries = Math.floor(maxEntries * 0.9);
      const targetBytes = Math.floor(maxBytes * 0.9);
      const tx = db.transaction('lookups', 'readwrite');
      let cursor = await tx.store.index('usedAt').openCursor();
      while (cursor && (entries > targetEntries || bytes > targetBytes)) {
        entries--;
        bytes -= cursor.value.bytes ?? 0;
        await cursor.delete();
        evicted++;
        cursor = await cursor.continue();
      }
      await tx.done;
    }
    return { expired, evicted };
  }

  async clear(): Promise<void> {
    await this.options.db.clear('lookups');
  }

  async stats(): Promise<{ entries: number; hits: number }> {
    let entries = 0;
    let hits = 0;
    const tx = this.options.db.transaction('lookups');
    let cursor = await tx.store.openCursor();
    while (cursor) {
      entries++;
      if (cursor.value.matches.length > 0) hits++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return { entries, hits };
  }

  private async readCache(instanceId: string, values: readonly string[]): Promise<Map<string, StoredAnswer>> {
    const tx = this.options.db.transaction('lookups');
    const records = await Promise.all(values.map((value) => tx.store.get(lookupKey(instanceId, value))));
    const out = new Map<string, StoredAnswer>();
    const touch: string[] = [];
    const now = this.now();
    records.forEach((record, index) => {
      const stored = fromRecord(record);
      if (stored === undefined) return;
      out.set(values[index]!, stored);
      if (now - stored.usedAt > TOUCH_AFTER_MS) touch.push(values[index]!);
    });
    if (touch.length > 0) void this.touch(instanceId, touch, now);
    return out;
  }

  /** Marks records as used now (for least-recently-used eviction); best effort. */
  private async touch(instanceId: string, values: readonly string[], now: number): Promise<void> {
    try {
      const tx = this.options.db.transaction('lookups', 'readwrite');
      await Promise.all([
        ...values.map(async (value) => {
          const record = await tx.store.get(lookupKey(instanceId, value));
          if (record) await tx.store.put({ ...record, usedAt: now });
        }),
        tx.done,
      ]);
    } catch {
      // A failed touch only makes the record look older.
    }
  }

  private countTab(tabId: number, delta: number): void {
    const count = (this.perTab.get(tabId) ?? 0) + delta;
    if (count <= 0) this.perTab.delete(tabId);
    else this.perTab.set(tabId, count);
  }

  private enqueue(
    instanceId: string,
    value: string,
    tabId: number,
    previous?: StoredAnswer,
  ): Promise<LookupOutcome> {
    const key = lookupKey(instanceId, value);
    return new Promise((resolve) => {
      const existing = this.pending.get(key);
      if (existing) {
        if (!existing.tabs.has(tabId)) {
          existing.tabs.add(tabId);
          this.countTab(tabId, 1);
        }
        existing.waiters.push(resolve);
        return;
      }
      const refusal = this.refusal(tabId);
      if (refusal !== undefined) {
        resolve({ state: 'refused', message: refusal });
        return;
      }
      this.pending.set(key, {
        instanceId,
        value,
        tabs: new Set([tabId]),
        waiters: [resolve],
        ...(previous === undefined ? {} : { previous }),
      });
      this.countTab(tabId, 1);
      this.scheduleFlush();
    });
  }

  /** Why a tab may not queue one more value now, or undefined when it may. */
  private refusal(tabId: number): string | undefined {
    if ((this.perTab.get(tabId) ?? 0) >= this.maxQueuedPerTab) {
      return `Not looked up yet: this page already has ${this.maxQueuedPerTab.toLocaleString('en')} values waiting for MISP.`;
    }
    if (this.pending.size >= this.maxQueued) {
      return `Not looked up yet: ${this.maxQueued.toLocaleString('en')} values from all tabs are waiting for MISP.`;
    }
    return undefined;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.batchDelayMs);
  }

  private async flush(): Promise<void> {
    while (this.running < this.maxInFlight) {
      const batch = this.takeBatch();
      if (!batch) return;
      this.running++;
      void this.send(batch).finally(() => {
        this.running--;
        void this.flush();
      });
    }
  }

  /**
   * Takes up to maxBatch waiting values of one instance (the instance of the oldest waiting value),
   * the tabs waiting served in turn: a tab with thousands of values queued does not hold back a tab
   * that asked for ten.
   */
  private takeBatch(): PendingValue[] | null {
    let instanceId: string | undefined;
    const byTab = new Map<number, PendingValue[]>();
    for (const [key, pending] of this.pending) {
      if (this.inFlight.has(key)) continue;
      instanceId ??= pending.instanceId;
      if (pending.instanceId !== instanceId) continue;
      const tab = pending.tabs.values().next().value ?? -1;
      const list = byTab.get(tab);
      if (list === undefined) byTab.set(tab, [pending]);
      else if (list.length < this.maxBatch) list.push(pending);
    }
    const queues = [...byTab.values()];
    const batch: PendingValue[] = [];
    for (let round = 0; batch.length < this.maxBatch; round++) {
      let took = false;
      for (const queue of queues) {
        const next = queue[round];
        if (next === undefined) continue;
        took = true;
        batch.push(next);
        if (batch.length >= this.maxBatch) break;
      }
      if (!took) break;
    }
    for (const pending of batch) this.inFlight.add(lookupKey(pending.instanceId, pending.value));
    return batch.length > 0 ? batch : null;
  }

  private settle(pending: PendingValue, outcome: LookupOutcome): void {
    const key = lookupKey(pending.instanceId, pending.value);
    this.inFlight.delete(key);
    this.pending.delete(key);
    for (const tab of pending.tabs) this.countTab(tab, -1);
    for (const waiter of pending.waiters) waiter(outcome);
  }

  private async send(batch: PendingValue[]): Promise<void> {
    const instanceId = batch[0]!.instanceId;
    const source = (await this.options.sources()).find((candidate) => candidate.instanceId === instanceId);
    if (!source) {
      for (const pending of batch)
        this.settle(pending, { state: 'error', message: 'This MISP instance was removed.' });
      return;
    }
    try {
      this.requestsSent++;
      this.valuesSent += batch.length;
      const answers = await source.lookup(batch.map((pending) => pending.value));
      const fetchedAt = this.now();
      const records = batch.map((pending) =>
        toRecord(instanceId, pending.value, answers.get(pending.value) ?? { matches: [] }, fetchedAt),
      );
      const tx = this.options.db.transaction('lookups', 'readwrite');
      await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
      this.options.onSuccess?.(instanceId);
      const changed = new Map<number, string[]>();
      batch.forEach((pending, index) => {
        const stored = fromRecord(records[index]);
        if (stored === undefined) return;
        if (pending.previous !== undefined && answerChanged(pending.previous, stored)) {
          for (const tab of pending.tabs) changed.set(tab, [...(changed.get(tab) ?? []), pending.value]);
        }
        this.settle(pending, doneOutcome(stored, fetchedAt));
      });
      for (const [tab, values] of changed) this.options.onChanged?.([tab], values);
      this.writesSincePrune += records.length;
      if (this.writesSincePrune >= PRUNE_EVERY_WRITES) void this.prune().catch(() => undefined);
    } catch (error) {
      this.options.onError?.(instanceId, error);
      const message = error instanceof Error ? error.message : String(error);
      for (const pending of batch) this.settle(pending, { state: 'error', message });
    }
  }
}

function doneOutcome(answer: SourceAnswer, fetchedAt: number): Extract<LookupOutcome, { state: 'done' }> {
  return {
    state: 'done',
    matches: answer.matches,
    fetchedAt,
    ...(answer.capped ? { capped: true } : {}),
    ...(answer.lists === undefined ? {} : { lists: answer.lists }),
    ...(answer.rangesChecked === undefined ? {} : { rangesChecked: answer.rangesChecked }),
  };
}

function mergeAnswers(a: SourceAnswer, b: SourceAnswer): SourceAnswer {
  const lists =
    a.lists === undefined && b.lists === undefined ? undefined : [...(a.lists ?? []), ...(b.lists ?? [])];
  const rangesChecked = a.rangesChecked ?? b.rangesChecked;
  return {
    matches: [...a.matches, ...b.matches],
    ...(a.capped || b.capped ? { capped: true } : {}),
    ...(lists === undefined ? {} : { lists }),
    ...(rangesChecked === undefined ? {} : { rangesChecked }),
  };
}

/** Whether a refreshed answer says something else than the one shown (known/new, events, flags). */
function answerChanged(before: SourceAnswer, after: SourceAnswer): boolean {
  const ids = (answer: SourceAnswer) =>
    answer.matches
      .map((match) => `${match.instanceId}:${match.attribute.id}:${match.event.threatLevel}`)
      .sort()
      .join(',');
  return ids(before) !== ids(after) || Boolean(before.capped) !== Boolean(after.capped);
}

/**
 * One outcome per value from several instances: matches are concatenated. A value some instance knows
 * is known even when another instance failed; a value no instance knows is "new" only when every
 * instance answered (an instance that failed might know it), otherwise the failure is the outcome.
 */
export function mergeOutcomes(outcomes: LookupOutcome[]): LookupOutcome {
  const done = outcomes.filter((o): o is Extract<LookupOutcome, { state: 'done' }> => o.state === 'done');
  const failed = outcomes.find((o) => o.state === 'error') ?? outcomes.find((o) => o.state === 'refused');
  const known = done.some((o) => o.matches.length > 0);
  if (done.length > 0 && (known || !failed)) {
    const merged = done.reduce<SourceAnswer>((all, o) => mergeAnswers(all, o), { matches: [] });
    return doneOutcome(merged, Math.min(...done.map((o) => o.fetchedAt)));
  }
  return failed ?? outcomes[0] ?? { state: 'done', matches: [], fetchedAt: 0 };
}
