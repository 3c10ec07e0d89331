import type { z } from 'zod';
import { CIDR_ATTRIBUTE_TYPES, parseCidrValue } from './cidr';
import { MispError } from './errors';
import {
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type MispConnection,
  type MispResponse,
  mispFetch,
  normalizeBaseUrl,
} from './http';
import {
  attributeIdentity,
  attributeMatchKeys,
  matchKey,
  partitionLookupValues,
  type RefusedValue,
} from './normalize';
import {
  AttributeAddResponseSchema,
  AttributeRestSearchResponseSchema,
  CheckValueResponseSchema,
  EventEnvelopeSchema,
  EventIndexResponseSchema,
  EventReportAddResponseSchema,
  EventRestSearchResponseSchema,
  GalaxyClusterSearchResponseSchema,
  type MispAttribute,
  type MispEvent,
  type MispSighting,
  type MispTagListItem,
  ObjectTemplateIndexResponseSchema,
  SavedResponseSchema,
  SharingGroupIndexResponseSchema,
  SightingAddResponseSchema,
  SightingRestSearchResponseSchema,
  TagIndexResponseSchema,
  UserViewMeResponseSchema,
  VersionResponseSchema,
  type WarninglistHit,
  WarninglistIndexResponseSchema,
} from './schemas';

export interface MispClientOptions {
  url: string;
  apiKey: string;
  /** Per request, including reading the body. Default 15 s. */
  timeoutMs?: number;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: FetchLike;
}

export interface ConnectionTest {
  version: string;
  user: { id: string; email: string };
  org: { id: string; name: string };
  role: { name: string };
  permissions: {
    add: boolean;
    modify: boolean;
    publish: boolean;
    tagger: boolean;
    tagEditor: boolean;
    sighting: boolean;
    siteAdmin: boolean;
  };
}

export interface LookupOptions {
  /** Page size for attributes/restSearch. */
  limit?: number;
  /** Values per request (MISP turns them into an SQL IN list). */
  chunkSize?: number;
  /**
   * Attributes read per chunk at most (default 2,000, i.e. 4 pages of 500): a value that thousands
   * of attributes carry must not fill the worker's memory.
   */
  maxAttributes?: number;
}

export interface LookupResult {
  /** Every matching attribute, once each (deduplicated by id across chunks and pages). */
  attributes: MispAttribute[];
  /** Values that were not sent because MISP would read them as query syntax. */
  refused: RefusedValue[];
  /** HTTP requests made (0 when there was nothing safe to ask). */
  requests: number;
  /**
   * Values (as sent: match keys) that MISP holds more than `maxAttributes` attributes for: asked on
   * their own, their answer is the first `maxAttributes`. Every other value's answer is complete.
   */
  capped: string[];
}

/** A CIDR attribute in the compact form the range index keeps. */
export interface CidrRange {
  id: string;
  type: string;
  value: string;
  /** The attribute's timestamp (Unix seconds). */
  timestamp: number;
  /** Soft-deleted (only asked for in an incremental fetch). */
  deleted: boolean;
}

export interface AttributeDraft {
  type: string;
  value: string;
  category?: string;
  to_ids?: boolean;
  comment?: string;
  /** Client-made uuid, so that a retried add is recognised. */
  uuid?: string;
  distribution?: number;
  tags?: string[];
  /** An `attachment`'s file, base64 (MISP stores it and never echoes it back). */
  data?: string;
}

/** A MISP object for `createEvent`: the template (by uuid and version, never by name: obs 134). */
export interface ObjectDraft {
  uuid?: string;
  name: string;
  metaCategory: string;
  templateUuid: string;
  templateVersion: string;
  /** Each with its `object_relation`, and a category: MISP carries one attribute's over to the next (obs 132). */
  attributes: Array<AttributeDraft & { relation: string; category: string }>;
}

export interface ObjectTemplateRef {
  id: string;
  uuid: string;
  name: string;
  metaCategory: string;
  version: string;
}

export interface GalaxyClusterRef {
  id: string;
  uuid: string;
  value: string;
  /** The tag that attaches it (`misp-galaxy:threat-actor="APT28"`). */
  tagName: string;
  galaxy: string;
  synonyms: string[];
  /** ATT&CK and other external ids (`T1566`). */
  externalIds: string[];
}

