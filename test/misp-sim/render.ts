import { sharingGroupInEvent } from './render-admin';
import { galaxiesOfEvent } from './render-galaxy';
import type { SimStore } from './store';
import {
  type AttributeRow,
  attributeValue,
  type EventReportRow,
  type EventRow,
  type ObjectRow,
  type OrgRow,
  type SightingRow,
  type TagLink,
  type TagRow,
  type UserRow,
  type WarninglistRow,
} from './types';
import { checkWarninglists, type WarninglistHit } from './warninglists';

/**
 * Serialisers to MISP 2.5.1's JSON shapes. Key order follows the transcripts; ids, counters and
 * timestamps are strings, booleans are booleans (transcripts/README.md "Types").
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const s = (value: number): string => String(value);

export function orgRef(org: OrgRow, withLocal: boolean): JsonObject {
  const ref: JsonObject = { id: s(org.id), name: org.name, uuid: org.uuid };
  if (withLocal) ref.local = org.local;
  return ref;
}

export function orgFull(org: OrgRow): JsonObject {
  return {
    id: s(org.id),
    name: org.name,
    date_created: org.dateCreated,
    date_modified: org.dateCreated,
    description: org.description,
    type: org.type,
    nationality: '',
    sector: '',
    created_by: '0',
    uuid: org.uuid,
    contacts: null,
    local: org.local,
    restricted_to_domain: null,
    landingpage: null,
  };
}

/** Tag as inside events/view, events/add and events/restSearch. */
export function tagFull(tag: TagRow, link: TagLink): JsonObject {
  return {
    id: s(tag.id),
    name: tag.name,
    colour: tag.colour,
    exportable: tag.exportable,
    user_id: s(tag.userId),
    hide_tag: tag.hideTag,
    numerical_value: null,
    is_galaxy: tag.isGalaxy,
    is_custom_galaxy: false,
    local_only: tag.localOnly,
    local: link.local,
    relationship_type: null,
  };
}

function linkedTags(store: SimStore, links: TagLink[]): [TagRow, TagLink][] {
  return links.flatMap((link) => {
    const tag = store.tags.get(link.tagId);
    return tag?.exportable ? [[tag, link] as [TagRow, TagLink]] : [];
  });
}

export function sightingFlat(sighting: SightingRow): JsonObject {
  return {
    id: s(sighting.id),
    attribute_id: s(sighting.attributeId),
    event_id: s(sighting.eventId),
    org_id: s(sighting.orgId),
    date_sighting: s(sighting.dateSighting),
    uuid: sighting.uuid,
    source: sighting.source,
    type: s(sighting.type),
  };
}

/** Flat sighting with attribute_uuid and Organisation (attributes' Sighting[], sightings/index). */
export function sightingWithOrg(store: SimStore, sighting: SightingRow): JsonObject {
  const org = store.orgs.get(sighting.orgId);
  return {
    ...sightingFlat(sighting),
    attribute_uuid: store.attributes.get(sighting.attributeId)?.uuid ?? '',
    Organisation: org ? { id: s(org.id), uuid: org.uuid, name: org.name } : {},
  };
}

export function visibleSightings(store: SimStore, user: UserRow | null, attributeId: number): SightingRow[] {
  return store
    .sightingsOfAttribute(attributeId)
    .filter((sighting) => store.canSeeSighting(user, sighting))
    .sort((a, b) => a.id - b.id);
}

export interface WarningEntry extends JsonObject {
  value: string;
  match: string;
  warninglist_id: string;
  warninglist_name: string;
  warninglist_category: string;
}

/**
 * Warninglist hits of an IDS attribute on the enabled lists, as `warnings` entries; undefined when
 * there is none. Only to_ids attributes are annotated (transcript 100).
 */
export function attributeWarnings(store: SimStore, attribute: AttributeRow): WarningEntry[] | undefined {
  if (!attribute.toIds) return undefined;
  const value = attributeValue(attribute);
  const hits = checkWarninglists(store.enabledWarninglists(), value, attribute.type);
  return hits.length === 0 ? undefined : warningEntries(hits, value);
}

