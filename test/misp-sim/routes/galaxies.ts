import { importGalaxies, searchClusters } from '../galaxies';
import {
  filters,
  type HandlerContext,
  INTERNAL_ERROR,
  mispError,
  ok,
  type Route,
  restSearchHeaders,
  type SimResponse,
  saveSuccess,
} from '../http';
import { paginate, parseFlag, toPositiveInt } from '../match';
import { clusterBase, clusterFull, galaxyRow } from '../render-galaxy';
import { asString, isRecord, UUID_RE } from '../store';
import type { AttributeRow, EventRow, GalaxyClusterRow, TagLink } from '../types';

/**
 * /galaxies/index, update, attachCluster, attachMultipleClusters and /galaxy_clusters/index,
 * restSearch (transcripts 142-155), after MISP 2.5.1's GalaxiesController and GalaxyClustersController.
 * A cluster is attached as its tag (`misp-galaxy:<type>="<value>"`); events show it in Galaxy[].
 */

function galaxyIndex({ req, store }: HandlerContext): SimResponse {
  const f = filters(req);
  const needle = asString(f.value)?.toLowerCase() ?? '';
  const enabled = parseFlag(f.enabled);
  const rows = [...store.galaxies.values()]
    .filter((galaxy) => enabled === null || galaxy.enabled === enabled)
    .filter(
      (galaxy) =>
        needle === '' ||
        [
          galaxy.name,
          galaxy.namespace,
          galaxy.description,
          JSON.stringify(galaxy.killChainOrder ?? ''),
          galaxy.uuid,
        ].some((text) => text.toLowerCase().includes(needle)),
    )
    .sort((a, b) => a.id - b.id)
    .map((galaxy) => ({ Galaxy: galaxyRow(galaxy) }));
  return ok(rows);
}

function update({ req, store }: HandlerContext): SimResponse {
  if (req.method !== 'POST')
    return mispError(405, 'This action is only accessible via POST requests.', req.path);
  importGalaxies(store, store.availableGalaxies);
  return saveSuccess('Galaxies updated.', '/galaxies/update');
}

/** The galaxy of `/galaxy_clusters/index/{id or uuid}`. */
function galaxyIdOf(ctx: HandlerContext, ref: string | undefined): number | undefined {
  if (ref === undefined) return undefined;
  if (/^\d+$/.test(ref)) return Number(ref);
  if (!UUID_RE.test(ref)) return undefined;
  return [...ctx.store.galaxies.values()].find((galaxy) => galaxy.uuid === ref.toLowerCase())?.id;
}

function clusterIndex(ctx: HandlerContext): SimResponse {
  const galaxyId = galaxyIdOf(ctx, ctx.req.params[0]);
  const searchall = asString(filters(ctx.req).searchall);
  const clusters = galaxyId === undefined ? [] : searchClusters(ctx.store, galaxyId, searchall);
  return ok(clusters.map((cluster) => ({ GalaxyCluster: clusterBase(cluster) })));
}

/** Filters that galaxy_clusters/restSearch accepts; anything else (e.g. `value`) is dropped (149). */
function clusterMatches(
  cluster: GalaxyClusterRow,
  f: Record<string, unknown>,
  galaxyUuids: Map<number, string>,
): boolean {
  const list = (raw: unknown): string[] | null =>
    raw === undefined ? null : (Array.isArray(raw) ? raw : [raw]).map((item) => String(item).toLowerCase());
  const equal = (raw: unknown, actual: string): boolean => {
    const wanted = list(raw);
    return wanted === null || wanted.includes(actual.toLowerCase());
  };
  return (
    equal(f.id, String(cluster.id)) &&
    equal(f.uuid, cluster.uuid) &&
    equal(f.galaxy_id, String(cluster.galaxyId)) &&
    equal(f.galaxy_uuid, galaxyUuids.get(cluster.galaxyId) ?? '') &&
    equal(f.version, cluster.version) &&
    equal(f.distribution, '3') &&
    equal(f.org_id, '0') &&
    equal(f.orgc_id, '0') &&
    // An exact match on the cluster's own tag (a case-insensitive column); synonyms are not tags (148).
    equal(f.tag_name, cluster.tagName) &&
    (f.custom === undefined || parseFlag(f.custom) === false)
  );
}

function clusterRestSearch(ctx: HandlerContext): SimResponse {
  const f = filters(ctx.req);
  const galaxyUuids = new Map([...ctx.store.galaxies.values()].map((galaxy) => [galaxy.id, galaxy.uuid]));
  const matches = [...ctx.store.clusters.values()]
    .filter((cluster) => clusterMatches(cluster, f, galaxyUuids))
    .sort((a, b) => a.id - b.id);
  const limit = toPositiveInt(f.limit);
  const page = paginate(matches, limit, toPositiveInt(f.page));
  const minimal = parseFlag(f.minimal) === true;
  const rows = page.map((cluster) =>
    minimal
      ? { GalaxyCluster: { uuid: cluster.uuid, version: cluster.version } }
      : clusterFull(ctx.store, cluster),
  );
  // X-Result-Count counts what was returned (149: 2 with limit 2).
  return ok({ response: rows }, restSearchHeaders(rows.length));
}

