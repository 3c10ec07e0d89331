import { randomBytes, randomUUID } from 'node:crypto';
import { categoryAllows, defaultCategory, defaultToIds, isKnownType } from './describe-types';
import {
  type AttributeRow,
  attributeValue,
  type EventRow,
  type OrgRow,
  type RoleRow,
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
  disable_correlation?: unknown;
  Tag?: unknown;
  AttributeTag?: unknown;
}

export type AttributeCheck =
  | { ok: true; row: Omit<AttributeRow, 'id' | 'eventId' | 'timestamp'>; tagNames: TagRequest[] }
  | { ok: false; errors: Record<string, string[]> };

export interface TagRequest {
  name: string;
  local: boolean;
}

export type AddEventResult =
  | { kind: 'created'; event: EventRow }
  | { kind: 'duplicate'; event: EventRow }
  | { kind: 'invalid'; errors: Record<string, Record<string, string[]>> }
  | { kind: 'no-data' };

export type SightingResult = { ok: true; last: SightingRow; count: number } | { ok: false; reason: string };

function asString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

function asFlag(raw: unknown, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  return raw === true || raw === 1 || raw === '1' || raw === 'true';
}

function asIntInRange(raw: unknown, min: number, max: number): number | null | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = asString(raw);
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
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

export class SimStore {
  readonly orgs = new Map<number, OrgRow>();
  readonly roles = new Map<number, RoleRow>();
  readonly users = new Map<number, UserRow>();
  readonly tags = new Map<number, TagRow>();
  readonly events = new Map<number, EventRow>();
  readonly attributes = new Map<number, AttributeRow>();
  readonly sightings = new Map<number, SightingRow>();
  readonly warninglists = new Map<number, WarninglistRow>();
  availableWarninglists: string[];
  readonly now: Clock;

