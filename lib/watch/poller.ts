import { countText } from '../format/count';
import { sincePhrase } from '../format/time';
import type { EventPage, MispClient, PollEventsOptions } from '../misp/client';
import { MispError } from '../misp/errors';
import type { MispAttribute, MispEvent } from '../misp/schemas';
import { threatLevelName } from '../threat-level';
import type { AlertDraft } from './alerts';
import { attributeCountsText, pausedMessage, summaryText, tagsText } from './format';
import { eventTime, matchedTags, passesFilters, ruleName, type WatchRule, watchStartFor } from './rules';
import { EMPTY_RULE_STATE, type RuleState, type WatchState } from './settings';

/** What the poller needs of `MispClient` (a fake in unit tests). */
export interface WatchClient {
  readonly baseUrl: string;
  eventUrl(eventId: string): string;
  pollEvents(options: PollEventsOptions): Promise<Pick<EventPage, 'events' | 'hasMore' | 'serverTime'>>;
  pollAttributes(options: Parameters<MispClient['pollAttributes']>[0]): Promise<MispAttribute[]>;
  attributesAddedSince(options: Parameters<MispClient['attributesAddedSince']>[0]): Promise<MispAttribute[]>;
}

/**
 * The first poll of a watch also asks this far before its start (seconds): what it finds there is the
 * baseline, and a server clock somewhat behind the analyst's does not hide a new event.
 */
export const BASELINE_WINDOW_SECONDS = 10 * 60;
/** More new events than this in one poll become one summary notification. */
export const SUMMARY_THRESHOLD = 3;
export const PAGE_SIZE = 50;
export const MAX_PAGES = 20;
export const MAX_BACKOFF_MINUTES = 6 * 60;

export interface RuleReport {
  ruleId: string;
  /** Tags whose first poll this was (what they found before the watch began is the baseline). */
  baselined: string[];
  /** Events found from before the watch began: not notified. */
  absorbed: number;
  alerts: AlertDraft[];
}

export interface PollOutcome {
  state: WatchState;
  /** What to store and notify (several rules' events; more than SUMMARY_THRESHOLD become one summary). */
  alerts: AlertDraft[];
  rules: RuleReport[];
  /** Whether MISP showed any event changed since the last poll (the seen-indicator check takes the hint). */
  sawChanges: boolean;
  /** When to poll next, in ms from now. */
  nextDelayMs: number;
  error?: { kind: string; message: string };
}

/** Exponential backoff after `failures` consecutive failures: interval × 2^failures, at most 6 h. */
export function backoffDelayMs(intervalMinutes: number, failures: number): number {
  const minutes = Math.min(intervalMinutes * 2 ** Math.min(failures, 16), MAX_BACKOFF_MINUTES);
  return Math.max(minutes, intervalMinutes) * 60_000;
}

type TimeField = 'timestamp' | 'publish_timestamp';

async function fetchEvents(
  client: WatchClient,
  rule: WatchRule,
  since: number,
  field: TimeField,
): Promise<{ events: MispEvent[]; serverTime?: number }> {
  const byUuid = new Map<string, MispEvent>();
  let serverTime: number | undefined;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const answer = await client.pollEvents({
      tags: rule.tags,
      since,
      publishedOnly: rule.publishedOnly,
      timeField: field,
      page,
      limit: PAGE_SIZE,
    });
    serverTime ??= answer.serverTime;
    for (const event of answer.events) byUuid.set(event.uuid, event);
    if (!answer.hasMore || answer.events.length === 0) break;
  }
  return { events: [...byUuid.values()], ...(serverTime === undefined ? {} : { serverTime }) };
}

/**
 * Which watched tags sit on attributes of events (attribute-level tags, obs 074): asked only when an
 * event came back without carrying the rule's tags itself.
 */
async function attributeTags(
  client: WatchClient,
  tags: string[],
  since: number,
): Promise<Map<string, Set<string>>> {
  const byEvent = new Map<string, Set<string>>();
  for (const attribute of await client.pollAttributes({ tags, since })) {
    for (const tag of attribute.Tag) {
      if (tag.inherited === true || !tags.includes(tag.name)) continue;
      const set = byEvent.get(attribute.event_id) ?? new Set<string>();
      set.add(tag.name);
      byEvent.set(attribute.event_id, set);
    }
  }
  return byEvent;
}

