import { MispClient } from '../misp';
import type { MispInstance } from '../settings';

export interface SightingPermission {
  instanceId: string;
  /** false only when MISP said so (perm_sighting in getVersion); unknown counts as allowed. */
  allowed: boolean;
  reason?: string;
}

const TTL_MS = 10 * 60_000;

/**
 * The background's cache of each connection's sighting permission: getVersion reports the key's
 * effective `perm_sighting` (the role overstates a read-only key). Asked at most every ten minutes
 * per instance; when MISP cannot be asked the buttons stay (a sighting then waits in the outbox).
 */
export class SightingPermissions {
  private readonly cache = new Map<string, { at: number; key: string; value: Promise<SightingPermission> }>();

  constructor(
    private readonly timeoutMs: () => Promise<number>,
    private readonly now: () => number = Date.now,
  ) {}

  get(instance: MispInstance): Promise<SightingPermission> {
    const cacheKey = `${instance.url}\u0000${instance.apiKey}`;
    const hit = this.cache.get(instance.id);
    if (hit && hit.key === cacheKey && this.now() - hit.at < TTL_MS) return hit.value;
    const value = this.ask(instance).catch((): SightingPermission => {
      this.cache.delete(instance.id);
      return { instanceId: instance.id, allowed: true };
    });
    this.cache.set(instance.id, { at: this.now(), key: cacheKey, value });
    return value;
  }

  forget(instanceId?: string): void {
    if (instanceId === undefined) this.cache.clear();
    else this.cache.delete(instanceId);
  }

  private async ask(instance: MispInstance): Promise<SightingPermission> {
    const client = new MispClient({
      url: instance.url,
      apiKey: instance.apiKey,
      timeoutMs: await this.timeoutMs(),
    });
    const info = await client.testConnection();
    return info.permissions.sighting
      ? { instanceId: instance.id, allowed: true }
      : {
          instanceId: instance.id,
          allowed: false,
          reason: `Your MISP key (${info.user.email}, role ${info.role.name}) may not record sightings on ${instance.name}. Ask your MISP administrator for the sighting permission.`,
        };
  }
}