export interface SharingGroupRef {
  id: string;
  uuid: string;
  name: string;
  releasability: string;
}

export interface EventDraft {
  /** Client-made uuid: the idempotency key for retries (generated when absent; store it before sending). */
  uuid?: string;
  info: string;
  /** YYYY-MM-DD; MISP defaults to today. */
  date?: string;
  /** 0 org, 1 community, 2 connected, 3 all, 4 sharing group. */
  distribution: number;
  sharingGroupId?: string;
  /** 1 high, 2 medium, 3 low, 4 undefined. */
  threatLevel: number;
  /** 0 initial, 1 ongoing, 2 complete. */
  analysis: number;
  published?: boolean;
  tags?: string[];
  attributes: AttributeDraft[];
  objects?: ObjectDraft[];
}

export interface CreatedEvent {
  id: string;
  uuid: string;
  /** The stored event (undefined when it already existed and could not be read back). */
  event: MispEvent | undefined;
  /** Attributes as MISP stored them. */
  attributes: MispAttribute[];
  /** Sent attributes MISP silently dropped (invalid values, obs 013). */
  dropped: AttributeDraft[];
  /** The uuid was already taken: an earlier attempt (or someone) created it (obs 011). */
  alreadyExisted: boolean;
}

export type AttributeAddOutcome =
  | { draft: AttributeDraft; outcome: 'added'; attribute: MispAttribute }
  | { draft: AttributeDraft; outcome: 'duplicate'; message: string }
  | { draft: AttributeDraft; outcome: 'invalid'; message: string; fieldErrors: string[] };

export interface SightingInput {
  /** Sight every attribute carrying one of these values (across events)… */
  values?: string[];
  /** …or one attribute, by id or uuid. */
  attributeId?: string;
  /** 0 sighting, 1 false positive, 2 expiration. */
  type: 0 | 1 | 2;
  source: string;
  /** Unix seconds; MISP uses "now" when absent. */
  timestamp?: number;
}

export interface PollEventsOptions {
  tags: string[];
  /** Unix seconds (event timestamp ≥ since) or a MISP relative time such as "1h". */
  since: number | string;
  publishedOnly?: boolean;
  /** Which event time `since` applies to: any change (default) or the last publication. */
  timeField?: 'timestamp' | 'publish_timestamp';
  page?: number;
  limit?: number;
}

export interface EventPage {
  events: MispEvent[];
  /** X-Result-Count: for events, the total number of matches (API-NOTES §10). */
  total: number | undefined;
  hasMore: boolean;
  /** The server's clock when it answered (Unix seconds, from the `Date` header), when it sent one. */
  serverTime?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;
const MAX_PAGES = 1000;
/** Attributes read per lookup group at most (4 pages of 500): beyond it a single value is "capped". */
export const LOOKUP_ATTRIBUTE_BUDGET = 2000;

/**
 * The MISP client used by the background service worker: one method per operation, each sending
 * exactly one kind of request and parsing exactly one kind of answer. Throws `MispError` only.
 */
export class MispClient {
  readonly baseUrl: string;
  private readonly connection: MispConnection;

  constructor(options: MispClientOptions) {
    const apiKey = options.apiKey.trim();
    if (apiKey === '') throw new MispError('config', 'No MISP API key is set.');
    this.baseUrl = normalizeBaseUrl(options.url);
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.connection = {
      baseUrl: this.baseUrl,
      apiKey,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: fetchImpl,
    };
  }

  /** A link into MISP's web UI for an event (for "Open event in MISP"). */
  eventUrl(eventId: string): string {
    return `${this.baseUrl}/events/view/${encodeURIComponent(eventId)}`;
  }

  // --- connection ---------------------------------------------------------------------------

  async testConnection(): Promise<ConnectionTest> {
    const version = await this.get('/servers/getVersion', VersionResponseSchema);
    const me = await this.get('/users/view/me', UserViewMeResponseSchema);
    return {
      version: version.version,
      user: { id: me.User.id, email: me.User.email },
      org: { id: me.Organisation.id, name: me.Organisation.name },
      role: { name: me.Role.name },
      permissions: {
        add: me.Role.perm_add,
        modify: me.Role.perm_modify,
        publish: me.Role.perm_publish,
        tagger: me.Role.perm_tagger,
        tagEditor: me.Role.perm_tag_editor,
        // The role overstates a read-only key; getVersion reports the effective flag (API-NOTES §2).
        sighting: version.perm_sighting ?? me.Role.perm_sighting,
        siteAdmin: me.Role.perm_site_admin,
      },
    };
  }

