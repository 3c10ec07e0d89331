import { describe, expect, it } from 'vitest';
import { MispClient } from '../misp/client';
import { MispError } from '../misp/errors';
import type { MispAttribute, MispEvent } from '../misp/schemas';
import { AttributeSchema, EventSchema } from '../misp/schemas';
import { fakeFetch, loadTranscript } from '../misp/transcripts.test-support';
import { BASELINE_WINDOW_SECONDS, backoffDelayMs, pollInstance, type WatchClient } from './poller';
import type { WatchRule } from './rules';
import { EMPTY_WATCH_STATE, type WatchState } from './settings';

const URL = 'https://misp.example';
const KEY = 'A'.repeat(40);
const INSTANCE = 'misp-a';
// A minute and a half after the transcripts' event timestamp (1795336601).
const NOW = 1_795_336_700_000;
const NOW_S = NOW / 1000;

/** A rule on misp-a whose tags' watch began at `since` (Unix seconds). */
function rule(tags: string[], since: number, extra: Partial<WatchRule> = {}): WatchRule {
  return {
    id: 'r1',
    name: '',
    tags,
    tagMatch: 'any',
    orgs: [],
    publishedOnly: false,
    newAttributesOnly: false,
    instanceIds: [INSTANCE],
    since: { [INSTANCE]: Object.fromEntries(tags.map((tag) => [tag, since])) },
    ...extra,
  };
}

/** A scripted client: each pollEvents call answers the next list, filtered by `since` (`>=`) as MISP does. */
function scripted(pages: MispEvent[][], attributes: MispAttribute[] = [], serverTime?: number) {
  const calls: Array<Record<string, unknown>> = [];
  const client: WatchClient = {
    baseUrl: URL,
    eventUrl: (id) => `${URL}/events/view/${id}`,
    async pollEvents(options) {
      calls.push({ ...options });
      const field = options.timeField ?? 'timestamp';
      const events = (pages[Math.min(calls.length - 1, pages.length - 1)] ?? []).filter(
        (item) => Number(item[field] ?? 0) >= Number(options.since),
      );
      return { events, hasMore: false, ...(serverTime === undefined ? {} : { serverTime }) };
    },
    async pollAttributes(options) {
      calls.push({ attributes: true, ...options });
      return attributes.filter((attribute) => attribute.Tag.length > 0);
    },
    async attributesAddedSince(options) {
      calls.push({ added: true, ...options });
      return attributes.filter(
        (attribute) =>
          options.eventIds.includes(attribute.event_id) && Number(attribute.timestamp) >= options.since,
      );
    },
  };
  return { client, calls };
}

function event(n: number, timestamp: number, tags: string[], extra: Record<string, unknown> = {}): MispEvent {
  return EventSchema.parse({
    id: String(n),
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    info: `Event ${n}`,
    date: '2026-11-22',
    threat_level_id: '2',
    analysis: '0',
    distribution: '0',
    published: false,
    timestamp: String(timestamp),
    publish_timestamp: '0',
    Orgc: { id: '1', name: 'CIRCL' },
    Tag: tags.map((name, index) => ({ id: String(index + 1), name })),
    ...extra,
  });
}

