import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { pageScanDecision } from '../background/page-config';
import { openDatabase } from '../db';
import type { Match } from '../lookup/matches';
import type { LookupOutcome } from '../lookup/service';
import { DEFAULT_PREFERENCES, type MispInstance } from '../settings';
import type { AlertDraft } from '../watch/alerts';
import { CHECK_BATCH, loadCheckState, SeenChecker, type SeenPlatform, type SeenSettings } from './checker';
import { DAY_MS, MAX_VALUES_PER_PAGE, SeenStore, seenPlace } from './store';

let counter = 0;
const NOW = Date.UTC(2026, 10, 24, 9, 30);

function match(value: string, info: string): Match {
  return {
    instanceId: 'misp-a',
    attribute: {
      id: '9',
      uuid: 'u',
      type: 'ip-dst',
      category: 'Network activity',
      value,
      toIds: true,
      comment: '',
      timestamp: 0,
      tags: [],
    },
    event: {
      id: '42',
      uuid: 'e',
      info,
      orgName: 'CIRCL',
      date: '2026-11-30',
      threatLevel: 1,
      analysis: 0,
      published: true,
      tags: [],
    },
    sightings: { sightings: 0, falsePositives: 0, expirations: 0 },
  } as unknown as Match;
}

async function setup(settings: Partial<SeenSettings> = {}, maxValues?: number) {
  const db = await openDatabase(`seen-test-${counter++}`);
  const store = new SeenStore(db, maxValues);
  let now = NOW;
  const known = new Map<string, string>();
  const asked: string[][] = [];
  const raised: AlertDraft[] = [];
  const scheduled: number[] = [];
  let failing: string | undefined;
  let slowMs = 0;
  const platform: SeenPlatform = {
    now: () => now,
    settings: async () => ({ remember: true, retentionDays: 30, checkMinutes: 60, ...settings }),
    // The product's own rule: what the content script may scan.
    mayScan: async (url) =>
      pageScanDecision(url, { ...DEFAULT_PREFERENCES, neverScan: ['intranet.example'] }, [MISP_INSTANCE])
        .scan,
    lookupFresh: async (values) => {
      asked.push([...values]);
      now += slowMs;
      return new Map<string, LookupOutcome>(
        values.map((value) => [
          value,
          failing
            ? { state: 'error', message: failing }
            : {
                state: 'done',
                matches: known.has(value) ? [match(value, known.get(value) ?? '')] : [],
                fetchedAt: now,
              },
        ]),
      );
    },
    eventUrl: async (_instance, eventId) => `https://misp.example/events/view/${eventId}`,
    raise: async (_instance, drafts) => {
      raised.push(...drafts);
    },
    schedule: async (delay) => {
      scheduled.push(delay);
    },
  };
  return {
    store,
    checker: new SeenChecker(store, platform),
    known,
    asked,
    raised,
    scheduled,
    advance: (ms: number) => {
      now += ms;
    },
    fail: (message: string | undefined) => {
      failing = message;
    },
    slow: (ms: number) => {
      slowMs = ms;
    },
  };
}

const MISP_INSTANCE: MispInstance = {
  id: 'misp-a',
  name: 'MISP',
  url: 'https://misp.example',
  apiKey: 'k',
  useForLookups: true,
  defaultForEvents: true,
};
const PAGE = { url: 'https://blog.example/2026/11/apt?utm_source=x#comments', title: 'APT notes' };
const ip = (n: number) => ({ value: `203.0.113.${n}`, type: 'ip-dst' });