  // --- lookups ------------------------------------------------------------------------------

  /**
   * Looks values up with attributes/restSearch, in chunks of ≤ 500 values, paging each chunk until a
   * page comes back short. Never sends an empty value list (MISP would return every attribute,
   * obs 030). Group the answer per input with `groupAttributesByValue`.
   *
   * Every answer is complete or says it is not: when a group's attribute budget runs out, nothing of
   * it is kept; it is asked again in smaller groups (the values that showed up in the pages read, and
   * the rest) until each group completes or is a single value, whose first `maxAttributes` attributes
   * are kept and which is listed in `capped`.
   */
  async lookupValues(values: readonly string[], options: LookupOptions = {}): Promise<LookupResult> {
    const limit = options.limit ?? 500;
    const chunkSize = Math.min(options.chunkSize ?? 500, 500);
    const maxPages = Math.max(1, Math.ceil((options.maxAttributes ?? LOOKUP_ATTRIBUTE_BUDGET) / limit));
    const { send, refused } = partitionLookupValues(values);
    const byId = new Map<string, MispAttribute>();
    const capped: string[] = [];
    let requests = 0;
    const groups: string[][] = [];
    for (let start = 0; start < send.length; start += chunkSize)
      groups.push(send.slice(start, start + chunkSize));
    for (let group = groups.shift(); group !== undefined; group = groups.shift()) {
      const answer = await this.searchAttributes(
        {
          value: group,
          includeEventTags: true,
          includeSightings: true,
          includeContext: true,
          includeWarninglistHits: true,
        },
        limit,
        maxPages,
      );
      requests += answer.requests;
      if (answer.cutShort && group.length > 1) {
        groups.unshift(...smallerGroups(group, answer.attributes));
        continue;
      }
      if (answer.cutShort) capped.push(...group);
      for (const attribute of answer.attributes) byId.set(attribute.id, attribute);
    }
    return { attributes: [...byId.values()], refused, requests, capped };
  }

  /**
   * The instance's CIDR ranges (ip-src/ip-dst values containing a slash, MISP's LIKE wildcard `%/%`
   * on purpose), compact: id, value and timestamp only, no context. With `since` (Unix seconds), only
   * ranges changed since then, soft-deleted ones included (deleting an attribute bumps its timestamp,
   * obs 103, 106) so that they can be removed from a kept index. Stops after `maxRanges`.
   */
  async findCidrRanges(
    options: { since?: number; pageSize?: number; maxRanges?: number } = {},
  ): Promise<{ ranges: CidrRange[]; complete: boolean; requests: number }> {
    const pageSize = options.pageSize ?? 5000;
    const maxRanges = options.maxRanges ?? Number.POSITIVE_INFINITY;
    const answer = await this.searchAttributes(
      {
        value: '%/%',
        type: [...CIDR_ATTRIBUTE_TYPES],
        ...(options.since === undefined ? {} : { timestamp: Math.floor(options.since), deleted: [0, 1] }),
      },
      pageSize,
      Math.min(MAX_PAGES, Math.max(1, Math.ceil(maxRanges / pageSize))),
    );
    const ranges = answer.attributes.flatMap((attribute): CidrRange[] =>
      (CIDR_ATTRIBUTE_TYPES as readonly string[]).includes(attribute.type) &&
      parseCidrValue(attribute.value) !== undefined
        ? [
            {
              id: attribute.id,
              type: attribute.type,
              value: attribute.value,
              timestamp: Number(attribute.timestamp) || 0,
              deleted: attribute.deleted ?? false,
            },
          ]
        : [],
    );
    return { ranges, complete: !answer.cutShort, requests: answer.requests };
  }

  /** Attributes changed since `since` carrying (or in events carrying) one of the watched tags. */
  async pollAttributes(options: {
    tags: string[];
    since: number | string;
    limit?: number;
  }): Promise<MispAttribute[]> {
    const tags = options.tags.filter((tag) => tag.trim() !== '');
    // An empty tag list would be no filter at all.
    if (tags.length === 0) return [];
    const { attributes } = await this.searchAttributes(
      { tags, timestamp: options.since, includeEventTags: true, includeContext: true },
      options.limit ?? 500,
    );
    return attributes;
  }

