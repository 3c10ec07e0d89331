import type { CapabilitiesCache } from '../background/capabilities';
import type { MispInstance } from '../settings';

export interface SightingPermission {
  instanceId: string;
  /** false only when MISP said so (the key's effective perm_sighting); unknown counts as allowed. */
  allowed: boolean;
  reason?: string;
}

/**
 * Whether the connection's key may record sightings, from the capabilities cache. When MISP cannot
 * be asked the buttons stay (a sighting then waits in the outbox).
 */
export async function sightingPermission(
  cache: Pick<CapabilitiesCache, 'get'>,
  instance: MispInstance,
): Promise<SightingPermission> {
  try {
    const info = await cache.get(instance);
    return info.permissions.sighting
      ? { instanceId: instance.id, allowed: true }
      : {
          instanceId: instance.id,
          allowed: false,
          reason: `Your MISP key (${info.userEmail}, role ${info.roleName}) may not record sightings on ${instance.name}. Ask your MISP administrator for the sighting permission.`,
        };
  } catch {
    return { instanceId: instance.id, allowed: true };
  }
}