/** Attribute types added to each event after the time Sightline last saw it. */
async function newAttributeTypes(
  client: WatchClient,
  events: ReadonlyArray<{ event: MispEvent; after: number }>,
  since: number,
): Promise<Map<string, Map<string, number>>> {
  const byEvent = new Map<string, Map<string, number>>();
  if (events.length === 0) return byEvent;
  const after = new Map(events.map(({ event, after }) => [event.id, after]));
  const attributes = await client.attributesAddedSince({ eventIds: [...after.keys()], since });
  for (const attribute of attributes) {
    const threshold = after.get(attribute.event_id);
    if (threshold === undefined || Number(attribute.timestamp) <= threshold) continue;
    const types = byEvent.get(attribute.event_id) ?? new Map<string, number>();
    types.set(attribute.type, (types.get(attribute.type) ?? 0) + 1);
    byEvent.set(attribute.event_id, types);
  }
  return byEvent;
}

function eventAlert(
  instanceId: string,
  client: WatchClient,
  rule: WatchRule,
  event: MispEvent,
  tags: string[],
  time: number,
  added: Map<string, number> | undefined,
): AlertDraft {
  const org = event.Orgc?.name ?? event.Org?.name ?? 'Unknown organisation';
  const threatLevel = threatLevelName(event.threat_level_id);
  const lines = [event.info, `${org} · Threat level: ${threatLevel}`];
  if (added) lines.push(attributeCountsText(added));
  return {
    id: `${instanceId}|${event.uuid}|${time}`,
    payload: {
      kind: 'event',
      ruleId: rule.id,
      ruleName: ruleName(rule),
      title: `Watched tag: ${tagsText(tags)}`,
      message: lines.join('\n'),
      url: client.eventUrl(event.id),
      tags,
      eventId: event.id,
      eventUuid: event.uuid,
      eventTime: time,
      info: event.info,
      org,
      threatLevel,
      ...(added ? { newAttributes: Object.fromEntries(added) } : {}),
    },
  };
}

/**
 * One rule on one instance. The baseline is the moment the watch began (`rule.since`, the analyst's
 * clock, brought to the server's with the `Date` of MISP's answer): an event at or after it is news,
 * whenever this poll runs; one before it is the baseline.
 */
async function pollRule(
  instanceId: string,
  client: WatchClient,
  rule: WatchRule,
  previous: RuleState,
  nowS: number,
): Promise<{ state: RuleState; report: RuleReport; sawChanges: boolean }> {
  const field: TimeField = rule.publishedOnly ? 'publish_timestamp' : 'timestamp';
  const state: RuleState =
    previous.cursorField === field ? previous : { ...EMPTY_RULE_STATE, cursorField: field };
  const unpolled = rule.tags.filter((tag) => !state.polledTags.includes(tag));
  const started = rule.since[instanceId] ?? {};
  const startOf = (tags: readonly string[]) =>
    tags.length === 0 ? nowS : Math.min(...tags.map((tag) => started[tag] ?? nowS));
  // From the cursor; a tag not polled yet from just before its watch began.
  const from = state.cursor ?? startOf(rule.tags) - BASELINE_WINDOW_SECONDS;
  const since = unpolled.length > 0 ? Math.min(from, startOf(unpolled) - BASELINE_WINDOW_SECONDS) : from;
  const fetched = await fetchEvents(client, rule, Math.max(0, since), field);
  // A server clock behind the analyst's stamps an event made after the watch began with an earlier
  // time: the start moves back by that much (never forward: a few seconds too early is harmless), at
  // most by the window asked before the start.
  const skew =
    fetched.serverTime === undefined
      ? 0
      : Math.max(-BASELINE_WINDOW_SECONDS, Math.min(0, fetched.serverTime - nowS));
  const unexplained = fetched.events.filter((event) => matchedTags(rule, event) === undefined);
  const fromAttributes =
    unexplained.length > 0 ? await attributeTags(client, rule.tags, since) : new Map<string, Set<string>>();
  const seen = { ...state.seen };
  let cursor = state.cursor ?? 0;
  let absorbed = 0;
  const candidates: Array<{ event: MispEvent; tags: string[]; time: number; after: number }> = [];
  for (const event of fetched.events.sort((a, b) => eventTime(a, field) - eventTime(b, field))) {
    const time = eventTime(event, field);
    cursor = Math.max(cursor, time);
    const tags = matchedTags(rule, event, fromAttributes.get(event.id));
    if (!tags) continue;
    const before = seen[event.uuid];
    seen[event.uuid] = Math.max(before ?? 0, time);
    if (time < watchStartFor(rule, instanceId, tags) + skew) {
      absorbed += 1;
      continue;
    }
    // Asked again only because a tag is new: what the rule's older tags found then was handled then.
    if (
      state.cursor !== undefined &&
      time < state.cursor &&
      tags.some((tag) => state.polledTags.includes(tag))
    )
      continue;
    if (before !== undefined && before >= time) continue;
    if (!passesFilters(rule, event)) continue;
    candidates.push({ event, tags, time, after: before ?? -1 });
  }
  const added = rule.newAttributesOnly ? await newAttributeTypes(client, candidates, since) : undefined;
  const alerts: AlertDraft[] = [];
  for (const { event, tags, time } of candidates) {
    const types = added?.get(event.id);
    if (added && !types) continue;
    alerts.push(eventAlert(instanceId, client, rule, event, tags, time, types));
  }
  // Entries older than the cursor can never come back unchanged: forget them.
  for (const [uuid, time] of Object.entries(seen)) if (time < cursor) delete seen[uuid];
  return {
    state: {
      ...(fetched.events.length > 0 || state.cursor !== undefined ? { cursor: Math.max(cursor, 0) } : {}),
      cursorField: field,
      polledTags: [...rule.tags],
      seen,
    },
    report: { ruleId: rule.id, baselined: unpolled, absorbed, alerts },
    sawChanges: fetched.events.some(
      (event) => state.cursor === undefined || eventTime(event, field) > (state.cursor ?? 0),
    ),
  };
}

