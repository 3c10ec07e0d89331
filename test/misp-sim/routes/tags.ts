import {
  bodyObject,
  filters,
  type HandlerContext,
  INTERNAL_ERROR,
  mispError,
  ok,
  type Route,
  type SimResponse,
  saveFail,
  saveSuccess,
} from '../http';
import { isOn } from '../match';
import { tagIndexRow } from '../render';
import { UUID_RE } from '../store';
import type { AttributeRow, EventRow, TagRow } from '../types';

/** /tags/index and /tags/attachTagToObject (transcripts 054-062, 087). */

function index({ req, store }: HandlerContext): SimResponse {
  const f = filters(req);
  const searchAll = typeof f.searchall === 'string' ? f.searchall.toLowerCase() : undefined;
  const exactRaw = f.name ?? f.filter ?? f.search;
  const exact = typeof exactRaw === 'string' ? exactRaw.toLowerCase() : undefined;
  const withStatistics = !isOn(f.exclude_statistics);
  const eventCounts = new Map<number, number>();
  const attributeCounts = new Map<number, number>();
  if (withStatistics) {
    for (const event of store.events.values()) {
      for (const link of event.tags) eventCounts.set(link.tagId, (eventCounts.get(link.tagId) ?? 0) + 1);
    }
    for (const attribute of store.attributes.values()) {
      for (const link of attribute.tags)
        attributeCounts.set(link.tagId, (attributeCounts.get(link.tagId) ?? 0) + 1);
    }
  }
  const tags = [...store.tags.values()]
    .filter((tag) => !tag.hideTag)
    .filter((tag) => searchAll === undefined || tag.name.toLowerCase().includes(searchAll.replace(/%/g, '')))
    .filter((tag) => exact === undefined || tag.name.toLowerCase() === exact)
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id)
    .map((tag) =>
      tagIndexRow(tag, {
        events: eventCounts.get(tag.id) ?? 0,
        attributes: attributeCounts.get(tag.id) ?? 0,
      }),
    );
  return ok({ Tag: tags });
}

function tagNamesFrom(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.flatMap((item) => tagNamesFrom(item));
  if (typeof raw === 'number') return [String(raw)];
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  if (raw.trim().startsWith('[')) {
    try {
      return tagNamesFrom(JSON.parse(raw));
    } catch {
      return [raw.trim()];
    }
  }
  return [raw.trim()];
}

function attachTagToObject({ req, user, store }: HandlerContext): SimResponse {
  const url = '/tags/attachTagToObject';
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  const body = bodyObject(req);
  const uuid = typeof body.uuid === 'string' ? body.uuid.trim().toLowerCase() : '';
  // MISP throws an uncaught InvalidArgumentException on a malformed uuid (transcript 062).
  if (!UUID_RE.test(uuid)) return mispError(500, INTERNAL_ERROR, url);
  const event = store.eventByIdOrUuid(uuid);
  const attribute = event ? undefined : store.attributeByIdOrUuid(uuid);
  const target: { kind: 'Event'; row: EventRow } | { kind: 'Attribute'; row: AttributeRow } | undefined =
    event
      ? { kind: 'Event', row: event }
      : attribute && !attribute.deleted
        ? { kind: 'Attribute', row: attribute }
        : undefined;
  const owningEvent =
    target?.kind === 'Event' ? target.row : target ? store.events.get(target.row.eventId) : undefined;
  if (!target || !owningEvent || !store.canSeeEvent(user, owningEvent))
    return mispError(404, 'Invalid Target.', url);
  if (!store.isSiteAdmin(user) && owningEvent.orgcId !== user.orgId && owningEvent.orgId !== user.orgId) {
    return mispError(403, 'You do not have permission to do that.', url);
  }
  const local = isOn(body.local);
  const names = tagNamesFrom(body.tag);
  if (names.length === 0) return mispError(404, 'Invalid Tag.', url);
  const failures: Record<string, string> = {};
  let message = '';
  names.forEach((name, position) => {
    if (local) {
      // Local tags need MISP.host_org_id, which this instance (like the recorded one) does not set.
      failures[String(position)] = 'Local tags can only be added by users of the host organisation.';
      return;
    }
    // Exact, case-sensitive name (tags.name has a binary collation): "TLP:GREEN" is not "tlp:green".
    let tag: TagRow | null | undefined = /^\d+$/.test(name)
      ? store.tags.get(Number(name))
      : store.tagByName(name);
    if (!tag && !/^\d+$/.test(name)) tag = store.captureTag(name, user, false);
    if (!tag) {
      failures[String(position)] = 'Invalid Tag.';
      return;
    }
    const links = target.row.tags;
    const kind = target.kind === 'Event' ? 'eventTag' : 'attributeTag';
    if (!store.linkTag(links, tag, false, kind)) {
      message = `${target.kind} already has the requested tag attached, no changes had to be made for tag ${tag.name}.`;
      return;
    }
    const now = store.now();
    if (target.kind === 'Attribute') target.row.timestamp = now;
    store.touchEvent(owningEvent, now);
    message = `Global tag ${tag.name}(${tag.id}) successfully attached to ${target.kind}(${target.row.id}).`;
  });
  const failed = Object.keys(failures).length;
  if (failed > 0 && message === '') {
    return saveFail(
      'Could not attachTagToObject Tag',
      url,
      `Failed to attach ${failed} tags. Reasons: ${JSON.stringify(failures)}`,
    );
  }
  return saveSuccess(message, url);
}

export const tagRoutes: Record<string, Route> = {
  'tags/index': { handler: index },
  'tags/attachTagToObject': { handler: attachTagToObject, permission: 'perm_tagger' },
  tags: { handler: index },
};