export function warningEntries(hits: WarninglistHit[], value: string): WarningEntry[] {
  return hits.map((hit) => ({
    value,
    match: hit.match,
    warninglist_id: s(hit.list.id),
    warninglist_name: hit.list.name,
    warninglist_category: hit.list.category,
  }));
}

/** Attribute as inside a full event (events/view, events/add, events/restSearch). */
export function attributeInEvent(
  store: SimStore,
  user: UserRow | null,
  attribute: AttributeRow,
  includeSightings: boolean,
  withWarnings = false,
): JsonObject {
  const row: JsonObject = {
    id: s(attribute.id),
    type: attribute.type,
    category: attribute.category,
    to_ids: attribute.toIds,
    uuid: attribute.uuid,
    event_id: s(attribute.eventId),
    distribution: s(attribute.distribution),
    timestamp: s(attribute.timestamp),
    comment: attribute.comment,
    sharing_group_id: s(attribute.sharingGroupId),
    deleted: attribute.deleted,
    disable_correlation: attribute.disableCorrelation,
    object_id: s(attribute.objectId),
    object_relation: attribute.objectRelation,
    first_seen: null,
    last_seen: null,
    value: attributeValue(attribute),
  };
  const warnings = withWarnings ? attributeWarnings(store, attribute) : undefined;
  if (warnings) row.warnings = warnings;
  row.Galaxy = [];
  row.ShadowAttribute = [];
  const tags = linkedTags(store, attribute.tags);
  if (tags.length > 0) row.Tag = tags.map(([tag, link]) => tagFull(tag, link));
  if (includeSightings) {
    const sightings = visibleSightings(store, user, attribute.id);
    if (sightings.length > 0) row.Sighting = sightings.map((sighting) => sightingWithOrg(store, sighting));
  }
  return row;
}

function eventHeader(store: SimStore, event: EventRow): JsonObject {
  return {
    id: s(event.id),
    orgc_id: s(event.orgcId),
    org_id: s(event.orgId),
    date: event.date,
    threat_level_id: s(event.threatLevelId),
    info: event.info,
    published: event.published,
    uuid: event.uuid,
    attribute_count: s(store.liveAttributeCount(event.id)),
    analysis: s(event.analysis),
    timestamp: s(event.timestamp),
    distribution: s(event.distribution),
    proposal_email_lock: false,
    locked: event.locked,
    publish_timestamp: s(event.publishTimestamp),
    sharing_group_id: s(event.sharingGroupId),
    disable_correlation: false,
    extends_uuid: '',
    protected: null,
    event_creator_email: event.creatorEmail,
  };
}

function relatedEvent(store: SimStore, event: EventRow): JsonObject {
  const org = store.orgOf(event.orgId);
  const orgc = store.orgOf(event.orgcId);
  return {
    Event: {
      id: s(event.id),
      date: event.date,
      threat_level_id: s(event.threatLevelId),
      info: event.info,
      published: event.published,
      uuid: event.uuid,
      analysis: s(event.analysis),
      timestamp: s(event.timestamp),
      distribution: s(event.distribution),
      org_id: s(event.orgId),
      orgc_id: s(event.orgcId),
      Org: orgRef(org, false),
      Orgc: orgRef(orgc, false),
    },
  };
}

export interface FullEventOptions {
  metadata?: boolean;
  includeSightings?: boolean;
  includeDeleted?: boolean;
  /** events/view always runs the warninglist check (EventsController::view; transcript 128). */
  warnings?: boolean;
}

/** An object inside a full event: its attributes under `Attribute` (transcripts 124, 128, 141). */
export function objectInEvent(object: ObjectRow, attributes: JsonObject[]): JsonObject {
  return {
    ...objectHeader(object),
    ObjectReference: [],
    Attribute: attributes,
  };
}

