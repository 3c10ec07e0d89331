import {
  bodyObject,
  filters,
  type HandlerContext,
  mispError,
  ok,
  type Route,
  restSearchHeaders,
  type SimResponse,
  saveSuccess,
} from '../http';
import { inTimeRange, isOn, parseTimeRange, resolveTime } from '../match';
import { type JsonObject, sightingFlat, sightingWithOrg } from '../render';
import type { SimStore } from '../store';
import type { SightingRow, UserRow } from '../types';

/** /sightings/add, delete, restSearch, index, listSightings, view (transcripts 034-052, 086). */

const SIGHTINGS_ADD_DESCRIPTION = {
  name: '/sightings/add API description',
  description:
    'POST a simplified sighting object in JSON format to this API to add a or a list of sightings. Pass either value(s) or attribute IDs (can be uuids) to identify the target sightings.',
  mandatory_fields: { OR: ['values', 'id'] },
  optional_fields: ['type', 'source', 'timestamp', 'date', 'time', 'filters'],
  url: '/sightings/add',
};

const THIRTY_DAYS = 30 * 86400;

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  return undefined;
}

function add({ req, user, store }: HandlerContext): SimResponse {
  if (req.method !== 'POST') return ok(SIGHTINGS_ADD_DESCRIPTION);
  let data = bodyObject(req);
  if (data.Sighting && typeof data.Sighting === 'object' && !Array.isArray(data.Sighting)) {
    data = data.Sighting as Record<string, unknown>;
  }
  const now = store.now();
  let timestamp = now;
  const date = text(data.date);
  const time = text(data.time);
  if (date && time) timestamp = resolveTime(`${date}T${time}Z`, now);
  else if (data.timestamp !== undefined) timestamp = resolveTime(data.timestamp, now);
  const values = data.value !== undefined ? [data.value] : Array.isArray(data.values) ? data.values : [];
  const id = req.params[0] ?? text(data.uuid) ?? text(data.id);
  const rawFilters =
    data.filters && typeof data.filters === 'object' ? (data.filters as Record<string, unknown>) : {};
  const result = store.addSightings(
    user,
    {
      id,
      values: values.flatMap((value) => text(value) ?? []),
      filters: { type: text(rawFilters.type), eventid: text(rawFilters.eventid) },
    },
    data.type,
    (text(data.source) ?? '').trim(),
    timestamp,
  );
  if (!result.ok) return ok({ message: `Could not add the Sighting. Reason: ${result.reason}` });
  return ok({ Sighting: sightingFlat(result.last) });
}

/**
 * Not in the transcripts. Reproduces SightingsController::delete of MISP 2.4/2.5 (read in the MISP
 * source, app/Controller/SightingsController.php): needs perm_modify_org (else 405), POST only
 * (else 405 "This action can only be accessed via a post request."), an unknown sighting or one of
 * another org (for non site admins) is a 404 "Invalid sighting.", success is
 * RestResponse::saveSuccessResponse('Sighting', 'delete', $id, false, 'Sighting successfuly deleted.')
 * i.e. {saved, success, name, message, url: "/sightings/delete/{id}", id} with MISP's spelling.
 */
function remove({ req, user, role, store }: HandlerContext): SimResponse {
  const ref = req.params[0] ?? '';
  const url = `/sightings/delete/${ref}`;
  if (!role.perm_modify_org) {
    return mispError(
      405,
      "You are not authorised to remove sightings data as you don't have permission to modify your organisation's data.",
      url,
    );
  }
  if (req.method !== 'POST' && req.method !== 'DELETE') {
    return mispError(405, 'This action can only be accessed via a post request.', url);
  }
  const sighting = /^\d+$/.test(ref) ? store.sightings.get(Number(ref)) : undefined;
  if (!sighting || (!store.isSiteAdmin(user) && sighting.orgId !== user.orgId)) {
    return mispError(404, 'Invalid sighting.', url);
  }
  store.deleteSighting(sighting);
  return saveSuccess('Sighting successfuly deleted.', url, ref);
}

function visible(store: SimStore, user: UserRow, sighting: SightingRow): boolean {
  const attribute = store.attributes.get(sighting.attributeId);
  return !!attribute && store.canSeeAttribute(user, attribute) && store.canSeeSighting(user, sighting);
}

