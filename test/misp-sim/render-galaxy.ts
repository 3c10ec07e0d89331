import { targetingRelations } from './galaxies';
import { type Json, type JsonObject, tagColumns } from './render';
import type { SimStore } from './store';
import type { EventRow, GalaxyClusterRelationRow, GalaxyClusterRow, GalaxyRow } from './types';

/** Galaxy and cluster serialisers (transcripts 144-155). */

const s = (value: number): string => String(value);

export function galaxyRow(galaxy: GalaxyRow): JsonObject {
  const row: JsonObject = {
    id: s(galaxy.id),
    uuid: galaxy.uuid,
    name: galaxy.name,
    type: galaxy.type,
    description: galaxy.description,
    version: galaxy.version,
    icon: galaxy.icon,
    namespace: galaxy.namespace,
    enabled: galaxy.enabled,
    local_only: galaxy.localOnly,
  };
  // Only galaxies with a kill chain (ATT&CK) carry the key (transcript 144).
  if (galaxy.killChainOrder) row.kill_chain_order = galaxy.killChainOrder;
  return row;
}

/** The "MISP" organisation that owns the default clusters (org id 0). */
const MISP_ORG: JsonObject = {
  id: '0',
  name: 'MISP',
  date_created: '',
  date_modified: '',
  description: 'Automatically generated MISP organisation',
  type: '',
  nationality: 'Not specified',
  sector: '',
  created_by: '0',
  uuid: '0',
  contacts: '',
  local: true,
  restricted_to_domain: [],
  landingpage: null,
};

/** A cluster's own columns, as galaxy_clusters/index lists them (transcript 145). */
export function clusterBase(cluster: GalaxyClusterRow): JsonObject {
  return {
    id: s(cluster.id),
    uuid: cluster.uuid,
    collection_uuid: cluster.collectionUuid,
    type: cluster.type,
    value: cluster.value,
    tag_name: cluster.tagName,
    description: cluster.description,
    galaxy_id: s(cluster.galaxyId),
    source: cluster.source,
    authors: cluster.authors,
    version: cluster.version,
    distribution: '3',
    sharing_group_id: null,
    org_id: '0',
    orgc_id: '0',
    default: true,
    locked: false,
    extends_uuid: '',
    extends_version: '0',
    published: false,
    deleted: false,
  };
}

function relationTags(store: SimStore, relation: GalaxyClusterRelationRow): JsonObject[] {
  return relation.tagIds.flatMap((id) => {
    const tag = store.tags.get(id);
    return tag ? [tagColumns(tag)] : [];
  });
}

/** A relation of `from` (GalaxyClusterRelation, or TargetingClusterRelation of the target). */
function relationRow(
  store: SimStore,
  from: GalaxyClusterRow,
  relation: GalaxyClusterRelationRow,
): JsonObject {
  const target = store.clusterByUuidOf(relation.referencedUuid);
  const row: JsonObject = {
    id: s(relation.id),
    galaxy_cluster_id: s(from.id),
    // 0 when the referenced cluster is in a galaxy this instance did not import (transcript 147).
    referenced_galaxy_cluster_id: s(target?.id ?? 0),
    referenced_galaxy_cluster_uuid: relation.referencedUuid,
    referenced_galaxy_cluster_type: relation.type,
    galaxy_cluster_uuid: from.uuid,
    distribution: '3',
    sharing_group_id: null,
    default: true,
  };
  const tags = relationTags(store, relation);
  if (tags.length > 0) row.Tag = tags;
  return row;
}

/** One element of galaxy_clusters/restSearch (transcripts 147, 149). */
export function clusterFull(store: SimStore, cluster: GalaxyClusterRow): JsonObject {
  const galaxy = store.galaxies.get(cluster.galaxyId);
  return {
    GalaxyCluster: {
      ...clusterBase(cluster),
      Galaxy: galaxy ? galaxyRow(galaxy) : {},
      GalaxyElement: cluster.elements.map((element) => ({
        id: s(element.id),
        galaxy_cluster_id: s(cluster.id),
        key: element.key,
        value: element.value,
      })),
      GalaxyClusterRelation: cluster.relations.map((relation) => relationRow(store, cluster, relation)),
      Org: MISP_ORG,
      Orgc: MISP_ORG,
    },
  };
}

/** Cluster meta as events show it: elements grouped by key, each a list of values. */
function clusterMeta(cluster: GalaxyClusterRow): JsonObject {
  const meta: Record<string, Json[]> = {};
  for (const element of cluster.elements) {
    meta[element.key] ??= [];
    meta[element.key]?.push(element.value);
  }
  return meta;
}

/**
 * `Galaxy[]` of an event: every event tag that is a cluster's own tag, grouped by galaxy in the
 * order the tags were attached; other galaxy-looking tags (a synonym) stay plain tags (150, 154, 155).
 */
export function galaxiesOfEvent(store: SimStore, event: EventRow): JsonObject[] {
  const groups = new Map<number, JsonObject[]>();
  for (const link of event.tags) {
    const tag = store.tags.get(link.tagId);
    const cluster = tag ? store.clusterByTagName(tag.name) : undefined;
    if (!tag || !cluster) continue;
    const targeting = targetingRelations(store, cluster);
    const row: JsonObject = {
      ...clusterBase(cluster),
      GalaxyClusterRelation: cluster.relations.map((relation) => relationRow(store, cluster, relation)),
      Org: MISP_ORG,
      Orgc: MISP_ORG,
    };
    if (targeting.length > 0)
      row.TargetingClusterRelation = targeting.map(({ from, relation }) =>
        relationRow(store, from, relation),
      );
    row.meta = clusterMeta(cluster);
    row.tag_id = tag.id;
    row.event_tag_id = s(link.id);
    row.local = link.local;
    row.relationship_type = false;
    const list = groups.get(cluster.galaxyId) ?? [];
    list.push(row);
    groups.set(cluster.galaxyId, list);
  }
  return [...groups].flatMap(([galaxyId, clusters]) => {
    const galaxy = store.galaxies.get(galaxyId);
    return galaxy ? [{ ...galaxyRow(galaxy), GalaxyCluster: clusters }] : [];
  });
}