export function objectHeader(object: ObjectRow): JsonObject {
  return {
    id: s(object.id),
    name: object.name,
    'meta-category': object.metaCategory,
    description: object.description,
    template_uuid: object.templateUuid,
    template_version: object.templateVersion,
    event_id: s(object.eventId),
    uuid: object.uuid,
    timestamp: s(object.timestamp),
    distribution: s(object.distribution),
    sharing_group_id: s(object.sharingGroupId),
    comment: object.comment,
    deleted: object.deleted,
    first_seen: null,
    last_seen: null,
  };
}

/** A copy of `row` with `extra` inserted after the key `after` (MISP's key order). */
export function insertAfter(row: JsonObject, after: string, extra: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(row)) {
    result[name] = value;
    if (name === after) Object.assign(result, extra);
  }
  return result;
}

/** An attribute's own columns, as attributes/restSearch lists them (transcript 019). */
function attributeColumns(attribute: AttributeRow): JsonObject {
  return {
    id: s(attribute.id),
    event_id: s(attribute.eventId),
    object_id: s(attribute.objectId),
    object_relation: attribute.objectRelation,
    category: attribute.category,
    type: attribute.type,
    to_ids: attribute.toIds,
    uuid: attribute.uuid,
    timestamp: s(attribute.timestamp),
    distribution: s(attribute.distribution),
    sharing_group_id: s(attribute.sharingGroupId),
    comment: attribute.comment,
    deleted: attribute.deleted,
    disable_correlation: attribute.disableCorrelation,
    first_seen: null,
    last_seen: null,
    value: attributeValue(attribute),
  };
}

/** An attribute as /attributes/add and /objects/add answer it: value1/value2, no Galaxy list. */
export function attributeSaved(attribute: AttributeRow): JsonObject {
  return insertAfter(attributeColumns(attribute), 'type', {
    value1: attribute.value1,
    value2: attribute.value2,
  });
}

/** A flat event report row (events/view EventReport[], transcript 128). */
export function reportRow(report: EventReportRow): JsonObject {
  return {
    id: s(report.id),
    uuid: report.uuid,
    event_id: s(report.eventId),
    name: report.name,
    content: report.content,
    distribution: s(report.distribution),
    sharing_group_id: s(report.sharingGroupId),
    timestamp: s(report.timestamp),
    deleted: report.deleted,
  };
}

/** `{"Event": {...}}` body of events/view, events/add and one element of events/restSearch. */
export function eventFull(
  store: SimStore,
  user: UserRow | null,
  event: EventRow,
  options: FullEventOptions = {},
): JsonObject {
  const body = eventHeader(store, event);
  body.Org = orgRef(store.orgOf(event.orgId), true);
  body.Orgc = orgRef(store.orgOf(event.orgcId), true);
  const sharingGroup = event.distribution === 4 ? store.sharingGroups.get(event.sharingGroupId) : undefined;
  if (sharingGroup) body.SharingGroup = sharingGroupInEvent(store, sharingGroup);
  const related = store.relatedEvents(user, event).map((other) => relatedEvent(store, other));
  const galaxies = galaxiesOfEvent(store, event);
  if (!options.metadata) {
    const visible = store
      .attributesOf(event.id)
      .filter(
        (attribute) =>
          (options.includeDeleted || !attribute.deleted) && store.canSeeAttribute(user, attribute),
      );
    const render = (attribute: AttributeRow): JsonObject =>
      attributeInEvent(store, user, attribute, options.includeSightings ?? true, options.warnings ?? false);
    // Object attributes sit only under their object (transcripts 124, 141).
    body.Attribute = visible.filter((attribute) => attribute.objectId === 0).map(render);
    body.ShadowAttribute = [];
    body.RelatedEvent = related;
    body.Galaxy = galaxies;
    body.Object = store
      .objectsOf(event.id)
      .filter((object) => options.includeDeleted || !object.deleted)
      .map((object) =>
        objectInEvent(object, visible.filter((attribute) => attribute.objectId === object.id).map(render)),
      );
    body.EventReport = store
      .reportsOf(event.id)
      .filter((report) => options.includeDeleted || !report.deleted)
      .map(reportRow);
  } else {
    body.RelatedEvent = related;
    body.Galaxy = galaxies;
  }
  body.CryptographicKey = [];
  const tags = linkedTags(store, event.tags);
  if (tags.length > 0) body.Tag = tags.map(([tag, link]) => tagFull(tag, link));
  return { Event: body };
}