  /**
   * attributes/restSearch with paging. X-Result-Count is not a total (it is the page size +1 when the
   * page was full, obs 024/033), so page until a page has fewer than `limit` attributes.
   */
  private async searchAttributes(
    filters: Record<string, unknown>,
    limit: number,
    maxPages = MAX_PAGES,
  ): Promise<{ attributes: MispAttribute[]; requests: number; cutShort: boolean }> {
    const attributes: MispAttribute[] = [];
    let requests = 0;
    for (let page = 1; page <= maxPages; page += 1) {
      const answer = await this.post(
        '/attributes/restSearch',
        { returnFormat: 'json', ...filters, limit, page },
        AttributeRestSearchResponseSchema,
      );
      requests += 1;
      const batch = answer.response.Attribute;
      attributes.push(...batch);
      // Short page: done. Over-long page: the server ignored `limit`, so it sent everything at once.
      if (batch.length !== limit) return { attributes, requests, cutShort: false };
    }
    // Every page allowed was full: there may be more.
    return { attributes, requests, cutShort: true };
  }

  /**
   * Which values hit an enabled warninglist. Values are lower-cased first (the check is
   * case-sensitive, obs 099); the answer is keyed by the caller's original spelling, hits only.
   */
  async checkWarninglists(values: readonly string[]): Promise<Map<string, WarninglistHit[]>> {
    const byKey = new Map<string, string[]>();
    for (const value of values) {
      const key = value.trim().toLowerCase();
      if (key === '') continue;
      const spellings = byKey.get(key);
      if (spellings === undefined) byKey.set(key, [value]);
      else spellings.push(value);
    }
    const hits = new Map<string, WarninglistHit[]>();
    const keys = [...byKey.keys()];
    for (let start = 0; start < keys.length; start += 500) {
      const chunk = keys.slice(start, start + 500);
      const answer = await this.post('/warninglists/checkValue', chunk, CheckValueResponseSchema);
      for (const [key, listHits] of Object.entries(answer)) {
        for (const original of byKey.get(key) ?? []) hits.set(original, listHits);
      }
    }
    return hits;
  }

  /** The instance's warninglists that are enabled (the ones `checkWarninglists` uses), by name. */
  async enabledWarninglists(): Promise<Array<{ id: string; name: string; entries: number }>> {
    const answer = await this.get('/warninglists/index', WarninglistIndexResponseSchema);
    return answer.Warninglists.flatMap(({ Warninglist: list }) =>
      list.enabled
        ? [{ id: list.id, name: list.name, entries: Number(list.warninglist_entry_count ?? 0) }]
        : [],
    ).sort((a, b) => a.name.localeCompare(b.name));
  }

  // --- events ---------------------------------------------------------------------------------

  /**
   * Files a new event with a client uuid. A retry after a lost answer finds the uuid taken (404 +
   * Location, obs 011): that counts as success, `alreadyExisted: true`. Attributes MISP drops
   * silently (obs 013) are returned in `dropped`.
   */
  async createEvent(draft: EventDraft): Promise<CreatedEvent> {
    const uuid = draft.uuid ?? crypto.randomUUID();
    const body = {
      Event: {
        uuid,
        info: draft.info,
        distribution: draft.distribution,
        threat_level_id: draft.threatLevel,
        analysis: draft.analysis,
        published: draft.published ?? false,
        ...(draft.date === undefined ? {} : { date: draft.date }),
        ...(draft.sharingGroupId === undefined ? {} : { sharing_group_id: draft.sharingGroupId }),
        Tag: (draft.tags ?? []).map((name) => ({ name })),
        Attribute: draft.attributes.map(attributeBody),
        ...(draft.objects && draft.objects.length > 0 ? { Object: draft.objects.map(objectBody) } : {}),
      },
    };
    const response = await this.request({ method: 'POST', path: '/events/add', body, passStatuses: [404] });
    if (response.status === 404) {
      const location = response.headers.get('location');
      if (location === null) throw this.errorFor404(response);
      const existingId = /\/events\/(?:view\/)?(\d+)/.exec(location)?.[1];
      let existing: MispEvent | undefined;
      try {
        existing = await this.getEvent(existingId ?? uuid);
      } catch (error) {
        if (existingId === undefined) throw error;
      }
      const attributes = existing === undefined ? [] : allAttributes(existing);
      return {
        id: existing?.id ?? existingId ?? '',
        uuid: existing?.uuid ?? uuid,
        event: existing,
        attributes,
        dropped: existing === undefined ? [] : droppedAttributes(sentAttributes(draft), attributes),
        alreadyExisted: true,
      };
    }
    const event = this.parse(EventEnvelopeSchema, response).Event;
    const attributes = allAttributes(event);
    return {
      id: event.id,
      uuid: event.uuid,
      event,
      attributes,
      dropped: droppedAttributes(sentAttributes(draft), attributes),
      alreadyExisted: false,
    };
  }