describe('the seen-indicator store', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps host, title and the address without query or fragment; only http(s) pages', () => {
    expect(seenPlace(PAGE.url, ' APT notes ')).toEqual({
      host: 'blog.example',
      title: 'APT notes',
      pageUrl: 'https://blog.example/2026/11/apt',
    });
    expect(seenPlace('file:///home/a/report.html', 'r')).toBeUndefined();
    expect(seenPlace('chrome-extension://abc/popup.html', 'p')).toBeUndefined();
  });

  it('remembers only what MISP did not know, never page text, and keeps the first place a value was read', async () => {
    const t = await setup();
    await t.checker.recordPage(PAGE, [ip(9), ip(10), { value: 'benign.example', type: 'domain' }], {
      '203.0.113.9': { status: 'new' },
      '203.0.113.10': { status: 'known' },
      'benign.example': { status: 'benign' },
    });
    await t.checker.recordPage({ url: 'https://other.example/x', title: 'Other' }, [ip(9)], {
      '203.0.113.9': { status: 'new' },
    });
    const kept = await t.store.get(['203.0.113.9', '203.0.113.10', 'benign.example']);
    expect([...kept.keys()]).toEqual(['203.0.113.9']);
    expect(kept.get('203.0.113.9')).toEqual({
      value: '203.0.113.9',
      type: 'ip-dst',
      host: 'blog.example',
      title: 'APT notes',
      pageUrl: 'https://blog.example/2026/11/apt',
      firstSeenAt: NOW,
      lastSeenAt: NOW,
      checkedAt: 0,
    });
  });

  it('never records an excluded site, MISP’s own pages, or a page that is not http(s)', async () => {
    const t = await setup();
    const statuses = { '203.0.113.9': { status: 'new' } };
    await t.checker.recordPage({ url: 'https://wiki.intranet.example/ir', title: 'IR' }, [ip(9)], statuses);
    await t.checker.recordPage(
      { url: 'https://misp.example/events/view/1', title: 'MISP' },
      [ip(9)],
      statuses,
    );
    await t.checker.recordPage({ url: 'file:///tmp/report.html', title: 'Local' }, [ip(9)], statuses);
    expect((await t.store.stats()).count).toBe(0);
    await t.checker.recordPage(PAGE, [ip(9)], statuses);
    expect((await t.store.stats()).count).toBe(1);
  });

  it('"Remember indicators I read" off: nothing is kept', async () => {
    const t = await setup({ remember: false });
    await t.checker.recordPage(PAGE, [ip(9)], { '203.0.113.9': { status: 'new' } });
    expect((await t.store.stats()).count).toBe(0);
  });

  it('is bounded: at most MAX_VALUES_PER_PAGE from one page, the least recently read go first', async () => {
    const t = await setup({}, 5);
    const many = Array.from({ length: MAX_VALUES_PER_PAGE + 50 }, (_, i) => ({
      value: `v${i}.example`,
      type: 'domain',
    }));
    const unbounded = await setup();
    expect(await unbounded.store.remember(seenPlace(PAGE.url, '')!, many, NOW)).toBe(MAX_VALUES_PER_PAGE);
    const place = seenPlace(PAGE.url, 'p')!;
    for (let i = 0; i < 8; i++) await t.store.remember(place, [ip(i)], NOW + i);
    await t.store.remember(place, [ip(1)], NOW + 100); // read again: now the most recent
    await t.store.remember(place, [ip(20)], NOW + 101);
    const left = [
      ...(await t.store.get(Array.from({ length: 21 }, (_, i) => `203.0.113.${i}`))).keys(),
    ].sort();
    expect(left).toEqual(['203.0.113.1', '203.0.113.20', '203.0.113.5', '203.0.113.6', '203.0.113.7']);
  });

  it('forgets what was last read longer ago than "Keep for (days)"', async () => {
    const t = await setup();
    const place = seenPlace(PAGE.url, 'p')!;
    await t.store.remember(place, [ip(1)], NOW - 31 * DAY_MS);
    await t.store.remember(place, [ip(2)], NOW - 29 * DAY_MS);
    expect(await t.store.prune(NOW, 30)).toBe(1);
    expect([...(await t.store.get(['203.0.113.1', '203.0.113.2'])).keys()]).toEqual(['203.0.113.2']);
  });
});