/** One element of the bare events/index array (transcript 068) or its minimal form (070). */
export function eventIndexRow(store: SimStore, event: EventRow, minimal: boolean): JsonObject {
  if (minimal) {
    return {
      id: s(event.id),
      timestamp: s(event.timestamp),
      sighting_timestamp: s(event.sightingTimestamp),
      published: event.published,
      uuid: event.uuid,
      orgc_uuid: store.orgOf(event.orgcId).uuid,
    };
  }
  return {
    id: s(event.id),
    org_id: s(event.orgId),
    date: event.date,
    info: event.info,
    uuid: event.uuid,
    published: event.published,
    analysis: s(event.analysis),
    attribute_count: s(store.liveAttributeCount(event.id)),
    orgc_id: s(event.orgcId),
    timestamp: s(event.timestamp),
    distribution: s(event.distribution),
    sharing_group_id: s(event.sharingGroupId),
    proposal_email_lock: false,
    locked: event.locked,
    threat_level_id: s(event.threatLevelId),
    publish_timestamp: s(event.publishTimestamp),
    sighting_timestamp: s(event.sightingTimestamp),
    disable_correlation: false,
    extends_uuid: '',
    protected: null,
    Org: orgRef(store.orgOf(event.orgId), false),
    Orgc: orgRef(store.orgOf(event.orgcId), false),
    EventTag: linkedTags(store, event.tags).map(([tag, link]) => ({
      id: s(link.id),
      event_id: s(event.id),
      tag_id: s(tag.id),
      local: link.local,
      relationship_type: '',
      Tag: { id: s(tag.id), name: tag.name, colour: tag.colour, is_galaxy: tag.isGalaxy },
    })),
  };
}

export interface AttributeSearchOptions {
  includeEventTags: boolean;
  includeSightings: boolean;
  includeContext: boolean;
  includeEventUuid: boolean;
  includeCorrelations?: boolean;
  withAttachments?: boolean;
  warnings?: JsonObject[];
}

const RELATED_ATTRIBUTE_KEYS = [
  'id',
  'event_id',
  'object_id',
  'object_relation',
  'category',
  'type',
  'uuid',
  'timestamp',
  'distribution',
  'sharing_group_id',
  'to_ids',
  'comment',
  'value',
];

/** One entry of RelatedAttribute[] (includeCorrelations, transcripts 172, 173). */
function relatedAttribute(store: SimStore, attribute: AttributeRow): JsonObject {
  const event = store.events.get(attribute.eventId) as EventRow;
  const columns = attributeColumns(attribute);
  return {
    ...Object.fromEntries(RELATED_ATTRIBUTE_KEYS.map((key) => [key, columns[key] ?? null])),
    Event: {
      id: s(event.id),
      uuid: event.uuid,
      threat_level_id: s(event.threatLevelId),
      analysis: s(event.analysis),
      info: event.info,
      extends_uuid: '',
      distribution: s(event.distribution),
      sharing_group_id: s(event.sharingGroupId),
      published: event.published,
      date: event.date,
      orgc_id: s(event.orgcId),
      org_id: s(event.orgId),
    },
  };
}