  private nextIds = {
    org: 1,
    user: 1,
    tag: 1,
    event: 1,
    attribute: 1,
    sighting: 1,
    eventTag: 1,
    attributeTag: 1,
    list: 1,
  };
  /** Lower-cased value1/value2 → attribute ids, for the exact (case-insensitive) lookups. */
  private readonly valueIndex = new Map<string, Set<number>>();
  private readonly attributeByUuid = new Map<string, AttributeRow>();
  private readonly eventByUuid = new Map<string, EventRow>();
  private readonly attributesByEvent = new Map<number, AttributeRow[]>();

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.availableWarninglists = [...(options.availableWarninglists ?? [])];
  }

  today(): string {
    return new Date(this.now() * 1000).toISOString().slice(0, 10);
  }

  // ---------------------------------------------------------------- ids

  allocate(kind: keyof SimStore['nextIds']): number {
    const id = this.nextIds[kind];
    this.nextIds[kind] = id + 1;
    return id;
  }

  /** Makes the next id of `kind` at least `next` (seeds that import fixed ids use this). */
  reserve(kind: keyof SimStore['nextIds'], next: number): void {
    if (this.nextIds[kind] < next) this.nextIds[kind] = next;
  }

  // ---------------------------------------------------------------- orgs, roles, users

  addOrg(org: Omit<OrgRow, 'id'> & { id?: number }): OrgRow {
    const id = org.id ?? this.allocate('org');
    this.reserve('org', id + 1);
    const row: OrgRow = { ...org, id };
    this.orgs.set(id, row);
    return row;
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
      dateCreated: new Date(this.now() * 1000).toISOString().slice(0, 19).replace('T', ' '),
    });
  }

  addRole(role: RoleRow): RoleRow {
    this.roles.set(role.id, role);
    return role;
  }

  addUser(user: Omit<UserRow, 'id'> & { id?: number }): UserRow {
    const id = user.id ?? this.allocate('user');
    this.reserve('user', id + 1);
    const row: UserRow = { ...user, id };
    this.users.set(id, row);
    return row;
  }

  userByKey(key: string): UserRow | undefined {
    for (const user of this.users.values()) if (user.apiKey === key) return user;
    return undefined;
  }

  roleOf(user: UserRow): RoleRow {
    const role = this.roles.get(user.roleId);
    if (!role) throw new Error(`user ${user.id} has no role ${user.roleId}`);
    return role;
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

  canSeeEvent(user: UserRow | null, event: EventRow): boolean {
    if (!user || this.isSiteAdmin(user)) return true;
    if (event.orgId === user.orgId || event.orgcId === user.orgId) return true;
    return event.distribution >= 1 && event.distribution <= 3;
  }

  canSeeAttribute(user: UserRow | null, attribute: AttributeRow): boolean {
    const event = this.events.get(attribute.eventId);
    if (!event || !this.canSeeEvent(user, event)) return false;
    if (!user || this.isSiteAdmin(user) || event.orgId === user.orgId) return true;
    return attribute.distribution !== 0 && attribute.distribution !== 4;
  }

  /** Sightings_policy 0 (default): the event owner sees all sightings, other orgs only their own. */
  canSeeSighting(user: UserRow | null, sighting: SightingRow): boolean {
    if (!user || this.isSiteAdmin(user)) return true;
    const event = this.events.get(sighting.eventId);
    if (event && event.orgId === user.orgId) return true;
    return sighting.orgId === user.orgId;
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

  attributesOf(eventId: number): AttributeRow[] {
    return this.attributesByEvent.get(eventId) ?? [];
  }

  liveAttributeCount(eventId: number): number {
    return this.attributesOf(eventId).filter((attribute) => !attribute.deleted).length;
  }

  /** Attribute ids whose value1 or value2 equals `value` case-insensitively. */
  attributeIdsByValue(value: string): ReadonlySet<number> {
    return this.valueIndex.get(value.toLowerCase()) ?? new Set();
  }

  findEventsByInfo(info: string): EventRow[] {
    return [...this.events.values()].filter((event) => event.info === info);
  }

  sightingsOfAttribute(attributeId: number): SightingRow[] {
    return [...this.sightings.values()].filter((sighting) => sighting.attributeId === attributeId);
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
   * Tag::captureTag: an existing tag is reused; a missing one is created (random colour) only when
   * the user may edit tags, otherwise it is skipped (null).
   */
  captureTag(name: string, user: UserRow | null, caseInsensitive: boolean): TagRow | null {
    const existing = this.tagByName(name, caseInsensitive);
    if (existing) return existing;
    if (user && !this.roleOf(user).perm_tag_editor) return null;
    return this.addTag({ name });
  }

  linkTag(links: TagLink[], tag: TagRow, local: boolean, kind: 'eventTag' | 'attributeTag'): boolean {
    if (links.some((link) => link.tagId === tag.id)) return false;
    links.push({ id: this.allocate(kind), tagId: tag.id, local });
    return true;
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
    if (!categoryAllows(category, type)) {
      return { ok: false, errors: { category: ['Options depend on the selected type.'] } };
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
        comment: asString(input.comment) ?? '',
        deleted: false,
        disableCorrelation: asFlag(input.disable_correlation, false),
        tags: [],
      },
      tagNames: [...readTagRequests(input.Tag), ...readTagRequests(input.AttributeTag)],
    };
  }

  /** A live attribute of the event with the same type, category and value (MISP's duplicate rule). */
  findDuplicate(
    eventId: number,
    row: { type: string; category: string; value1: string; value2: string },
  ): AttributeRow | undefined {
    return this.attributesOf(eventId).find(
      (attribute) =>
        !attribute.deleted &&
        attribute.type === row.type &&
        attribute.category === row.category &&
        attribute.value1.toLowerCase() === row.value1.toLowerCase() &&
        attribute.value2.toLowerCase() === row.value2.toLowerCase(),
    );
  }

  insertEvent(event: Omit<EventRow, 'id'> & { id?: number }): EventRow {
    const id = event.id ?? this.allocate('event');
    this.reserve('event', id + 1);
    const row: EventRow = { ...event, id, uuid: event.uuid.toLowerCase() };
    this.events.set(id, row);
    this.eventByUuid.set(row.uuid, row);
    this.attributesByEvent.set(id, this.attributesByEvent.get(id) ?? []);
    return row;
  }

  insertAttribute(attribute: Omit<AttributeRow, 'id'> & { id?: number }): AttributeRow {
    const id = attribute.id ?? this.allocate('attribute');
    this.reserve('attribute', id + 1);
    const row: AttributeRow = { ...attribute, id, uuid: attribute.uuid.toLowerCase() };
    this.attributes.set(id, row);
    this.attributeByUuid.set(row.uuid, row);
    const list = this.attributesByEvent.get(row.eventId) ?? [];
    list.push(row);
    this.attributesByEvent.set(row.eventId, list);
    for (const part of [row.value1, row.value2]) {
      if (part === '') continue;
      const key = part.toLowerCase();
      const ids = this.valueIndex.get(key) ?? new Set<number>();
      ids.add(id);
      this.valueIndex.set(key, ids);
    }
    return row;
  }

  insertSighting(sighting: Omit<SightingRow, 'id'> & { id?: number }): SightingRow {
    const id = sighting.id ?? this.allocate('sighting');
    this.reserve('sighting', id + 1);
    const row: SightingRow = { ...sighting, id };
    this.sightings.set(id, row);
    return row;
  }

  /** Hard-deletes an event with its attributes and their sightings, from every index. */
  deleteEvent(event: EventRow): void {
    for (const attribute of this.attributesOf(event.id)) {
      for (const sighting of this.sightingsOfAttribute(attribute.id)) this.sightings.delete(sighting.id);
      this.attributes.delete(attribute.id);
      this.attributeByUuid.delete(attribute.uuid);
      for (const part of [attribute.value1, attribute.value2])
        this.valueIndex.get(part.toLowerCase())?.delete(attribute.id);
    }
    this.attributesByEvent.delete(event.id);
    this.eventByUuid.delete(event.uuid);
    this.events.delete(event.id);
  }

  /** Marks an event as changed: new timestamp and, as MISP does on edits, unpublished. */
  touchEvent(event: EventRow, timestamp = this.now()): void {
    event.timestamp = timestamp;
    event.published = false;
  }

  /**
   * POST /events/add semantics (transcripts 010-013, 018): wrapper optional, uuid duplicates refused,
   * info required, server defaults, invalid attributes dropped silently, tags captured.
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
      date: dateText || this.today(),
      threatLevelId: threatLevel ?? INSTANCE_DEFAULTS.threatLevel,
      info,
      published: false,
      analysis: analysis ?? 0,
      timestamp: now,
      distribution: distribution ?? INSTANCE_DEFAULTS.eventDistribution,
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
    const attributes = Array.isArray(data.Attribute) ? data.Attribute : [];
    for (const input of attributes) {
      if (!isRecord(input)) continue;
      const checked = this.checkAttribute(input);
      // Invalid attributes are dropped without a word (transcript 013), duplicates collapsed.
      if (!checked.ok || this.findDuplicate(event.id, checked.row)) continue;
      const attribute = this.insertAttribute({ ...checked.row, eventId: event.id, timestamp: now });
      for (const request of checked.tagNames) {
        const tag = this.captureTag(request.name, user, true);
        if (tag) this.linkTag(attribute.tags, tag, request.local, 'attributeTag');
      }
    }
    if (wantsPublish && this.liveAttributeCount(event.id) > 0) {
      event.published = true;
      event.publishTimestamp = now;
    }
    return { kind: 'created', event };
  }

  /** POST /attributes/add/{event} semantics (transcripts 014-017): errors reported, not dropped. */
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
          if (existing.type === 2 && existing.orgId === user.orgId) this.sightings.delete(existing.id);
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

  /** Events sharing a live, correlating value with `event` (MISP's RelatedEvent), newest id first. */
  relatedEvents(user: UserRow | null, event: EventRow): EventRow[] {
    const related = new Set<number>();
    for (const attribute of this.attributesOf(event.id)) {
      if (attribute.deleted || attribute.disableCorrelation) continue;
      for (const part of [attribute.value1, attribute.value2]) {
        if (part === '') continue;
        for (const id of this.attributeIdsByValue(part)) {
          const other = this.attributes.get(id);
          if (!other || other.eventId === event.id || other.deleted || other.disableCorrelation) continue;
          const otherEvent = this.events.get(other.eventId);
          if (otherEvent && this.canSeeEvent(user, otherEvent)) related.add(otherEvent.id);
        }
      }
    }
    return [...related].sort((a, b) => b - a).flatMap((id) => this.events.get(id) ?? []);
  }

  // ---------------------------------------------------------------- warninglists

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
        const id = this.allocate('list');
        this.warninglists.set(id, { ...data, id, enabled: false });
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
