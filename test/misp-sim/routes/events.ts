import {
  filters,
  type HandlerContext,
  INTERNAL_ERROR,
  mispError,
  NO_PERMISSION,
  ok,
  type Route,
  restSearchHeaders,
  type SimResponse,
  saveFail,
  saveSuccess,
} from '../http';
import {
  inTimeRange,
  isOn,
  paginate,
  parseFlag,
  parseTerms,
  parseTimeRange,
  type TermFilter,
  toDateString,
  toPositiveInt,
} from '../match';
import { eventFull, eventIndexRow } from '../render';
import type { SimStore } from '../store';
import type { EventRow, UserRow } from '../types';
import { GET_WITHOUT_PARAMS, isParameterlessGet, resolveTagFilter, searchAttributes } from './attributes';

/**
 * /events/add, view, index, restSearch, publish (transcripts 010-013, 018, 064-072, 076-081, 085, 088,
 * 102, 108, 124, 128, 141, 150, 154, 155, 161, 162, 164, 183).
 */

const EVENTS_ADD_DESCRIPTION = {
  name: '/events/add API description',
  description:
    'POST a MISP Event JSON to this API to create an Event. Contained objects can also be included (such as attributes, objects, tags, etc).',
  mandatory_fields: ['info'],
  optional_fields: [
    'threat_level_id',
    'analysis',
    'distribution',
    'sharing_group_id',
    'uuid',
    'published',
    'timestamp',
    'date',
    'Attribute',
    'Object',
    'Shadow_Attribute',
    'EventTag',
  ],
  url: '/events/add',
};

function add({ req, user, store, baseUrl }: HandlerContext): SimResponse {
  if (req.method !== 'POST') return ok(EVENTS_ADD_DESCRIPTION);
  const result = store.addEvent(user, req.body);
  switch (result.kind) {
    case 'no-data':
      return mispError(405, 'No valid event data received.', '/events/add');
    case 'duplicate':
      return mispError(
        404,
        'Event already exists, if you would like to edit it, use the url in the location header.',
        '/events/add',
        { location: `${baseUrl}/events/${result.event.id}` },
      );
    case 'invalid':
      return saveFail('Could not add Event', '/events/add', result.errors);
    case 'invalid-sharing-group':
      // MISP throws MethodNotAllowedException here: 405, nothing created (transcript 162).
      return mispError(405, 'Invalid Sharing Group or not authorised.', '/events/add');
    case 'created':
      return ok(eventFull(store, user, result.event, { includeSightings: false }));
  }
}

function findVisibleEvent(store: SimStore, user: UserRow, ref: string | undefined): EventRow | undefined {
  if (ref === undefined) return undefined;
  const event = store.eventByIdOrUuid(ref);
  return event && store.canSeeEvent(user, event) ? event : undefined;
}

function view({ req, user, store }: HandlerContext): SimResponse {
  const ref = req.params[0];
  const event = findVisibleEvent(store, user, ref);
  if (!event) return mispError(404, 'Invalid event', req.path);
  return ok(eventFull(store, user, event, { includeDeleted: isOn(req.named.deleted), warnings: true }));
}

function publish({ req, user, store }: HandlerContext): SimResponse {
  // MISP answers a GET here with an uncaught exception (transcript 088).
  if (req.method !== 'POST') return mispError(500, INTERNAL_ERROR, req.path);
  const ref = req.params[0];
  const event = findVisibleEvent(store, user, ref);
  if (!event) return mispError(404, 'Invalid event', req.path);
  if (!store.isSiteAdmin(user) && event.orgcId !== user.orgId) return mispError(403, NO_PERMISSION, req.path);
  store.publishEvent(event);
  return saveSuccess('Event published without alerts', req.path, String(event.id));
}

/**
 * POST /events/delete/{id|uuid}: not in the transcripts. MISP's EventsController::delete removes the
 * event with its attributes and sightings (hard delete) and answers REST callers through
 * RestResponse::saveSuccessResponse ("Event deleted."); a missing event is 404 "Invalid event".
 */
