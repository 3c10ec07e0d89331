import { z } from 'zod';

/**
 * zod schemas for every MISP answer the client reads. MISP sends ids, timestamps and enum codes as
 * strings and flags as booleans, but older servers and some endpoints differ (tags/index counts are
 * numbers, inherited tags carry `1`), so scalars are parsed leniently and normalised: ids/timestamps
 * become strings, flags become booleans. Shapes are strict: a missing id or a list where an object
 * belongs is rejected, with the path of the offending field. Unknown extra fields are stripped.
 */

/** Id, timestamp or enum code: string in MISP JSON, accepted as an integer too. */
export const MispId = z.union([z.string(), z.number().int()]).transform(String);
/** A flag: JSON boolean in current MISP, 0/1 (number or string) in places and older versions. */
export const MispFlag = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
  .transform((value) => value === true || value === 1 || value === '1');
const OptionalText = z.string().nullish();

/** Tags on events (events/view, events/add, events/restSearch). */
export const EventTagSchema = z.object({
  id: MispId,
  name: z.string(),
  colour: z.string().optional(),
  numerical_value: z.union([z.string(), z.number()]).nullish(),
  is_galaxy: MispFlag.optional(),
  local: MispFlag.optional(),
});

/** Tags on attributes: an event's tag shape, plus the flag `includeEventTags` sets. */
export const AttributeTagSchema = EventTagSchema.extend({
  /** Set on event tags copied onto an attribute by `includeEventTags` (`1` or `true`). */
  inherited: MispFlag.optional(),
});
export type MispTag = z.infer<typeof AttributeTagSchema>;

export const OrgRefSchema = z.object({
  id: MispId.optional(),
  name: z.string(),
  uuid: z.string().optional(),
});

/** A sighting as MISP embeds it in attributes and returns it from sightings/add (flat row). */
export const SightingRowSchema = z.object({
  id: MispId,
  attribute_id: MispId,
  event_id: MispId,
  org_id: MispId.optional(),
  date_sighting: MispId,
  uuid: z.string(),
  source: z.string().nullish(),
  /** "0" sighting, "1" false positive, "2" expiration. */
  type: MispId,
  attribute_uuid: z.string().optional(),
  value: z.string().optional(),
  Organisation: OrgRefSchema.optional(),
});
export type MispSighting = z.infer<typeof SightingRowSchema>;

export const WarningSchema = z.object({
  match: z.string().optional(),
  value: z.string().optional(),
  warninglist_id: MispId,
  warninglist_name: z.string(),
  warninglist_category: z.string().optional(),
});

/**
 * The event next to an attribute in attributes/restSearch: a 7-field stub by default, a richer
 * object with `includeContext` (date, threat level, analysis, tags, Orgc; obs 019 vs 031).
 */
export const AttributeEventSchema = z.object({
  id: MispId,
  uuid: z.string(),
  info: z.string(),
  org_id: MispId.optional(),
  orgc_id: MispId.optional(),
  distribution: MispId.optional(),
  publish_timestamp: MispId.optional(),
  date: z.string().optional(),
  threat_level_id: MispId.optional(),
  analysis: MispId.optional(),
  published: MispFlag.optional(),
  timestamp: MispId.optional(),
  Tag: z.array(AttributeTagSchema).optional(),
  Orgc: OrgRefSchema.optional(),
  Org: OrgRefSchema.optional(),
});

export const AttributeSchema = z.object({
  id: MispId,
  event_id: MispId,
  object_id: MispId.optional(),
  object_relation: OptionalText,
  category: z.string(),
  type: z.string(),
  value: z.string(),
  to_ids: MispFlag,
  uuid: z.string(),
  timestamp: MispId,
  distribution: MispId.optional(),
  sharing_group_id: MispId.optional(),
  comment: z.string().nullish(),
  deleted: MispFlag.optional(),
  disable_correlation: MispFlag.optional(),
  first_seen: OptionalText,
  last_seen: OptionalText,
  Event: AttributeEventSchema.optional(),
  Tag: z.array(AttributeTagSchema).default([]),
  Sighting: z.array(SightingRowSchema).default([]),
  warnings: z.array(WarningSchema).optional(),
});
export type MispAttribute = z.infer<typeof AttributeSchema>;