  private errorFor404(response: MispResponse): MispError {
    return new MispError('not-found', `MISP could not find what was asked for (${response.url}).`, {
      status: 404,
      url: response.url,
    });
  }

  async getEvent(idOrUuid: string): Promise<MispEvent> {
    const id = checkedId(idOrUuid, 'event');
    return (await this.get(`/events/view/${id}`, EventEnvelopeSchema)).Event;
  }

  /** Publishes an event (without e-mail alerts: events/publish, obs 080). */
  async publishEvent(idOrUuid: string): Promise<void> {
    const id = checkedId(idOrUuid, 'event');
    const answer = await this.post(`/events/publish/${id}`, undefined, SavedResponseSchema);
    if (answer.saved === false) {
      throw new MispError('validation', `MISP did not publish event ${id}: ${answer.message ?? ''}`, {
        mispMessage: answer.message,
      });
    }
  }

  /**
   * Attaches a Markdown report to an event (eventReports/add, obs 125). The content is stored
   * verbatim, `@[attribute](uuid)` references included. The uuid is the client's: sent again, MISP
   * refuses it as "not unique" (it is attached already), which counts as success here.
   */
  async addEventReport(
    eventId: string,
    report: { uuid: string; name: string; content: string; distribution?: number },
  ): Promise<{ id: string; uuid: string; alreadyExisted: boolean }> {
    const id = checkedId(eventId, 'event');
    try {
      const answer = await this.post(
        `/eventReports/add/${id}`,
        {
          uuid: report.uuid,
          name: report.name,
          content: report.content,
          distribution: report.distribution ?? 5,
        },
        EventReportAddResponseSchema,
      );
      return { id: answer.EventReport.id, uuid: answer.EventReport.uuid, alreadyExisted: false };
    } catch (error) {
      const texts = error instanceof MispError ? [error.message, ...error.fieldErrors] : [];
      if (texts.some((text) => /uuid provided is not unique/i.test(text)))
        return { id: '', uuid: report.uuid, alreadyExisted: true };
      throw error;
    }
  }

  /** The instance's active object templates (objectTemplates/index: no elements, obs 131). */
  async objectTemplates(): Promise<ObjectTemplateRef[]> {
    const answer = await this.get('/objectTemplates/index', ObjectTemplateIndexResponseSchema);
    return answer.flatMap(({ ObjectTemplate: template }) =>
      template.active === false
        ? []
        : [
            {
              id: template.id,
              uuid: template.uuid,
              name: template.name,
              metaCategory: template['meta-category'],
              version: template.version,
            },
          ],
    );
  }

  /**
   * One page of the instance's galaxy clusters with their synonyms and external ids
   * (galaxy_clusters/restSearch has no value filter, obs 149: search happens on Sightline's side).
   */
  async galaxyClusters(options: { page?: number; limit?: number } = {}): Promise<GalaxyClusterRef[]> {
    const answer = await this.post(
      '/galaxy_clusters/restSearch',
      { limit: options.limit ?? 500, page: options.page ?? 1 },
      GalaxyClusterSearchResponseSchema,
    );
    return answer.response.flatMap(({ GalaxyCluster: cluster }) =>
      cluster.deleted
        ? []
        : [
            {
              id: cluster.id,
              uuid: cluster.uuid,
              value: cluster.value,
              tagName: cluster.tag_name,
              galaxy: cluster.Galaxy?.name ?? cluster.type,
              synonyms: cluster.GalaxyElement.filter((e) => e.key === 'synonyms').map((e) => e.value),
              externalIds: cluster.GalaxyElement.filter((e) => e.key === 'external_id').map((e) => e.value),
            },
          ],
    );
  }

