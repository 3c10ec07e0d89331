import { describe, expect, it } from 'vitest';
import { MispClient } from '../misp/client';
import { MispError } from '../misp/errors';
import type { MispAttribute, MispEvent } from '../misp/schemas';
import { EventSchema } from '../misp/schemas';
import { fakeFetch, loadTranscript } from '../misp/transcripts.test-support';
import { BASELINE_WINDOW_SECONDS, backoffDelayMs, pollInstance, type WatchClient } from './poller';
import { EMPTY_WATCH_STATE, type WatchSettings, type WatchState } from './settings';

const URL = 'https://misp.example';
const KEY = 'A'.repeat(40);
const settings = (tags: string[], extra: Partial<WatchSettings> = {}): WatchSettings => ({
  tags,
  intervalMinutes: 5,
  publishedOnly: false,
  ...extra,
});

// A minute and a half after the transcripts' event timestamp (1795336601).
const NOW = 1_795_336_700_000;

/** A scripted client: each pollEvents call answers the next list, filtered by `since` (`>=`) as MISP does. */
function scripted(pages: MispEvent[][], attributes: MispAttribute[] = []) {
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
      return { events, hasMore: false };
    },
    async pollAttributes(options) {
      calls.push({ attributes: true, ...options });
      return attributes;
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

async function poll(client: WatchClient, watch: WatchSettings, state: WatchState, nowMs = NOW) {
  return pollInstance({ instanceId: 'misp-a', client, settings: watch, state, nowMs });
}

describe('pollInstance with recorded MISP answers', () => {
  it('sends the transcript-064 request and sets the baseline on the first poll (no alert)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('064'));
    const client = new MispClient({ url: URL, apiKey: KEY, fetch });
    const outcome = await poll(client, settings(['source:browser-capture']), EMPTY_WATCH_STATE);
    expect(calls[0]?.body).toMatchObject({
      tags: ['source:browser-capture'],
      timestamp: NOW / 1000 - BASELINE_WINDOW_SECONDS,
      metadata: true,
      limit: 50,
      page: 1,
    });
    expect(outcome.alerts).toEqual([]);
    expect(outcome.absorbed).toBe(1);
    expect(outcome.baselined).toEqual(['source:browser-capture']);
    expect(outcome.state.cursor).toBe(1795336601);
    expect(outcome.state.seen).toEqual({ '5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b': 1795336601 });
  });

  it('the cursor persists: the next poll asks from it, and the same event at the same time is not notified', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('064'));
    const client = new MispClient({ url: URL, apiKey: KEY, fetch });
    const watch = settings(['source:browser-capture']);
    const first = await poll(client, watch, EMPTY_WATCH_STATE);
    // A restart: the state is all that is kept (a JSON round trip, as storage does).
    const restored = JSON.parse(JSON.stringify(first.state)) as WatchState;
    const second = await poll(client, watch, restored, NOW + 300_000);
    expect(calls[1]?.body).toMatchObject({ timestamp: 1795336601 });
    expect(second.alerts).toEqual([]);
    expect(second.state.cursor).toBe(1795336601);
  });

  it('covers attribute-level tags with attributes/restSearch (transcript 074)', async () => {
    const ts = 1795336601;
    const untagged = event(2, ts, []);
    const { client: scriptedClient } = scripted([[], [untagged]]);
    const { fetch, calls } = fakeFetch(loadTranscript('074'));
    const attributeClient = new MispClient({ url: URL, apiKey: KEY, fetch });
    const client: WatchClient = {
      ...scriptedClient,
      pollAttributes: (options) => attributeClient.pollAttributes(options),
    };
    const watch = settings(['misp-lens:watched']);
    const base = await poll(client, watch, { ...EMPTY_WATCH_STATE });
    const next = await poll(client, watch, { ...base.state, cursor: ts - 10 });
    expect(calls[0]?.body).toMatchObject({ tags: ['misp-lens:watched'], timestamp: ts - 10 });
    expect(next.alerts).toHaveLength(1);
    expect(next.alerts[0]?.payload).toMatchObject({
      kind: 'event',
      tags: ['misp-lens:watched'],
      eventId: '2',
    });
  });
});