type Target =
  | { kind: 'event'; event: EventRow }
  | { kind: 'attribute'; event: EventRow; attribute: AttributeRow };

function findTarget(ctx: HandlerContext, ref: string | undefined, type: string): Target | undefined {
  if (ref === undefined) return undefined;
  if (type === 'attribute') {
    const attribute = ctx.store.attributeByIdOrUuid(ref);
    const event = attribute ? ctx.store.events.get(attribute.eventId) : undefined;
    if (!attribute || !event || attribute.deleted || !ctx.store.canSeeAttribute(ctx.user, attribute))
      return undefined;
    return { kind: 'attribute', event, attribute };
  }
  const event = ctx.store.eventByIdOrUuid(ref);
  return event && ctx.store.canSeeEvent(ctx.user, event) ? { kind: 'event', event } : undefined;
}

/** Galaxy::attachCluster: the cluster's tag (created with MISP's galaxy colour) linked to the target. */
function attach(ctx: HandlerContext, target: Target, clusterId: unknown): string | SimResponse {
  const cluster = /^\d+$/.test(String(clusterId)) ? ctx.store.clusters.get(Number(clusterId)) : undefined;
  if (!cluster) return mispError(404, 'Invalid Galaxy cluster', ctx.req.path);
  const tag = ctx.store.captureTag(cluster.tagName, null, false, '#0088cc');
  if (!tag) return 'Could not attach the cluster';
  const links: TagLink[] = target.kind === 'event' ? target.event.tags : target.attribute.tags;
  if (!ctx.store.linkTag(links, tag, false, target.kind === 'event' ? 'eventTag' : 'attributeTag')) {
    return 'Cluster already attached.';
  }
  const now = ctx.store.now();
  if (target.kind === 'attribute') target.attribute.timestamp = now;
  // Attaching unpublishes the event and bumps its timestamp (155).
  ctx.store.touchEvent(target.event, now);
  return 'Cluster attached.';
}

/** The target, or the error MISP answers: 404 for an unknown one, 403 without the right to tag it. */
function targetOrError(ctx: HandlerContext): Target | SimResponse {
  const type = ctx.req.params[1] ?? 'event';
  const target = findTarget(ctx, ctx.req.params[0], type);
  if (!target) return mispError(404, `Invalid ${type}.`, ctx.req.path);
  if (!ctx.role.perm_tagger || !ctx.store.canModifyEvent(ctx.user, target.event)) {
    return mispError(403, 'No permission to attach this cluster to given target.', ctx.req.path);
  }
  return target;
}

function attachCluster(ctx: HandlerContext): SimResponse {
  if (ctx.req.method !== 'POST')
    return mispError(405, 'This action is only accessible via POST requests.', ctx.req.path);
  const target = targetOrError(ctx);
  if (!('kind' in target)) return target;
  const galaxy = filters(ctx.req).Galaxy;
  const result = attach(ctx, target, isRecord(galaxy) ? galaxy.target_id : undefined);
  if (typeof result !== 'string') return result;
  return ok({ saved: true, success: result, check_publish: true });
}

/**
 * GalaxiesController::attachMultipleClusters: `target_ids` must be a JSON-encoded string (a real
 * array makes strlen() throw: 500, transcript 151); a non-AJAX call is then redirected to its
 * referer, "/" here, with an empty body (152).
 */
function attachMultipleClusters(ctx: HandlerContext): SimResponse {
  const { req } = ctx;
  if (req.method !== 'POST')
    return mispError(405, 'This action is only accessible via POST requests.', req.path);
  const galaxy = filters(req).Galaxy;
  const raw = isRecord(galaxy) ? galaxy.target_ids : undefined;
  if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
    return mispError(500, INTERNAL_ERROR, req.path);
  }
  const text = raw === undefined || raw === null ? '' : String(raw);
  if (text.length === 0) return ok({ saved: false, errors: 'Failed to parse request.' });
  let ids: unknown;
  try {
    ids = JSON.parse(text);
  } catch {
    return mispError(500, INTERNAL_ERROR, req.path);
  }
  const list = Array.isArray(ids) ? ids : [ids];
  if (list.length === 0 || !ids) return ok({ saved: false, errors: 'No clusters picked.' });
  const target = targetOrError(ctx);
  if (!('kind' in target)) return target;
  for (const id of list) {
    const result = attach(ctx, target, id);
    if (typeof result !== 'string') return result;
  }
  return { status: 302, body: '', headers: { location: `${ctx.baseUrl}/` } };
}

export const galaxyRoutes: Record<string, Route> = {
  'galaxies/index': { handler: galaxyIndex },
  galaxies: { handler: galaxyIndex },
  'galaxies/update': { handler: update, permission: 'perm_site_admin' },
  'galaxies/attachCluster': { handler: attachCluster },
  'galaxies/attachMultipleClusters': { handler: attachMultipleClusters },
  'galaxy_clusters/index': { handler: clusterIndex },
  'galaxy_clusters/restSearch': { handler: clusterRestSearch },
  'galaxyClusters/index': { handler: clusterIndex },
  'galaxyClusters/restSearch': { handler: clusterRestSearch },
};