function attribute(
  id: number,
  eventId: number,
  type: string,
  timestamp: number,
  tags: string[] = [],
): MispAttribute {
  return AttributeSchema.parse({
    id: String(id),
    event_id: String(eventId),
    type,
    category: 'Network activity',
    value: `value-${id}`,
    to_ids: true,
    uuid: `10000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    timestamp: String(timestamp),
    Tag: tags.map((name, index) => ({ id: String(index + 1), name })),
  });
}

async function poll(client: WatchClient, rules: WatchRule[], state: WatchState, nowMs = NOW) {
  return pollInstance({ instanceId: INSTANCE, client, rules, state, intervalMinutes: 5, nowMs });
}

const ids = (outcome: { alerts: Array<{ payload: { kind: string } & Record<string, unknown> }> }) =>
  outcome.alerts.map((alert) => alert.payload.eventId);

describe('the baseline is the moment the watch began', () => {
  const T = 1_795_336_600;

  it('an event tagged between "tag added" and the first poll is notified; one before it is the baseline', async () => {
    const { client } = scripted([[event(1, T - 30, ['tlp:red']), event(2, T + 30, ['tlp:red'])]]);
    const first = await poll(client, [rule(['tlp:red'], T)], EMPTY_WATCH_STATE, (T + 90) * 1000);
    expect(ids(first)).toEqual(['2']);
    expect(first.rules[0]).toMatchObject({ baselined: ['tlp:red'], absorbed: 1 });
    // Whenever the first poll runs: an hour later the same event is still news.
    const late = await poll(client, [rule(['tlp:red'], T)], EMPTY_WATCH_STATE, (T + 3600) * 1000);
    expect(ids(late)).toEqual(['2']);
  });

  it('sends the transcript-064 request from just before the watch began, and notifies the event made after it', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('064'));
    const client = new MispClient({ url: URL, apiKey: KEY, fetch });
    const began = 1_795_336_590; // 11 s before the recorded event's timestamp
    const outcome = await poll(client, [rule(['source:browser-capture'], began)], EMPTY_WATCH_STATE);
    expect(calls[0]?.body).toMatchObject({
      tags: ['source:browser-capture'],
      timestamp: began - BASELINE_WINDOW_SECONDS,
      metadata: true,
      limit: 50,
      page: 1,
    });
    expect(outcome.alerts.map((alert) => alert.payload.kind === 'event' && alert.payload.eventUuid)).toEqual([
      '5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b',
    ]);
    expect(outcome.state.rules.r1).toMatchObject({
      cursor: 1795336601,
      polledTags: ['source:browser-capture'],
    });
  });

  it('the same recorded event, watched from after its timestamp, is the baseline (no alert)', async () => {
    const { fetch } = fakeFetch(loadTranscript('064'));
    const client = new MispClient({ url: URL, apiKey: KEY, fetch });
    const outcome = await poll(client, [rule(['source:browser-capture'], NOW_S - 60)], EMPTY_WATCH_STATE);
    expect(outcome.alerts).toEqual([]);
    expect(outcome.rules[0]?.absorbed).toBe(1);
    expect(outcome.state.rules.r1?.seen).toEqual({ '5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b': 1795336601 });
  });

  it('a server clock behind the analyst’s does not hide an event made after the watch began', async () => {
    // The server runs 40 s behind: an event made 10 s after the watch began carries T - 30.
    const behind = scripted([[event(3, T - 30, ['x'])]], [], T + 60 - 40);
    expect(ids(await poll(behind.client, [rule(['x'], T)], EMPTY_WATCH_STATE, (T + 60) * 1000))).toEqual([
      '3',
    ]);
    // Without the server's clock (no Date header) the same event counts as before the watch.
    const unknown = scripted([[event(3, T - 30, ['x'])]]);
    expect(ids(await poll(unknown.client, [rule(['x'], T)], EMPTY_WATCH_STATE, (T + 60) * 1000))).toEqual([]);
  });

  it('a tag added to a rule later has its own start: before it absorbed, after it notified; the old tag goes on', async () => {
    const { client } = scripted([
      [],
      [event(1, T + 10, ['apt28']), event(2, T + 20, ['tlp:red']), event(3, T + 40, ['apt28'])],
    ]);
    const first = await poll(client, [rule(['tlp:red'], T - 100)], EMPTY_WATCH_STATE);
    const both = rule(['tlp:red', 'apt28'], T - 100);
    both.since[INSTANCE] = { 'tlp:red': T - 100, apt28: T + 30 };
    const next = await poll(client, [both], first.state);
    expect(next.rules[0]).toMatchObject({ baselined: ['apt28'], absorbed: 1 });
    expect(ids(next).sort()).toEqual(['2', '3']);
    expect(next.state.rules.r1?.polledTags).toEqual(['tlp:red', 'apt28']);
  });

  it('an instance added to a rule starts there at its own time', async () => {
    const { client } = scripted([[event(1, T - 5, ['x']), event(2, T + 5, ['x'])]]);
    const onB = { ...rule(['x'], 0), instanceIds: ['misp-b'], since: { 'misp-b': { x: T } } };
    const outcome = await pollInstance({
      instanceId: 'misp-b',
      client,
      rules: [onB],
      state: EMPTY_WATCH_STATE,
      intervalMinutes: 5,
      nowMs: NOW,
    });
    expect(ids(outcome)).toEqual(['2']);
  });
});

describe('pollInstance: dedup, edits, filters, catch-up', () => {
  const T = 1_795_336_650;

  it('notifies a new event once with tag, info, org and threat level; an edit (newer timestamp) once more', async () => {
    const watch = [rule(['tlp:red'], T)];
    const { client } = scripted([
      [],
      [event(7, T + 5, ['tlp:red'])],
      [event(7, T + 5, ['tlp:red'])],
      [event(7, T + 9, ['tlp:red'])],
    ]);
    let state = (await poll(client, watch, EMPTY_WATCH_STATE)).state;
    const created = await poll(client, watch, state);
    expect(created.alerts).toHaveLength(1);
    expect(created.alerts[0]).toMatchObject({
      id: `misp-a|${event(7, 0, []).uuid}|${T + 5}`,
      payload: {
        title: 'Watched tag: tlp:red',
        message: 'Event 7\nCIRCL · Threat level: Medium',
        url: `${URL}/events/view/7`,
        ruleName: 'tlp:red',
      },
    });
    state = created.state;
    expect(state.rules.r1?.cursor).toBe(T + 5);
    const repeat = await poll(client, watch, state);
    expect(repeat.alerts).toEqual([]);
    const edited = await poll(client, watch, repeat.state);
    expect(ids(edited)).toEqual(['7']);
    expect(edited.state.rules.r1?.cursor).toBe(T + 9);
    expect((await poll(client, watch, edited.state)).alerts).toEqual([]);
  });

  it('"all" tags, minimum threat level and creator organisation narrow what is notified', async () => {
    const events = [
      event(1, T + 1, ['active-threat'], { threat_level_id: '1' }),
      event(2, T + 2, ['active-threat', 'tlp:red'], { threat_level_id: '3' }),
      event(3, T + 3, ['active-threat', 'tlp:red'], {
        threat_level_id: '1',
        Orgc: { id: '2', name: 'CERT-EU' },
      }),
      event(4, T + 4, ['active-threat', 'tlp:red'], { threat_level_id: '2' }),
    ];
    const { client } = scripted([events]);
    const all = rule(['active-threat', 'tlp:red'], T, { tagMatch: 'all' });
    expect(ids(await poll(client, [all], EMPTY_WATCH_STATE))).toEqual(['2', '3', '4']);
    expect(ids(await poll(client, [{ ...all, minThreatLevel: 2 }], EMPTY_WATCH_STATE))).toEqual(['3', '4']);
    expect(
      ids(await poll(client, [{ ...all, minThreatLevel: 2, orgs: ['circl'] }], EMPTY_WATCH_STATE)),
    ).toEqual(['4']);
    // "any": all four, which is more than three at once: one summary.
    const any = await poll(client, [rule(['active-threat', 'tlp:red'], T)], EMPTY_WATCH_STATE);
    expect(any.alerts.map((alert) => alert.payload)).toMatchObject([{ kind: 'summary', count: 4 }]);
  });

  it('an "all" rule counts tags MISP found on the event’s attributes (transcript 074’s attribute search)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('074'));
    const attributeClient = new MispClient({ url: URL, apiKey: KEY, fetch });
    const recorded = await attributeClient.pollAttributes({ tags: ['misp-lens:watched'], since: 0 });
    const eventId = Number(recorded[0]?.event_id);
    const { client } = scripted([[event(eventId, T + 1, ['tlp:red'])]]);
    const withAttributes: WatchClient = {
      ...client,
      pollAttributes: (options) => attributeClient.pollAttributes(options),
    };
    const both = rule(['tlp:red', 'misp-lens:watched'], T, { tagMatch: 'all' });
    const outcome = await poll(withAttributes, [both], EMPTY_WATCH_STATE);
    expect(calls.at(-1)?.body).toMatchObject({ tags: ['tlp:red', 'misp-lens:watched'] });
    expect(outcome.alerts[0]?.payload).toMatchObject({
      kind: 'event',
      tags: ['tlp:red', 'misp-lens:watched'],
    });
  });

  it('"Only events with new attributes" notifies an event seen before only for what was added, with counts by type', async () => {
    const attrs = [
      attribute(1, 7, 'domain', T + 5),
      attribute(2, 7, 'ip-dst', T + 20),
      attribute(3, 7, 'ip-dst', T + 21),
      attribute(4, 7, 'domain', T + 21),
    ];
    const { client, calls } = scripted(
      [[event(7, T + 5, ['x'])], [event(7, T + 21, ['x'])], [event(7, T + 30, ['x'])]],
      attrs.slice(0, 1),
    );
    const watch = [rule(['x'], T, { newAttributesOnly: true })];
    const first = await poll(client, watch, EMPTY_WATCH_STATE);
    expect(first.alerts[0]?.payload.message).toBe(
      'Event 7\nCIRCL · Threat level: Medium\n1 new attribute: 1 domain',
    );
    const scripted2 = scripted([[event(7, T + 21, ['x'])], [event(7, T + 30, ['x'])]], attrs);
    const added = await poll(scripted2.client, watch, first.state);
    expect(added.alerts[0]?.payload).toMatchObject({
      message: 'Event 7\nCIRCL · Threat level: Medium\n3 new attributes: 2 ip-dst, 1 domain',
      newAttributes: { 'ip-dst': 2, domain: 1 },
    });
    // A change without new attributes (a tag, a comment): nothing with this option.
    expect((await poll(scripted2.client, watch, added.state)).alerts).toEqual([]);
    expect(calls.some((call) => call.added === true)).toBe(true);
  });

  it('"Only published events" asks by publish_timestamp with published=true; switching begins again', async () => {
    const { client, calls } = scripted([
      [event(3, T, ['tlp:red'], { published: true, publish_timestamp: String(T + 50) })],
    ]);
    const published = rule(['tlp:red'], T + 100, { publishedOnly: true });
    const outcome = await poll(client, [published], {
      ...EMPTY_WATCH_STATE,
      rules: { r1: { cursor: T, cursorField: 'timestamp', polledTags: ['tlp:red'], seen: {} } },
    });
    expect(calls[0]).toMatchObject({ publishedOnly: true, timeField: 'publish_timestamp' });
    expect(outcome.alerts).toEqual([]);
    expect(outcome.state.rules.r1).toMatchObject({ cursorField: 'publish_timestamp', cursor: T + 50 });
  });

  it('pages through events/restSearch until the last page', async () => {
    const seen: number[] = [];
    const client: WatchClient = {
      ...scripted([]).client,
      async pollEvents(options) {
        seen.push(options.page ?? 1);
        const page = options.page ?? 1;
        return { events: [event(page, T + page, ['tlp:red'])], hasMore: page < 3 };
      },
    };
    const outcome = await poll(client, [rule(['tlp:red'], T + 100)], EMPTY_WATCH_STATE);
    expect(seen).toEqual([1, 2, 3]);
    expect(outcome.rules[0]?.absorbed).toBe(3);
    expect(outcome.state.rules.r1?.cursor).toBe(T + 3);
  });

  it('after a long absence, 12 new events make one summary notification', async () => {
    const yesterdayEvening = new Date(2026, 10, 21, 18, 0).getTime();
    const now = new Date(2026, 10, 22, 9, 0).getTime();
    const start = Math.floor(yesterdayEvening / 1000);
    const many = Array.from({ length: 12 }, (_, i) => event(100 + i, start + 60 * (i + 1), ['tlp:red']));
    const { client } = scripted([many]);
    const state: WatchState = {
      ...EMPTY_WATCH_STATE,
      rules: { r1: { cursor: start, cursorField: 'timestamp', polledTags: ['tlp:red'], seen: {} } },
      lastSuccessAt: yesterdayEvening,
    };
    const watch = [rule(['tlp:red'], start - 3600)];
    const outcome = await poll(client, watch, state, now);
    expect(outcome.alerts).toHaveLength(1);
    expect(outcome.alerts[0]?.payload).toMatchObject({
      kind: 'summary',
      title: 'Watched tag: tlp:red',
      message: '12 events tagged tlp:red since yesterday',
      count: 12,
      url: `${URL}/events/index/searchtag:tlp%3Ared`,
    });
    expect((await poll(client, watch, outcome.state, now + 300_000)).alerts).toEqual([]);
  });

  it('three new events are notified one by one', async () => {
    const { client } = scripted([[event(1, T + 1, ['x']), event(2, T + 2, ['x']), event(3, T + 3, ['x'])]]);
    const outcome = await poll(client, [rule(['x'], T)], EMPTY_WATCH_STATE);
    expect(outcome.alerts.map((alert) => alert.payload.kind)).toEqual(['event', 'event', 'event']);
  });
});

describe('failures and backoff', () => {
  it('backs off exponentially from the interval, capped at 6 hours', () => {
    expect([1, 2, 3, 4].map((failures) => backoffDelayMs(5, failures) / 60_000)).toEqual([10, 20, 40, 80]);
    expect(backoffDelayMs(5, 30)).toBe(6 * 60 * 60_000);
    expect(backoffDelayMs(5, 0)).toBe(5 * 60_000);
  });

  it('a rejected key (transcript 004) pauses with one status line, keeps the cursor and notifies nothing', async () => {
    const { fetch } = fakeFetch(loadTranscript('004'));
    const client = new MispClient({ url: URL, apiKey: KEY, fetch });
    const state: WatchState = {
      ...EMPTY_WATCH_STATE,
      rules: { r1: { cursor: 123, cursorField: 'timestamp', polledTags: ['x'], seen: {} } },
    };
    const first = await poll(client, [rule(['x'], 100)], state);
    expect(first.error?.kind).toBe('key-rejected');
    expect(first.alerts).toEqual([]);
    expect(first.state).toMatchObject({
      rules: { r1: { cursor: 123 } },
      failures: 1,
      status: { message: 'Watching paused: API key rejected' },
    });
    expect(first.nextDelayMs).toBe(10 * 60_000);
    const second = await poll(client, [rule(['x'], 100)], first.state, NOW + 600_000);
    expect(second.nextDelayMs).toBe(20 * 60_000);
    expect(second.state.status?.since).toBe(NOW);
  });

  it('MISP unreachable reads "Watching paused: MISP unreachable"; success clears the status', async () => {
    let up = false;
    const { client } = scripted([[]]);
    const flaky: WatchClient = {
      ...client,
      pollEvents: (options) =>
        up ? client.pollEvents(options) : Promise.reject(new MispError('unreachable', 'MISP is unreachable')),
    };
    const failed = await poll(flaky, [rule(['x'], 1)], EMPTY_WATCH_STATE);
    expect(failed.state.status?.message).toBe('Watching paused: MISP unreachable');
    up = true;
    const ok = await poll(flaky, [rule(['x'], 1)], failed.state);
    expect(ok.state.status).toBeUndefined();
    expect(ok.state.failures).toBe(0);
    expect(ok.nextDelayMs).toBe(5 * 60_000);
  });
});
