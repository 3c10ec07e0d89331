import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  ADMIN_ORG,
  ANALYST_ORG,
  API_KEYS,
  RECORDING_START,
  REPLAY_EVENT_1,
  REPLAY_TLP_AMBER,
} from './seed-constants';
import { type Clock, SimStore } from './store';
import type { RoleRow } from './types';
import { checkValue } from './validate';
import { ALL_WARNINGLIST_FILES, REPLAY_WARNINGLIST_FILES } from './warninglists';

/**
 * Seeds: `empty` (orgs, roles, users), `replay` (the state the recording started from) and
 * `citizenlab` (replay plus the 14 real Citizen Lab events, with all fixture warninglists enabled).
 */

export type SeedName = 'replay' | 'citizenlab' | 'empty';

type Permissions = Omit<RoleRow, 'id' | 'name' | 'permission' | 'permission_description'>;

const PERMS_OFF: Permissions = {
  perm_add: false,
  perm_modify: false,
  perm_modify_org: false,
  perm_publish: false,
  perm_delegate: false,
  perm_sync: false,
  perm_admin: false,
  perm_audit: false,
  perm_auth: true,
  perm_site_admin: false,
  perm_regexp_access: false,
  perm_tagger: false,
  perm_template: false,
  perm_sharing_group: false,
  perm_tag_editor: false,
  perm_sighting: false,
  perm_object_template: false,
  perm_galaxy_editor: false,
  perm_warninglist: false,
  perm_analyst_data: false,
};

const PERMS_ON = Object.fromEntries(Object.keys(PERMS_OFF).map((key) => [key, true])) as Permissions;

export const ROLES: RoleRow[] = [
  { ...PERMS_ON, id: 1, name: 'admin', permission: '3', permission_description: 'publish' },
  {
    ...PERMS_OFF,
    id: 6,
    name: 'Read Only',
    permission: '0',
    permission_description: 'read_only',
  },
  {
    // An analyst of a partner org: may add events, sight and tag with existing tags, delete their
    // own org's sightings; may not publish nor create tags.
    ...PERMS_OFF,
    id: 7,
    name: 'Analyst',
    perm_add: true,
    perm_modify: true,
    perm_modify_org: true,
    perm_tagger: true,
    perm_sighting: true,
    perm_analyst_data: true,
    permission: '2',
    permission_description: 'manage_org',
  },
];

export const SIM_USERS = {
  admin: { id: 1, email: 'admin@admin.test', orgId: ADMIN_ORG.id, roleId: 1, apiKey: API_KEYS.admin },
  readOnly: { id: 2, email: 'reader@admin.test', orgId: ADMIN_ORG.id, roleId: 6, apiKey: API_KEYS.readOnly },
  analyst: {
    id: 3,
    email: 'analyst@partner.test',
    orgId: ANALYST_ORG.id,
    roleId: 7,
    apiKey: API_KEYS.analyst,
  },
} as const;

function seedUsers(store: SimStore): void {
  store.addOrg({
    ...ADMIN_ORG,
    local: true,
    description: 'Automatically generated admin organisation',
    type: 'ADMIN',
    dateCreated: '2026-11-22 08:32:42',
  });
  store.addOrg({
    ...ANALYST_ORG,
    local: true,
    description: '',
    type: 'CSIRT',
    dateCreated: '2026-11-22 08:40:00',
  });
  for (const role of ROLES) store.addRole(role);
  for (const user of Object.values(SIM_USERS)) store.addUser({ ...user });
}

function seedReplay(store: SimStore): void {
  const tag = store.addTag({ ...REPLAY_TLP_AMBER });
  const event = store.insertEvent({
    id: 1,
    uuid: REPLAY_EVENT_1.uuid,
    orgcId: ADMIN_ORG.id,
    orgId: ADMIN_ORG.id,
    date: '2026-11-22',
    threatLevelId: 4,
    info: 'test',
    published: false,
    analysis: 0,
    timestamp: REPLAY_EVENT_1.timestamp,
    distribution: 0,
    publishTimestamp: 0,
    sightingTimestamp: 0,
    locked: false,
    creatorEmail: SIM_USERS.admin.email,
    tags: [],
  });
  store.linkTag(event.tags, tag, false, 'eventTag');
  for (const attribute of REPLAY_EVENT_1.attributes) {
    store.insertAttribute({
      id: attribute.id,
      eventId: event.id,
      uuid: attribute.uuid,
      type: attribute.type,
      category: 'Network activity',
      value1: attribute.value,
      value2: '',
      toIds: true,
      timestamp: REPLAY_EVENT_1.timestamp,
      distribution: 5,
      comment: '',
      deleted: false,
      disableCorrelation: false,
      tags: [],
    });
  }
  const first = REPLAY_EVENT_1.attributes[0];
  store.insertSighting({
    id: REPLAY_EVENT_1.sighting.id,
    attributeId: first.id,
    eventId: event.id,
    orgId: ADMIN_ORG.id,
    dateSighting: REPLAY_EVENT_1.sighting.dateSighting,
    uuid: REPLAY_EVENT_1.sighting.uuid,
    source: REPLAY_EVENT_1.sighting.source,
    type: 0,
  });
}

// ------------------------------------------------------------------ Citizen Lab events