describe('seen before, known now', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a value MISP learns later raises one alert naming where and when it was read, then leaves the history', async () => {
    const t = await setup();
    await t.checker.recordPage(PAGE, [ip(9), ip(10)], {
      '203.0.113.9': { status: 'new' },
      '203.0.113.10': { status: 'new' },
    });
    await t.checker.check();
    expect(t.raised).toEqual([]);
    t.advance(3 * DAY_MS);
    t.known.set('203.0.113.9', 'Partner report: APT infrastructure');
    await t.checker.check();
    expect(t.raised).toHaveLength(1);
    expect(t.raised[0]).toMatchObject({
      id: 'seen|203.0.113.9',
      payload: {
        kind: 'seen',
        title: 'Seen before, known now',
        value: '203.0.113.9',
        host: 'blog.example',
        pageUrl: 'https://blog.example/2026/11/apt',
        url: 'https://misp.example/events/view/42',
      },
    });
    expect(t.raised[0]?.payload.message).toMatch(
      /^203\.0\.113\.9, which you read on blog\.example on .*24.*, is now in MISP: Partner report: APT infrastructure$/,
    );
    expect([...(await t.store.get(['203.0.113.9', '203.0.113.10'])).keys()]).toEqual(['203.0.113.10']);
    await t.checker.check();
    expect(t.raised).toHaveLength(1);
  });

  it('a remembered value that a later page finds known is a late match at once', async () => {
    const t = await setup();
    await t.checker.recordPage(PAGE, [ip(9)], { '203.0.113.9': { status: 'new' } });
    t.known.set('203.0.113.9', 'Event');
    await t.checker.recordPage({ url: 'https://news.example/a', title: 'News' }, [ip(9)], {
      '203.0.113.9': { status: 'known' },
    });
    expect(t.raised.map((alert) => alert.payload.kind === 'seen' && alert.payload.host)).toEqual([
      'blog.example',
    ]);
  });

  it('asks in batches of at most 500 values, and backs off while MISP fails or is slow', async () => {
    const t = await setup();
    const place = seenPlace(PAGE.url, 'p')!;
    const values = Array.from({ length: 1_200 }, (_, i) => ({ value: `h${i}.example`, type: 'domain' }));
    for (let i = 0; i < values.length; i += MAX_VALUES_PER_PAGE) {
      await t.store.remember(place, values.slice(i, i + MAX_VALUES_PER_PAGE), NOW);
    }
    await t.checker.check();
    expect(t.asked.map((batch) => batch.length)).toEqual([CHECK_BATCH, CHECK_BATCH, 200]);
    expect(t.scheduled.at(-1)).toBe(60 * 60_000);

    t.advance(2 * 3_600_000);
    t.fail('MISP is unreachable');
    await t.checker.check();
    expect(t.asked.length).toBe(4);
    expect(t.scheduled.at(-1)).toBe(2 * 60 * 60_000);
    expect((await loadCheckState()).problem).toContain('MISP is unreachable');
    await t.checker.check();
    expect(t.scheduled.at(-1)).toBe(4 * 60 * 60_000);
    // A watch poll's hint does not cut the backoff short.
    const before = t.scheduled.length;
    await t.checker.hint();
    expect(t.scheduled.length).toBe(before);

    t.fail(undefined);
    t.slow(20_000);
    t.advance(5 * 3_600_000);
    await t.checker.check();
    expect(t.asked.at(-1)?.length).toBe(CHECK_BATCH);
    expect((await loadCheckState()).problem).toContain('slowly');
    t.slow(0);
    t.advance(10 * 3_600_000);
    await t.checker.check();
    expect(await loadCheckState()).toMatchObject({ failures: 0 });
    expect(t.scheduled.at(-1)).toBe(60 * 60_000);
  });

  it('a watch poll that saw new events asks for a check soon', async () => {
    const t = await setup();
    await t.checker.hint();
    expect(t.scheduled).toEqual([5_000]);
  });
});
