/**
 * When to ask MISP again for a tab whose lookups failed (MISP down, slow, timed out) or were refused
 * (queue full): after 5 s, then twice as long each time up to 15 minutes, for as long as the tab is
 * open, at most `MAX_ATTEMPTS` times. Kept in the background's session storage, so a stopped and
 * restarted service worker carries on where it was.
 */

export const RETRY_DELAYS_MS = [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 900_000];
export const MAX_ATTEMPTS = 12;

export interface RetryState {
  attempt: number;
  dueAt: number;
}

export interface RetryStore {
  load(): Promise<Record<string, RetryState>>;
  save(state: Record<string, RetryState>): Promise<void>;
}

export function retryDelay(attempt: number): number {
  return RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
}

export class RetrySchedule {
  private state: Record<string, RetryState> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: RetryStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Serialised read-modify-write of the stored schedule. */
  private update<T>(change: (state: Record<string, RetryState>) => T): Promise<T> {
    const next = this.chain.then(async () => {
      this.state ??= await this.store.load();
      const result = change(this.state);
      await this.store.save(this.state);
      return result;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** A lookup for the tab failed: ask again after the next delay. Returns when, or null when it gives up. */
  failed(tabId: number): Promise<number | null> {
    return this.update((state) => {
      const attempt = (state[tabId]?.attempt ?? -1) + 1;
      if (attempt >= MAX_ATTEMPTS) {
        delete state[tabId];
        return null;
      }
      const dueAt = this.now() + retryDelay(attempt);
      state[tabId] = { attempt, dueAt };
      return dueAt;
    });
  }

  /** A new failure for a tab already waiting keeps its place (the next attempt covers both). */
  schedule(tabId: number): Promise<number | null> {
    return this.update((state) => state[tabId]?.dueAt ?? null).then((dueAt) => dueAt ?? this.failed(tabId));
  }

  /** Everything answered, or the tab is gone: no more attempts. */
  done(tabId: number): Promise<void> {
    return this.update((state) => {
      delete state[tabId];
    });
  }

  /** The tabs whose attempt is due, and when the next one after them is. */
  due(): Promise<{ tabs: number[]; next: number | null }> {
    return this.update((state) => {
      const now = this.now();
      const tabs = Object.entries(state)
        .filter(([, entry]) => entry.dueAt <= now)
        .map(([tab]) => Number(tab));
      const later = Object.values(state)
        .map((entry) => entry.dueAt)
        .filter((at) => at > now);
      return { tabs, next: later.length > 0 ? Math.min(...later) : null };
    });
  }
}
