import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDatabase } from '../db';
import { MispError } from '../misp/errors';
import { EventSchema, type MispEvent } from '../misp/schemas';
import type { MispInstance } from '../settings';
import { AlertStore } from './alerts';
import type { WatchClient } from './poller';
import type { WatchRuleInput } from './rules';
import { type NotificationContent, type WatchPlatform, WatchService } from './service';
import { loadWatchConfig, loadWatchState } from './settings';

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

const RULE: WatchRuleInput = {
  name: '',
  tags: ['tlp:red'],
  tagMatch: 'any',
  orgs: [],
  publishedOnly: false,
  newAttributesOnly: false,
  instanceIds: ['misp-a'],
};

let dbCounter = 0;

async function setup() {
  const events: MispEvent[] = [];
  let failure: MispError | undefined;
  let refuseNotifications = false;
  let instances = [INSTANCE];
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
    attributesAddedSince: async () => [],
  };
  const notified: NotificationContent[] = [];
  const problems: Array<string | undefined> = [];
  const alarms = new Map<string, number>();
  const opened: string[] = [];
  const badge: number[] = [];
  let changes = 0;
  const platform: WatchPlatform = {
    now: () => Date.now(),
    loadInstances: async () => instances,
    createClient: async () => client,
    notify: async (notification) => {
      if (refuseNotifications) throw new Error('Notifications from Sightline are turned off in the browser.');
      notified.push(notification);
    },
    clearNotification: async () => {},
    reportNotificationProblem: async (problem) => {
      problems.push(problem);
    },
    schedule: async (id, delay) => {
      alarms.set(id, delay);
    },
    unschedule: async (id) => {
      alarms.delete(id);
    },
    scheduled: async () => [...alarms.keys()],
    setBadge: async (count) => {
      badge.push(count);
    },
    openUrl: async (url) => {
      opened.push(url);
    },
    alertsPageUrl: () => 'chrome-extension://id/popup.html?panel=alerts',
    onEventsChanged: () => {
      changes++;
    },
  };
  const db = await openDatabase(`watch-test-${dbCounter++}`);
  const alerts = new AlertStore(db);
  const service = new WatchService(alerts, platform);
  return {
    service,
    alerts,
    events,
    notified,
    problems,
    alarms,
    opened,
    badge,
    changes: () => changes,
    fail: (error: MispError | undefined) => {
      failure = error;
    },
    refuseNotifications: (refuse: boolean) => {
      refuseNotifications = refuse;
    },
    setInstances: (next: MispInstance[]) => {
      instances = next;
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

  it('a tag watched from now: an event tagged at once is notified exactly once, one from before never', async () => {
    const t = await setup();
    t.events.push(event(1, nowS() - 60));
    await t.service.saveRule(RULE);
    // The first poll is armed within a minute.
    expect(t.alarms.get('misp-a')).toBe(60_000);
    vi.advanceTimersByTime(5_000);
    t.events.push(event(2, nowS()));
    vi.advanceTimersByTime(55_000);
    await t.service.poll('misp-a');
    expect(t.notified.map((n) => n.message)).toEqual(['Event 2\nCIRCL · Threat level: High']);
    expect(t.badge.at(-1)).toBe(1);
    expect(t.alarms.get('misp-a')).toBe(5 * 60_000);
    expect(t.changes()).toBe(1);

    vi.advanceTimersByTime(5 * 60_000);
    await t.service.poll('misp-a');
    expect(t.notified).toHaveLength(1);

    const [alert] = await t.service.list();
    expect(alert?.notifiedAt).toBeTypeOf('number');
    expect(await t.service.open(alert?.id ?? '')).toBe(true);
    expect(t.opened).toEqual([`${INSTANCE.url}/events/view/2`]);
    expect((await t.service.list())[0]?.read).toBe(true);
    expect(t.badge.at(-1)).toBe(0);
  });

  it('a notification the browser refuses stays owed, its reason is reported, and it is shown at the next start', async () => {
    const t = await setup();
    await t.service.saveRule(RULE);
    vi.advanceTimersByTime(1_000);
    t.events.push(event(3, nowS()));
    t.refuseNotifications(true);
    await t.service.poll('misp-a');
    expect(t.notified).toEqual([]);
    expect(t.problems.at(-1)).toContain('turned off');
    const [alert] = await t.service.list();
    expect(alert?.notifiedAt).toBeUndefined();
    // The worker starts again with notifications allowed: what reached the Alerts tab is notified.
    t.refuseNotifications(false);
    await t.service.ensureScheduled();
    expect(t.notified.map((n) => n.id)).toEqual([alert?.id]);
    expect(t.problems.at(-1)).toBeUndefined();
    await t.service.ensureScheduled();
    expect(t.notified).toHaveLength(1);
  });

  it('a notification the browser refused is shown at the next poll once the browser takes it', async () => {
    const t = await setup();
    await t.service.saveRule(RULE);
    vi.advanceTimersByTime(1_000);
    t.events.push(event(4, nowS()));
    t.refuseNotifications(true);
    await t.service.poll('misp-a');
    const [alert] = await t.service.list();
    expect(alert?.notifiedAt).toBeUndefined();
    // The next poll finds nothing new, but the alert listed in the Alerts tab is still owed its notification.
    t.refuseNotifications(false);
    vi.advanceTimersByTime(5 * 60_000);
    await t.service.poll('misp-a');
    expect(t.notified.map((n) => n.id)).toEqual([alert?.id]);
    expect(t.problems.at(-1)).toBeUndefined();
    vi.advanceTimersByTime(5 * 60_000);
    await t.service.poll('misp-a');
    expect(t.notified).toHaveLength(1);
  });

  it('more than three alerts at once make one summary notification that opens the Alerts tab', async () => {
    const t = await setup();
    const drafts = [1, 2, 3, 4, 5].map((n) => ({
      id: `seen|198.51.100.${n}`,
      payload: {
        kind: 'seen' as const,
        title: 'Seen before, known now',
        message: `198.51.100.${n} is now in MISP`,
        url: `${INSTANCE.url}/events/view/${n}`,
        value: `198.51.100.${n}`,
        eventId: String(n),
        eventInfo: `Event ${n}`,
        host: 'blog.example',
        pageTitle: 'A blog',
        pageUrl: 'https://blog.example/post',
        readAt: Date.now() - 86_400_000,
      },
    }));
    await t.service.raise('misp-a', drafts);
    expect(t.notified).toHaveLength(1);
    expect(t.notified[0]?.title).toBe('Sightline: 5 new alerts');
    expect((await t.service.list()).every((alert) => alert.notifiedAt !== undefined)).toBe(true);
    expect(await t.service.open(t.notified[0]?.id ?? '')).toBe(true);
    expect(t.opened).toEqual(['chrome-extension://id/popup.html?panel=alerts']);
    expect(await t.service.open('seen|198.51.100.1', 'page')).toBe(true);
    expect(t.opened.at(-1)).toBe('https://blog.example/post');
  });

  it('failures back off exponentially and never notify; recovery resumes the interval', async () => {
    const t = await setup();
    await t.service.saveRule(RULE);
    await t.service.poll('misp-a');
    t.fail(new MispError('key-rejected', 'API key rejected by MISP'));
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(t.alarms.get('misp-a') ?? 0);
      t.events.push(event(10 + i, nowS()));
      await t.service.poll('misp-a');
    }
    expect(t.alarms.get('misp-a')).toBe(40 * 60_000);
    expect(t.notified).toEqual([]);
    expect((await loadWatchState('misp-a')).status?.message).toBe('Watching paused: API key rejected');
    t.fail(undefined);
    await t.service.poll('misp-a');
    expect(t.alarms.get('misp-a')).toBe(5 * 60_000);
    expect((await loadWatchState('misp-a')).status).toBeUndefined();
    expect(t.notified).toHaveLength(3);
  });

  it('"Test" reports what a rule would notify without notifying or moving the cursor', async () => {
    const t = await setup();
    const saved = await t.service.saveRule(RULE);
    await t.service.poll('misp-a');
    const before = await loadWatchState('misp-a');
    vi.advanceTimersByTime(60_000);
    t.events.push(event(5, nowS()));
    const report = await t.service.test(saved.id);
    expect(report?.instances[0]?.report?.alerts.map((alert) => alert.payload.title)).toEqual([
      'Watched tag: tlp:red',
    ]);
    expect(t.notified).toEqual([]);
    expect(await loadWatchState('misp-a')).toEqual(before);
  });

  it('a removed instance takes its watch with it: state, its place in rules, alarm and alerts', async () => {
    const t = await setup();
    const b: MispInstance = { ...INSTANCE, id: 'misp-b', name: 'MISP B', defaultForEvents: false };
    t.setInstances([INSTANCE, b]);
    await t.service.saveRule({ ...RULE, instanceIds: ['misp-a', 'misp-b'] });
    await t.service.saveRule({ ...RULE, tags: ['only-b'], instanceIds: ['misp-b'] });
    vi.advanceTimersByTime(1_000);
    t.events.push(event(6, nowS()));
    await t.service.poll('misp-b');
    expect((await t.service.list()).map((alert) => alert.instanceId)).toEqual(['misp-b']);
    t.setInstances([INSTANCE]);
    await t.service.ensureScheduled();
    const config = await loadWatchConfig();
    expect(config.rules.map((rule) => rule.instanceIds)).toEqual([['misp-a']]);
    expect(config.rules[0]?.since).toEqual({ 'misp-a': { 'tlp:red': expect.any(Number) } });
    expect([...t.alarms.keys()]).toEqual(['misp-a']);
    expect(await loadWatchState('misp-b')).toEqual({ rules: {}, failures: 0 });
    expect(await t.service.list()).toEqual([]);
  });

  it('an edit keeps the start of what did not change; a new tag or instance starts at the edit', async () => {
    const t = await setup();
    const first = await t.service.saveRule(RULE);
    const began = first.since['misp-a']?.['tlp:red'];
    vi.advanceTimersByTime(3_600_000);
    t.setInstances([INSTANCE, { ...INSTANCE, id: 'misp-b', name: 'B', defaultForEvents: false }]);
    const edited = await t.service.saveRule({
      ...RULE,
      id: first.id,
      tags: ['tlp:red', 'apt28'],
      instanceIds: ['misp-a', 'misp-b'],
    });
    expect(edited.since).toEqual({
      'misp-a': { 'tlp:red': began, apt28: nowS() },
      'misp-b': { 'tlp:red': nowS(), apt28: nowS() },
    });
    await expect(t.service.saveRule({ ...RULE, instanceIds: ['gone'] })).rejects.toThrow(
      'No such MISP instance.',
    );
  });
});