  /** The sharing groups this key may use (sharing_groups/index, obs 158, 160). */
  async sharingGroups(): Promise<SharingGroupRef[]> {
    const answer = await this.get('/sharing_groups/index', SharingGroupIndexResponseSchema);
    return answer.response.flatMap(({ SharingGroup: group }) =>
      group.active === false
        ? []
        : [{ id: group.id, uuid: group.uuid, name: group.name, releasability: group.releasability ?? '' }],
    );
  }

  /** Deletes an event (used to clean up after contract tests). */
  async deleteEvent(idOrUuid: string): Promise<void> {
    const id = checkedId(idOrUuid, 'event');
    const answer = await this.post(`/events/delete/${id}`, undefined, SavedResponseSchema);
    if (answer.saved === false || answer.success === false) {
      throw new MispError(
        'validation',
        `MISP did not delete event ${id}: ${answer.message ?? answer.name ?? ''}`,
        {
          mispMessage: answer.message,
        },
      );
    }
  }

  /**
   * Adds attributes one by one (attributes/add reports each bad value, unlike events/add).
   * Validation failures are reported per attribute — a "similar attribute already exists" as
   * `duplicate`, so retries are idempotent; any other failure (unreachable, key, timeout…) aborts
   * the batch by throwing, and the caller retries it whole.
   */
  async addAttributes(eventId: string, drafts: readonly AttributeDraft[]): Promise<AttributeAddOutcome[]> {
    const id = checkedId(eventId, 'event');
    const outcomes: AttributeAddOutcome[] = [];
    for (const draft of drafts) {
      try {
        const answer = await this.post(
          `/attributes/add/${id}`,
          attributeBody(draft),
          AttributeAddResponseSchema,
        );
        outcomes.push({ draft, outcome: 'added', attribute: answer.Attribute });
      } catch (error) {
        if (!(error instanceof MispError) || error.kind !== 'validation') throw error;
        const texts = error.fieldErrors.length > 0 ? error.fieldErrors : [error.message];
        if (texts.some((text) => /already exists/i.test(text))) {
          outcomes.push({ draft, outcome: 'duplicate', message: texts.join('; ') });
        } else {
          outcomes.push({
            draft,
            outcome: 'invalid',
            message: error.message,
            fieldErrors: error.fieldErrors,
          });
        }
      }
    }
    return outcomes;
  }

  /** Recent events, newest first, optionally filtered by a substring of their info (for "add to existing"). */
  async searchEvents(options: { info?: string; limit?: number; page?: number } = {}): Promise<MispEvent[]> {
    // A leading "!" negates the eventinfo filter; "|" would split it into alternatives.
    const info = options.info?.replace(/^!+/, '').replace(/\|/g, ' ').trim();
    const body = {
      ...(info ? { eventinfo: info } : {}),
      limit: options.limit ?? 20,
      page: options.page ?? 1,
      sort: 'timestamp',
      direction: 'desc',
    };
    const events = await this.post('/events/index', body, EventIndexResponseSchema);
    return events.sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
  }

  /**
   * Events (metadata only: tags, orgs, no attributes) changed since `since` that carry a watched tag
   * on the event or one of its attributes. Tag names are case-sensitive in MISP (obs 066).
   */
  async pollEvents(options: PollEventsOptions): Promise<EventPage> {
    const tags = options.tags.filter((tag) => tag.trim() !== '');
    // An empty tag list would be no filter at all: every event on the instance.
    if (tags.length === 0) return { events: [], total: 0, hasMore: false };
    const limit = options.limit ?? 50;
    const response = await this.request({
      method: 'POST',
      path: '/events/restSearch',
      body: {
        returnFormat: 'json',
        tags,
        [options.timeField ?? 'timestamp']: options.since,
        metadata: true,
        ...(options.publishedOnly ? { published: true } : {}),
        limit,
        page: options.page ?? 1,
      },
    });
    const events = this.parse(EventRestSearchResponseSchema, response).response.map((entry) => entry.Event);
    const countHeader = response.headers.get('x-result-count');
    const total = countHeader === null || !/^\d+$/.test(countHeader) ? undefined : Number(countHeader);
    const page = options.page ?? 1;
    const hasMore = total === undefined ? events.length >= limit : total > (page - 1) * limit + events.length;
    const date = Date.parse(response.headers.get('date') ?? '');
    return {
      events,
      total,
      hasMore,
      ...(Number.isFinite(date) ? { serverTime: Math.floor(date / 1000) } : {}),
    };
  }