function remove({ req, user, store }: HandlerContext): SimResponse {
  if (req.method !== 'POST')
    return mispError(405, 'This function can only be reached via POST requests.', req.path);
  const event = findVisibleEvent(store, user, req.params[0]);
  if (!event) return mispError(404, 'Invalid event', req.path);
  if (!store.isSiteAdmin(user) && event.orgcId !== user.orgId) return mispError(403, NO_PERMISSION, req.path);
  store.deleteEvent(event);
  return saveSuccess('Event deleted.', req.path, String(event.id));
}

function termsMatchExact(terms: TermFilter | null, candidates: string[], caseInsensitive = true): boolean {
  if (!terms) return true;
  const same = (a: string, b: string): boolean =>
    caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (terms.exclude.some((term) => candidates.some((candidate) => same(term, candidate)))) return false;
  return (
    terms.include.length === 0 ||
    terms.include.some((term) => candidates.some((candidate) => same(term, candidate)))
  );
}

function likeInfo(terms: TermFilter | null, info: string): boolean {
  if (!terms) return true;
  const lower = info.toLowerCase();
  const contains = (term: string): boolean => lower.includes(term.replace(/%/g, '').toLowerCase());
  if (terms.exclude.some(contains)) return false;
  return terms.include.length === 0 || terms.include.some(contains);
}

function orgMatches(store: SimStore, terms: TermFilter | null, event: EventRow): boolean {
  if (!terms) return true;
  const org = store.orgOf(event.orgcId);
  return termsMatchExact(terms, [String(org.id), org.name, org.uuid]);
}

/** Event-scope filters shared by events/restSearch and events/index. */
function filterEvents(
  store: SimStore,
  user: UserRow,
  f: Record<string, unknown>,
  options: { tagScope: 'event' | 'event-or-attribute'; splitPipes: boolean },
): EventRow[] | null {
  const now = store.now();
  const eventTagTerms = parseTerms(f.event_tags, { splitPipes: options.splitPipes });
  const anyTagTerms = parseTerms(f.tags ?? f.tag, { splitPipes: options.splitPipes });
  const eventTags = resolveTagFilter(store, options.tagScope === 'event' ? anyTagTerms : eventTagTerms);
  const anyTags =
    options.tagScope === 'event'
      ? { include: null, exclude: new Set<number>() }
      : resolveTagFilter(store, anyTagTerms);
  if (!eventTags || !anyTags) return null;
  const eventid = parseTerms(f.eventid);
  const uuid = parseTerms(f.uuid);
  const published = parseFlag(f.published);
  const timestamp = parseTimeRange(f.timestamp ?? f.event_timestamp, now);
  const publishTime = parseTimeRange(f.publish_timestamp ?? f.publishtimestamp ?? f.last, now);
  const dateFrom = toDateString(f.from ?? f.datefrom ?? f.date, now);
  const dateTo = toDateString(f.to ?? f.dateuntil, now);
  const info = parseTerms(f.eventinfo ?? f.info);
  const org = parseTerms(f.org);
  const threatLevel = parseTerms(f.threat_level_id ?? f.threatlevel);
  const analysis = parseTerms(f.analysis);
  const distribution = parseTerms(f.distribution);
  const attributeFilters: Record<string, unknown> = {};
  for (const key of ['value', 'type', 'category', 'to_ids'])
    if (f[key] !== undefined) attributeFilters[key] = f[key];
  if (f.attribute !== undefined && f.value === undefined) attributeFilters.value = f.attribute;
  // Attribute-level filters select the events that have a matching attribute.
  const withAttributes =
    Object.keys(attributeFilters).length > 0
      ? new Set((searchAttributes(store, user, attributeFilters) ?? []).map((attribute) => attribute.eventId))
      : null;

  return [...store.events.values()].filter((event) => {
    if (!store.canSeeEvent(user, event)) return false;
    const ownTagIds = event.tags.map((link) => link.tagId);
    if (eventTags.exclude.size > 0 && ownTagIds.some((id) => eventTags.exclude.has(id))) return false;
    if (eventTags.include && !ownTagIds.some((id) => eventTags.include?.has(id))) return false;
    if (anyTags.include || anyTags.exclude.size > 0) {
      const allTagIds = [
        ...ownTagIds,
        ...store.attributesOf(event.id).flatMap((a) => (a.deleted ? [] : a.tags.map((l) => l.tagId))),
      ];
      if (allTagIds.some((id) => anyTags.exclude.has(id))) return false;
      if (anyTags.include && !allTagIds.some((id) => anyTags.include?.has(id))) return false;
    }
    if (!termsMatchExact(eventid, [String(event.id)])) return false;
    if (!termsMatchExact(uuid, [event.uuid])) return false;
    if (published !== null && event.published !== published) return false;
    if (timestamp && !inTimeRange(timestamp, event.timestamp)) return false;
    if (publishTime && !inTimeRange(publishTime, event.publishTimestamp)) return false;
    if (dateFrom && event.date < dateFrom) return false;
    if (dateTo && event.date > dateTo) return false;
    if (!likeInfo(info, event.info)) return false;
    if (!orgMatches(store, org, event)) return false;
    if (!termsMatchExact(threatLevel, [String(event.threatLevelId)])) return false;
    if (!termsMatchExact(analysis, [String(event.analysis)])) return false;
    if (!termsMatchExact(distribution, [String(event.distribution)])) return false;
    if (withAttributes && !withAttributes.has(event.id)) return false;
    return true;
  });
}

