import { randomBytes, randomUUID } from 'node:crypto';
import {
  categoryAllows,
  defaultCategory,
  defaultToIds,
  isKnownCategory,
  isKnownType,
} from './describe-types';
import {
  type AttributeInsert,
  type AttributeRow,
  type AuthKeyRow,
  attributeValue,
  type EventReportRow,
  type EventRow,
  type GalaxyClusterRow,
  type GalaxyRow,
  type ObjectRow,
  type ObjectTemplateRow,
  type OrgRow,
  type RoleRow,
  type SharingGroupRow,
  type SightingRow,
  type TagLink,
  type TagRow,
  type UserRow,
  type WarninglistRow,
} from './types';
import { checkValue } from './validate';
import { loadWarninglistFile } from './warninglists';

/**
 * The stand-in's in-memory MISP database plus the write semantics shared by the HTTP handlers and
 * by tests that seed data directly (events/add, attributes/add, sightings/add, tag capture).
 * Attributes are indexed by value (value1/value2, lower-cased), by uuid and by event, so that
 * lookups stay fast with a million attributes; `bulkLoadAttributes` loads that many cheaply.
 */

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Instance defaults seen in the recording: events default to distribution 1 (transcript 018). */
export const INSTANCE_DEFAULTS = { eventDistribution: 1, attributeDistribution: 5, threatLevel: 4 } as const;

export type Clock = () => number;

export interface StoreOptions {
  /** Current time in Unix seconds; the replay test pins it to the recording's clock. */
  now?: Clock;
  /** Warninglist files that `/warninglists/update` can load (names under test/fixtures/misp/warninglists). */
  availableWarninglists?: readonly string[];
}

export interface AttributeInput {
  type?: unknown;
  value?: unknown;
  category?: unknown;
  to_ids?: unknown;
  comment?: unknown;
  uuid?: unknown;
  distribution?: unknown;
  sharing_group_id?: unknown;
  disable_correlation?: unknown;
  object_relation?: unknown;
  data?: unknown;
  Tag?: unknown;
  AttributeTag?: unknown;
}

export type AttributeCheck =
  | {
      ok: true;
      row: Omit<AttributeRow, 'id' | 'eventId' | 'timestamp' | 'objectId'>;
      tagNames: TagRequest[];
    }
  | { ok: false; errors: Record<string, string[]> };

export interface TagRequest {
  name: string;
  local: boolean;
}

export type AddEventResult =
  | { kind: 'created'; event: EventRow }
  | { kind: 'duplicate'; event: EventRow }
  | { kind: 'invalid'; errors: Record<string, Record<string, string[]>> }
  | { kind: 'invalid-sharing-group' }
  | { kind: 'no-data' };

export type SightingResult = { ok: true; last: SightingRow; count: number } | { ok: false; reason: string };

/** A row for `bulkLoadAttributes`: values are taken as already normalised (no validation). */
export interface BulkAttribute {
  type: string;
  value: string;
  category?: string;
  toIds?: boolean;
  comment?: string;
  uuid?: string;
  timestamp?: number;
}

export const ID_KINDS = [
  'org',
  'user',
  'authKey',
  'tag',
  'event',
  'attribute',
  'object',
  'sighting',
  'eventTag',
  'attributeTag',
  'list',
  'report',
  'sharingGroup',
  'sharingGroupOrg',
  'sharingGroupServer',
  'galaxy',
  'cluster',
  'element',
  'relation',
] as const;
export type IdKind = (typeof ID_KINDS)[number];

export function asString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

export function asFlag(raw: unknown, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  return raw === true || raw === 1 || raw === '1' || raw === 'true';
}

export function asIntInRange(raw: unknown, min: number, max: number): number | null | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = asString(raw);
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

/** Tag requests from `[{"name": ...}]`, `[{"Tag": {"name": ...}}]` or plain strings. */
export function readTagRequests(raw: unknown): TagRequest[] {
  if (!Array.isArray(raw)) return [];
  const requests: TagRequest[] = [];
  for (const item of raw) {
    if (typeof item === 'string') {
      requests.push({ name: item, local: false });
      continue;
    }
    if (!isRecord(item)) continue;
    const inner = isRecord(item.Tag) ? item.Tag : item;
    const name = asString(inner.name);
    if (name && name.trim() !== '')
      requests.push({ name: name.trim(), local: asFlag(inner.local ?? item.local, false) });
  }
  return requests;
}

function randomColour(): string {
  return `#${randomBytes(3).toString('hex')}`;
}

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A new 40-character API key, as MISP makes them. */
export function newApiKey(): string {
  const bytes = randomBytes(40);
  let key = '';
  for (const byte of bytes) key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return key;
}

/** "YYYY-MM-DD HH:MM:SS" (UTC) of a Unix time, as MISP writes created/modified columns. */
export function dateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Lower-cased value → attribute ids. A value held once is kept as a bare number and only a shared
 * one gets a set, so that a million distinct values cost a million map entries and no collections,
 * and a value shared by half a million attributes (a port) still adds and removes in constant time.
 */
class ValueIndex {
  private readonly ids = new Map<string, number | Set<number>>();