export const AttributeRestSearchResponseSchema = z.object({
  response: z.object({ Attribute: z.array(AttributeSchema) }),
});

export const MispObjectSchema = z.object({
  id: MispId,
  name: z.string(),
  uuid: z.string().optional(),
  'meta-category': z.string().optional(),
  Attribute: z.array(AttributeSchema).default([]),
});

export const EventSchema = z.object({
  id: MispId,
  uuid: z.string(),
  info: z.string(),
  date: z.string(),
  org_id: MispId.optional(),
  orgc_id: MispId.optional(),
  threat_level_id: MispId,
  analysis: MispId,
  distribution: MispId,
  published: MispFlag,
  timestamp: MispId,
  publish_timestamp: MispId.optional(),
  sighting_timestamp: MispId.optional(),
  attribute_count: MispId.optional(),
  sharing_group_id: MispId.nullish(),
  extends_uuid: z.string().nullish(),
  Org: OrgRefSchema.optional(),
  Orgc: OrgRefSchema.optional(),
  Tag: z.array(EventTagSchema).default([]),
  Attribute: z.array(AttributeSchema).default([]),
  Object: z.array(MispObjectSchema).default([]),
  /** events/view and events/add: the attached galaxy clusters, by galaxy (obs 154, 155). */
  Galaxy: z
    .array(
      z.object({
        name: z.string(),
        GalaxyCluster: z.array(z.object({ value: z.string(), tag_name: z.string().optional() })).default([]),
      }),
    )
    .optional(),
  /** events/view: the event's reports, flat rows (obs 128). */
  EventReport: z.array(z.object({ uuid: z.string(), name: z.string() })).optional(),
});
export type MispEvent = z.infer<typeof EventSchema>;

/** eventReports/add: `{"EventReport": {...}, "Event": {...}, "SharingGroup": {...}}` (obs 125). */
export const EventReportAddResponseSchema = z.object({
  EventReport: z.object({ id: MispId, uuid: z.string(), event_id: MispId, name: z.string() }),
});

/** objectTemplates/index: a bare array of `{ObjectTemplate, Organisation}` without elements (obs 131). */
export const ObjectTemplateIndexResponseSchema = z.array(
  z.object({
    ObjectTemplate: z.object({
      id: MispId,
      uuid: z.string(),
      name: z.string(),
      'meta-category': z.string(),
      version: MispId,
      active: MispFlag.optional(),
    }),
  }),
);

/** galaxy_clusters/restSearch: `{"response": [{"GalaxyCluster": {..., Galaxy, GalaxyElement[]}}]}` (obs 147). */
export const GalaxyClusterSearchResponseSchema = z.object({
  response: z.array(
    z.object({
      GalaxyCluster: z.object({
        id: MispId,
        uuid: z.string(),
        type: z.string(),
        value: z.string(),
        tag_name: z.string(),
        galaxy_id: MispId,
        deleted: MispFlag.optional(),
        Galaxy: z.object({ name: z.string() }).optional(),
        GalaxyElement: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
      }),
    }),
  ),
});

/** sharing_groups/index: `{"response": [{SharingGroup, Organisation, …}]}` (obs 158, 160). */
export const SharingGroupIndexResponseSchema = z.object({
  response: z.array(
    z.object({
      SharingGroup: z.object({
        id: MispId,
        uuid: z.string(),
        name: z.string(),
        releasability: z.string().nullish(),
        active: MispFlag.optional(),
      }),
    }),
  ),
});

/** events/view and events/add: `{"Event": {...}}` (obs 010, 076). */
export const EventEnvelopeSchema = z.object({ Event: EventSchema });

/** events/restSearch: `{"response": [{"Event": {...}}]}` (obs 064, 102). */
export const EventRestSearchResponseSchema = z.object({
  response: z.array(z.object({ Event: EventSchema })),
});

