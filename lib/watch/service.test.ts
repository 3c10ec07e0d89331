import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDatabase } from '../db';
import { MispError } from '../misp/errors';
import { EventSchema, type MispEvent } from '../misp/schemas';
import type { MispInstance } from '../settings';
import { AlertStore, type StoredAlert } from './alerts';
import type { WatchClient } from './poller';
import { type WatchPlatform, WatchService } from './service';
import { loadWatchState } from './settings';

const INSTANCE: MispInstance = {
  id: 'misp-a',
  name: 'MISP A',
  url: 'https://misp.example',
  apiKey: 'A'.repeat(40),
  useForLookups: true,
  defaultForEvents: true,
};

function event(n: number, timestamp: number): MispEvent {
  return EventSchema.parse({
    id: String(n),
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    info: `Event ${n}`,
    date: '2026-11-22',
    threat_level_id: '1',
    analysis: '0',
    distribution: '0',
    published: false,
    timestamp: String(timestamp),
    Orgc: { name: 'CIRCL' },
    Tag: [{ id: '1', name: 'tlp:red' }],
  });
}

let dbCounter = 0;

async function setup() {
  const events: MispEvent[] = [];
  let failure: MispError | undefined;
  const client: WatchClient = {
    baseUrl: INSTANCE.url,
    eventUrl: (id) => `${INSTANCE.url}/events/view/${id}`,
    async pollEvents(options) {
      if (failure) throw failure;
      return {
        events: events.filter((item) => Number(item.timestamp) >= Number(options.since)),
        hasMore: false,
      };
    },
    pollAttributes: async () => [],
  };
  const notified: StoredAlert[] = [];
  const scheduled: number[] = [];
  const opened: string[] = [];
  const badge: number[] = [];
  const platform: WatchPlatform = {
    now: () => Date.now(),
    loadInstances: async () => [INSTANCE],
    createClient: async () => client,
    notify: async (alert) => {
      notified.push(alert);
    },
    clearNotification: async () => {},
    schedule: async (_id, delay) => {
      scheduled.push(delay);
    },
    unschedule: async () => {},
    isScheduled: async () => scheduled.length > 0,
    setBadge: async (count) => {
      badge.push(count);
    },
    openUrl: async (url) => {
      opened.push(url);
    },
  };
  const db = await openDatabase(`watch-test-${dbCounter++}`);
  const service = new WatchService(new AlertStore(db), platform);
  return {
    service,
    events,
    notified,
    scheduled,
    opened,
    badge,
    fail: (error: MispError | undefined) => {
      failure = error;
    },
  };
}

describe('WatchService', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const nowS = () => Math.floor(Date.now() / 1000);

  it('baseline, one notification per new event, badge of unread alerts, click opens the event', async () => {
    const t = await setup();
    t.events.push(event(1, nowS() - 60));
    await t.service.saveSettings(INSTANCE.id, {
      tags: ['tlp:red'],
      intervalMinutes: 5,
      publishedOnly: false,
    });
    await t.service.poll(INSTANCE.id);
    expect(t.notified).toEqual([]);

    vi.advanceTimersByTime(5 * 60_000);
    t.events.push(event(2, nowS()));
    await t.service.poll(INSTANCE.id);
    expect(t.notified.map((alert) => alert.payload.message)).toEqual(['Event 2\nCIRCL · Threat level: High']);
    expect(t.badge.at(-1)).toBe(1);
    expect(t.scheduled.at(-1)).toBe(5 * 60_000);

    vi.advanceTimersByTime(5 * 60_000);
    await t.service.poll(INSTANCE.id);
    expect(t.notified).toHaveLength(1);

    // The cursor (event 2's timestamp) persisted in extension storage.
    expect((await loadWatchState(INSTANCE.id)).cursor).toBe(nowS() - 5 * 60);

    const [alert] = await t.service.list();
    expect(alert?.read).toBe(false);
    expect(await t.service.open(alert?.id ?? '')).toBe(true);
    expect(t.opened).toEqual([`${INSTANCE.url}/events/view/2`]);
    expect((await t.service.list())[0]?.read).toBe(true);
    expect(t.badge.at(-1)).toBe(0);
  });

  it('failures back off exponentially and never notify; recovery resumes the interval', async () => {
    const t = await setup();
    await t.service.saveSettings(INSTANCE.id, {
      tags: ['tlp:red'],
      intervalMinutes: 5,
      publishedOnly: false,
    });
    await t.service.poll(INSTANCE.id);
    t.fail(new MispError('key-rejected', 'API key rejected by MISP'));
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(t.scheduled.at(-1) ?? 0);
      t.events.push(event(10 + i, nowS()));
      await t.service.poll(INSTANCE.id);
    }
    expect(t.scheduled.slice(-3)).toEqual([10, 20, 40].map((m) => m * 60_000));
    expect(t.notified).toEqual([]);
    expect((await loadWatchState(INSTANCE.id)).status?.message).toBe('Watching paused: API key rejected');
    t.fail(undefined);
    await t.service.poll(INSTANCE.id);
    expect(t.scheduled.at(-1)).toBe(5 * 60_000);
    expect((await loadWatchState(INSTANCE.id)).status).toBeUndefined();
    // The three events made while paused arrive once, as individual alerts (three is under the summary threshold).
    expect(t.notified).toHaveLength(3);
  });

  it('"Test" reports what it would notify without notifying or moving the cursor', async () => {
    const t = await setup();
    await t.service.saveSettings(INSTANCE.id, {
      tags: ['tlp:red'],
      intervalMinutes: 5,
      publishedOnly: false,
    });
    await t.service.poll(INSTANCE.id);
    const cursor = (await loadWatchState(INSTANCE.id)).cursor;
    vi.advanceTimersByTime(60_000);
    t.events.push(event(5, nowS()));
    const report = await t.service.test(INSTANCE.id);
    expect(report.wouldNotify.map((alert) => alert.payload.title)).toEqual(['Watched tag: tlp:red']);
    expect(t.notified).toEqual([]);
    expect((await loadWatchState(INSTANCE.id)).cursor).toBe(cursor);
  });
});
