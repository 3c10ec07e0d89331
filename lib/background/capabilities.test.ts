import { describe, expect, it } from 'vitest';
import type { ConnectionTest } from '../misp/client';
import type { MispInstance } from '../settings';
import { sightingPermission } from '../sightings/permissions';
import { CapabilitiesCache } from './capabilities';

const instance: MispInstance = {
  id: 'team',
  name: 'Team MISP',
  url: 'https://misp.company.test',
  apiKey: 'R'.repeat(40),
  keyOrigin: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
};
const answer = (add: boolean, sighting: boolean, role = add ? 'User' : 'Read Only'): ConnectionTest => ({
  version: '2.5.1',
  user: { id: '1', email: 'ana@company.test' },
  org: { id: '1', name: 'Company' },
  role: { name: role },
  permissions: {
    add,
    modify: add,
    publish: false,
    tagger: add,
    tagEditor: false,
    sighting,
    siteAdmin: false,
  },
});

function cacheWith(answers: Record<string, ConnectionTest | Error>) {
  let now = 0;
  const asked: string[] = [];
  const cache = new CapabilitiesCache(
    async () => 1000,
    () => now,
    async (target) => {
      asked.push(target.apiKey.slice(0, 1));
      const next = answers[target.apiKey.slice(0, 1)];
      if (!next || next instanceof Error) throw next ?? new Error('no answer');
      return next;
    },
  );
  return { cache, asked, advance: (ms: number) => (now += ms) };
}

describe('one capabilities cache per instance, keyed by the instance and its key', () => {
  it('asks once, then answers from the cache until the key changes or ten minutes pass', async () => {
    const { cache, asked, advance } = cacheWith({ R: answer(false, false), W: answer(true, true) });
    expect((await cache.get(instance)).permissions.add).toBe(false);
    await cache.get(instance);
    expect(asked).toEqual(['R']);
    // A new key (the analyst replaced it): the next read is the new key's, never the old one's.
    expect((await cache.get({ ...instance, apiKey: 'W'.repeat(40) })).permissions.add).toBe(true);
    expect(asked).toEqual(['R', 'W']);
    advance(10 * 60_000);
    await cache.get({ ...instance, apiKey: 'W'.repeat(40) });
    expect(asked).toEqual(['R', 'W', 'W']);
  });

  it('forgets an instance when it is saved or removed, and keeps no failed answer', async () => {
    const { cache, asked } = cacheWith({ R: answer(true, true) });
    await cache.get(instance);
    cache.forget('team');
    await cache.get(instance);
    expect(asked).toEqual(['R', 'R']);
    const failing = cacheWith({});
    await expect(failing.cache.get(instance)).rejects.toThrow();
    await expect(failing.cache.get(instance)).rejects.toThrow();
    expect(failing.asked).toEqual(['R', 'R']);
  });

  it('a read-only key may not record sightings (with the reason); unknown counts as allowed', async () => {
    const { cache } = cacheWith({ R: answer(false, false) });
    expect(await sightingPermission(cache, instance)).toEqual({
      instanceId: 'team',
      allowed: false,
      reason:
        'Your MISP key (ana@company.test, role Read Only) may not record sightings on Team MISP. Ask your MISP administrator for the sighting permission.',
    });
    expect(await sightingPermission(cacheWith({}).cache, instance)).toEqual({
      instanceId: 'team',
      allowed: true,
    });
  });
});
