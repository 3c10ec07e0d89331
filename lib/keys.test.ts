import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readKeys } from './keys';
import { loadInstances, type MispInstance, saveInstances } from './settings';

const OLD_KEY = 'E'.repeat(40);
const NEW_KEY = 'F'.repeat(40);
const PLANTED = 'P'.repeat(40);

const stored = async () =>
  ((await fakeBrowser.storage.local.get('instances')).instances ?? []) as Array<Record<string, unknown>>;

describe('API keys live in the background’s key store, never in storage.local', () => {
  it('moves keys an earlier version kept in storage.local, bound to the URL they were stored with, once', async () => {
    await fakeBrowser.storage.local.set({
      instances: [
        {
          id: 'team',
          name: 'Team',
          url: 'https://misp.company.test/misp',
          apiKey: OLD_KEY,
          useForLookups: true,
          defaultForEvents: true,
        },
      ],
    });
    const [team] = await loadInstances();
    expect(team).toMatchObject({ apiKey: OLD_KEY, keyOrigin: 'https://misp.company.test' });
    expect(JSON.stringify(await stored())).not.toContain(OLD_KEY);
    expect((await readKeys()).get('team')).toEqual({
      instanceId: 'team',
      apiKey: OLD_KEY,
      origin: 'https://misp.company.test',
    });

    // A key planted in storage.local afterwards (a content script can write there on Firefox) is ignored,
    // and so is a URL rewritten there to another origin: the key stays with its own.
    const planted = (await stored()).map((instance) => ({
      ...instance,
      url: 'https://collector.test',
      apiKey: PLANTED,
    }));
    await fakeBrowser.storage.local.set({ instances: planted });
    const [after] = await loadInstances();
    expect(after).toMatchObject({ url: 'https://collector.test', apiKey: '' });
  });

  it('saving writes the key to the key store only; removing the instance removes its key', async () => {
    const instance: MispInstance = {
      id: 'second',
      name: 'Second',
      url: 'https://second.test',
      apiKey: NEW_KEY,
      keyOrigin: 'https://second.test',
      useForLookups: true,
      defaultForEvents: false,
    };
    await saveInstances([...(await loadInstances()), instance]);
    expect(JSON.stringify(await stored())).not.toContain(NEW_KEY);
    expect((await readKeys()).get('second')?.apiKey).toBe(NEW_KEY);
    expect((await loadInstances()).find((i) => i.id === 'second')?.apiKey).toBe(NEW_KEY);
    await saveInstances((await loadInstances()).filter((i) => i.id !== 'second'));
    expect((await readKeys()).has('second')).toBe(false);
  });
});