function restSearch({ req, user, store }: HandlerContext): SimResponse {
  const context = req.params[0];
  const url = req.path;
  if (context !== undefined && context !== 'attribute' && context !== 'event') {
    return mispError(405, 'Invalid context.', url);
  }
  const f = filters(req);
  if (f.id !== undefined && !(typeof f.id === 'number' && Number.isInteger(f.id))) {
    return mispError(400, `Invalid ID \`${String(f.id)}\` provided.`, url);
  }
  const uuid = text(f.uuid)?.toLowerCase();
  if (context !== undefined && f.id === undefined && !uuid) {
    return mispError(400, 'An ID or UUID must be provided if the context is set.', url);
  }
  const now = store.now();
  const window = parseTimeRange(f.last, now) ?? {
    from: f.from !== undefined ? resolveTime(f.from, now) : now - THIRTY_DAYS,
    to: f.to !== undefined ? resolveTime(f.to, now) : null,
  };
  const type = text(f.type);
  const source = text(f.source);
  const orgId = text(f.org_id);
  const rows: JsonObject[] = [];
  for (const sighting of [...store.sightings.values()].sort((a, b) => a.id - b.id)) {
    if (!visible(store, user, sighting)) continue;
    const attribute = store.attributes.get(sighting.attributeId);
    const event = store.events.get(sighting.eventId);
    if (!attribute || !event) continue;
    if (context === 'attribute') {
      if (f.id !== undefined ? sighting.attributeId !== f.id : attribute.uuid !== uuid) continue;
    } else if (context === 'event') {
      if (f.id !== undefined ? sighting.eventId !== f.id : event.uuid !== uuid) continue;
    }
    if (!inTimeRange(window, sighting.dateSighting)) continue;
    if (type !== undefined && String(sighting.type) !== type) continue;
    if (source !== undefined && sighting.source !== source) continue;
    if (orgId !== undefined && String(sighting.orgId) !== orgId) continue;
    const row: JsonObject = { ...sightingFlat(sighting), value: store.valueOf(attribute) };
    if (isOn(f.includeAttribute)) {
      row.Attribute = {
        id: String(attribute.id),
        uuid: attribute.uuid,
        type: attribute.type,
        category: attribute.category,
        to_ids: attribute.toIds,
        value: store.valueOf(attribute),
      };
    }
    if (isOn(f.includeEvent)) {
      row.Event = {
        id: String(event.id),
        uuid: event.uuid,
        orgc_id: String(event.orgcId),
        org_id: String(event.orgId),
        info: event.info,
        Orgc: { name: store.orgOf(event.orgcId).name },
      };
    }
    const org = store.orgs.get(sighting.orgId);
    row.Organisation = org ? { id: String(org.id), uuid: org.uuid, name: org.name } : {};
    rows.push({ Sighting: row });
  }
  // MISP does not maintain X-Result-Count for sightings (transcript 044).
  return ok({ response: rows }, restSearchHeaders(0));
}

function index({ req, user, store }: HandlerContext): SimResponse {
  const ref = req.params[0];
  const rows = [...store.sightings.values()]
    .filter(
      (sighting) => (ref === undefined || String(sighting.eventId) === ref) && visible(store, user, sighting),
    )
    .sort((a, b) => a.id - b.id)
    .map((sighting) => sightingWithOrg(store, sighting));
  return ok(rows);
}

function withOrgName(store: SimStore, sighting: SightingRow): JsonObject {
  return {
    Sighting: sightingFlat(sighting),
    Organisation: { name: store.orgs.get(sighting.orgId)?.name ?? '' },
  };
}

function listSightings({ req, user, store }: HandlerContext): SimResponse {
  const ref = req.params[0] ?? '';
  const context = req.params[1] === 'event' ? 'event' : 'attribute';
  const orgFilter = req.params[2];
  const ids = new Set(
    ref
      .split('|')
      .filter((id) => /^\d+$/.test(id))
      .map(Number),
  );
  const found =
    context === 'attribute'
      ? [...ids].some((id) => {
          const attribute = store.attributes.get(id);
          return !!attribute && !attribute.deleted && store.canSeeAttribute(user, attribute);
        })
      : [...ids].some((id) => {
          const event = store.events.get(id);
          return !!event && store.canSeeEvent(user, event);
        });
  if (!found) return mispError(405, 'Invalid object.', req.path);
  const rows = [...store.sightings.values()]
    .filter((sighting) => ids.has(context === 'attribute' ? sighting.attributeId : sighting.eventId))
    .filter((sighting) => orgFilter === undefined || String(sighting.orgId) === orgFilter)
    .filter((sighting) => visible(store, user, sighting))
    .sort((a, b) => b.dateSighting - a.dateSighting || a.id - b.id)
    .map((sighting) => withOrgName(store, sighting));
  return ok(rows);
}

function view({ req, user, store }: HandlerContext): SimResponse {
  const ref = req.params[0] ?? '';
  const sighting = /^\d+$/.test(ref) ? store.sightings.get(Number(ref)) : undefined;
  if (!sighting || !visible(store, user, sighting)) return mispError(404, 'Invalid sighting.', req.path);
  return ok(withOrgName(store, sighting));
}

export const sightingRoutes: Record<string, Route> = {
  'sightings/add': { handler: add, permission: 'perm_sighting' },
  'sightings/delete': { handler: remove, permission: 'perm_sighting' },
  'sightings/restSearch': { handler: restSearch },
  'sightings/index': { handler: index },
  'sightings/listSightings': { handler: listSightings },
  'sightings/view': { handler: view },
};