const CITIZENLAB_DIR = new URL('../fixtures/misp/seed/citizenlab/', import.meta.url);
/** Each unit has a MISP event export under one of these names (the three without misp.json ship theirs as indicators/iocs.json). */
const EVENT_FILE_NAMES = ['misp.json', 'indicators.json', 'iocs.json'];

const seedOrgSchema = z.object({ name: z.string(), uuid: z.string() });
const seedTagSchema = z.object({ name: z.string(), colour: z.string().optional() });
const seedAttributeSchema = z.object({
  type: z.string(),
  category: z.string(),
  to_ids: z.boolean(),
  uuid: z.string(),
  timestamp: z.string(),
  comment: z.string().default(''),
  value: z.string(),
  deleted: z.boolean().default(false),
  distribution: z.string().default('5'),
  Tag: z.array(seedTagSchema).optional(),
});
const seedEventSchema = z.object({
  response: z.array(
    z.object({
      Event: z.object({
        info: z.string(),
        date: z.string(),
        uuid: z.string(),
        threat_level_id: z.string(),
        analysis: z.string(),
        distribution: z.string(),
        published: z.boolean(),
        timestamp: z.string(),
        publish_timestamp: z.string(),
        Org: seedOrgSchema,
        Orgc: seedOrgSchema,
        Tag: z.array(seedTagSchema).optional(),
        Attribute: z.array(seedAttributeSchema),
      }),
    }),
  ),
});
type SeedEvent = z.infer<typeof seedEventSchema>['response'][number]['Event'];

let citizenlabCache: SeedEvent[] | undefined;

/** The 14 Citizen Lab events, parsed once per process (unit directories in name order). */
export function citizenlabEvents(): SeedEvent[] {
  if (citizenlabCache) return citizenlabCache;
  const events: SeedEvent[] = [];
  for (const unit of readdirSync(CITIZENLAB_DIR).sort()) {
    const files = readdirSync(new URL(`${unit}/`, CITIZENLAB_DIR));
    const file = EVENT_FILE_NAMES.find((name) => files.includes(name));
    if (!file) continue;
    const parsed = seedEventSchema.parse(
      JSON.parse(readFileSync(new URL(`${unit}/${file}`, CITIZENLAB_DIR), 'utf8')),
    );
    for (const item of parsed.response) events.push(item.Event);
  }
  citizenlabCache = events;
  return events;
}

function seedCitizenlab(store: SimStore): void {
  for (const source of citizenlabEvents()) {
    const org = store.ensureOrg(source.Org.name, source.Org.uuid);
    const orgc = store.ensureOrg(source.Orgc.name, source.Orgc.uuid);
    const event = store.insertEvent({
      uuid: source.uuid,
      orgcId: orgc.id,
      orgId: org.id,
      date: source.date,
      threatLevelId: Number(source.threat_level_id),
      info: source.info,
      published: source.published,
      analysis: Number(source.analysis),
      timestamp: Number(source.timestamp),
      distribution: Number(source.distribution),
      publishTimestamp: Number(source.publish_timestamp),
      sightingTimestamp: 0,
      locked: true,
      creatorEmail: '',
      tags: [],
    });
    for (const tagSource of source.Tag ?? []) {
      const tag =
        store.tagByName(tagSource.name) ?? store.addTag({ name: tagSource.name, colour: tagSource.colour });
      store.linkTag(event.tags, tag, false, 'eventTag');
    }
    for (const attribute of source.Attribute) {
      if (attribute.deleted) continue;
      const checked = checkValue(attribute.type, attribute.value);
      const value = checked.ok ? checked.value : attribute.value.trim();
      const separator = value.indexOf('|');
      const composite = attribute.type.includes('|') && separator >= 0;
      const row = {
        type: attribute.type,
        category: attribute.category,
        value1: composite ? value.slice(0, separator) : value,
        value2: composite ? value.slice(separator + 1) : '',
      };
      if (store.findDuplicate(event.id, row)) continue;
      const inserted = store.insertAttribute({
        ...row,
        eventId: event.id,
        uuid: attribute.uuid,
        toIds: attribute.to_ids,
        timestamp: Number(attribute.timestamp),
        distribution: Number(attribute.distribution),
        comment: attribute.comment,
        deleted: false,
        disableCorrelation: false,
        tags: [],
      });
      for (const tagSource of attribute.Tag ?? []) {
        const tag =
          store.tagByName(tagSource.name) ?? store.addTag({ name: tagSource.name, colour: tagSource.colour });
        store.linkTag(inserted.tags, tag, false, 'attributeTag');
      }
    }
  }
}

export interface SeedOptions {
  now?: Clock;
}

export function createSeededStore(seed: SeedName, options: SeedOptions = {}): SimStore {
  const store = new SimStore({
    now: options.now,
    availableWarninglists: seed === 'replay' ? REPLAY_WARNINGLIST_FILES : ALL_WARNINGLIST_FILES,
  });
  seedUsers(store);
  if (seed === 'empty') return store;
  seedReplay(store);
  if (seed === 'citizenlab') {
    seedCitizenlab(store);
    store.updateWarninglists();
    for (const list of store.warninglists.values()) list.enabled = true;
  }
  return store;
}

/** A clock that starts at the recording's time and advances with real time (replay test, demos). */
export function recordingClock(start = RECORDING_START): Clock {
  const origin = Date.now();
  return () => start + Math.floor((Date.now() - origin) / 1000);
}