  add(value: string, id: number): void {
    if (value === '') return;
    const key = value.toLowerCase();
    const current = this.ids.get(key);
    if (current === undefined) this.ids.set(key, id);
    else if (typeof current === 'number') {
      if (current !== id) this.ids.set(key, new Set([current, id]));
    } else current.add(id);
  }

  remove(value: string, id: number): void {
    const key = value.toLowerCase();
    const current = this.ids.get(key);
    if (current === undefined) return;
    if (typeof current === 'number') {
      if (current === id) this.ids.delete(key);
      return;
    }
    current.delete(id);
    if (current.size === 1) this.ids.set(key, current.values().next().value as number);
  }

  get(value: string): readonly number[] {
    const current = this.ids.get(value.toLowerCase());
    if (current === undefined) return [];
    return typeof current === 'number' ? [current] : [...current];
  }
}

export class SimStore {
  readonly orgs = new Map<number, OrgRow>();
  readonly roles = new Map<number, RoleRow>();
  readonly users = new Map<number, UserRow>();
  readonly authKeys = new Map<number, AuthKeyRow>();
  readonly tags = new Map<number, TagRow>();
  readonly events = new Map<number, EventRow>();
  readonly attributes = new Map<number, AttributeRow>();
  readonly objects = new Map<number, ObjectRow>();
  readonly sightings = new Map<number, SightingRow>();
  readonly reports = new Map<number, EventReportRow>();
  readonly sharingGroups = new Map<number, SharingGroupRow>();
  readonly warninglists = new Map<number, WarninglistRow>();
  readonly galaxies = new Map<number, GalaxyRow>();
  readonly clusters = new Map<number, GalaxyClusterRow>();
  /** Object templates, loaded by the seed (MISP loads them at installation). */
  templates: ObjectTemplateRow[] = [];
  availableWarninglists: string[];
  /** Galaxy files (names under test/fixtures/misp/galaxies) that `/galaxies/update` imports. */
  availableGalaxies: string[] = [];
  /** MISP.baseurl: the server's own address, named in answers (sharing group servers); set on listen. */
  baseUrl = '';
  readonly now: Clock;

