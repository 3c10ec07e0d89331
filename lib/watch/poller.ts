import { z } from 'zod';
import type { EventPage, MispClient, PollEventsOptions } from '../misp/client';
import { MispError } from '../misp/errors';
import type { MispAttribute, MispEvent } from '../misp/schemas';
import { pausedMessage, sincePhrase, summaryText, tagsText, threatLevelName } from './format';
import type { WatchSettings, WatchState } from './settings';

/** What the poller needs of `MispClient` (a fake in unit tests). */
export interface WatchClient {
  readonly baseUrl: string;
  eventUrl(eventId: string): string;
  pollEvents(options: PollEventsOptions): Promise<Pick<EventPage, 'events' | 'hasMore'>>;
  pollAttributes(options: Parameters<MispClient['pollAttributes']>[0]): Promise<MispAttribute[]>;
}

export const AlertPayloadSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    title: z.string(),
    message: z.string(),
    url: z.string(),
    tags: z.array(z.string()),
    eventId: z.string(),
    eventUuid: z.string(),
    /** The event time (timestamp or publish_timestamp) this alert is about. */
    eventTime: z.number(),
    info: z.string(),
    org: z.string(),
    threatLevel: z.string(),
  }),
  z.object({
    kind: z.literal('summary'),
    title: z.string(),
    message: z.string(),
    url: z.string(),
    tags: z.array(z.string()),
    count: z.number().int(),
  }),
]);
export type AlertPayload = z.infer<typeof AlertPayloadSchema>;

export interface AlertDraft {
  /** Deterministic for event alerts (instance, uuid, time): the same change never makes two. */
  id: string;
  payload: AlertPayload;
}

/** The first poll looks this far back (seconds) to absorb what exists; a margin for clock skew. */
export const BASELINE_WINDOW_SECONDS = 10 * 60;
/** More new events than this in one poll become one summary notification. */
export const SUMMARY_THRESHOLD = 3;
export const PAGE_SIZE = 50;
export const MAX_PAGES = 20;
export const MAX_BACKOFF_MINUTES = 6 * 60;

export interface PollOutcome {
  state: WatchState;
  alerts: AlertDraft[];
  /** Tags whose baseline this poll set (nothing was notified for them). */
  baselined: string[];
  /** Events absorbed by the baseline (already tagged when the watch began). */
  absorbed: number;
  /** When to poll next, in ms from now. */
  nextDelayMs: number;
  error?: { kind: string; message: string };
}

/** Exponential backoff after `failures` consecutive failures: interval × 2^failures, at most 6 h. */
export function backoffDelayMs(intervalMinutes: number, failures: number): number {
  const minutes = Math.min(intervalMinutes * 2 ** Math.min(failures, 16), MAX_BACKOFF_MINUTES);
  return Math.max(minutes, intervalMinutes) * 60_000;
}

function eventTime(event: MispEvent, field: 'timestamp' | 'publish_timestamp'): number {
  const raw = field === 'timestamp' ? event.timestamp : event.publish_timestamp;
  const value = Number(raw ?? 0);
  return Number.isFinite(value) ? value : 0;
}

async function fetchEvents(
  client: WatchClient,
  settings: WatchSettings,
  since: number,
  field: 'timestamp' | 'publish_timestamp',
): Promise<MispEvent[]> {
  const byUuid = new Map<string, MispEvent>();
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const answer = await client.pollEvents({
      tags: settings.tags,
      since,
      publishedOnly: settings.publishedOnly,
      timeField: field,
      page,
      limit: PAGE_SIZE,
    });
    for (const event of answer.events) byUuid.set(event.uuid, event);
    if (!answer.hasMore || answer.events.length === 0) break;
  }
  return [...byUuid.values()];
}

/**
 * Which watched tags sit on attributes of these events (attribute-level tags, obs 074): asked only
 * when an event matched without carrying a watched tag itself.
 */
async function attributeTags(
  client: WatchClient,
  tags: string[],
  since: number,
): Promise<Map<string, Set<string>>> {
  const byEvent = new Map<string, Set<string>>();
  const attributes = await client.pollAttributes({ tags, since });
  for (const attribute of attributes) {
    for (const tag of attribute.Tag) {
      if (tag.inherited === true) continue;
      if (!tags.includes(tag.name)) continue;
      const set = byEvent.get(attribute.event_id) ?? new Set<string>();
      set.add(tag.name);
      byEvent.set(attribute.event_id, set);
    }
  }
  return byEvent;
}

function eventAlert(
  instanceId: string,
  client: WatchClient,
  event: MispEvent,
  tags: string[],
  time: number,
): AlertDraft {
  const org = event.Orgc?.name ?? event.Org?.name ?? 'Unknown organisation';
  const threatLevel = threatLevelName(event.threat_level_id);
  return {
    id: `${instanceId}|${event.uuid}|${time}`,
    payload: {
      kind: 'event',
      title: `Watched tag: ${tagsText(tags)}`,
      message: `${event.info}\n${org} · Threat level: ${threatLevel}`,
      url: client.eventUrl(event.id),
      tags,
      eventId: event.id,
      eventUuid: event.uuid,
      eventTime: time,
      info: event.info,
      org,
      threatLevel,
    },
  };
}

