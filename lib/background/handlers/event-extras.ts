import { clusterIndex, clustersMentioned, searchClusters } from '../../events/clusters';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { chosenOrDefault, clientFor } from './events';

/** The event form's galaxy clusters and sharing groups, from the form's instance. */
export function eventExtraHandlers(services: Promise<BackgroundServices>): Handlers {
  async function clientOf(instanceId: string | undefined) {
    const instance = await chosenOrDefault(instanceId);
    return instance ? { instance, client: await clientFor(instance) } : undefined;
  }
  return {
    'events/clusters': async ({ instanceId, search, mentionsIn }) => {
      const target = await clientOf(instanceId);
      if (!target) return { ok: true, data: { matches: [], mentioned: [] } };
      const { db } = await services;
      const clusters = await clusterIndex(db, target.instance.id, (page, limit) =>
        target.client.galaxyClusters({ page, limit }),
      );
      return {
        ok: true,
        data: {
          matches: searchClusters(clusters, search),
          mentioned: mentionsIn ? clustersMentioned(clusters, mentionsIn) : [],
        },
      };
    },
    'events/sharing-groups': async ({ instanceId }) => {
      const target = await clientOf(instanceId);
      if (!target) return { ok: true, data: [] };
      const groups = await target.client.sharingGroups();
      return { ok: true, data: groups.map(({ id, name, releasability }) => ({ id, name, releasability })) };
    },
  };
}