function restSearch({ req, user, store }: HandlerContext): SimResponse {
  if (isParameterlessGet(req)) return mispError(400, GET_WITHOUT_PARAMS, '/events/restSearch');
  const f = filters(req);
  const matches = (
    filterEvents(store, user, f, { tagScope: 'event-or-attribute', splitPipes: false }) ?? []
  ).sort((a, b) => a.id - b.id);
  const page = paginate(matches, toPositiveInt(f.limit), toPositiveInt(f.page));
  const metadata = isOn(f.metadata);
  return ok(
    { response: page.map((event) => eventFull(store, user, event, { metadata, includeSightings: true })) },
    restSearchHeaders(matches.length),
  );
}

const SORTABLE = new Set([
  'id',
  'timestamp',
  'publish_timestamp',
  'date',
  'info',
  'threat_level_id',
  'analysis',
]);

function index({ req, user, store }: HandlerContext): SimResponse {
  // Every filter may carry MISP's legacy "search" prefix (searchtag, searchDatefrom, ...).
  const f: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters(req))) {
    const bare = key.startsWith('search') && key.length > 6 ? key.slice(6).toLowerCase() : key;
    if (f[bare] === undefined || bare === key) f[bare] = value;
  }
  const matches = filterEvents(store, user, f, { tagScope: 'event', splitPipes: true }) ?? [];
  const sortKey = typeof f.sort === 'string' && SORTABLE.has(f.sort) ? f.sort : 'timestamp';
  const ascending = typeof f.direction === 'string' ? f.direction.toLowerCase() === 'asc' : false;
  const keyOf = (event: EventRow): number | string => {
    switch (sortKey) {
      case 'id':
        return event.id;
      case 'publish_timestamp':
        return event.publishTimestamp;
      case 'date':
        return event.date;
      case 'info':
        return event.info;
      case 'threat_level_id':
        return event.threatLevelId;
      case 'analysis':
        return event.analysis;
      default:
        return event.timestamp;
    }
  };
  matches.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const order = ka < kb ? -1 : ka > kb ? 1 : b.id - a.id;
    return ascending ? order : -order;
  });
  const page = paginate(matches, toPositiveInt(f.limit), toPositiveInt(f.page));
  const minimal = isOn(f.minimal);
  return ok(
    page.map((event) => eventIndexRow(store, event, minimal)),
    { 'x-result-count': String(matches.length) },
  );
}

/** `POST /events` and `GET /events/{id}` (Router::mapResources). */
function resource(ctx: HandlerContext): SimResponse {
  if (ctx.req.method === 'POST' && ctx.req.params.length === 0) return add(ctx);
  if (ctx.req.params.length === 0) return index(ctx);
  return view(ctx);
}

export const eventRoutes: Record<string, Route> = {
  'events/add': { handler: add, permission: 'perm_add' },
  'events/view': { handler: view },
  'events/index': { handler: index },
  'events/restSearch': { handler: restSearch },
  'events/publish': { handler: publish, permission: 'perm_publish' },
  'events/delete': { handler: remove, permission: 'perm_modify' },
  events: { handler: resource },
};