  // --- watch rules: attributes added to events ------------------------------------------------

  /**
   * The attributes of these events whose own timestamp is ≥ `since` (Unix seconds): what was added or
   * changed in them since then. `timestamp` on attributes/restSearch is the attribute's own time, not
   * the event's (obs 167, 171).
   */
  async attributesAddedSince(options: { eventIds: string[]; since: number }): Promise<MispAttribute[]> {
    const eventIds = [...new Set(options.eventIds.map((id) => checkedId(id, 'event')))];
    if (eventIds.length === 0) return [];
    const { attributes } = await this.searchAttributes(
      { eventid: eventIds, timestamp: Math.floor(options.since) },
      500,
      20,
    );
    return attributes;
  }

  // --- sightings ------------------------------------------------------------------------------

  /**
   * Records a sighting (0), false positive (1) or expiration (2). MISP answers a failure with
   * HTTP 200 and only a `message` (obs 038, 042, 043): that becomes a `MispError` here. On success
   * MISP returns only the last sighting it saved (obs 039, 041).
   */
  async addSighting(input: SightingInput): Promise<MispSighting> {
    const base = {
      type: String(input.type),
      source: input.source,
      ...(input.timestamp === undefined ? {} : { timestamp: Math.floor(input.timestamp) }),
    };
    let path = '/sightings/add';
    let body: Record<string, unknown>;
    if (input.attributeId !== undefined) {
      path = `/sightings/add/${checkedId(input.attributeId, 'attribute')}`;
      body = base;
    } else {
      const { send, refused } = partitionLookupValues(input.values ?? []);
      if (refused.length > 0) {
        throw new MispError(
          'validation',
          `Cannot record a sighting for "${refused[0]?.value}": ${refused[0]?.reason}.`,
          { fieldErrors: refused.map((item) => `${item.value}: ${item.reason}`) },
        );
      }
      if (send.length === 0) throw new MispError('validation', 'No value to record a sighting for.');
      body = { ...base, values: send };
    }
    const answer = await this.post(path, body, SightingAddResponseSchema);
    if ('Sighting' in answer) return answer.Sighting;
    const reason = answer.message.replace(/^Could not add the Sighting\.\s*(Reason:\s*)?/i, '');
    const notFound = /no valid attributes/i.test(answer.message);
    throw new MispError(
      notFound ? 'not-found' : 'validation',
      notFound
        ? `MISP recorded no sighting: it has no attribute you can see with this value. (${reason})`
        : `MISP recorded no sighting: ${reason}`,
      { status: 200, mispMessage: answer.message },
    );
  }

  async deleteSighting(sightingId: string): Promise<void> {
    const id = checkedId(sightingId, 'sighting');
    const answer = await this.post(`/sightings/delete/${id}`, undefined, SavedResponseSchema);
    if (answer.saved === false || answer.success === false) {
      throw new MispError(
        'validation',
        `MISP did not delete the sighting: ${answer.message ?? answer.name ?? ''}`,
        {
          mispMessage: answer.message,
        },
      );
    }
  }

  /**
   * Sightings of one attribute. The id must travel as a JSON number (a numeric string is a 400,
   * obs 045). MISP's default window is the last 30 days; pass `last` (e.g. "365d") for more.
   */
  async sightingsForAttribute(attributeId: string, options: { last?: string } = {}): Promise<MispSighting[]> {
    const id = checkedId(attributeId, 'attribute');
    const body = {
      returnFormat: 'json',
      ...(NUMERIC_ID.test(id) ? { id: Number(id) } : { uuid: id }),
      ...(options.last === undefined ? {} : { last: options.last }),
    };
    const answer = await this.post('/sightings/restSearch/attribute', body, SightingRestSearchResponseSchema);
    return answer.response.map((row) => row.Sighting);
  }

  // --- tags -----------------------------------------------------------------------------------

