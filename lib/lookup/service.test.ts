import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db';
import type { Match } from './matches';
import { LookupService, type LookupSource } from './service';

function match(value: string): Match {
  return {
    instanceId: 'misp-a',
    attribute: {
      id: '1',
      uuid: 'u',
      type: 'domain',
      category: 'Network activity',
      value,
      toIds: true,
      comment: '',
      timestamp: 1,
      tags: [],
    },
    event: {
      id: '2',
      uuid: 'e',
      info: `event for ${value}`,
      orgName: 'ORG',
      date: '2026-01-01',
      threatLevel: 1,
      analysis: 2,
      published: true,
      tags: [],
    },
    sightings: { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
  };
}

/** A MISP that knows the values in `known` and records every batch it is asked. */
function fakeSource(known: Set<string>, options: { gate?: Promise<void> } = {}) {
  const batches: string[][] = [];
  const source: LookupSource = {
    instanceId: 'misp-a',
    async lookup(values) {
      batches.push([...values]);
      await options.gate;
      return new Map(values.filter((v) => known.has(v)).map((v) => [v, { matches: [match(v)] }]));
    },
  };
  return { source, batches };
}

let dbCounter = 0;
async function makeService(source: LookupSource, clock = { now: 1_000_000 }, ttlMs = 60_000) {
  const db = await openDatabase(`lookup-test-${dbCounter++}`);
  const service = new LookupService({
    db,
    sources: async () => [source],
    ttlMs: async () => ttlMs,
    now: () => clock.now,
    batchDelayMs: 1,
  });
  return { service, db, clock };
}

describe('LookupService', () => {
  it('answers hits and misses and caches both', async () => {
    const { source, batches } = fakeSource(new Set(['evil.example']));
    const { service } = await makeService(source);
    const first = await service.lookup(1, ['evil.example', 'fine.example']);
    expect(first.get('evil.example')).toMatchObject({
      state: 'done',
      matches: [{ event: { info: 'event for evil.example' } }],
    });
    expect(first.get('fine.example')).toMatchObject({ state: 'done', matches: [] });
    const second = await service.lookup(2, ['evil.example', 'fine.example']);
    expect(second.get('evil.example')).toMatchObject({ state: 'done' });
    expect(batches).toHaveLength(1);
  });

  it('splits 1,201 values into ⌈1201/500⌉ = 3 requests', async () => {
    const { source, batches } = fakeSource(new Set());
    const { service } = await makeService(source);
    const values = Array.from({ length: 1201 }, (_, i) => `host${i}.example`);
    await service.lookup(1, values);
    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([500, 500, 201]);
  });

  it('de-duplicates values asked by several tabs at once into one request', async () => {
    const { source, batches } = fakeSource(new Set(['a.example']));
    const { service } = await makeService(source);
    const [one, two] = await Promise.all([
      service.lookup(1, ['a.example', 'b.example', 'a.example']),
      service.lookup(2, ['a.example', 'c.example']),
    ]);
    expect(batches.flat().sort()).toEqual(['a.example', 'b.example', 'c.example']);
    expect(one.get('a.example')).toMatchObject({ state: 'done' });
    expect(two.get('a.example')).toMatchObject({ state: 'done' });
  });

  it('serves a stale answer at once and refreshes it in the background', async () => {
    const { source, batches } = fakeSource(new Set(['evil.example']));
    const { service, clock } = await makeService(source, { now: 1_000_000 }, 60_000);
    await service.lookup(1, ['evil.example']);
    clock.now += 61_000;
    const stale = await service.lookup(1, ['evil.example']);
    expect(stale.get('evil.example')).toMatchObject({ state: 'done', fetchedAt: 1_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toHaveLength(2);
    const fresh = await service.lookup(1, ['evil.example']);
    expect(fresh.get('evil.example')).toMatchObject({ fetchedAt: 1_061_000 });
  });

  it('cancels what only a closed tab was waiting for', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { source, batches } = fakeSource(new Set(), { gate });
    const db = await openDatabase(`lookup-test-${dbCounter++}`);
    // One request in flight at most: the second batch waits in the queue, where cancelling can reach it.
    const service = new LookupService({
      db,
      sources: async () => [source],
      ttlMs: async () => 60_000,
      batchDelayMs: 1,
      maxInFlight: 1,
      maxBatch: 1,
    });
    const first = service.lookup(1, ['a.example']);
    const second = service.lookup(2, ['b.example']);
    // The first batch is at MISP (held by the gate) before the tab closes.
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    service.cancelTab(2);
    open();
    expect((await second).get('b.example')).toEqual({ state: 'cancelled' });
    expect((await first).get('a.example')).toMatchObject({ state: 'done' });
    expect(batches).toEqual([['a.example']]);
  });

  it('reports an error for every value of a failed batch and caches nothing', async () => {
    let fail = true;
    const batches: string[][] = [];
    const source: LookupSource = {
      instanceId: 'misp-a',
      async lookup(values) {
        batches.push([...values]);
        if (fail) throw new Error('MISP is unreachable at https://misp.example');
        return new Map();
      },
    };
    const { service } = await makeService(source);
    const failed = await service.lookup(1, ['a.example']);
    expect(failed.get('a.example')).toEqual({
      state: 'error',
      message: 'MISP is unreachable at https://misp.example',
    });
    fail = false;
    const retried = await service.lookup(1, ['a.example']);
    expect(retried.get('a.example')).toMatchObject({ state: 'done', matches: [] });
    expect(batches).toHaveLength(2);
  });

  it('invalidates values after a write and prunes expired answers', async () => {
    const { source, batches } = fakeSource(new Set());
    const { service, clock } = await makeService(source, { now: 1_000_000 }, 60_000);
    await service.lookup(1, ['a.example', 'b.example']);
    await service.invalidate(['a.example']);
    await service.lookup(1, ['a.example', 'b.example']);
    expect(batches).toEqual([['a.example', 'b.example'], ['a.example']]);
    // Stale answers are still served (while refreshed) up to two TTLs; older ones go.
    clock.now += 119_000;
    expect(await service.prune()).toEqual({ expired: 0, evicted: 0 });
    clock.now += 2_000;
    expect(await service.prune()).toEqual({ expired: 2, evicted: 0 });
    expect(await service.stats()).toEqual({ entries: 0, hits: 0 });
  });

  it('caps what one tab may queue, with a clear reason, and leaves room for other tabs', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { source } = fakeSource(new Set(['other.example']), { gate });
    const db = await openDatabase(`lookup-test-${dbCounter++}`);
    const service = new LookupService({
      db,
      sources: async () => [source],
      ttlMs: async () => 60_000,
      batchDelayMs: 1,
      maxQueued: 100,
      maxQueuedPerTab: 60,
    });
    const flood = service.lookup(
      1,
      Array.from({ length: 80 }, (_, i) => `flood-${i}.example`),
    );
    const other = service.lookup(2, ['other.example']);
    open();
    const [flooded, normal] = await Promise.all([flood, other]);
    const states = [...flooded.values()].map((outcome) => outcome.state);
    expect(states.filter((state) => state === 'done')).toHaveLength(60);
    expect(states.filter((state) => state === 'refused')).toHaveLength(20);
    expect([...flooded.values()].find((outcome) => outcome.state === 'refused')).toEqual({
      state: 'refused',
      message: 'Not looked up yet: this page already has 60 values waiting for MISP.',
    });
    expect(normal.get('other.example')).toMatchObject({ state: 'done', matches: [{}] });
    // Nothing refused was cached: asked again once there is room, it is looked up.
    const again = await service.lookup(1, ['flood-79.example']);
    expect(again.get('flood-79.example')).toMatchObject({ state: 'done' });
    expect(service.queued).toBe(0);
  });

  it('serves the tabs waiting in turn: a tab with a long queue does not hold back a small one', async () => {
    const { source, batches } = fakeSource(new Set());
    const db = await openDatabase(`lookup-test-${dbCounter++}`);
    const service = new LookupService({
      db,
      sources: async () => [source],
      ttlMs: async () => 60_000,
      batchDelayMs: 5,
      maxBatch: 10,
      maxInFlight: 1,
    });
    const big = service.lookup(
      1,
      Array.from({ length: 50 }, (_, i) => `big-${i}.example`),
    );
    const small = service.lookup(2, ['small-a.example', 'small-b.example']);
    await Promise.all([big, small]);
    expect(batches[0]).toEqual(expect.arrayContaining(['small-a.example', 'small-b.example']));
    expect(batches[0]).toHaveLength(10);
  });

  it('keeps the cache within its bounds, the least recently used going first', async () => {
    const { source } = fakeSource(new Set());
    const clock = { now: 1_000_000 };
    const db = await openDatabase(`lookup-test-${dbCounter++}`);
    const service = new LookupService({
      db,
      sources: async () => [source],
      ttlMs: async () => 3_600_000,
      now: () => clock.now,
      batchDelayMs: 1,
      maxEntries: 10,
    });
    await service.lookup(
      1,
      Array.from({ length: 6 }, (_, i) => `old-${i}.example`),
    );
    clock.now += 60 * 60_000;
    await service.lookup(
      1,
      Array.from({ length: 6 }, (_, i) => `new-${i}.example`),
    );
    // Read again much later: old-0 is used, so it stays although it was written first.
    clock.now += 20 * 60_000;
    await service.lookup(1, ['old-0.example']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await service.prune()).toEqual({ expired: 0, evicted: 3 });
    const kept = await service.cached([
      ...Array.from({ length: 6 }, (_, i) => `old-${i}.example`),
      ...Array.from({ length: 6 }, (_, i) => `new-${i}.example`),
    ]);
    expect([...kept.keys()].filter((value) => value.startsWith('old-')).sort()).toEqual([
      'old-0.example',
      'old-4.example',
      'old-5.example',
    ]);
    expect((await service.stats()).entries).toBe(9);
  });

  it('says which tabs to redraw when a background refresh changes what they were shown', async () => {
    const known = new Set<string>();
    const { source } = fakeSource(known);
    const clock = { now: 1_000_000 };
    const changed: Array<[number[], string[]]> = [];
    const db = await openDatabase(`lookup-test-${dbCounter++}`);
    const service = new LookupService({
      db,
      sources: async () => [source],
      ttlMs: async () => 60_000,
      now: () => clock.now,
      batchDelayMs: 1,
      onChanged: (tabs, values) => changed.push([tabs, values]),
    });
    await service.lookup(7, ['later-known.example', 'still-new.example']);
    known.add('later-known.example');
    clock.now += 61_000;
    await service.lookup(7, ['later-known.example', 'still-new.example']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(changed).toEqual([[[7], ['later-known.example']]]);
  });

  it('caches the capped flag and the instance warninglists with the answer', async () => {
    const source: LookupSource = {
      instanceId: 'misp-a',
      async lookup(values) {
        return new Map(
          values.map((v) => [
            v,
            v === 'popular.example'
              ? { matches: [match(v)], capped: true }
              : { matches: [], lists: [{ name: 'List of known google domains', matched: v }] },
          ]),
        );
      },
    };
    const { service } = await makeService(source);
    await service.lookup(1, ['popular.example', 'www.google.com']);
    const again = await service.lookup(2, ['popular.example', 'www.google.com']);
    expect(again.get('popular.example')).toMatchObject({ state: 'done', capped: true });
    expect(again.get('www.google.com')).toMatchObject({
      state: 'done',
      matches: [],
      lists: [{ name: 'List of known google domains' }],
    });
  });
});
