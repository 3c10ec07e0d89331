/**
 * A sliding-window budget per key (a tab): at most `limit` (uses, or characters with a `cost`) in any
 * `windowMs`. It holds at most `maxKeys` keys (the oldest go first), so a page cannot grow it either.
 */
export class RateLimiter {
  private readonly taken = new Map<string, Array<{ at: number; cost: number }>>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 1000,
  ) {}

  /** Counts `cost` for `key`; false (and nothing counted) when that would exceed its budget. */
  take(key: string, cost = 1): boolean {
    const now = this.now();
    const recent = (this.taken.get(key) ?? []).filter((use) => now - use.at < this.windowMs);
    const spent = recent.reduce((sum, use) => sum + use.cost, 0);
    if (spent + cost > this.limit) {
      this.taken.set(key, recent);
      return false;
    }
    recent.push({ at: now, cost });
    this.taken.delete(key);
    this.taken.set(key, recent);
    while (this.taken.size > this.maxKeys) {
      const oldest = this.taken.keys().next().value;
      if (oldest === undefined) break;
      this.taken.delete(oldest);
    }
    return true;
  }

  /** Drops every key that starts with `prefix` (a closed tab). */
  forget(prefix: string): void {
    for (const key of [...this.taken.keys()]) if (key.startsWith(prefix)) this.taken.delete(key);
  }
}