  /** Tags for autocomplete; `search` is a case-insensitive substring (obs 055/056). */
  async listTags(search?: string): Promise<MispTagListItem[]> {
    const term = search?.trim();
    const body = { exclude_statistics: 1, ...(term ? { searchall: term } : {}) };
    return (await this.post('/tags/index', body, TagIndexResponseSchema)).Tag;
  }

  // --- plumbing -------------------------------------------------------------------------------

  private request(request: Parameters<typeof mispFetch>[1]): Promise<MispResponse> {
    return mispFetch(this.connection, request);
  }

  private async get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.parse(schema, await this.request({ method: 'GET', path }));
  }

  private async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
    return this.parse(schema, await this.request({ method: 'POST', path, body }));
  }

  private parse<S extends z.ZodType>(schema: S, response: MispResponse): z.output<S> {
    const result = schema.safeParse(response.body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const path = issue === undefined ? '' : formatPath(issue.path);
    const where = path === '' ? 'at the top level' : `at ${path}`;
    throw new MispError(
      'bad-response',
      `MISP sent an unexpected answer to ${new URL(response.url).pathname} (${where}: ${issue?.message ?? 'invalid'}). Is this a MISP server, and a supported version?`,
      { status: response.status, url: response.url, path, cause: result.error },
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/**
 * A group whose budget ran out, asked again smaller: the values that showed up in the attributes read
 * (the likely cause) and the others, or two halves when that does not split it.
 */
function smallerGroups(group: readonly string[], read: readonly MispAttribute[]): string[][] {
  const seen = new Set(read.flatMap((attribute) => attributeMatchKeys(attribute)));
  const popular = group.filter((value) => seen.has(matchKey(value)));
  if (popular.length > 0 && popular.length < group.length) {
    return [popular, group.filter((value) => !seen.has(matchKey(value)))];
  }
  const half = Math.ceil(group.length / 2);
  return [group.slice(0, half), group.slice(half)];
}

/** Ids go into URL paths: accept only numeric ids and uuids, so nothing else can reach the path. */
function checkedId(idOrUuid: string, what: string): string {
  const trimmed = idOrUuid.trim();
  if (NUMERIC_ID.test(trimmed) || UUID.test(trimmed)) return trimmed;
  throw new MispError('validation', `"${idOrUuid}" is not a MISP ${what} id or uuid.`);
}

function attributeBody(draft: AttributeDraft): Record<string, unknown> {
  return {
    type: draft.type,
    value: draft.value,
    ...(draft.category === undefined ? {} : { category: draft.category }),
    ...(draft.to_ids === undefined ? {} : { to_ids: draft.to_ids }),
    ...(draft.comment === undefined ? {} : { comment: draft.comment }),
    ...(draft.uuid === undefined ? {} : { uuid: draft.uuid }),
    ...(draft.distribution === undefined ? {} : { distribution: draft.distribution }),
    ...(draft.data === undefined ? {} : { data: draft.data }),
    ...(draft.tags === undefined || draft.tags.length === 0
      ? {}
      : { Tag: draft.tags.map((name) => ({ name })) }),
  };
}

function objectBody(object: ObjectDraft): Record<string, unknown> {
  return {
    ...(object.uuid === undefined ? {} : { uuid: object.uuid }),
    name: object.name,
    'meta-category': object.metaCategory,
    template_uuid: object.templateUuid,
    template_version: object.templateVersion,
    Attribute: object.attributes.map((attribute) => ({
      ...attributeBody(attribute),
      object_relation: attribute.relation,
    })),
  };
}

function sentAttributes(draft: EventDraft): AttributeDraft[] {
  return [...draft.attributes, ...(draft.objects ?? []).flatMap((object) => object.attributes)];
}

function allAttributes(event: MispEvent): MispAttribute[] {
  return [...event.Attribute, ...event.Object.flatMap((object) => object.Attribute)];
}

/** Sent attributes with no stored counterpart of the same type and (MISP-normalised) value. */
function droppedAttributes(
  sent: readonly AttributeDraft[],
  stored: readonly MispAttribute[],
): AttributeDraft[] {
  const kept = new Set(stored.map((attribute) => attributeIdentity(attribute.type, attribute.value)));
  return sent.filter((draft) => !kept.has(attributeIdentity(draft.type, draft.value)));
}
