import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ALL_GALAXY_FILES, importGalaxies } from './galaxies';
import { objectTemplates } from './object-templates';
import {
  ADMIN_ORG,
  ANALYST_ORG,
  API_KEYS,
  FIRST_ROLES_CREATED,
  LATER_ADMIN_ORG,
  LATER_ROLES_CREATED,
  RECORDING_START,
  REPLAY_EVENT_1,
  REPLAY_TLP_AMBER,
} from './seed-constants';
import { type Clock, dateTime, SimStore } from './store';
import type { RoleRow } from './types';
import { checkValue } from './validate';
import { ALL_WARNINGLIST_FILES, REPLAY_WARNINGLIST_FILES } from './warninglists';

/**
 * Seeds: `empty` (orgs, roles, users), `replay` (the state the first recording started from),
 * `replay-later` (the state of the longer-running server of transcripts 108-186) and `citizenlab`
 * (replay plus the 14 real Citizen Lab events, every fixture warninglist enabled, the threat-actor
 * and ATT&CK galaxies, a sharing group).
 */

export type SeedName = 'replay' | 'replay-later' | 'citizenlab' | 'empty';

type Permissions = Omit<RoleRow, 'id' | 'name' | 'created' | 'permission' | 'permission_description'>;

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
  perm_publish_zmq: false,
  perm_publish_kafka: false,
  perm_decaying: false,
  perm_view_feed_correlations: false,
  default_role: false,
};

const PERMS_ON: Permissions = {
  ...(Object.fromEntries(Object.keys(PERMS_OFF).map((key) => [key, true])) as Permissions),
  default_role: false,
};

/** What a role may do beyond the editing basics that all writing roles share. */
const WRITER: Partial<Permissions> = {
  perm_add: true,
  perm_modify: true,
  perm_modify_org: true,
  perm_audit: true,
  perm_tagger: true,
  perm_sighting: true,
  perm_decaying: true,
  perm_galaxy_editor: true,
  perm_analyst_data: true,
};
const PUBLISHER: Partial<Permissions> = {
  ...WRITER,
  perm_publish: true,
  perm_delegate: true,
  perm_publish_zmq: true,
  perm_publish_kafka: true,
};

/** MISP 2.5.1's six default roles (transcript 174), plus the stand-in's partner-org analyst role. */
export function defaultRoles(created: string): RoleRow[] {
  const role = (
    id: number,
    name: string,
    perms: Partial<Permissions>,
    permission: string,
    permission_description: string,
  ): RoleRow => ({ ...PERMS_OFF, ...perms, id, name, created, permission, permission_description });
  return [
    role(1, 'admin', PERMS_ON, '3', 'publish'),
    role(
      2,
      'Org Admin',
      {
        ...PUBLISHER,
        perm_admin: true,
        perm_template: true,
        perm_sharing_group: true,
        perm_tag_editor: true,
      },
      '3',
      'publish',
    ),
    role(3, 'User', { ...WRITER, default_role: true }, '2', 'manage_org'),
    role(4, 'Publisher', PUBLISHER, '3', 'publish'),
    role(
      5,
      'Sync user',
      { ...PUBLISHER, perm_sync: true, perm_sharing_group: true, perm_tag_editor: true },
      '3',
      'publish',
    ),
    role(6, 'Read Only', { perm_audit: true }, '0', 'read_only'),
    // An analyst of a partner org: may add events, sight and tag with existing tags, delete their
    // own org's sightings; may not publish nor create tags.
    role(
      7,
      'Analyst',
      {
        perm_add: true,
        perm_modify: true,
        perm_modify_org: true,
        perm_tagger: true,
        perm_sighting: true,
        perm_analyst_data: true,
      },
      '2',
      'manage_org',
    ),
  ];
}

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

type SimUserSeed = (typeof SIM_USERS)[keyof typeof SIM_USERS];

function seedUser(store: SimStore, user: SimUserSeed): void {
  const { apiKey, ...fields } = user;
  store.addUser(user.id === 1 ? fields : { ...fields, invitedBy: 1, gpgkey: '', externalAuthKey: '' });
  store.addAuthKey(user.id, { key: apiKey, comment: 'Sightline stand-in' });
}

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
  for (const role of defaultRoles(FIRST_ROLES_CREATED)) store.addRole(role);
  for (const user of Object.values(SIM_USERS)) seedUser(store, user);
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

