import { describeTypes } from '../describe-types';
import {
  filters,
  type HandlerContext,
  mispError,
  NO_PERMISSION,
  ok,
  type Route,
  restSearchHeaders,
  type SimRequest,
  type SimResponse,
  saveFail,
} from '../http';
import {
  attributeResultCount,
  inTimeRange,
  isLikePattern,
  isOn,
  paginate,
  parseDeleted,
  parseFlag,
  parseTerms,
  parseTimeRange,
  type TermFilter,
  tagNameMatches,
  toDateString,
  toPositiveInt,
  valueMatches,
} from '../match';
import { attributeSaved, attributeSearchRow, type JsonObject, warningEntries } from '../render';
import type { SimStore } from '../store';
import type { AttributeRow, EventRow, UserRow } from '../types';
import { checkWarninglists } from '../warninglists';

/** /attributes/restSearch, add, delete, describeTypes (transcripts 008, 014-033, 053, 063, 073-075, 089-107). */

export const GET_WITHOUT_PARAMS =
  'Restsearch queries using GET and no parameters are not allowed. If you have passed parameters via a JSON body, make sure you use POST requests.';

export function isParameterlessGet(req: SimRequest): boolean {
  return req.method === 'GET' && [...req.query].length === 0 && Object.keys(req.named).length === 0;
}

/** Tag ids a tag filter selects; `null` when positive terms name no existing tag (→ no results). */
export function resolveTagFilter(
  store: SimStore,
  terms: TermFilter | null,
): { include: Set<number> | null; exclude: Set<number> } | null {
  if (!terms) return { include: null, exclude: new Set() };
  const idsFor = (list: string[]): Set<number> => {
    const ids = new Set<number>();
    for (const tag of store.tags.values()) {
      if (list.some((term) => tagNameMatches(term, tag.name) || term === String(tag.id))) ids.add(tag.id);
    }
    return ids;
  };
  const include = terms.include.length > 0 ? idsFor(terms.include) : null;
  if (include && include.size === 0) return null;
  return { include, exclude: idsFor(terms.exclude) };
}

function termsMatch(terms: TermFilter | null, candidates: string[], compare = valueMatches): boolean {
  if (!terms) return true;
  if (terms.exclude.some((term) => candidates.some((candidate) => compare(term, candidate)))) return false;
  if (terms.include.length === 0) return true;
  return terms.include.some((term) => candidates.some((candidate) => compare(term, candidate)));
}

const exactCi = (term: string, candidate: string): boolean => term.toLowerCase() === candidate.toLowerCase();

/** The attributes matching MISP attribute-scope filters, ordered by id (no paging). */
export function searchAttributes(
  store: SimStore,
  user: UserRow,
  f: Record<string, unknown>,
): AttributeRow[] | null {
  const now = store.now();
  const value = parseTerms(f.value);
  const type = parseTerms(f.type);
  const category = parseTerms(f.category);
  const eventid = parseTerms(f.eventid);
  const uuid = parseTerms(f.uuid);
  const tagFilter = resolveTagFilter(store, parseTerms(f.tags ?? f.tag));
  if (!tagFilter) return null;
  const toIds = parseFlag(f.to_ids);
  const published = parseFlag(f.published);
  const deleted = parseDeleted(f.deleted);
  const attributeTime = parseTimeRange(f.timestamp ?? f.attribute_timestamp, now);
  const eventTime = parseTimeRange(f.event_timestamp, now);
  const publishTime = parseTimeRange(f.publish_timestamp ?? f.last, now);
  const dateFrom = toDateString(f.from, now);
  const dateTo = toDateString(f.to, now);

  let candidates: AttributeRow[];
  if (value && value.include.length > 0 && !value.include.some(isLikePattern)) {
    const ids = new Set<number>();
    for (const term of value.include) for (const id of store.attributeIdsByValue(term)) ids.add(id);
    candidates = [...ids].sort((a, b) => a - b).flatMap((id) => store.attributes.get(id) ?? []);
  } else {
    candidates = [...store.attributes.values()].sort((a, b) => a.id - b.id);
  }
  return candidates.filter((attribute) => {
    if (attribute.deleted ? !deleted.deleted : !deleted.live) return false;
    const event = store.events.get(attribute.eventId) as EventRow;
    if (!store.canSeeAttribute(user, attribute)) return false;
    const parts = attribute.value2 === '' ? [attribute.value1] : [attribute.value1, attribute.value2];
    if (!termsMatch(value, parts)) return false;
    if (!termsMatch(type, [attribute.type], exactCi)) return false;
    if (!termsMatch(category, [attribute.category], exactCi)) return false;
    if (!termsMatch(eventid, [String(attribute.eventId)], exactCi)) return false;
    if (!termsMatch(uuid, [attribute.uuid, event.uuid], exactCi)) return false;
    if (toIds !== null && attribute.toIds !== toIds) return false;
    if (published !== null && event.published !== published) return false;
    if (tagFilter.include || tagFilter.exclude.size > 0) {
      const tagIds = [...attribute.tags, ...event.tags].map((link) => link.tagId);
      if (tagIds.some((id) => tagFilter.exclude.has(id))) return false;
      if (tagFilter.include && !tagIds.some((id) => tagFilter.include?.has(id))) return false;
    }
    if (attributeTime && !inTimeRange(attributeTime, attribute.timestamp)) return false;
    if (eventTime && !inTimeRange(eventTime, event.timestamp)) return false;
    if (publishTime && !inTimeRange(publishTime, event.publishTimestamp)) return false;
    if (dateFrom && event.date < dateFrom) return false;
    if (dateTo && event.date > dateTo) return false;
    return true;
  });
}

