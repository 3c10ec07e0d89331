import { z } from 'zod';
import type { SightlineDatabase } from '../db';

/**
 * The instance's galaxy clusters (threat actors, malware, tools, ATT&CK techniques — whatever its
 * galaxies hold), kept in IndexedDB per instance and refreshed daily. MISP's cluster search has no
 * value filter across galaxies (obs 149), and the form must also find the clusters a page names, so
 * the search runs here: on names, synonyms ("Fancy Bear" finds APT28) and external ids (T1566).
 */

export const CLUSTER_INDEX_TTL_MS = 24 * 60 * 60_000;
/** Clusters kept per instance at most (misp-galaxy has about 20,000 in all). */
export const MAX_CLUSTERS = 40_000;
const PAGE_SIZE = 1000;

export const IndexedClusterSchema = z.object({
  value: z.string().max(255),
  tagName: z.string().max(255),
  galaxy: z.string().max(255),
  synonyms: z.array(z.string().max(255)).max(50),
  externalIds: z.array(z.string().max(64)).max(10),
});
export type IndexedCluster = z.infer<typeof IndexedClusterSchema>;

/** What the form shows for a cluster: its name, galaxy, the tag that attaches it, and why it matched. */
export interface ClusterMatch {
  value: string;
  galaxy: string;
  tag: string;
  /** The synonym or id that matched, when it was not the name itself. */
  matched?: string;
}

export type FetchClusters = (page: number, limit: number) => Promise<IndexedCluster[]>;

/** The instance's cluster index: the stored one while fresh, else fetched page by page and stored. */
export async function clusterIndex(
  db: SightlineDatabase,
  instanceId: string,
  fetchPage: FetchClusters,
  now = Date.now(),
): Promise<IndexedCluster[]> {
  const stored = await db.get('clusters', instanceId);
  if (stored && now - stored.fetchedAt < CLUSTER_INDEX_TTL_MS) {
    const parsed = z.array(IndexedClusterSchema).safeParse(stored.clusters);
    if (parsed.success) return parsed.data;
  }
  const clusters: IndexedCluster[] = [];
  let complete = false;
  for (let page = 1; clusters.length < MAX_CLUSTERS; page += 1) {
    const batch = await fetchPage(page, PAGE_SIZE);
    clusters.push(
      ...batch
        .map((cluster) => IndexedClusterSchema.parse(compact(cluster)))
        .slice(0, MAX_CLUSTERS - clusters.length),
    );
    if (batch.length < PAGE_SIZE) {
      complete = true;
      break;
    }
  }
  await db.put('clusters', { instanceId, fetchedAt: now, complete, clusters });
  return clusters;
}

function compact(cluster: IndexedCluster): IndexedCluster {
  return {
    value: cluster.value.slice(0, 255),
    tagName: cluster.tagName.slice(0, 255),
    galaxy: cluster.galaxy.slice(0, 255),
    synonyms: cluster.synonyms.map((synonym) => synonym.slice(0, 255)).slice(0, 50),
    externalIds: cluster.externalIds.map((id) => id.slice(0, 64)).slice(0, 10),
  };
}

function asMatch(cluster: IndexedCluster, matched?: string): ClusterMatch {
  return {
    value: cluster.value,
    galaxy: cluster.galaxy,
    tag: cluster.tagName,
    ...(matched && matched !== cluster.value ? { matched } : {}),
  };
}

/** Clusters whose name, synonym or external id contains `query`; names starting with it first. */
export function searchClusters(
  clusters: readonly IndexedCluster[],
  query: string,
  limit = 20,
): ClusterMatch[] {
  const term = query.trim().toLowerCase();
  if (term === '') return [];
  const scored: Array<{ score: number; match: ClusterMatch }> = [];
  for (const cluster of clusters) {
    const names = [cluster.value, ...cluster.synonyms, ...cluster.externalIds];
    let best: { score: number; name: string } | undefined;
    for (const [index, name] of names.entries()) {
      const at = name.toLowerCase().indexOf(term);
      if (at < 0) continue;
      // Exact before prefix before substring; the cluster's own name before its synonyms.
      const score = (name.length === term.length ? 0 : at === 0 ? 1 : 2) * 2 + (index === 0 ? 0 : 1);
      if (!best || score < best.score) best = { score, name };
    }
    if (best) scored.push({ score: best.score, match: asMatch(cluster, best.name) });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.match.value.localeCompare(b.match.value))
    .slice(0, limit)
    .map((entry) => entry.match);
}

/** Names shorter than this are not looked for in page text (too many accidental hits). */
const MIN_MENTION = 4;
/** Names of up to this many words are looked for. */
const MAX_WORDS = 6;

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];

/**
 * Clusters the page names: a name, synonym or technique id (`T1566`, `T1566.001`) standing as whole
 * words in the text, in the order the page first names them. The text's word sequences are indexed
 * once, so the cost is one look-up per name, whatever the page's length.
 */
export function clustersMentioned(
  clusters: readonly IndexedCluster[],
  text: string,
  limit = 20,
): ClusterMatch[] {
  const tokens = words(text);
  const firstAt = new Map<string, number>();
  for (let start = 0; start < tokens.length; start++) {
    let key = '';
    for (let n = 0; n < MAX_WORDS && start + n < tokens.length; n++) {
      key = n === 0 ? (tokens[start] ?? '') : `${key} ${tokens[start + n]}`;
      if (!firstAt.has(key)) firstAt.set(key, start);
    }
  }
  const found: Array<{ at: number; match: ClusterMatch }> = [];
  for (const cluster of clusters) {
    let first: { at: number; name: string } | undefined;
    for (const name of [cluster.value, ...cluster.synonyms, ...cluster.externalIds]) {
      if (name.length < MIN_MENTION && !/^T\d{4}/.test(name)) continue;
      const at = firstAt.get(words(name).join(' '));
      if (at !== undefined && (!first || at < first.at)) first = { at, name };
    }
    if (first) found.push({ at: first.at, match: asMatch(cluster, first.name) });
  }
  return found
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map((entry) => entry.match);
}
