import { z } from 'zod';
import { AttributesSubmissionSchema, EventSubmissionSchema, SubmissionViewSchema } from './events/model';
import { INDICATOR_KINDS } from './indicators/model';
import { MatchSchema } from './lookup/matches';
import { HIGHLIGHT_MODES, PreferencesSchema } from './settings';
import {
  MAX_SIGHTING_VALUES,
  SightingHistoryRowSchema,
  SightingPermissionViewSchema,
  SightingTypeSchema,
  SightingViewSchema,
} from './sightings/model';
import { ThemeSchema } from './theme';
import {
  AlertViewSchema,
  WatchInstanceViewSchema,
  WatchSettingsSchema,
  WatchTestReportSchema,
} from './watch/model';

/**
 * The one message protocol between content scripts, popup, options and the background.
 * Each message type declares its request and response schemas and who may send it:
 * - `ui`: extension pages only (popup, options) — anything that touches keys or writes to MISP;
 * - `content`: our content script in a tab;
 * - `any`: either.
 * Both ends parse with zod: a message that does not parse is dropped (and logged) by the receiver.
 */

export const ErrorInfoSchema = z.object({
  kind: z.string(),
  message: z.string(),
  details: z.array(z.string()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

const Result = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
  ]);

/** An instance as extension pages see it: the key is masked, never sent in full. */
export const PublicInstanceSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  keyHint: z.string(),
  hasKey: z.boolean(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
  /** Preset by the organisation's policy: URL and name are locked. */
  managed: z.boolean().optional(),
  /** The policy supplies the key. */
  keyFromPolicy: z.boolean().optional(),
});
export type PublicInstance = z.infer<typeof PublicInstanceSchema>;

