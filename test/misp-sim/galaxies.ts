import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SimStore } from './store';
import type { GalaxyClusterRow, GalaxyRow } from './types';

/**
 * Galaxies as MISP 2.5.1's `/galaxies/update` imports them (transcripts 143-149): the misp-galaxy
 * files under test/fixtures/misp/galaxies (galaxies/<name>.json and clusters/<name>.json), galaxies
 * first, then each cluster file in name order; galaxy, cluster, element and relation ids are given
 * in that order, cluster meta becomes one element per value, relation tags are created on the fly.
 */

const GALAXY_DIR = new URL('../fixtures/misp/galaxies/', import.meta.url);

/** Every galaxy shipped in the fixtures (threat actors and ATT&CK techniques, misp-galaxy 576a3433). */
export const ALL_GALAXY_FILES = ['mitre-attack-pattern', 'threat-actor'] as const;

const galaxyFileSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string().default(''),
  version: z.number(),
  icon: z.string().default(''),
  namespace: z.string().default('misp'),
  kill_chain_order: z.record(z.string(), z.array(z.string())).optional(),
});

const clusterFileSchema = z.object({
  uuid: z.string(),
  type: z.string(),
  source: z.string().default(''),
  authors: z.array(z.string()).default([]),
  version: z.number(),
  values: z.array(
    z.object({
      value: z.string(),
      uuid: z.string(),
      description: z.string().default(''),
      meta: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
      related: z
        .array(z.object({ 'dest-uuid': z.string(), type: z.string(), tags: z.array(z.string()).optional() }))
        .default([]),
    }),
  ),
});

interface GalaxyFiles {
  galaxy: z.infer<typeof galaxyFileSchema>;
  clusters: z.infer<typeof clusterFileSchema>;
}

const fileCache = new Map<string, GalaxyFiles>();

function readGalaxyFiles(name: string): GalaxyFiles {
  const cached = fileCache.get(name);
  if (cached) return cached;
  const read = (folder: string): unknown =>
    JSON.parse(readFileSync(new URL(`${folder}/${name}.json`, GALAXY_DIR), 'utf8'));
  const files = {
    galaxy: galaxyFileSchema.parse(read('galaxies')),
    clusters: clusterFileSchema.parse(read('clusters')),
  };
  fileCache.set(name, files);
  return files;
}

/** The tag that attaches a cluster: `misp-galaxy:<type>="<value>"`. */
export function clusterTagName(type: string, value: string): string {
  return `misp-galaxy:${type}="${value}"`;
}

/** Imports the named galaxies that are not loaded yet; returns how many were imported. */
export function importGalaxies(store: SimStore, names: readonly string[]): number {
  const loadedUuids = new Set([...store.galaxies.values()].map((galaxy) => galaxy.uuid));
  const fresh = [...names].sort().filter((name) => !loadedUuids.has(readGalaxyFiles(name).galaxy.uuid));
  const galaxyByType = new Map<string, GalaxyRow>();
  for (const galaxy of store.galaxies.values()) galaxyByType.set(galaxy.type, galaxy);
  for (const name of fresh) {
    const { galaxy } = readGalaxyFiles(name);
    const row: GalaxyRow = {
      id: store.allocate('galaxy'),
      uuid: galaxy.uuid,
      name: galaxy.name,
      type: galaxy.type,
      description: galaxy.description,
      version: String(galaxy.version),
      icon: galaxy.icon,
      namespace: galaxy.namespace,
      enabled: true,
      localOnly: false,
      ...(galaxy.kill_chain_order ? { killChainOrder: galaxy.kill_chain_order } : {}),
    };
    store.addGalaxy(row);
    galaxyByType.set(row.type, row);
  }
  for (const name of fresh) {
    const { clusters } = readGalaxyFiles(name);
    const galaxy = galaxyByType.get(clusters.type);
    if (!galaxy) continue;
    for (const source of clusters.values) {
      const cluster: GalaxyClusterRow = {
        id: store.allocate('cluster'),
        uuid: source.uuid.toLowerCase(),
        collectionUuid: clusters.uuid,
        type: clusters.type,
        value: source.value,
        tagName: clusterTagName(clusters.type, source.value),
        description: source.description,
        galaxyId: galaxy.id,
        source: clusters.source,
        authors: clusters.authors,
        version: String(clusters.version),
        elements: [],
        relations: [],
      };
      for (const [key, raw] of Object.entries(source.meta)) {
        for (const value of Array.isArray(raw) ? raw : [raw]) {
          cluster.elements.push({ id: store.allocate('element'), key, value });
        }
      }
      for (const relation of source.related) {
        const tagIds = (relation.tags ?? []).flatMap((name) => store.captureTag(name, null, false)?.id ?? []);
        cluster.relations.push({
          id: store.allocate('relation'),
          referencedUuid: relation['dest-uuid'].toLowerCase(),
          type: relation.type,
          tagIds,
        });
      }
      store.addCluster(cluster);
    }
  }
  return fresh.length;
}

/** Relations of other clusters that point at this one (TargetingClusterRelation), by relation id. */
export function targetingRelations(
  store: SimStore,
  cluster: GalaxyClusterRow,
): { from: GalaxyClusterRow; relation: GalaxyClusterRow['relations'][number] }[] {
  const found: { from: GalaxyClusterRow; relation: GalaxyClusterRow['relations'][number] }[] = [];
  for (const other of store.clusters.values()) {
    for (const relation of other.relations) {
      if (relation.referencedUuid === cluster.uuid) found.push({ from: other, relation });
    }
  }
  return found.sort((a, b) => a.relation.id - b.relation.id);
}

/**
 * `/galaxy_clusters/index/{galaxy}` searchall: a case-insensitive substring of the value, the
 * description or a synonym, or the exact uuid (transcripts 145, 146).
 */
export function searchClusters(
  store: SimStore,
  galaxyId: number,
  searchall: string | undefined,
): GalaxyClusterRow[] {
  const needle = searchall?.trim().toLowerCase().replace(/^%|%$/g, '') ?? '';
  return [...store.clusters.values()]
    .filter((cluster) => cluster.galaxyId === galaxyId)
    .filter(
      (cluster) =>
        needle === '' ||
        cluster.uuid === needle ||
        cluster.value.toLowerCase().includes(needle) ||
        cluster.description.toLowerCase().includes(needle) ||
        cluster.elements.some(
          (element) => element.key === 'synonyms' && element.value.toLowerCase().includes(needle),
        ),
    )
    .sort((a, b) => a.id - b.id);
}