function summarise(
  instanceId: string,
  client: WatchClient,
  fresh: AlertDraft[],
  sinceMs: number,
  nowMs: number,
): AlertDraft {
  const tagCounts = new Map<string, number>();
  for (const alert of fresh) {
    if (alert.payload.kind !== 'event') continue;
    for (const tag of alert.payload.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
  }
  const top = [...tagCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rules = [
    ...new Set(fresh.flatMap((alert) => (alert.payload.kind === 'event' ? [alert.payload.ruleName] : []))),
  ];
  return {
    id: `${instanceId}|summary|${nowMs}`,
    payload: {
      kind: 'summary',
      ruleName: rules.length === 1 ? (rules[0] ?? '') : countText(rules.length, 'watch rule'),
      title: `Watched tag: ${top ?? 'several tags'}`,
      message: summaryText(fresh.length, tagCounts, sincePhrase(sinceMs, nowMs)),
      url:
        top === undefined
          ? `${client.baseUrl}/events/index`
          : `${client.baseUrl}/events/index/searchtag:${encodeURIComponent(top)}`,
      tags: [...tagCounts.keys()],
      count: fresh.length,
    },
  };
}

/**
 * One poll of one instance, every rule that watches it. Pure apart from the client: the caller
 * persists `state`, shows `alerts` and schedules the next poll. Never throws; a failure comes back as
 * backoff and a status line, the state otherwise unchanged.
 *
 * - Cursor per rule: the newest event time seen (MISP's filters are `>=`, so the boundary event comes
 *   back and is recognised by the dedup memory). It only moves forward.
 * - Dedup: event uuid → newest time notified; an edited event (newer time) is notified once more.
 * - Baseline: the moment each tag's watch began (see pollRule).
 * - Catch-up: more than SUMMARY_THRESHOLD new events make one summary alert instead of dozens.
 */
export async function pollInstance(input: {
  instanceId: string;
  client: WatchClient;
  rules: readonly WatchRule[];
  state: WatchState;
  intervalMinutes: number;
  nowMs: number;
}): Promise<PollOutcome> {
  const { instanceId, client, rules, state, intervalMinutes, nowMs } = input;
  const nowS = Math.floor(nowMs / 1000);
  try {
    const ruleStates: WatchState['rules'] = {};
    const reports: RuleReport[] = [];
    let sawChanges = false;
    for (const rule of rules) {
      const polled = await pollRule(instanceId, client, rule, state.rules[rule.id] ?? EMPTY_RULE_STATE, nowS);
      ruleStates[rule.id] = polled.state;
      reports.push(polled.report);
      sawChanges ||= polled.sawChanges;
    }
    const fresh = reports.flatMap((report) => report.alerts);
    const sinceMs = state.lastSuccessAt ?? nowMs - intervalMinutes * 60_000;
    const alerts =
      fresh.length > SUMMARY_THRESHOLD ? [summarise(instanceId, client, fresh, sinceMs, nowMs)] : fresh;
    return {
      state: { rules: ruleStates, lastSuccessAt: nowMs, failures: 0 },
      alerts,
      rules: reports,
      sawChanges,
      nextDelayMs: intervalMinutes * 60_000,
    };
  } catch (error) {
    const kind = error instanceof MispError ? error.kind : 'internal';
    const detail = error instanceof Error ? error.message : String(error);
    const failures = state.failures + 1;
    const message = pausedMessage(kind, detail);
    return {
      state: { ...state, failures, status: { kind, message, since: state.status?.since ?? nowMs } },
      alerts: [],
      rules: [],
      sawChanges: false,
      nextDelayMs: backoffDelayMs(intervalMinutes, failures),
      error: { kind, message },
    };
  }
}