export const ConnectionInfoSchema = z.object({
  version: z.string(),
  userEmail: z.string(),
  orgName: z.string(),
  roleName: z.string(),
  permissions: z.object({
    add: z.boolean(),
    modify: z.boolean(),
    publish: z.boolean(),
    tagger: z.boolean(),
    tagEditor: z.boolean(),
    sighting: z.boolean(),
  }),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>;

const InstanceInputSchema = z.object({
  id: z.string().optional(),
  name: z.string().max(200),
  url: z.string().max(2000),
  /** Absent or empty: keep the stored key. */
  apiKey: z.string().max(200).optional(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
});
export type InstanceInput = z.infer<typeof InstanceInputSchema>;

export const MAX_VALUE_LENGTH = 2048;
const MAX_PAGE_INDICATORS = 20_000;

/** One distinct indicator found on a page (or pasted text). */
/** Text one `page/extract` request may carry (the content script sends about 512 KB at a time). */
export const MAX_EXTRACT_CHARS = 8 * 1024 * 1024;
const MAX_EXTRACT_TEXTS = 10_000;

/**
 * What extraction found in a batch of texts, laid out for a cheap check and a small message (the
 * content script reads it on the page's main thread): each distinct indicator once, in parallel
 * lists, and every occurrence as four numbers in `hits`: text index, indicator index, start, end
 * (exclusive; offsets in that text).
 */
export const ExtractionSchema = z
  .object({
    kinds: z.array(z.enum(INDICATOR_KINDS)),
    values: z.array(z.string().min(1).max(MAX_VALUE_LENGTH)),
    /** The characters as the page shows them; empty when they are the value itself. */
    originals: z.array(z.string().max(MAX_VALUE_LENGTH * 4)),
    // Tens of thousands of numbers: checked in one loop rather than one schema call each.
    hits: z.custom<number[]>(
      (hits) =>
        Array.isArray(hits) &&
        hits.length % 4 === 0 &&
        hits.every((n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0),
      { message: 'hits must be whole numbers, four per occurrence' },
    ),
  })
  .refine(
    ({ kinds, values, originals, hits }) =>
      kinds.length === values.length &&
      originals.length === values.length &&
      hits.every((n, i) => i % 4 !== 1 || n < values.length),
    { message: 'Inconsistent extraction answer' },
  );
export type Extraction = z.infer<typeof ExtractionSchema>;

export const PageIndicatorSchema = z.object({
  type: z.enum(INDICATOR_KINDS),
  value: z.string().min(1).max(MAX_VALUE_LENGTH),
  original: z.string().max(MAX_VALUE_LENGTH * 4),
  count: z.number().int().min(1),
});
export type PageIndicator = z.infer<typeof PageIndicatorSchema>;

export const VALUE_STATUSES = ['known', 'new', 'benign', 'pending', 'error', 'skipped'] as const;
export const ValueStatusSchema = z.object({
  status: z.enum(VALUE_STATUSES),
  /** For known values: the most severe threat level among matching events (1 high … 4 undefined). */
  threatLevel: z.number().int().min(1).max(4).optional(),
  /** Number of distinct MISP events the value appears in. */
  eventCount: z.number().int().nonnegative().optional(),
  /** For benign values: the warninglist that names them. */
  benignList: z.string().optional(),
  /** For errors: why the lookup failed. */
  error: z.string().optional(),
  /** For known values: the events per MISP instance that knows it (several instances). */
  instances: z
    .array(z.object({ instanceId: z.string(), eventCount: z.number().int().nonnegative() }))
    .optional(),
});
export type ValueStatus = z.infer<typeof ValueStatusSchema>;

export const PublicInstanceRefSchema = z.object({ id: z.string(), name: z.string(), url: z.string() });

export const TabIndicatorsSchema = z.object({
  tabId: z.number().int(),
  url: z.string(),
  title: z.string(),
  indicators: z.array(PageIndicatorSchema.extend({ status: ValueStatusSchema })),
  /** Lookup problems per instance, shown once rather than per value. */
  problems: z.array(z.string()),
  /** The instances lookups go to, each with its current problem (if its last lookup failed). */
  instances: z
    .array(z.object({ id: z.string(), name: z.string(), problem: z.string().optional() }))
    .optional(),
});
export type TabIndicators = z.infer<typeof TabIndicatorsSchema>;

export const protocol = {
  'instances/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(PublicInstanceSchema)),
  },
  'instances/save': {
    from: 'ui',
    request: z.object({ instance: InstanceInputSchema }),
    response: Result(PublicInstanceSchema),
  },
  'instances/remove': {
    from: 'ui',
    request: z.object({ id: z.string() }),
    response: Result(z.object({})),
  },
  /** Tests a URL + key as typed (key optional: falls back to the stored key of `id`). */
  'connection/test': {
    from: 'ui',
    request: z.object({
      id: z.string().optional(),
      url: z.string().max(2000),
      apiKey: z.string().max(200).optional(),
    }),
    response: Result(ConnectionInfoSchema),
  },
  'preferences/get': {
    from: 'any',
    request: z.object({}),
    response: Result(PreferencesSchema),
  },
  'preferences/save': {
    from: 'ui',
    request: z.object({ patch: PreferencesSchema.partial() }),
    response: Result(PreferencesSchema),
  },
  /** The content script asks whether (and how) to scan the page it runs in. */
  'page/config': {
    from: 'content',
    request: z.object({ url: z.string().max(10_000) }),
    response: Result(
      z.object({ mode: z.enum(HIGHLIGHT_MODES), scan: z.boolean(), reason: z.string().optional() }),
    ),
  },
  /** The content script sends its frame's text (joined slices) and gets the indicators in each back. */
  'page/extract': {
    from: 'content',
    request: z.object({
      texts: z
        .array(z.string())
        .max(MAX_EXTRACT_TEXTS)
        .refine((texts) => texts.reduce((sum, text) => sum + text.length, 0) <= MAX_EXTRACT_CHARS, {
          message: `At most ${MAX_EXTRACT_CHARS} characters a request`,
        }),
    }),
    response: Result(ExtractionSchema),
  },
  /** The content script reports the indicators of its frame and gets their status back. */
  'page/indicators': {
    from: 'content',
    request: z.object({
      url: z.string().max(10_000),
      title: z.string().max(2_000),
      indicators: z.array(PageIndicatorSchema).max(MAX_PAGE_INDICATORS),
    }),
    // Most of a page's values are new to MISP: those come as a plain list (cheap to check on the page's
    // main thread), every other status in `statuses`.
    response: Result(
      z.object({ statuses: z.record(z.string(), ValueStatusSchema), newValues: z.array(z.string()) }),
    ),
  },
  /** Statuses for values outside a page report (a selection, pasted text). */
  'lookup/values': {
    from: 'any',
    request: z.object({ indicators: z.array(PageIndicatorSchema).max(MAX_PAGE_INDICATORS) }),
    response: Result(z.object({ statuses: z.record(z.string(), ValueStatusSchema) })),
  },
  /** The hover card asks for the matches of one value (served from the lookup cache). */
  'card/matches': {
    from: 'content',
    request: z.object({ value: z.string().min(1).max(MAX_VALUE_LENGTH) }),
    response: Result(
      z.object({
        value: z.string(),
        matches: z.array(MatchSchema),
        instances: z.array(PublicInstanceRefSchema),
        /** The analyst's "Theme" choice: the card follows it like the popup and options do. */
        theme: ThemeSchema,
      }),
    ),
  },
  /** The popup asks what was found on a tab. */
  'tab/indicators': {
    from: 'ui',
    request: z.object({ tabId: z.number().int().nonnegative() }),
    response: Result(TabIndicatorsSchema),
  },
  /** The popup (or a shortcut, via the background) asks a tab to scan now ("Only when I ask"). */
  'tab/scan': {
    from: 'ui',
    request: z.object({ tabId: z.number().int().nonnegative() }),
    response: Result(z.object({})),
  },
  /** Watched tags (issue 7): settings and status per instance. */
  'watch/get': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(WatchInstanceViewSchema)),
  },
  'watch/save': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200), settings: WatchSettingsSchema }),
    response: Result(WatchSettingsSchema),
  },
  /** Tag names for the "Watched tags" autocomplete (MISP's /tags/index, exact spelling). */
  'watch/tags': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200), search: z.string().max(255) }),
    response: Result(z.array(z.object({ name: z.string(), colour: z.string() }))),
  },
  /** "Test": one poll that reports what it would notify, without notifying or moving the cursor. */
  'watch/test': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200) }),
    response: Result(WatchTestReportSchema),
  },
  /** The popup's "Alerts" tab: recent alerts, unread count and the watch status lines. */
  'alerts/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(
      z.object({ alerts: z.array(AlertViewSchema), unread: z.number().int(), problems: z.array(z.string()) }),
    ),
  },
  /** Opens an alert's event in MISP (same path as clicking its notification) and marks it read. */
  'alerts/open': {
    from: 'ui',
    request: z.object({ id: z.string().max(500) }),
    response: Result(z.object({})),
  },
  /** Marks alerts read (all when `ids` is absent). */
  'alerts/mark-read': {
    from: 'ui',
    request: z.object({ ids: z.array(z.string().max(500)).max(1000).optional() }),
    response: Result(z.object({})),
  },
  /** Event filing (issue 5): the default instance for events and what its key may do. */
  'events/setup': {
    from: 'ui',
    /** `instanceId`: the instance chosen in the form (absent: the default for new events). */
    request: z.object({ instanceId: z.string().max(200).optional() }),
    response: Result(
      z.object({
        instance: PublicInstanceRefSchema.nullable(),
        /** Every instance events can be filed to (with a key); the default first. */
        instances: z.array(PublicInstanceRefSchema).optional(),
        canPublish: z.boolean(),
        canCreateTags: z.boolean(),
        problem: z.string().optional(),
      }),
    ),
  },
  /** Tag names for the "Tags" autocomplete (MISP's /tags/index, exact spelling). */
  'events/tags': {
    from: 'ui',
    request: z.object({ search: z.string().max(255), instanceId: z.string().max(200).optional() }),
    response: Result(z.array(z.object({ name: z.string(), colour: z.string() }))),
  },
  /** Recent events (optionally by info) for "Add to existing event". */
  'events/recent': {
    from: 'ui',
    request: z.object({ info: z.string().max(255), instanceId: z.string().max(200).optional() }),
    response: Result(
      z.array(z.object({ id: z.string(), info: z.string(), date: z.string(), org: z.string() })),
    ),
  },
  /** Files a new event through the outbox (the key is the event's uuid: repeats are one event). */
  'events/create': {
    from: 'ui',
    request: EventSubmissionSchema,
    response: Result(SubmissionViewSchema),
  },
  /** Adds attributes to an existing event through the outbox. */
  'events/add-attributes': {
    from: 'ui',
    request: AttributesSubmissionSchema,
    response: Result(SubmissionViewSchema),
  },
  /** Event and attribute submissions in the outbox, newest first. */
  'events/submissions': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(SubmissionViewSchema)),
  },
  'events/retry': {
    from: 'ui',
    request: z.object({ id: z.string().max(100) }),
    response: Result(SubmissionViewSchema.nullable()),
  },
  'events/discard': {
    from: 'ui',
    request: z.object({ id: z.string().max(100) }),
    response: Result(z.object({})),
  },
  /** Options: what the organisation's policy locks (settings handlers). */
  'policy/get': {
    from: 'ui',
    request: z.object({}),
    response: Result(
      z.object({
        lockInstances: z.boolean(),
        locked: z.array(z.string()),
        managedInstances: z.number().int(),
      }),
    ),
  },
  /** Options: lookup cache statistics and "Clear cache". */
  'cache/stats': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({ entries: z.number().int(), hits: z.number().int() })),
  },
  'cache/clear': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({})),
  },
  /** Options: settings as JSON; keys only when asked. */
  'settings/export': {
    from: 'ui',
    request: z.object({ includeKeys: z.boolean() }),
    response: Result(z.object({ json: z.string() })),
  },
  'settings/import': {
    from: 'ui',
    request: z.object({ json: z.string().max(1_000_000) }),
    response: Result(z.object({ instances: z.number().int(), preferences: z.number().int() })),
  },
  /**
   * Records a sighting (0), false positive (1) or expiration (2) of values. From the hover card the
   * source page is the sender's frame; from the popup it is `tabId`'s page. Goes through the outbox.
   */
  'sightings/record': {
    from: 'any',
    request: z.object({
      values: z.array(z.string().min(1).max(MAX_VALUE_LENGTH)).min(1).max(MAX_SIGHTING_VALUES),
      type: SightingTypeSchema,
      tabId: z.number().int().nonnegative().optional(),
      /** Only this instance (the card's instance section, the popup's choice); absent: every instance that knows the value. */
      instanceId: z.string().max(200).optional(),
    }),
    response: Result(z.object({ records: z.array(SightingViewSchema) })),
  },
  /** Undoes a recorded sighting (MISP /sightings/delete) or cancels one still queued. */
  'sightings/undo': {
    from: 'any',
    request: z.object({ key: z.string().min(1).max(200) }),
    response: Result(z.object({ outcome: z.enum(['undone', 'cancelled', 'queued']), message: z.string() })),
  },
  /** The analyst's recent sightings and the outbox state of queued ones. */
  'sightings/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({ records: z.array(SightingViewSchema) })),
  },
  'sightings/retry': {
    from: 'ui',
    request: z.object({ key: z.string().min(1).max(200) }),
    response: Result(SightingViewSchema),
  },
  /** Whether the connection's key may record sightings (perm_sighting, cached in the background). */
  'sightings/permission': {
    from: 'any',
    request: z.object({}),
    response: Result(SightingPermissionViewSchema),
  },
  /** The sighting history of one attribute, on demand (with org and source). */
  'sightings/history': {
    from: 'any',
    request: z.object({ instanceId: z.string().max(200), attributeId: z.string().max(64) }),
    response: Result(z.object({ rows: z.array(SightingHistoryRowSchema) })),
  },
} as const satisfies Record<
  string,
  { from: 'ui' | 'content' | 'any'; request: z.ZodType; response: z.ZodType }