function restSearch({ req, user, store }: HandlerContext): SimResponse {
  if (isParameterlessGet(req)) return mispError(400, GET_WITHOUT_PARAMS, '/attributes/restSearch');
  const f = filters(req);
  const matches = searchAttributes(store, user, f) ?? [];
  const limit = toPositiveInt(f.limit);
  const page = paginate(matches, limit, toPositiveInt(f.page));
  const resultCount = attributeResultCount(page.length, matches.length, limit);
  const enabledLists = store.enabledWarninglists();
  const enforce = isOn(f.enforceWarninglist);
  const withHits = isOn(f.includeWarninglistHits);
  let skipped = 0;
  const rows: JsonObject[] = [];
  for (const attribute of page) {
    const value = store.valueOf(attribute);
    const hits = enforce || withHits ? checkWarninglists(enabledLists, value, attribute.type) : [];
    if (enforce && hits.length > 0) {
      skipped++;
      continue;
    }
    rows.push(
      attributeSearchRow(store, user, attribute, {
        includeEventTags: isOn(f.includeEventTags) || isOn(f.includeDecayScore),
        includeSightings: isOn(f.includeSightings),
        includeContext: isOn(f.includeContext),
        includeEventUuid: isOn(f.includeEventUuid),
        includeCorrelations: isOn(f.includeCorrelations),
        withAttachments: isOn(f.withAttachments),
        // Only IDS attributes are annotated (transcript 100).
        warnings: withHits && attribute.toIds && hits.length > 0 ? warningEntries(hits, value) : undefined,
      }),
    );
  }
  return ok({ response: { Attribute: rows } }, restSearchHeaders(resultCount, skipped));
}

function add({ req, user, store }: HandlerContext): SimResponse {
  if (req.method !== 'POST')
    return mispError(405, 'This method is only accessible via POST requests.', '/attributes/add');
  const ref = req.params[0];
  const event = ref === undefined ? undefined : store.eventByIdOrUuid(ref);
  if (!event || !store.canSeeEvent(user, event))
    return mispError(404, 'Invalid event', `/attributes/add/${ref ?? ''}`);
  if (!store.canModifyEvent(user, event))
    return mispError(403, NO_PERMISSION, `/attributes/add/${ref ?? ''}`);
  const f = filters(req);
  const input = (f.Attribute && typeof f.Attribute === 'object' ? f.Attribute : f) as Record<string, unknown>;
  const result = store.addAttribute(user, event, input);
  if (!result.ok) return saveFail('Could not add Attribute', '/attributes/add', result.errors);
  return ok({
    Attribute: attributeSaved(result.attribute),
    AttributeTag: [],
  });
}

function remove({ req, user, store }: HandlerContext): SimResponse {
  const ref = req.params[0] ?? '';
  const url = `/attributes/delete/${ref}`;
  if (req.method !== 'POST' && req.method !== 'DELETE') {
    return mispError(405, 'This function is only accessible via POST requests.', url);
  }
  const attribute = store.attributeByIdOrUuid(ref);
  if (!attribute || !store.canSeeAttribute(user, attribute)) return mispError(404, 'Invalid attribute', url);
  const event = store.events.get(attribute.eventId);
  if (!event || !store.canModifyEvent(user, event)) return mispError(403, NO_PERMISSION, url);
  store.softDeleteAttribute(attribute);
  return ok({ message: 'Attribute deleted.' });
}

function describe(): SimResponse {
  return ok({ result: describeTypes() });
}

export const attributeRoutes: Record<string, Route> = {
  'attributes/restSearch': { handler: restSearch },
  'attributes/add': { handler: add, permission: 'perm_add' },
  'attributes/delete': { handler: remove, permission: 'perm_modify' },
  'attributes/describeTypes': { handler: describe },
};
