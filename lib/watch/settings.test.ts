import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { pollInstance, type WatchClient } from './poller';
import {
  loadAllWatchStates,
  loadWatchConfig,
  migratedRuleId,
  migrateWatchSettingsV1,
  migrateWatchStateV1,
  watchConfigItem,
  watchStateItem,
} from './settings';

const V1_SETTINGS = {
  'misp-a': { tags: ['tlp:red', ' apt28 ', 'tlp:red'], intervalMinutes: 10, publishedOnly: true },
  'misp-b': { tags: [], intervalMinutes: 5, publishedOnly: false },
  'misp-c': { tags: ['x'], intervalMinutes: 3, publishedOnly: false },
  broken: { tags: 'not a list' },
};
const V1_STATE = {
  'misp-a': {
    cursor: 1_795_336_601,
    cursorField: 'publish_timestamp',
    baselined: ['tlp:red', 'apt28'],
    seen: { 'uuid-1': 1_795_336_601 },
    lastSuccessAt: 1_795_336_700_000,
    failures: 0,
  },
  'misp-c': { baselined: [], seen: {}, failures: 2, status: { kind: 'unreachable', message: 'm', since: 1 } },
};

describe('watch settings migration (version 1 tag lists → version 2 rules)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('each instance’s tag list becomes one "any" rule on that instance; the shortest interval stays', () => {
    const config = migrateWatchSettingsV1(V1_SETTINGS);
    expect(config.intervalMinutes).toBe(3);
    expect(config.rules).toEqual([
      {
        id: migratedRuleId('misp-a'),
        name: '',
        tags: ['tlp:red', 'apt28'],
        tagMatch: 'any',
        orgs: [],
        publishedOnly: true,
        newAttributesOnly: false,
        instanceIds: ['misp-a'],
        since: { 'misp-a': { 'tlp:red': 0, apt28: 0 } },
      },
      expect.objectContaining({ id: migratedRuleId('misp-c'), tags: ['x'], instanceIds: ['misp-c'] }),
    ]);
    expect(migrateWatchSettingsV1(undefined)).toEqual({ rules: [], intervalMinutes: 5 });
  });

  it('the cursor and dedup memory become the migrated rule’s: the next poll goes on where it was', async () => {
    const states = migrateWatchStateV1(V1_STATE);
    expect(states['misp-a']).toEqual({
      rules: {
        [migratedRuleId('misp-a')]: {
          cursor: 1_795_336_601,
          cursorField: 'publish_timestamp',
          polledTags: ['tlp:red', 'apt28'],
          seen: { 'uuid-1': 1_795_336_601 },
        },
      },
      lastSuccessAt: 1_795_336_700_000,
      failures: 0,
    });
    expect(states['misp-c']?.rules[migratedRuleId('misp-c')]?.polledTags).toEqual([]);
    const [rule] = migrateWatchSettingsV1(V1_SETTINGS).rules;
    const asked: Array<number | string> = [];
    const client: WatchClient = {
      baseUrl: 'https://misp.example',
      eventUrl: (id) => id,
      pollEvents: async (options) => {
        asked.push(options.since);
        return { events: [], hasMore: false };
      },
      pollAttributes: async () => [],
      attributesAddedSince: async () => [],
    };
    await pollInstance({
      instanceId: 'misp-a',
      client,
      rules: [rule!],
      state: states['misp-a']!,
      intervalMinutes: 3,
      nowMs: 1_795_337_000_000,
    });
    expect(asked).toEqual([1_795_336_601]);
  });

  it('runs through the versioned storage items: version-1 data is read as rules', async () => {
    await fakeBrowser.storage.local.set({ watchSettings: V1_SETTINGS, watchState: V1_STATE });
    await watchConfigItem.migrate();
    await watchStateItem.migrate();
    expect((await loadWatchConfig()).rules.map((rule) => rule.id)).toEqual([
      migratedRuleId('misp-a'),
      migratedRuleId('misp-c'),
    ]);
    expect(Object.keys((await loadAllWatchStates())['misp-a']?.rules ?? {})).toEqual([
      migratedRuleId('misp-a'),
    ]);
    expect(await fakeBrowser.storage.local.get('watchSettings$')).toEqual({ watchSettings$: { v: 2 } });
  });
});
