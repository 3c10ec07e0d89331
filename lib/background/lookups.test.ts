import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDatabase } from '../db';
import { bundledAnnotation, serverAnnotation } from '../indicators/benign';
import type { PageIndicator } from '../indicators/page-indicators';
import type { RetryState } from '../lookup/retry';
import type { LookupSource } from '../lookup/service';
import type { ValueStatus } from '../lookup/status';
import { MispError } from '../misp';
import { type MispInstance, saveInstances } from '../settings';
import { explainingMissingAccess, Lookups } from './lookups';

const instance: MispInstance = {
  id: 'a',
  name: 'Team MISP',
  url: 'https://misp.example.org',
  apiKey: 'k'.repeat(40),
  keyOrigin: 'https://misp.example.org',
  useForLookups: true,
  defaultForEvents: true,
};

const failingWith = (error: unknown): LookupSource => ({
  instanceId: 'a',
  lookup: async () => {
    throw error;
  },
});

describe('explainingMissingAccess', () => {
  const unreachable = new MispError('unreachable', 'Could not reach MISP at https://misp.example.org.');

  it('names the missing browser access, and asks only about the MISP origin', async () => {
    const asked: string[] = [];
    const source = explainingMissingAccess(failingWith(unreachable), instance, async (origin) => {
      asked.push(origin);
      return false;
    });
    await expect(source.lookup(['evil.com'])).rejects.toMatchObject({
      kind: 'permission',
      message: expect.stringContaining('no access to https://misp.example.org yet'),
    });
    expect(asked).toEqual(['https://misp.example.org/*']);
  });

  it('keeps "unreachable" when access is granted, and other errors as they are', async () => {
    const granted = async () => true;
    await expect(
      explainingMissingAccess(failingWith(unreachable), instance, granted).lookup(['x.com']),
    ).rejects.toBe(unreachable);
    const rejected = new MispError('key-rejected', 'API key rejected by MISP.');
    const never = async () => {
      throw new Error('must not be asked');
    };
    await expect(
      explainingMissingAccess(failingWith(rejected), instance, never).lookup(['x.com']),
    ).rejects.toBe(rejected);
  });

  it('passes answers through', async () => {
    const answers = new Map([['x.com', { matches: [] }]]);
    const source = explainingMissingAccess({ instanceId: 'a', lookup: async () => answers }, instance);
    expect(await source.lookup(['x.com'])).toBe(answers);
  });
});

describe('Lookups: a failed lookup is asked again, and the page told to redraw', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await saveInstances([instance]);
  });

  it('an error is retried with backoff; when the answer comes the tab is refreshed, and retries stop', async () => {
    let up = false;
    const asked: string[][] = [];
    const source: LookupSource = {
      instanceId: 'a',
      async lookup(values) {
        asked.push([...values]);
        if (!up) throw new MispError('unreachable', 'Could not reach MISP at https://misp.example.org.');
        return new Map(values.map((value) => [value, { matches: [] }]));
      },
    };
    const retries: Record<string, RetryState> = {};
    const reported = new Map<number, Array<PageIndicator & { status: ValueStatus }>>();
    const refreshed: number[] = [];
    const wakes: number[] = [];
    const lookups = new Lookups(
      await openDatabase(`lookups-retry-${Math.random()}`),
      { bundled: bundledAnnotation, server: serverAnnotation },
      {
        tabIndicators: async (tabId) => reported.get(tabId),
        refreshTab: async (tabId) => {
          refreshed.push(tabId);
        },
        wakeAt: (when) => wakes.push(when),
        retryStore: {
          load: async () => retries,
          save: async () => undefined,
        },
      },
      { sources: async () => [source] },
    );
    const indicator = {
      type: 'domain' as const,
      value: 'evil-c2.site',
      original: 'evil-c2[.]site',
      count: 1,
    };
    const first = await lookups.statuses(3, [indicator]);
    expect(first['evil-c2.site']).toMatchObject({ status: 'error', retry: true });
    reported.set(3, [{ ...indicator, status: first['evil-c2.site']! }]);
    await expect.poll(() => wakes.length).toBe(1);
    expect(wakes[0]! - Date.now()).toBeGreaterThan(3_000);
    expect(retries['3']).toMatchObject({ attempt: 0 });

    // Still down when the retry runs: the next one waits longer.
    retries['3']!.dueAt = 0;
    await lookups.retryDue();
    expect(retries['3']).toMatchObject({ attempt: 1 });
    expect(refreshed).toEqual([]);

    // MISP is back: the answer comes, the page is told to redraw, nothing more is scheduled.
    up = true;
    retries['3']!.dueAt = 0;
    await lookups.retryDue();
    expect(refreshed).toEqual([3]);
    expect(retries['3']).toBeUndefined();
    expect(asked).toEqual([['evil-c2.site'], ['evil-c2.site'], ['evil-c2.site']]);
  });
});

describe('Lookups: the card of a URL known through its host', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await saveInstances([instance]);
  });

  it("shows the host's matches saying which part matched, and a sighting goes to the host", async () => {
    const hostMatch = {
      instanceId: 'a',
      attribute: {
        id: '77',
        uuid: 'u',
        type: 'domain',
        category: 'Network activity',
        value: 'cdn-update.site',
        toIds: true,
        comment: '',
        timestamp: 1,
        tags: [],
      },
      event: {
        id: '5',
        uuid: 'e',
        info: 'update server',
        orgName: 'ORG',
        date: '2026-01-01',
        threatLevel: 1,
        analysis: 2,
        published: true,
        tags: [],
      },
      sightings: { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
    };
    const source: LookupSource = {
      instanceId: 'a',
      lookup: async (values) =>
        new Map(values.map((value) => [value, { matches: value === 'cdn-update.site' ? [hostMatch] : [] }])),
    };
    const lookups = new Lookups(
      await openDatabase(`lookups-card-${Math.random()}`),
      { bundled: bundledAnnotation, server: serverAnnotation },
      {
        tabIndicators: async () => undefined,
        refreshTab: async () => undefined,
        wakeAt: () => undefined,
        retryStore: { load: async () => ({}), save: async () => undefined },
      },
      { sources: async () => [source] },
    );
    const url = 'https://cdn-update.site/gate.php';
    await lookups.statuses(1, [{ type: 'url', value: url }]);
    const matches = await lookups.cardMatches(url);
    expect(matches).toEqual([{ ...hostMatch, matchedPart: { part: 'host', value: 'cdn-update.site' } }]);
    expect(await lookups.sightingValues(url)).toEqual(['cdn-update.site']);
    expect(await lookups.sightingValues('cdn-update.site')).toEqual(['cdn-update.site']);
    expect(await lookups.sightingValues('https://unknown.site/x')).toEqual(['https://unknown.site/x']);
  });
});