/** events/index: a bare array of flat events whose tags sit in `EventTag[].Tag` (obs 068). */
export const EventIndexResponseSchema = z.array(
  EventSchema.omit({ Tag: true, Attribute: true, Object: true })
    .extend({
      EventTag: z.array(z.object({ Tag: EventTagSchema })).default([]),
    })
    .transform(({ EventTag, ...event }) => ({
      ...event,
      Tag: EventTag.map((link) => link.Tag),
      Attribute: [] as MispAttribute[],
      Object: [] as z.infer<typeof MispObjectSchema>[],
    })),
);

/** attributes/add: `{"Attribute": {...}, "AttributeTag": []}` (obs 014). */
export const AttributeAddResponseSchema = z.object({ Attribute: AttributeSchema });

/** tags/index: `{"Tag": [...]}`; the usage counters are numbers while ids are strings (obs 054). */
export const TagIndexResponseSchema = z.object({
  Tag: z.array(
    z.object({
      id: MispId,
      name: z.string(),
      colour: z.string(),
      exportable: MispFlag.optional(),
      hide_tag: MispFlag.optional(),
      is_galaxy: MispFlag.optional(),
      local_only: MispFlag.optional(),
      numerical_value: z.union([z.string(), z.number()]).nullish(),
      count: z.union([z.number(), z.string()]).transform(Number).optional(),
      attribute_count: z.union([z.number(), z.string()]).transform(Number).optional(),
    }),
  ),
});
export type MispTagListItem = z.infer<typeof TagIndexResponseSchema>['Tag'][number];

/**
 * sightings/add: `{"Sighting": {...}}` on success, but a failure is ALSO HTTP 200, with only a
 * `message` (obs 034 vs 038, 042, 043).
 */
export const SightingAddResponseSchema = z.union([
  z.object({ Sighting: SightingRowSchema }),
  z.object({ message: z.string() }),
]);

/** sightings/restSearch: `{"response": [{"Sighting": {..., "value", "Organisation"}}]}` (obs 044). */
export const SightingRestSearchResponseSchema = z.object({
  response: z.array(z.object({ Sighting: SightingRowSchema })),
});

export const WarninglistHitSchema = z.object({
  id: MispId,
  name: z.string(),
  matched: z.string().optional(),
});
export type WarninglistHit = z.infer<typeof WarninglistHitSchema>;

/** warninglists/checkValue: an object keyed by value when something hits, `[]` when nothing does (obs 098, 099). */
export const CheckValueResponseSchema = z.union([
  z.tuple([]).transform((): Record<string, WarninglistHit[]> => ({})),
  z.record(z.string(), z.array(WarninglistHitSchema)),
]);

/** warninglists/index: `{"Warninglists": [{"Warninglist": {...}}]}` (obs 084, 096). */
export const WarninglistIndexResponseSchema = z.object({
  Warninglists: z.array(
    z.object({
      Warninglist: z.object({
        id: MispId,
        name: z.string(),
        type: z.string().optional(),
        enabled: MispFlag,
        warninglist_entry_count: MispId.optional(),
      }),
    }),
  ),
});

/** servers/getVersion (obs 001): the `perm_*` here are the key's EFFECTIVE permissions. */
export const VersionResponseSchema = z.object({
  version: z.string(),
  perm_sync: MispFlag.optional(),
  perm_sighting: MispFlag.optional(),
});

const RolePermission = MispFlag.optional().transform((value) => value ?? false);

/** users/view/me (obs 002). */
export const UserViewMeResponseSchema = z.object({
  User: z.object({ id: MispId, email: z.string(), org_id: MispId.optional() }),
  Role: z.object({
    id: MispId.optional(),
    name: z.string(),
    perm_add: RolePermission,
    perm_modify: RolePermission,
    perm_publish: RolePermission,
    perm_tagger: RolePermission,
    perm_tag_editor: RolePermission,
    perm_sighting: RolePermission,
    perm_site_admin: RolePermission,
  }),
  Organisation: z.object({ id: MispId, name: z.string(), uuid: z.string().optional() }),
});

/** Deletions and other "saved/success/message" answers (events/delete, sightings/delete). */
export const SavedResponseSchema = z.object({
  saved: MispFlag.optional(),
  success: z.union([z.boolean(), z.string(), z.number()]).optional(),
  name: z.string().optional(),
  message: z.string().optional(),
  errors: z.unknown().optional(),
});