/**
 * The later server of transcripts 108-186, reconstructed from what its answers show
 * (transcripts/README.md). The ESET corpus it held (55 events, ids 2-62, 5097 attributes, 637
 * objects, 257 tags) is not available here and shows in no answer except through the ids that come
 * after it, so it is reduced to those id counters and to the one corpus tag an answer names
 * (misp-galaxy:threat-actor="Sofacy", id 180, transcript 150). Nine warninglists are loaded under
 * the ids the answers name, six of them enabled (121); the galaxies are available but not yet
 * imported (142, 143).
 */
function seedLater(store: SimStore): void {
  store.addOrg({
    id: 1,
    name: ADMIN_ORG.name,
    uuid: LATER_ADMIN_ORG.uuid,
    local: true,
    description: 'Automatically generated admin organisation',
    type: 'ADMIN',
    dateCreated: LATER_ADMIN_ORG.dateCreated,
  });
  for (const role of defaultRoles(LATER_ROLES_CREATED).filter((row) => row.id <= 6)) store.addRole(role);
  seedUser(store, SIM_USERS.admin);
  store.addTag({ id: 180, name: 'misp-galaxy:threat-actor="Sofacy"', colour: '#0088cc' });
  for (const [file, id, enabled] of LATER_WARNINGLISTS) store.loadWarninglist(file, { id, enabled });
  store.availableGalaxies = [...ALL_GALAXY_FILES];
  // Ids the corpus (and the server's earlier users and keys) had used up.
  store.reserve('event', 63);
  store.reserve('attribute', 5124);
  store.reserve('object', 638);
  store.reserve('tag', 258);
  store.reserve('eventTag', 375);
  // The admin's keys came first: the two users' initial keys of 175/176 got 4 and 5, so 177/178 got 6 and 7.
  store.reserve('authKey', 4);
}

/** [file, id on the later server, enabled before transcript 122]. */
const LATER_WARNINGLISTS: [string, number, boolean][] = [
  ['dynamic-dns', 25, false],
  ['google', 30, true],
  ['public-dns-v4', 58, true],
  ['rfc1918', 61, true],
  ['rfc5735', 63, true],
  ['rfc6761', 65, true],
  ['security-provider-blogpost', 67, false],
  ['tranco10k', 76, true],
  ['url-shortener', 81, false],
];

/** What an analyst's instance typically has besides events: galaxies and a sharing group. */
function seedDemoExtras(store: SimStore): void {
  importGalaxies(store, ALL_GALAXY_FILES);
  const now = store.now();
  store.insertSharingGroup({
    uuid: '5c4b1a3e-9d2f-4e6a-8b7c-1d0e2f3a4b5c',
    name: 'ORGNAME and partners',
    releasability: 'ORGNAME and Partner CERT analysts',
    description: 'Events shared with the partner CERT only',
    orgId: ADMIN_ORG.id,
    syncUserId: SIM_USERS.admin.id,
    active: true,
    roaming: false,
    local: false,
    created: dateTime(now),
    modified: dateTime(now),
    orgs: [{ id: store.allocate('sharingGroupOrg'), orgId: ANALYST_ORG.id, extend: false }],
    servers: [{ id: store.allocate('sharingGroupServer'), serverId: 0, allOrgs: false }],
  });
}

export function createSeededStore(seed: SeedName, options: SeedOptions = {}): SimStore {
  const store = new SimStore({
    now: options.now,
    availableWarninglists: seed === 'replay' ? REPLAY_WARNINGLIST_FILES : ALL_WARNINGLIST_FILES,
  });
  // MISP ships its object templates with the installation.
  store.templates = objectTemplates();
  if (seed === 'replay-later') {
    seedLater(store);
    return store;
  }
  store.availableGalaxies = [...ALL_GALAXY_FILES];
  seedUsers(store);
  if (seed === 'empty') return store;
  seedReplay(store);
  if (seed === 'citizenlab') {
    seedCitizenlab(store);
    store.updateWarninglists();
    for (const list of store.warninglists.values()) list.enabled = true;
    seedDemoExtras(store);
  }
  return store;
}

/** A clock that starts at the recording's time and advances with real time (replay test, demos). */
export function recordingClock(start = RECORDING_START): Clock {
  const origin = Date.now();
  return () => start + Math.floor((Date.now() - origin) / 1000);
}