>;

export type Protocol = typeof protocol;
export type MessageType = keyof Protocol;
export type RequestOf<T extends MessageType> = z.infer<Protocol[T]['request']>;
export type ResponseOf<T extends MessageType> = z.infer<Protocol[T]['response']>;

export const EnvelopeSchema = z.object({
  channel: z.literal('sightline'),
  type: z.string(),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(protocol, type);
}

export function envelope<T extends MessageType>(type: T, payload: RequestOf<T>): Envelope {
  return { channel: 'sightline', type, payload };
}

/** Parses a response; a malformed one becomes an error result rather than a crash. */
export function parseResponse<T extends MessageType>(type: T, raw: unknown): ResponseOf<T> {
  const parsed = protocol[type].response.safeParse(raw);
  if (parsed.success) return parsed.data as ResponseOf<T>;
  return {
    ok: false,
    error: { kind: 'protocol', message: `Sightline's background sent an unexpected answer to ${type}.` },
  } as ResponseOf<T>;
}

/**
 * Messages from the background into content scripts (`tabs.sendMessage`). The content script parses
 * them with this schema and only accepts them from its own extension's background.
 */
export const ContentCommandSchema = z.discriminatedUnion('command', [
  z.object({ channel: z.literal('sightline'), command: z.literal('scan') }),
  z.object({ channel: z.literal('sightline'), command: z.literal('toggle-highlights') }),
  z.object({ channel: z.literal('sightline'), command: z.literal('refresh') }),
  z.object({
    channel: z.literal('sightline'),
    command: z.literal('show-card'),
    value: z.string().max(MAX_VALUE_LENGTH),
  }),
  z.object({
    channel: z.literal('sightline'),
    command: z.literal('lookup-selection'),
    text: z.string().max(10_000),
  }),
]);
export type ContentCommand = z.infer<typeof ContentCommandSchema>;