/**
 * One poll of one instance. Pure apart from the client: the caller persists `state`, shows `alerts`
 * and schedules the next poll. Never throws; a failure comes back as backoff and a status line.
 *
 * - Cursor: the newest event time seen (MISP's filters are `>=`, so the boundary event comes back and
 *   is recognised by the dedup memory). It only moves forward, and persists with the state.
 * - Dedup: event uuid → newest time notified; an edited event (newer time) is notified once.
 * - Baseline: the first poll, and the first poll after a tag is added, absorbs what already exists.
 * - Catch-up: more than SUMMARY_THRESHOLD new events make one summary alert instead of dozens.
 */
export async function pollInstance(input: {
  instanceId: string;
  client: WatchClient;
  settings: WatchSettings;
  state: WatchState;
  nowMs: number;
}): Promise<PollOutcome> {
  const { instanceId, client, settings, nowMs } = input;
  const field = settings.publishedOnly ? 'publish_timestamp' : 'timestamp';
  const state: WatchState =
    input.state.cursorField === field
      ? input.state
      : { ...input.state, cursor: undefined, cursorField: field, baselined: [], seen: {} };
  const tags = settings.tags;
  if (tags.length === 0) {
    return {
      state: { ...state, baselined: [], failures: 0, status: undefined },
      alerts: [],
      baselined: [],
      absorbed: 0,
      nextDelayMs: settings.intervalMinutes * 60_000,
    };
  }
  const firstPoll = state.cursor === undefined;
  const newTags = tags.filter((tag) => firstPoll || !state.baselined.includes(tag));
  const nowS = Math.floor(nowMs / 1000);
  const since = state.cursor ?? nowS - BASELINE_WINDOW_SECONDS;
  try {
    const events = await fetchEvents(client, settings, since, field);
    const unexplained = events.filter((event) => !event.Tag.some((tag) => tags.includes(tag.name)));
    const fromAttributes =
      unexplained.length > 0 ? await attributeTags(client, tags, since) : new Map<string, Set<string>>();
    const seen = { ...state.seen };
    const fresh: AlertDraft[] = [];
    let cursor = since;
    let absorbed = 0;
    for (const event of events.sort((a, b) => eventTime(a, field) - eventTime(b, field))) {
      const time = eventTime(event, field);
      cursor = Math.max(cursor, time);
      const matched = [
        ...new Set([
          ...event.Tag.map((tag) => tag.name).filter((name) => tags.includes(name)),
          ...(fromAttributes.get(event.id) ?? []),
        ]),
      ];
      const previous = seen[event.uuid];
      seen[event.uuid] = Math.max(previous ?? 0, time);
      const onlyNewTags =
        firstPoll ||
        (matched.length > 0 ? matched.every((tag) => newTags.includes(tag)) : newTags.length === tags.length);
      if (onlyNewTags) {
        absorbed += 1;
        continue;
      }
      if (previous !== undefined && previous >= time) continue;
      fresh.push(eventAlert(instanceId, client, event, matched, time));
    }
    // Entries older than the cursor can never come back unchanged: forget them.
    for (const [uuid, time] of Object.entries(seen)) if (time < cursor) delete seen[uuid];
    let alerts = fresh;
    if (fresh.length > SUMMARY_THRESHOLD) {
      const tagCounts = new Map<string, number>();
      for (const alert of fresh) {
        for (const tag of alert.payload.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
      }
      const sinceMs = state.lastSuccessAt ?? since * 1000;
      const text = summaryText(fresh.length, tagCounts, sincePhrase(sinceMs, nowMs));
      const top = [...tagCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      alerts = [
        {
          id: `${instanceId}|summary|${nowMs}`,
          payload: {
            kind: 'summary',
            title: `Watched tag: ${top ?? tagsText(tags)}`,
            message: text,
            url:
              top === undefined
                ? `${client.baseUrl}/events/index`
                : `${client.baseUrl}/events/index/searchtag:${encodeURIComponent(top)}`,
            tags: [...tagCounts.keys()],
            count: fresh.length,
          },
        },
      ];
    }
    return {
      state: {
        cursor,
        cursorField: field,
        baselined: [...tags],
        seen,
        lastSuccessAt: nowMs,
        failures: 0,
        status: undefined,
      },
      alerts,
      baselined: newTags,
      absorbed,
      nextDelayMs: settings.intervalMinutes * 60_000,
    };
  } catch (error) {
    const kind = error instanceof MispError ? error.kind : 'internal';
    const detail = error instanceof Error ? error.message : String(error);
    const failures = state.failures + 1;
    const message = pausedMessage(kind, detail);
    return {
      state: {
        ...state,
        failures,
        status: { kind, message, since: state.status?.since ?? nowMs },
      },
      alerts: [],
      baselined: [],
      absorbed: 0,
      nextDelayMs: backoffDelayMs(settings.intervalMinutes, failures),
      error: { kind, message },
    };
  }
}
