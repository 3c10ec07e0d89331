import { type LookupRecord, lookupKey, type SightlineDatabase } from '../db';
import { type Match, MatchSchema } from './matches';

/**
 * Looks indicator values up in every MISP instance enabled for lookups, for all tabs at once:
 * values are de-duplicated across tabs, sent in batches (≤ 500 values a request, a few requests in
 * flight), and every answer — hit or miss — is cached in IndexedDB with a TTL. A cached answer is
 * served at once; a stale one is served too while a refresh runs in the background
 * (stale-while-revalidate). A tab that closes cancels what only it was waiting for.
 */

export interface LookupSource {
  instanceId: string;
  /** One MISP request (or a few pages) for up to `maxBatch` values; answers per requested value. */
  lookup(values: readonly string[]): Promise<Map<string, Match[]>>;
}

export type LookupOutcome =
  | { state: 'done'; matches: Match[]; fetchedAt: number }
  | { state: 'error'; message: string }
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
  onError?: (instanceId: string, error: unknown) => void;
  onSuccess?: (instanceId: string) => void;
}

interface PendingValue {
  instanceId: string;
  value: string;
  tabs: Set<number>;
  waiters: Array<(outcome: LookupOutcome) => void>;
}

export class LookupService {
  private readonly pending = new Map<string, PendingValue>();
  private readonly inFlight = new Set<string>();
  private running = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly batchDelayMs: number;
  /** Requests sent to MISP since start (for the badge tooltip, tests and the bench). */
  requestsSent = 0;

  constructor(private readonly options: LookupServiceOptions) {
    this.now = options.now ?? Date.now;
    this.maxBatch = Math.min(options.maxBatch ?? 500, 500);
    this.maxInFlight = options.maxInFlight ?? 2;
    this.batchDelayMs = options.batchDelayMs ?? 25;
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
          const record = cached.get(value);
          if (record) {
            answers.set(value, { state: 'done', matches: record.matches, fetchedAt: record.fetchedAt });
            // Stale: serve it, and refresh behind the analyst's back.
            if (this.now() - record.fetchedAt > ttl) void this.enqueue(source.instanceId, value, tabId);
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

  /** Cached answers only (no request): for revisits and the hover card. */
  async cached(values: readonly string[]): Promise<Map<string, Match[]>> {
    const sources = await this.options.sources();
    const out = new Map<string, Match[]>();
    for (const source of sources) {
      for (const [value, record] of await this.readCache(source.instanceId, values)) {
        out.set(value, [...(out.get(value) ?? []), ...record.matches]);
      }
    }
    return out;
  }

  /** A tab closed or navigated: drop what only it was waiting for. */
  cancelTab(tabId: number): void {
    for (const [key, pending] of this.pending) {
      pending.tabs.delete(tabId);
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

  /** Deletes expired answers (run at start-up). Returns how many were removed. */
  async prune(): Promise<number> {
    const cutoff = this.now() - (await this.options.ttlMs());
    const tx = this.options.db.transaction('lookups', 'readwrite');
    let removed = 0;
    let cursor = await tx.store.index('fetchedAt').openCursor(IDBKeyRange.upperBound(cutoff, true));
    while (cursor) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return removed;
  }

  async clear(): Promise<void> {
    await this.options.db.clear('lookups');
  }

  async stats(): Promise<{ entries: number; hits: number }> {
    const all = await this.options.db.getAll('lookups');
    return { entries: all.length, hits: all.filter((record) => record.matches.length > 0).length };
  }

  private async readCache(
    instanceId: string,
    values: readonly string[],
  ): Promise<Map<string, LookupRecord & { matches: Match[] }>> {
    const tx = this.options.db.transaction('lookups');
    const records = await Promise.all(values.map((value) => tx.store.get(lookupKey(instanceId, value))));
    const out = new Map<string, LookupRecord & { matches: Match[] }>();
    records.forEach((record, index) => {
      if (!record) return;
      const matches = MatchSchema.array().safeParse(record.matches);
      if (matches.success) out.set(values[index]!, { ...record, matches: matches.data });
    });
    return out;
  }

  private enqueue(instanceId: string, value: string, tabId: number): Promise<LookupOutcome> {
    const key = lookupKey(instanceId, value);
    return new Promise((resolve) => {
      const existing = this.pending.get(key);
      if (existing) {
        existing.tabs.add(tabId);
        existing.waiters.push(resolve);
        return;
      }
      this.pending.set(key, { instanceId, value, tabs: new Set([tabId]), waiters: [resolve] });
      this.scheduleFlush();
    });
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

  /** Takes up to maxBatch waiting values of one instance. */
  private takeBatch(): PendingValue[] | null {
    let instanceId: string | undefined;
    const batch: PendingValue[] = [];
    for (const [key, pending] of this.pending) {
      if (this.inFlight.has(key)) continue;
      instanceId ??= pending.instanceId;
      if (pending.instanceId !== instanceId) continue;
      batch.push(pending);
      this.inFlight.add(key);
      if (batch.length >= this.maxBatch) break;
    }
    return batch.length > 0 ? batch : null;
  }

  private async send(batch: PendingValue[]): Promise<void> {
    const instanceId = batch[0]!.instanceId;
    const source = (await this.options.sources()).find((candidate) => candidate.instanceId === instanceId);
    const settle = (pending: PendingValue, outcome: LookupOutcome) => {
      const key = lookupKey(pending.instanceId, pending.value);
      this.inFlight.delete(key);
      this.pending.delete(key);
      for (const waiter of pending.waiters) waiter(outcome);
    };
    if (!source) {
      for (const pending of batch)
        settle(pending, { state: 'error', message: 'This MISP instance was removed.' });
      return;
    }
    try {
      this.requestsSent++;
      const answers = await source.lookup(batch.map((pending) => pending.value));
      const fetchedAt = this.now();
      const tx = this.options.db.transaction('lookups', 'readwrite');
      const writes = batch.map((pending) => {
        const matches = answers.get(pending.value) ?? [];
        return tx.store.put({
          key: lookupKey(instanceId, pending.value),
          instanceId,
          value: pending.value,
          fetchedAt,
          matches,
        });
      });
      await Promise.all([...writes, tx.done]);
      this.options.onSuccess?.(instanceId);
      for (const pending of batch) {
        settle(pending, { state: 'done', matches: answers.get(pending.value) ?? [], fetchedAt });
      }
    } catch (error) {
      this.options.onError?.(instanceId, error);
      const message = error instanceof Error ? error.message : String(error);
      for (const pending of batch) settle(pending, { state: 'error', message });
    }
  }
}

/**
 * One outcome per value from several instances: matches are concatenated. A value some instance knows
 * is known even when another instance failed; a value no instance knows is "new" only when every
 * instance answered (an instance that failed might know it), otherwise the failure is the outcome.
 */
export function mergeOutcomes(outcomes: LookupOutcome[]): LookupOutcome {
  const done = outcomes.filter((o): o is Extract<LookupOutcome, { state: 'done' }> => o.state === 'done');
  const failed = outcomes.find((o) => o.state === 'error');
  const known = done.some((o) => o.matches.length > 0);
  if (done.length > 0 && (known || !failed)) {
    return {
      state: 'done',
      matches: done.flatMap((o) => o.matches),
      fetchedAt: Math.min(...done.map((o) => o.fetchedAt)),
    };
  }
  return failed ?? outcomes[0] ?? { state: 'done', matches: [], fetchedAt: 0 };
}