  private readonly nextIds = Object.fromEntries(ID_KINDS.map((kind) => [kind, 1])) as Record<IdKind, number>;
  private readonly valueIndex = new ValueIndex();
  private readonly attributeByUuid = new Map<string, AttributeRow>();
  private readonly eventByUuid = new Map<string, EventRow>();
  private readonly attributesByEvent = new Map<number, AttributeRow[]>();
  private readonly sightingsByAttribute = new Map<number, SightingRow[]>();
  private readonly keyIndex = new Map<string, AuthKeyRow>();
  private readonly clusterByTag = new Map<string, GalaxyClusterRow>();
  private readonly clusterByUuid = new Map<string, GalaxyClusterRow>();

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.availableWarninglists = [...(options.availableWarninglists ?? [])];
  }

  today(): string {
    return new Date(this.now() * 1000).toISOString().slice(0, 10);
  }

  // ---------------------------------------------------------------- ids

  allocate(kind: IdKind): number {
    const id = this.nextIds[kind];
    this.nextIds[kind] = id + 1;
    return id;
  }

  /** Makes the next id of `kind` at least `next` (seeds that import fixed ids use this). */
  reserve(kind: IdKind, next: number): void {
    if (this.nextIds[kind] < next) this.nextIds[kind] = next;
  }

  // ---------------------------------------------------------------- orgs, roles, users, keys

  addOrg(org: Omit<OrgRow, 'id'> & { id?: number }): OrgRow {
    return this.insertRow('org', this.orgs, org);
  }

  /** The org with that name (or uuid), created as a non-local org if needed (seeded events). */
  ensureOrg(name: string, uuid: string): OrgRow {
    for (const org of this.orgs.values()) if (org.uuid === uuid || org.name === name) return org;
    return this.addOrg({
      name,
      uuid,
      local: false,
      description: '',
      type: '',
      dateCreated: '2026-11-22 08:32:42',
    });
  }

  /** `Orgc: {name, uuid?}` on an add by a sync user: that org, created (non-local) if unknown. */
  captureOrg(input: unknown): OrgRow | undefined {
    if (!isRecord(input)) return undefined;
    const name = asString(input.name)?.trim() ?? '';
    const uuid = asString(input.uuid)?.trim().toLowerCase() ?? '';
    if (name === '' && uuid === '') return undefined;
    for (const org of this.orgs.values()) if (uuid !== '' && org.uuid === uuid) return org;
    if (name === '') return undefined;
    for (const org of this.orgs.values()) if (org.name === name) return org;
    return this.addOrg({
      name,
      uuid: UUID_RE.test(uuid) ? uuid : randomUUID(),
      local: false,
      description: '',
      type: '',
      dateCreated: dateTime(this.now()),
    });
  }

  addRole(role: RoleRow): RoleRow {
    this.roles.set(role.id, role);
    return role;
  }

  addUser(user: Pick<UserRow, 'email' | 'orgId' | 'roleId'> & Partial<UserRow>): UserRow {
    const id = user.id ?? this.allocate('user');
    this.reserve('user', id + 1);
    const row: UserRow = {
      invitedBy: 0,
      changePw: true,
      termsAccepted: false,
      dateCreated: null,
      lastPwChange: null,
      nidsSid: 4000000 + id - 1,
      gpgkey: null,
      externalAuthKey: null,
      ...user,
      id,
    };
    this.users.set(id, row);
    return row;
  }

  /** Registers an auth key for a user; `key` defaults to a new random one. */
  addAuthKey(
    userId: number,
    options: { key?: string; comment?: string; readOnly?: boolean; expiration?: number; id?: number } = {},
  ): AuthKeyRow {
    const id = options.id ?? this.allocate('authKey');
    this.reserve('authKey', id + 1);
    const row: AuthKeyRow = {
      id,
      uuid: randomUUID(),
      userId,
      key: options.key ?? newApiKey(),
      created: this.now(),
      expiration: options.expiration ?? 0,
      readOnly: options.readOnly ?? false,
      comment: options.comment ?? '',
      allowedIps: null,
    };
    this.authKeys.set(id, row);
    this.keyIndex.set(row.key, row);
    return row;
  }

  /** The auth key row of a clear key, if it exists and has not expired. */
  authKeyFor(key: string): AuthKeyRow | undefined {
    const row = this.keyIndex.get(key);
    if (!row) return undefined;
    if (row.expiration !== 0 && row.expiration < this.now()) return undefined;
    return row;
  }

  userByKey(key: string): UserRow | undefined {
    const row = this.authKeyFor(key);
    return row ? this.users.get(row.userId) : undefined;
  }

  userByEmail(email: string): UserRow | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  roleOf(user: UserRow): RoleRow {
    const role = this.roles.get(user.roleId);
    if (!role) throw new Error(`user ${user.id} has no role ${user.roleId}`);
    return role;
  }

  /** The role a request acts with: a read-only key keeps only API access and audit (AuthKey.read_only). */
  effectiveRole(user: UserRow, key: AuthKeyRow): RoleRow {
    const role = this.roleOf(user);
    if (!key.readOnly) return role;
    const limited = { ...role };
    for (const name of Object.keys(limited) as (keyof RoleRow)[]) {
      if (name.startsWith('perm_') && name !== 'perm_auth' && name !== 'perm_audit') {
        (limited as Record<string, unknown>)[name] = false;
      }
    }
    return limited;
  }

  orgOf(id: number): OrgRow {
    const org = this.orgs.get(id);
    if (!org) throw new Error(`no org ${id}`);
    return org;
  }

  isSiteAdmin(user: UserRow): boolean {
    return this.roleOf(user).perm_site_admin;
  }

  // ---------------------------------------------------------------- visibility (MISP ACL, simplified)

  /** Whether the user's org may use the sharing group: its owner, a member, or any org when all_orgs. */
  canUseSharingGroup(user: UserRow | null, group: SharingGroupRow): boolean {
    if (!user || this.isSiteAdmin(user)) return true;
    if (group.orgId === user.orgId) return true;
    if (group.orgs.some((member) => member.orgId === user.orgId)) return true;
    return group.servers.some((server) => server.serverId === 0 && server.allOrgs);
  }

  canSeeEvent(user: UserRow | null, event: EventRow): boolean {
    if (!user || this.isSiteAdmin(user)) return true;
    if (event.orgId === user.orgId || event.orgcId === user.orgId) return true;
    if (event.distribution === 4) {
      const group = this.sharingGroups.get(event.sharingGroupId);
      return !!group && this.canUseSharingGroup(user, group);
    }
    return event.distribution >= 1 && event.distribution <= 3;
  }

  canSeeAttribute(user: UserRow | null, attribute: AttributeRow): boolean {
    const event = this.events.get(attribute.eventId);
    if (!event || !this.canSeeEvent(user, event)) return false;
    if (!user || this.isSiteAdmin(user) || event.orgId === user.orgId) return true;
    if (attribute.distribution === 4) {
      const group = this.sharingGroups.get(attribute.sharingGroupId);
      return !!group && this.canUseSharingGroup(user, group);
    }
    return attribute.distribution !== 0;
  }

  /** Sightings_policy 0 (default): the event owner sees all sightings, other orgs only their own. */
  canSeeSighting(user: UserRow | null, sighting: SightingRow): boolean {
    if (!user || this.isSiteAdmin(user)) return true;
    const event = this.events.get(sighting.eventId);
    if (event && event.orgId === user.orgId) return true;
    return sighting.orgId === user.orgId;
  }

  canModifyEvent(user: UserRow, event: EventRow): boolean {
    return this.isSiteAdmin(user) || event.orgcId === user.orgId || event.orgId === user.orgId;
  }

  // ---------------------------------------------------------------- lookups

  eventByIdOrUuid(ref: string | number): EventRow | undefined {
    const text = String(ref);
    if (/^\d+$/.test(text)) return this.events.get(Number(text));
    if (UUID_RE.test(text)) return this.eventByUuid.get(text.toLowerCase());
    return undefined;
  }

  attributeByIdOrUuid(ref: string | number): AttributeRow | undefined {
    const text = String(ref);
    if (/^\d+$/.test(text)) return this.attributes.get(Number(text));
    if (UUID_RE.test(text)) return this.attributeByUuid.get(text.toLowerCase());
    return undefined;
  }

  /** Every attribute of the event, object attributes included, in insertion (id) order. */
  attributesOf(eventId: number): AttributeRow[] {
    return this.attributesByEvent.get(eventId) ?? [];
  }

  objectsOf(eventId: number): ObjectRow[] {
    return [...this.objects.values()].filter((object) => object.eventId === eventId);
  }

  attributesOfObject(object: ObjectRow): AttributeRow[] {
    return this.attributesOf(object.eventId).filter((attribute) => attribute.objectId === object.id);
  }

  reportsOf(eventId: number): EventReportRow[] {
    return [...this.reports.values()].filter((report) => report.eventId === eventId);
  }

  /** attribute_count: live attributes, object attributes included (transcript 141). */
  liveAttributeCount(eventId: number): number {
    return this.attributesOf(eventId).filter((attribute) => !attribute.deleted).length;
  }

  /** Attribute ids whose value1 or value2 equals `value` case-insensitively. */
  attributeIdsByValue(value: string): readonly number[] {
    return this.valueIndex.get(value);
  }

  findEventsByInfo(info: string): EventRow[] {
    return [...this.events.values()].filter((event) => event.info === info);
  }

  sightingsOfAttribute(attributeId: number): SightingRow[] {
    return this.sightingsByAttribute.get(attributeId) ?? [];
  }

  tagByName(name: string, caseInsensitive = false): TagRow | undefined {
    const wanted = caseInsensitive ? name.toLowerCase() : name;
    for (const tag of this.tags.values()) {
      if ((caseInsensitive ? tag.name.toLowerCase() : tag.name) === wanted) return tag;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- tags

  addTag(tag: Partial<TagRow> & { name: string }): TagRow {
    const id = tag.id ?? this.allocate('tag');
    this.reserve('tag', id + 1);
    const row: TagRow = {
      id,
      name: tag.name,
      colour: tag.colour ?? randomColour(),
      exportable: tag.exportable ?? true,
      orgId: tag.orgId ?? 0,
      userId: tag.userId ?? 0,
      hideTag: tag.hideTag ?? false,
      isGalaxy: tag.isGalaxy ?? tag.name.startsWith('misp-galaxy:'),
      localOnly: tag.localOnly ?? false,
    };
    this.tags.set(id, row);
    return row;
  }

  /**
   * Tag::captureTag: an existing tag is reused; a missing one is created (random colour unless
   * given) only when the user may edit tags, otherwise it is skipped (null).
   */
  captureTag(name: string, user: UserRow | null, caseInsensitive: boolean, colour?: string): TagRow | null {
    const existing = this.tagByName(name, caseInsensitive);
    if (existing) return existing;
    if (user && !this.roleOf(user).perm_tag_editor) return null;
    return this.addTag({ name, colour });
  }

  linkTag(links: TagLink[], tag: TagRow, local: boolean, kind: 'eventTag' | 'attributeTag'): boolean {
    if (links.some((link) => link.tagId === tag.id)) return false;
    links.push({ id: this.allocate(kind), tagId: tag.id, local });
    return true;
  }

  // ---------------------------------------------------------------- galaxies

  addGalaxy(galaxy: GalaxyRow): void {
    this.galaxies.set(galaxy.id, galaxy);
  }

  addCluster(cluster: GalaxyClusterRow): void {
    this.clusters.set(cluster.id, cluster);
    this.clusterByTag.set(cluster.tagName, cluster);
    this.clusterByUuid.set(cluster.uuid, cluster);
  }

  /** The cluster whose own tag is exactly `tagName` (synonyms are not tags, transcript 148). */
  clusterByTagName(tagName: string): GalaxyClusterRow | undefined {
    return this.clusterByTag.get(tagName);
  }

  clusterByUuidOf(uuid: string): GalaxyClusterRow | undefined {
    return this.clusterByUuid.get(uuid.toLowerCase());
  }

  // ---------------------------------------------------------------- events and attributes

  /** Validates one attribute as MISP's beforeValidate/validation rules would. */
  checkAttribute(input: AttributeInput): AttributeCheck {
    const type = asString(input.type)?.trim() ?? '';
    if (type === '' || !isKnownType(type))
      return { ok: false, errors: { type: ['Options depend on the selected category.'] } };
    const rawValue = asString(input.value);
    if (rawValue === undefined || rawValue.trim() === '')
      return { ok: false, errors: { value: ['Value not set.'] } };
    const checked = checkValue(type, rawValue);
    if (!checked.ok) return { ok: false, errors: { value: [checked.message] } };
    const category = asString(input.category)?.trim() || defaultCategory(type) || 'Other';
    // Attribute::validateTypeValue: the category must list the type; an unknown category fails too.
    if (!isKnownCategory(category)) {
      return {
        ok: false,
        errors: {
          type: ['Options depend on the selected category.'],
          category: ['Options depend on the selected type.'],
        },
      };
    }
    if (!categoryAllows(category, type)) {
      return { ok: false, errors: { type: ['Options depend on the selected category.'] } };
    }
    const distribution = asIntInRange(input.distribution, 0, 5);
    if (distribution === null)
      return {
        ok: false,
        errors: {
          distribution: [
            'Options : Your organisation only, This community only, Connected communities, All communities, Sharing group, Inherit event',
          ],
        },
      };
    let uuid = asString(input.uuid)?.trim().toLowerCase();
    if (uuid !== undefined && uuid !== '') {
      if (!UUID_RE.test(uuid))
        return { ok: false, errors: { uuid: ['Please provide a valid RFC 4122 UUID'] } };
      if (this.attributeByUuid.has(uuid))
        return { ok: false, errors: { uuid: ['The UUID provided is not unique'] } };
    } else {
      uuid = randomUUID();
    }
    const separator = checked.value.indexOf('|');
    const composite = type.includes('|') && separator >= 0;
    const relation = asString(input.object_relation)?.trim();
    const data = typeof input.data === 'string' && input.data !== '' ? input.data : undefined;
    return {
      ok: true,
      row: {
        uuid,
        type,
        category,
        value1: composite ? checked.value.slice(0, separator) : checked.value,
        value2: composite ? checked.value.slice(separator + 1) : '',
        toIds: asFlag(input.to_ids, defaultToIds(type)),
        distribution: distribution ?? INSTANCE_DEFAULTS.attributeDistribution,
        sharingGroupId: distribution === 4 ? Number(asString(input.sharing_group_id) ?? 0) || 0 : 0,
        comment: asString(input.comment) ?? '',
        deleted: false,
        disableCorrelation: asFlag(input.disable_correlation, false),
        tags: [],
        objectRelation: relation ? relation : null,
        // Only file-carrying types keep uploaded content (MISP writes it to app/files).
        ...(data !== undefined && (type === 'attachment' || type === 'malware-sample') ? { data } : {}),
      },
      tagNames: [...readTagRequests(input.Tag), ...readTagRequests(input.AttributeTag)],
    };
  }

  /** A live attribute of the event with the same type, category and value (MISP's duplicate rule). */
  findDuplicate(
    eventId: number,
    row: { type: string; category: string; value1: string; value2: string },
  ): AttributeRow | undefined {
    for (const id of this.valueIndex.get(row.value1)) {
      const attribute = this.attributes.get(id);
      if (
        attribute &&
        attribute.eventId === eventId &&
        !attribute.deleted &&
        attribute.type === row.type &&
        attribute.category === row.category &&
        attribute.value1.toLowerCase() === row.value1.toLowerCase() &&
        attribute.value2.toLowerCase() === row.value2.toLowerCase()
      )
        return attribute;
    }
    return undefined;
  }

  insertEvent(
    event: Omit<EventRow, 'id' | 'userId' | 'sharingGroupId'> &
      Partial<Pick<EventRow, 'id' | 'userId' | 'sharingGroupId'>>,
  ): EventRow {
    const id = event.id ?? this.allocate('event');
    this.reserve('event', id + 1);
    const row: EventRow = {
      userId: 1,
      sharingGroupId: 0,
      ...event,
      id,
      uuid: event.uuid.toLowerCase(),
    };
    this.events.set(id, row);
    this.eventByUuid.set(row.uuid, row);
    this.attributesByEvent.set(id, this.attributesByEvent.get(id) ?? []);
    return row;
  }

  insertAttribute(attribute: AttributeInsert): AttributeRow {
    const id = attribute.id ?? this.allocate('attribute');
    this.reserve('attribute', id + 1);
    const row: AttributeRow = {
      objectId: 0,
      objectRelation: null,
      sharingGroupId: 0,
      ...attribute,
      id,
      uuid: attribute.uuid.toLowerCase(),
    };
    this.attributes.set(id, row);
    this.attributeByUuid.set(row.uuid, row);
    let list = this.attributesByEvent.get(row.eventId);
    if (!list) {
      list = [];
      this.attributesByEvent.set(row.eventId, list);
    }
    list.push(row);
    this.valueIndex.add(row.value1, id);
    this.valueIndex.add(row.value2, id);
    return row;
  }

  /**
   * Loads many attributes into an event without MISP's per-attribute validation and duplicate
   * checks (values are stored as given; composite types split on the first `|`). For seeding large
   * instances: a million rows load in seconds.
   */
  bulkLoadAttributes(event: EventRow, rows: Iterable<BulkAttribute>): number {
    const now = this.now();
    let count = 0;
    for (const row of rows) {
      const separator = row.type.includes('|') ? row.value.indexOf('|') : -1;
      this.insertAttribute({
        eventId: event.id,
        uuid: row.uuid ?? randomUUID(),
        type: row.type,
        category: row.category ?? defaultCategory(row.type) ?? 'Other',
        value1: separator >= 0 ? row.value.slice(0, separator) : row.value,
        value2: separator >= 0 ? row.value.slice(separator + 1) : '',
        toIds: row.toIds ?? defaultToIds(row.type),
        timestamp: row.timestamp ?? now,
        distribution: INSTANCE_DEFAULTS.attributeDistribution,
        comment: row.comment ?? '',
        deleted: false,
        disableCorrelation: false,
        tags: [],
      });
      count++;
    }
    return count;
  }

  /** Stores a row under its own id or the next one of `kind`. */
  private insertRow<T extends { id: number }>(
    kind: IdKind,
    table: Map<number, T>,
    fields: Omit<T, 'id'> & { id?: number },
  ): T {
    const id = fields.id ?? this.allocate(kind);
    this.reserve(kind, id + 1);
    const row = { ...fields, id } as T;
    table.set(id, row);
    return row;
  }

  insertObject(object: Omit<ObjectRow, 'id'> & { id?: number }): ObjectRow {
    return this.insertRow('object', this.objects, object);
  }

  insertSharingGroup(group: Omit<SharingGroupRow, 'id'> & { id?: number }): SharingGroupRow {
    return this.insertRow('sharingGroup', this.sharingGroups, group);
  }

  insertReport(report: Omit<EventReportRow, 'id'> & { id?: number }): EventReportRow {
    return this.insertRow('report', this.reports, report);
  }

  insertSighting(sighting: Omit<SightingRow, 'id'> & { id?: number }): SightingRow {
    const row = this.insertRow('sighting', this.sightings, sighting);
    const list = this.sightingsByAttribute.get(row.attributeId) ?? [];
    list.push(row);
    this.sightingsByAttribute.set(row.attributeId, list);
    return row;
  }

  deleteSighting(sighting: SightingRow): void {
    this.sightings.delete(sighting.id);
    const rest = this.sightingsOfAttribute(sighting.attributeId).filter((other) => other.id !== sighting.id);
    if (rest.length > 0) this.sightingsByAttribute.set(sighting.attributeId, rest);
    else this.sightingsByAttribute.delete(sighting.attributeId);
  }

  /** Hard-deletes an event with its attributes, objects, reports and sightings, from every index. */
  deleteEvent(event: EventRow): void {
    for (const attribute of this.attributesOf(event.id)) {
      for (const sighting of this.sightingsOfAttribute(attribute.id)) this.sightings.delete(sighting.id);
      this.sightingsByAttribute.delete(attribute.id);
      this.attributes.delete(attribute.id);
      this.attributeByUuid.delete(attribute.uuid);
      this.valueIndex.remove(attribute.value1, attribute.id);
      this.valueIndex.remove(attribute.value2, attribute.id);
    }
    for (const object of this.objectsOf(event.id)) this.objects.delete(object.id);
    for (const report of this.reportsOf(event.id)) this.reports.delete(report.id);
    this.attributesByEvent.delete(event.id);
    this.eventByUuid.delete(event.uuid);
    this.events.delete(event.id);
  }

  /** Marks an event as changed: new timestamp and, as MISP does on edits, unpublished. */
  touchEvent(event: EventRow, timestamp = this.now()): void {
    event.timestamp = timestamp;
    event.published = false;
  }

  /** Sharing group `id` if the user may use it; MISP answers 405 otherwise (transcript 162). */
  usableSharingGroup(user: UserRow, raw: unknown): SharingGroupRow | undefined {
    const id = asIntInRange(raw, 1, Number.MAX_SAFE_INTEGER);
    const group = typeof id === 'number' ? this.sharingGroups.get(id) : undefined;
    return group && this.canUseSharingGroup(user, group) ? group : undefined;
  }

  /** Saves validated attributes into an event (dropping duplicates), with their tags. */
  private saveAttributes(
    user: UserRow,
    event: EventRow,
    inputs: unknown[],
    objectId: number,
    timestamp: number,
  ): void {
    for (const input of inputs) {
      if (!isRecord(input)) continue;
      const checked = this.checkAttribute(input);
      // Invalid attributes are dropped without a word (transcript 013), duplicates collapsed.
      if (!checked.ok || (objectId === 0 && this.findDuplicate(event.id, checked.row))) continue;
      const attribute = this.insertAttribute({ ...checked.row, eventId: event.id, timestamp, objectId });
      for (const request of checked.tagNames) {
        const tag = this.captureTag(request.name, user, true);
        if (tag) this.linkTag(attribute.tags, tag, request.local, 'attributeTag');
      }
    }
  }

  /**
   * POST /events/add semantics (transcripts 010-013, 018, 124, 161, 162): wrapper optional, uuid
   * duplicates refused, info required, server defaults, invalid attributes dropped silently, tags
   * captured, objects saved after the plain attributes, distribution 4 needs a usable sharing group.
   */
  addEvent(user: UserRow, body: unknown): AddEventResult {
    let data: unknown = body;
    for (const wrapper of ['request', 'response']) {
      if (isRecord(data) && isRecord(data[wrapper])) data = data[wrapper];
    }
    if (isRecord(data) && isRecord(data.Event)) data = data.Event;
    if (!isRecord(data) || Object.keys(data).length === 0) return { kind: 'no-data' };

    const uuidText = asString(data.uuid)?.trim().toLowerCase();
    if (uuidText) {
      const existing = this.eventByUuid.get(uuidText);
      if (existing) return { kind: 'duplicate', event: existing };
    }
    const errors: Record<string, string[]> = {};
    const info = asString(data.info)?.trim() ?? '';
    if (info === '') errors.info = ['valueNotEmpty'];
    const threatLevel = asIntInRange(data.threat_level_id, 1, 4);
    if (threatLevel === null) errors.threat_level_id = ['Options : 1, 2, 3, 4'];
    const analysis = asIntInRange(data.analysis, 0, 2);
    if (analysis === null) errors.analysis = ['Options : 0, 1, 2'];
    const distribution = asIntInRange(data.distribution, 0, 4);
    if (distribution === null) errors.distribution = ['Options : 0, 1, 2, 3, 4'];
    if (uuidText && !UUID_RE.test(uuidText)) errors.uuid = ['Please provide a valid RFC 4122 UUID'];
    const dateText = asString(data.date)?.trim();
    if (dateText && !/^\d{4}-\d{2}-\d{2}$/.test(dateText))
      errors.date = ['Expected date format: Y-m-d (e.g. 2023-01-23)'];
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors: { Event: errors } };
    const sharingGroup =
      distribution === 4 ? this.usableSharingGroup(user, data.sharing_group_id) : undefined;
    if (distribution === 4 && !sharingGroup) return { kind: 'invalid-sharing-group' };

    const role = this.roleOf(user);
    const now = this.now();
    const wantsPublish = asFlag(data.published, false) && role.perm_publish;
    // The creator org is the key owner's, except that a sync user (the site admin role has perm_sync)
    // may name another in `Orgc`, which is found by uuid or name, or created (API-NOTES: /events/add).
    const orgc = role.perm_sync ? this.captureOrg(data.Orgc) : undefined;
    const event = this.insertEvent({
      uuid: uuidText || randomUUID(),
      orgcId: orgc?.id ?? user.orgId,
      orgId: user.orgId,
      userId: user.id,
      date: dateText || this.today(),
      threatLevelId: threatLevel ?? INSTANCE_DEFAULTS.threatLevel,
      info,
      published: false,
      analysis: analysis ?? 0,
      timestamp: now,
      distribution: distribution ?? INSTANCE_DEFAULTS.eventDistribution,
      sharingGroupId: sharingGroup?.id ?? 0,
      publishTimestamp: 0,
      sightingTimestamp: 0,
      locked: false,
      creatorEmail: user.email,
      tags: [],
    });
    for (const request of [...readTagRequests(data.Tag), ...readTagRequests(data.EventTag)]) {
      const tag = this.captureTag(request.name, user, true);
      if (tag) this.linkTag(event.tags, tag, request.local, 'eventTag');
    }
    this.saveAttributes(user, event, Array.isArray(data.Attribute) ? data.Attribute : [], 0, now);
    for (const input of Array.isArray(data.Object) ? data.Object : []) {
      if (!isRecord(input)) continue;
      const objectUuid = asString(input.uuid)?.trim().toLowerCase();
      const object = this.insertObject({
        eventId: event.id,
        uuid: objectUuid && UUID_RE.test(objectUuid) ? objectUuid : randomUUID(),
        name: asString(input.name) ?? '',
        metaCategory: asString(input['meta-category']) ?? '',
        // Objects inside /events/add keep what was sent: no description comes from the template (124).
        description: asString(input.description) ?? null,
        templateUuid: asString(input.template_uuid) ?? '',
        templateVersion: asString(input.template_version) ?? '',
        timestamp: now,
        distribution: asIntInRange(input.distribution, 0, 5) ?? 0,
        sharingGroupId: 0,
        comment: asString(input.comment) ?? '',
        deleted: false,
      });
      this.saveAttributes(user, event, Array.isArray(input.Attribute) ? input.Attribute : [], object.id, now);
    }
    if (wantsPublish && this.liveAttributeCount(event.id) > 0) {
      event.published = true;
      event.publishTimestamp = now;
    }
    return { kind: 'created', event };
  }

  /** POST /attributes/add/{event} semantics (transcripts 014-017, 163): errors reported, not dropped. */
  addAttribute(
    user: UserRow | null,
    event: EventRow,
    input: AttributeInput,
  ): { ok: true; attribute: AttributeRow } | { ok: false; errors: Record<string, string[]> } {
    const checked = this.checkAttribute(input);
    if (!checked.ok) return checked;
    if (this.findDuplicate(event.id, checked.row)) {
      return { ok: false, errors: { value: ['A similar attribute already exists for this event.'] } };
    }
    const now = this.now();
    const attribute = this.insertAttribute({ ...checked.row, eventId: event.id, timestamp: now });
    for (const request of checked.tagNames) {
      const tag = this.captureTag(request.name, user, true);
      if (tag) this.linkTag(attribute.tags, tag, request.local, 'attributeTag');
    }
    this.touchEvent(event, now);
    return { ok: true, attribute };
  }

  softDeleteAttribute(attribute: AttributeRow): void {
    const now = this.now();
    attribute.deleted = true;
    attribute.timestamp = now;
    const event = this.events.get(attribute.eventId);
    if (event) this.touchEvent(event, now);
  }

  publishEvent(event: EventRow): void {
    event.published = true;
    event.publishTimestamp = this.now();
  }

  // ---------------------------------------------------------------- sightings

  /**
   * Sighting::saveSightings: by attribute id(s)/uuid, or by value(s) matching value1/value2 of every
   * visible live attribute; only the last saved row is reported (transcripts 034-043).
   */
  addSightings(
    user: UserRow,
    target: { id?: string; values?: string[]; filters?: { type?: string; eventid?: string } },
    type: unknown,
    source: string,
    timestamp: number,
  ): SightingResult {
    const typeText = asString(type) ?? '0';
    if (!['0', '1', '2'].includes(typeText)) {
      return { ok: false, reason: 'Invalid type, please change it before you POST 1000000 sightings.' };
    }
    const sightingType = Number(typeText) as 0 | 1 | 2;
    let candidates: AttributeRow[] = [];
    if (target.id !== undefined && target.id !== '') {
      for (const ref of target.id.split('|')) {
        const attribute = this.attributeByIdOrUuid(ref.trim());
        if (attribute) candidates.push(attribute);
      }
    } else if (target.values && target.values.length > 0) {
      const ids = new Set<number>();
      for (const value of target.values) for (const id of this.attributeIdsByValue(value)) ids.add(id);
      candidates = [...ids].sort((a, b) => a - b).flatMap((id) => this.attributes.get(id) ?? []);
      if (target.filters?.type) candidates = candidates.filter((a) => a.type === target.filters?.type);
      if (target.filters?.eventid)
        candidates = candidates.filter((a) => String(a.eventId) === target.filters?.eventid);
    }
    const visible = candidates.filter(
      (attribute) => !attribute.deleted && this.canSeeAttribute(user, attribute),
    );
    if (visible.length === 0)
      return { ok: false, reason: 'No valid attributes found that match the criteria.' };
    let last: SightingRow | undefined;
    for (const attribute of visible) {
      if (typeText === '2') {
        // A new expiration replaces the previous expiration of the same org on that attribute.
        for (const existing of this.sightingsOfAttribute(attribute.id)) {
          if (existing.type === 2 && existing.orgId === user.orgId) this.deleteSighting(existing);
        }
      }
      last = this.insertSighting({
        attributeId: attribute.id,
        eventId: attribute.eventId,
        orgId: user.orgId,
        dateSighting: timestamp,
        uuid: randomUUID(),
        source,
        type: sightingType,
      });
    }
    if (!last) return { ok: false, reason: 'No valid attributes found that match the criteria.' };
    return { ok: true, last, count: visible.length };
  }

  // ---------------------------------------------------------------- correlations

  /**
   * Live, correlating attributes of other events that share a value (value1 or value2) with the
   * attribute, visible to the user, by id.
   */
  correlatedAttributes(user: UserRow | null, attribute: AttributeRow): AttributeRow[] {
    if (attribute.deleted || attribute.disableCorrelation) return [];
    const ids = new Set<number>();
    for (const part of [attribute.value1, attribute.value2]) {
      for (const id of this.attributeIdsByValue(part)) {
        const other = this.attributes.get(id);
        if (!other || other.eventId === attribute.eventId || other.deleted || other.disableCorrelation)
          continue;
        if (this.canSeeAttribute(user, other)) ids.add(id);
      }
    }
    return [...ids].sort((a, b) => a - b).flatMap((id) => this.attributes.get(id) ?? []);
  }

  /** Events sharing a live, correlating value with `event` (MISP's RelatedEvent), newest id first. */
  relatedEvents(user: UserRow | null, event: EventRow): EventRow[] {
    const related = new Set<number>();
    for (const attribute of this.attributesOf(event.id)) {
      for (const other of this.correlatedAttributes(user, attribute)) related.add(other.eventId);
    }
    return [...related]
      .sort((a, b) => b - a)
      .flatMap((id) => {
        const other = this.events.get(id);
        return other && this.canSeeEvent(user, other) ? [other] : [];
      });
  }

  // ---------------------------------------------------------------- warninglists

  /** Loads a list file as a warninglist row (disabled unless said), with the next id or the one given. */
  loadWarninglist(file: string, options: { id?: number; enabled?: boolean } = {}): WarninglistRow {
    const id = options.id ?? this.allocate('list');
    this.reserve('list', id + 1);
    const row: WarninglistRow = { ...loadWarninglistFile(file), id, enabled: options.enabled ?? false };
    this.warninglists.set(id, row);
    return row;
  }

  /** POST /warninglists/update: loads available list files that are not loaded yet (disabled). */
  updateWarninglists(): number {
    let updated = 0;
    const loadedFiles = new Map([...this.warninglists.values()].map((list) => [list.file, list]));
    for (const file of [...this.availableWarninglists].sort()) {
      const data = loadWarninglistFile(file);
      const existing = loadedFiles.get(file);
      if (existing) {
        if (existing.version >= data.version) continue;
        Object.assign(existing, data);
      } else {
        this.loadWarninglist(file);
      }
      updated++;
    }
    return updated;
  }

  enabledWarninglists(): WarninglistRow[] {
    return [...this.warninglists.values()].filter((list) => list.enabled);
  }

  valueOf(attribute: AttributeRow): string {
    return attributeValue(attribute);
  }
}
