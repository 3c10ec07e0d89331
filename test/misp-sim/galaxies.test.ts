import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call, callJson, searchAttributes } from './test-support';

/** Galaxies and clusters (transcripts 142-157), on the real misp-galaxy threat-actor and ATT&CK data. */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type ClusterRow = { GalaxyCluster: { id: string; value: string; tag_name: string; galaxy_id: string } };
type GalaxyEntry = { Galaxy: { id: string; type: string; uuid: string; kill_chain_order?: unknown } };

interface ViewedEvent {
  Event: {
    id: string;
    timestamp: string;
    Tag?: { name: string; is_galaxy: boolean }[];
    Galaxy: {
      type: string;
      GalaxyCluster: { value: string; meta: Record<string, string[]>; tag_id: number }[];
    }[];
  };
}

async function loaded(seed: 'empty' | 'citizenlab' = 'empty'): Promise<MispSim> {
  const target = await startMispSim({ seed });
  if (seed === 'empty') await call(target, '/galaxies/update', { method: 'POST' });
  return target;
}

describe('galaxies', () => {
  it('are empty until /galaxies/update imports the files, then list both galaxies', async () => {
    sim = await startMispSim({ seed: 'empty' });
    expect(await callJson(sim, '/galaxies/index')).toEqual([]);
    const updated = await callJson(sim, '/galaxies/update', { method: 'POST' });
    expect(updated).toMatchObject({ saved: true, name: 'Galaxies updated.' });
    const galaxies = await callJson<GalaxyEntry[]>(sim, '/galaxies/index');
    expect(galaxies.map((entry) => entry.Galaxy.type)).toEqual(['mitre-attack-pattern', 'threat-actor']);
    expect(galaxies[0]?.Galaxy.kill_chain_order).toBeDefined();
    expect(galaxies[1]?.Galaxy).not.toHaveProperty('kill_chain_order');
    // A second update imports nothing new.
    await call(sim, '/galaxies/update', { method: 'POST' });
    expect(sim.store.clusters.size).toBe(1892);
    expect(await callJson<GalaxyEntry[]>(sim, '/galaxies/index', { body: { value: 'ATT&CK' } })).toHaveLength(
      1,
    );
  });

  it('finds clusters by value, description or synonym, case-insensitively, by galaxy id or uuid', async () => {
    sim = await loaded();
    const values = (rows: ClusterRow[]): string[] => rows.map((row) => row.GalaxyCluster.value);
    expect(
      values(
        await callJson<ClusterRow[]>(sim, '/galaxy_clusters/index/2', { body: { searchall: 'fancy bear' } }),
      ),
    ).toEqual(['APT28']);
    expect(
      values(await callJson<ClusterRow[]>(sim, '/galaxy_clusters/index/2/searchall:cozy%20bear')),
    ).toEqual(['APT29']);
    const galaxies = await callJson<GalaxyEntry[]>(sim, '/galaxies/index');
    const attack = galaxies.find((entry) => entry.Galaxy.type === 'mitre-attack-pattern')?.Galaxy.uuid;
    const powershell = values(
      await callJson<ClusterRow[]>(sim, `/galaxy_clusters/index/${attack}`, {
        body: { searchall: 'T1059.001' },
      }),
    );
    expect(powershell).toEqual(['PowerShell - T1059.001']);
    // The threat-actor galaxy has no ATT&CK techniques.
    expect(await callJson(sim, '/galaxy_clusters/index/2', { body: { searchall: 'T1059.001' } })).toEqual([]);
  });

  it('restSearch matches tag_name exactly (not a synonym), ignores value, pages and can be minimal', async () => {
    sim = await loaded();
    const search = (body: Record<string, unknown>) =>
      callJson<{ response: { GalaxyCluster: Record<string, unknown> }[] }>(
        sim!,
        '/galaxy_clusters/restSearch',
        { body },
      );
    const apt29 = await search({ tag_name: 'misp-galaxy:threat-actor="APT29"' });
    expect(apt29.response.map((row) => row.GalaxyCluster.value)).toEqual(['APT29']);
    const elements = apt29.response[0]?.GalaxyCluster.GalaxyElement as { key: string; value: string }[];
    expect(
      elements.filter((element) => element.key === 'synonyms').map((element) => element.value),
    ).toContain('COZY BEAR');
    expect((await search({ tag_name: 'misp-galaxy:threat-actor="COZY BEAR"' })).response).toEqual([]);
    const ignored = await search({ value: 'APT29', limit: 3, page: 2 });
    expect(ignored.response.map((row) => row.GalaxyCluster.id)).toEqual(['4', '5', '6']);
    const minimal = await search({ uuid: apt29.response[0]?.GalaxyCluster.uuid, minimal: 1 });
    expect(Object.keys(minimal.response[0]?.GalaxyCluster ?? {})).toEqual(['uuid', 'version']);
  });
});