describe('pollInstance: dedup, edits, baselines per tag', () => {
  const T = 1_795_336_650;

  it('notifies a new event once with tag, info, org and threat level; an edit (newer timestamp) once more', async () => {
    const watch = settings(['tlp:red']);
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
      },
    });
    state = created.state;
    expect(state.cursor).toBe(T + 5);
    const repeat = await poll(client, watch, state);
    expect(repeat.alerts).toEqual([]);
    const edited = await poll(client, watch, repeat.state);
    expect(edited.alerts.map((alert) => alert.payload.kind)).toEqual(['event']);
    expect(edited.state.cursor).toBe(T + 9);
    const again = await poll(client, watch, edited.state);
    expect(again.alerts).toEqual([]);
  });

  it('a tag added later gets its own baseline: its existing events are absorbed, the old tag still notifies', async () => {
    const { client } = scripted([[], [event(1, T + 1, ['apt28']), event(2, T + 2, ['tlp:red'])]]);
    const first = await poll(client, settings(['tlp:red']), EMPTY_WATCH_STATE);
    const next = await poll(client, settings(['tlp:red', 'apt28']), first.state);
    expect(next.baselined).toEqual(['apt28']);
    expect(next.absorbed).toBe(1);
    expect(next.alerts.map((alert) => alert.payload.kind === 'event' && alert.payload.eventId)).toEqual([
      '2',
    ]);
    expect(next.state.baselined).toEqual(['tlp:red', 'apt28']);
  });

  it('"Only published events" asks by publish_timestamp with published=true, and switching resets the baseline', async () => {
    const { client, calls } = scripted([
      [event(3, T, ['tlp:red'], { published: true, publish_timestamp: String(T + 50) })],
    ]);
    const first = await poll(client, settings(['tlp:red']), EMPTY_WATCH_STATE);
    const switched = await poll(client, settings(['tlp:red'], { publishedOnly: true }), first.state);
    expect(calls[1]).toMatchObject({ publishedOnly: true, timeField: 'publish_timestamp' });
    expect(switched.alerts).toEqual([]);
    expect(switched.absorbed).toBe(1);
    expect(switched.state).toMatchObject({ cursorField: 'publish_timestamp', cursor: T + 50 });
  });

  it('pages through events/restSearch until the last page', async () => {
    const seen: number[] = [];
    const client: WatchClient = {
      baseUrl: URL,
      eventUrl: (id) => `${URL}/events/view/${id}`,
      async pollEvents(options) {
        seen.push(options.page ?? 1);
        const page = options.page ?? 1;
        return { events: [event(page, T + page, ['tlp:red'])], hasMore: page < 3 };
      },
      pollAttributes: async () => [],
    };
    const outcome = await poll(client, settings(['tlp:red']), EMPTY_WATCH_STATE);
    expect(seen).toEqual([1, 2, 3]);
    expect(outcome.absorbed).toBe(3);
    expect(outcome.state.cursor).toBe(T + 3);
  });
});

describe('catch-up summary', () => {
  it('after a long absence, 12 new events make one summary notification', async () => {
    const yesterdayEvening = new Date(2026, 10, 21, 18, 0).getTime();
    const now = new Date(2026, 10, 22, 9, 0).getTime();
    const T = Math.floor(yesterdayEvening / 1000);
    const many = Array.from({ length: 12 }, (_, i) => event(100 + i, T + 60 * (i + 1), ['tlp:red']));
    const { client } = scripted([many]);
    const state: WatchState = {
      ...EMPTY_WATCH_STATE,
      cursor: T,
      cursorField: 'timestamp',
      baselined: ['tlp:red'],
      lastSuccessAt: yesterdayEvening,
    };
    const outcome = await poll(client, settings(['tlp:red']), state, now);
    expect(outcome.alerts).toHaveLength(1);
    expect(outcome.alerts[0]?.payload).toMatchObject({
      kind: 'summary',
      title: 'Watched tag: tlp:red',
      message: '12 events tagged tlp:red since yesterday',
      count: 12,
      url: `${URL}/events/index/searchtag:tlp%3Ared`,
    });
    // All twelve count as seen: the next poll is quiet.
    const next = await poll(client, settings(['tlp:red']), outcome.state, now + 300_000);
    expect(next.alerts).toEqual([]);
  });

  it('three new events are notified one by one', async () => {
    const T = 1_795_336_650;
    const { client } = scripted([[event(1, T + 1, ['x']), event(2, T + 2, ['x']), event(3, T + 3, ['x'])]]);
    const state: WatchState = { ...EMPTY_WATCH_STATE, cursor: T, cursorField: 'timestamp', baselined: ['x'] };
    const outcome = await poll(client, settings(['x']), state);
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
      cursor: 123,
      cursorField: 'timestamp',
      baselined: ['x'],
    };
    const first = await poll(client, settings(['x']), state);
    expect(first.error?.kind).toBe('key-rejected');
    expect(first.alerts).toEqual([]);
    expect(first.state).toMatchObject({
      cursor: 123,
      failures: 1,
      status: { message: 'Watching paused: API key rejected' },
    });
    expect(first.nextDelayMs).toBe(10 * 60_000);
    const second = await poll(client, settings(['x']), first.state, NOW + 600_000);
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
    const state: WatchState = { ...EMPTY_WATCH_STATE, cursor: 1, cursorField: 'timestamp', baselined: ['x'] };
    const failed = await poll(flaky, settings(['x']), state);
    expect(failed.state.status?.message).toBe('Watching paused: MISP unreachable');
    up = true;
    const ok = await poll(flaky, settings(['x']), failed.state);
    expect(ok.state.status).toBeUndefined();
    expect(ok.state.failures).toBe(0);
    expect(ok.nextDelayMs).toBe(5 * 60_000);
  });
});
