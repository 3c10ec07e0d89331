/**
 * A sliding-window rate limit per key (a tab, a tab and frame): at most `limit` takes in any
 * `windowMs`. It holds at most `maxKeys` keys (the oldest go first), so a page cannot grow it either.
 */
export class RateLimiter {
  private readonly taken = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 1000,
  ) {}

  /** Counts one use for `key`; false (and nothing counted) when the key is over its limit. */
  take(key: string): boolean {
    const now = this.now();
    const recent = (this.taken.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      this.taken.set(key, recent);
      return false;
    }
    recent.push(now);
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