describe('attaching clusters', () => {
  it('a cluster tag in events/add attaches the cluster; a synonym tag stays a plain tag', async () => {
    sim = await loaded();
    const added = await callJson<ViewedEvent>(sim, '/events/add', {
      body: {
        info: 'galaxy tags',
        Tag: [{ name: 'misp-galaxy:threat-actor="COZY BEAR"' }, { name: 'misp-galaxy:threat-actor="APT29"' }],
      },
    });
    expect(added.Event.Tag?.map((tag) => [tag.name, tag.is_galaxy])).toEqual([
      ['misp-galaxy:threat-actor="COZY BEAR"', true],
      ['misp-galaxy:threat-actor="APT29"', true],
    ]);
    expect(
      added.Event.Galaxy.map((galaxy) => [galaxy.type, galaxy.GalaxyCluster.map((cluster) => cluster.value)]),
    ).toEqual([['threat-actor', ['APT29']]]);
    expect(added.Event.Galaxy[0]?.GalaxyCluster[0]?.meta.synonyms).toContain('The Dukes');
  });

  it('attachCluster answers JSON, attachMultipleClusters wants a JSON string and redirects; both bump the event', async () => {
    let now = 1_900_000_000;
    sim = await startMispSim({ seed: 'empty', now: () => now });
    await call(sim, '/galaxies/update', { method: 'POST' });
    const eventId = (
      await callJson<{ Event: { id: string } }>(sim, '/events/add', {
        body: { info: 'attach target', Attribute: [{ type: 'domain', value: 'attach.galaxy.test' }] },
      })
    ).Event.id;
    now += 10;
    const array = await call(sim, `/galaxies/attachMultipleClusters/${eventId}/event`, {
      body: { Galaxy: { target_ids: [1195] } },
    });
    expect(array.status).toBe(500);
    const redirected = await call(sim, `/galaxies/attachMultipleClusters/${eventId}/event`, {
      body: { Galaxy: { target_ids: '[1195]' } },
    });
    expect([redirected.status, redirected.headers.get('location'), await redirected.text()]).toEqual([
      302,
      `${sim.url}/`,
      '',
    ]);
    const single = await callJson(sim, `/galaxies/attachCluster/${eventId}/event`, {
      body: { Galaxy: { target_id: 1047 } },
    });
    expect(single).toEqual({ saved: true, success: 'Cluster attached.', check_publish: true });
    const again = await callJson(sim, `/galaxies/attachCluster/${eventId}/event`, {
      body: { Galaxy: { target_id: 1047 } },
    });
    expect(again).toMatchObject({ success: 'Cluster already attached.' });
    expect(
      (
        await call(sim, `/galaxies/attachCluster/${eventId}/event`, {
          body: { Galaxy: { target_id: 99999 } },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(sim, '/galaxies/attachCluster/9999/event', { body: { Galaxy: { target_id: 1 } } })).status,
    ).toBe(404);
    const view = await callJson<ViewedEvent>(sim, `/events/view/${eventId}`);
    expect(view.Event.timestamp).toBe('1900000010');
    expect(view.Event.Galaxy.map((galaxy) => [galaxy.type, galaxy.GalaxyCluster[0]?.value])).toEqual([
      ['threat-actor', 'APT29'],
      ['mitre-attack-pattern', 'PowerShell - T1059.001'],
    ]);
    // In attributes/restSearch the cluster tags are plain inherited event tags.
    const [attribute] = (await searchAttributes(sim, {
      value: ['attach.galaxy.test'],
      includeEventTags: true,
      includeGalaxy: true,
    })) as unknown as { Tag: { name: string; inherited: number }[]; Galaxy?: unknown }[];
    expect(attribute?.Tag.map((tag) => [tag.name, tag.inherited])).toEqual([
      ['misp-galaxy:threat-actor="APT29"', 1],
      ['misp-galaxy:mitre-attack-pattern="PowerShell - T1059.001"', 1],
    ]);
    expect(attribute).not.toHaveProperty('Galaxy');
  });

  it('the citizenlab instance has the galaxies imported, so "Fancy Bear" finds APT28', async () => {
    sim = await loaded('citizenlab');
    const found = await callJson<ClusterRow[]>(sim, '/galaxy_clusters/index/2', {
      body: { searchall: 'Fancy Bear' },
    });
    expect(found.map((row) => row.GalaxyCluster.tag_name)).toEqual(['misp-galaxy:threat-actor="APT28"']);
  });
});