/** One attribute of attributes/restSearch (transcripts 019, 031, 053, 100). */
export function attributeSearchRow(
  store: SimStore,
  user: UserRow | null,
  attribute: AttributeRow,
  options: AttributeSearchOptions,
): JsonObject {
  const event = store.events.get(attribute.eventId);
  if (!event) throw new Error(`attribute ${attribute.id} has no event`);
  const row = attributeColumns(attribute);
  // The stored file, base64, only when asked for (transcripts 165, 166).
  if (options.withAttachments && attribute.data !== undefined) row.data = attribute.data;
  if (options.warnings) row.warnings = options.warnings;
  if (options.includeCorrelations) {
    row.RelatedAttribute = store
      .correlatedAttributes(user, attribute)
      .map((other) => relatedAttribute(store, other));
  }
  if (options.includeSightings) {
    row.Sighting = visibleSightings(store, user, attribute.id).map((sighting) =>
      sightingWithOrg(store, sighting),
    );
  }
  if (options.includeContext) {
    const orgc = store.orgOf(event.orgcId);
    row.Event = {
      id: s(event.id),
      orgc_id: s(event.orgcId),
      org_id: s(event.orgId),
      date: event.date,
      threat_level_id: s(event.threatLevelId),
      info: event.info,
      published: event.published,
      uuid: event.uuid,
      analysis: s(event.analysis),
      timestamp: s(event.timestamp),
      distribution: s(event.distribution),
      publish_timestamp: s(event.publishTimestamp),
      sharing_group_id: s(event.sharingGroupId),
      extends_uuid: '',
      Tag: linkedTags(store, event.tags).map(([tag, link]) => ({
        local: link.local,
        id: s(tag.id),
        name: tag.name,
        colour: tag.colour,
        numerical_value: null,
      })),
      Orgc: orgRef(orgc, true),
    };
  } else {
    row.Event = {
      org_id: s(event.orgId),
      distribution: s(event.distribution),
      publish_timestamp: s(event.publishTimestamp),
      id: s(event.id),
      info: event.info,
      orgc_id: s(event.orgcId),
      uuid: event.uuid,
    };
  }
  const tags: JsonObject[] = linkedTags(store, attribute.tags).map(([tag, link]) => ({
    id: s(tag.id),
    name: tag.name,
    colour: tag.colour,
    numerical_value: null,
    is_galaxy: tag.isGalaxy,
    local: link.local,
  }));
  if (options.includeEventTags) {
    for (const [tag] of linkedTags(store, event.tags)) {
      tags.push({ id: s(tag.id), name: tag.name, colour: tag.colour, numerical_value: null, inherited: 1 });
    }
  }
  if (tags.length > 0) row.Tag = tags;
  // An object attribute names its object, without name, uuid or template (transcript 140).
  if (attribute.objectId !== 0) {
    const object = store.objects.get(attribute.objectId);
    row.Object = {
      id: s(attribute.objectId),
      distribution: s(object?.distribution ?? 0),
      sharing_group_id: s(object?.sharingGroupId ?? 0),
    };
  }
  if (options.includeEventUuid) row.event_uuid = event.uuid;
  return row;
}

/** A tag's own columns (tags/index, galaxy relation tags). */
export function tagColumns(tag: TagRow): JsonObject {
  return {
    id: s(tag.id),
    name: tag.name,
    colour: tag.colour,
    exportable: tag.exportable,
    org_id: s(tag.orgId),
    user_id: s(tag.userId),
    hide_tag: tag.hideTag,
    numerical_value: null,
    is_galaxy: tag.isGalaxy,
    is_custom_galaxy: false,
    local_only: tag.localOnly,
  };
}

/** Row of tags/index (transcript 054): usage counters are numbers. */
export function tagIndexRow(tag: TagRow, counts: { events: number; attributes: number }): JsonObject {
  return {
    ...tagColumns(tag),
    favourite: false,
    count: counts.events,
    attribute_count: counts.attributes,
  };
}

export function warninglistRow(list: WarninglistRow): JsonObject {
  return {
    Warninglist: {
      id: s(list.id),
      name: list.name,
      type: list.type,
      description: list.description,
      version: s(list.version),
      enabled: list.enabled,
      default: true,
      category: list.category,
      warninglist_entry_count: s(list.entries.length),
      valid_attributes: list.matchingAttributes.join(', '),
    },
  };
}
