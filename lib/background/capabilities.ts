import { MispClient } from '../misp';
import type { ConnectionTest } from '../misp/client';
import { loadPreferences, type MispInstance } from '../settings';

/**
 * What a connection may do, as MISP says (`users/view/me` and `servers/getVersion`: version, user,
 * role permissions — the key's effective ones, which a read-only key's role overstates). One cache
 * for the whole background, keyed by the instance and its URL and key: a new key or address is a
 * new entry, and saving or removing an instance forgets its entry (settings handlers).
 */
export interface Capabilities {
  version: string;
  userEmail: string;
  roleName: string;
  permissions: ConnectionTest['permissions'];
}

const TTL_MS = 10 * 60_000;

export class CapabilitiesCache {
  private readonly cache = new Map<string, { at: number; key: string; value: Promise<Capabilities> }>();

  constructor(
    private readonly timeoutMs: () => Promise<number>,
    private readonly now: () => number = Date.now,
    private readonly ask: (instance: MispInstance, timeoutMs: number) => Promise<ConnectionTest> = (
      instance,
      timeoutMs,
    ) => new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs }).testConnection(),
  ) {}

  /** The instance's capabilities (asked at most every ten minutes); rejects when MISP cannot be asked. */
  get(instance: MispInstance): Promise<Capabilities> {
    const key = `${instance.url}\u0000${instance.apiKey}`;
    const hit = this.cache.get(instance.id);
    if (hit && hit.key === key && this.now() - hit.at < TTL_MS) return hit.value;
    const value = this.timeoutMs()
      .then((timeoutMs) => this.ask(instance, timeoutMs))
      .then((info) => ({
        version: info.version,
        userEmail: info.user.email,
        roleName: info.role.name,
        permissions: info.permissions,
      }));
    // A failed ask is not kept: the next one asks again.
    value.catch(() => {
      if (this.cache.get(instance.id)?.value === value) this.cache.delete(instance.id);
    });
    this.cache.set(instance.id, { at: this.now(), key, value });
    return value;
  }

  /** Forgets one instance's entry (saved or removed), or every entry. */
  forget(instanceId?: string): void {
    if (instanceId === undefined) this.cache.clear();
    else this.cache.delete(instanceId);
  }
}

let shared: CapabilitiesCache | undefined;

/** The background's one cache (the request timeout is read from the preferences when asking). */
export function capabilities(): CapabilitiesCache {
  shared ??= new CapabilitiesCache(async () => (await loadPreferences()).requestTimeoutMs);
  return shared;
}
