import type { SimStore } from './store';
import {
  type AttributeRow,
  attributeValue,
  type EventRow,
  type OrgRow,
  type SightingRow,
  type TagLink,
  type TagRow,
  type UserRow,
  type WarninglistRow,
} from './types';

/**
 * Serialisers to MISP 2.5.1's JSON shapes. Key order follows the transcripts; ids, counters and
 * timestamps are strings, booleans are booleans (transcripts/README.md "Types").
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const s = (value: number): string => String(value);

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

/** Attribute as inside a full event (events/view, events/add, events/restSearch). */
export function attributeInEvent(
  store: SimStore,
  user: UserRow | null,
  attribute: AttributeRow,
  includeSightings: boolean,
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
    sharing_group_id: '0',
    deleted: attribute.deleted,
    disable_correlation: attribute.disableCorrelation,
    object_id: '0',
    object_relation: null,
    first_seen: null,
    last_seen: null,
    value: attributeValue(attribute),
    Galaxy: [],
    ShadowAttribute: [],
  };
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
    sharing_group_id: '0',
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
  const related = store.relatedEvents(user, event).map((other) => relatedEvent(store, other));
  if (!options.metadata) {
    body.Attribute = store
      .attributesOf(event.id)
      .filter(
        (attribute) =>
          (options.includeDeleted || !attribute.deleted) && store.canSeeAttribute(user, attribute),
      )
      .map((attribute) => attributeInEvent(store, user, attribute, options.includeSightings ?? true));
    body.ShadowAttribute = [];
    body.RelatedEvent = related;
    body.Galaxy = [];
    body.Object = [];
    body.EventReport = [];
  } else {
    body.RelatedEvent = related;
    body.Galaxy = [];
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
    sharing_group_id: '0',
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
  warnings?: JsonObject[];
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
  const row: JsonObject = {
    id: s(attribute.id),
    event_id: s(attribute.eventId),
    object_id: '0',
    object_relation: null,
    category: attribute.category,
    type: attribute.type,
    to_ids: attribute.toIds,
    uuid: attribute.uuid,
    timestamp: s(attribute.timestamp),
    distribution: s(attribute.distribution),
    sharing_group_id: '0',
    comment: attribute.comment,
    deleted: attribute.deleted,
    disable_correlation: attribute.disableCorrelation,
    first_seen: null,
    last_seen: null,
    value: attributeValue(attribute),
  };
  if (options.warnings) row.warnings = options.warnings;
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
      sharing_group_id: '0',
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
  if (options.includeEventUuid) row.event_uuid = event.uuid;
  return row;
}

/** Row of tags/index (transcript 054): usage counters are numbers. */
export function tagIndexRow(tag: TagRow, counts: { events: number; attributes: number }): JsonObject {
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
