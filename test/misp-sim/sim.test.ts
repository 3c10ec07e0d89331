import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call } from './test-support';

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('seeds', () => {
  it('citizenlab holds the replay start plus 14 real events, with their tags and orgs', async () => {
    sim = await startMispSim();
    expect(sim.store.events.size).toBe(15);
    const keyBoy = sim.store.findEventsByInfo(
      'It’s Parliamentary: KeyBoy and the targeting of the Tibetan Community',
    )[0];
    expect(keyBoy?.date).toBe('2016-11-17');
    const response = await call(sim, '/attributes/restSearch', {
      body: { value: ['google-protected.gq'], includeContext: true },
    });
    const body = (await response.json()) as {
      response: { Attribute: { Event: { Orgc: { name: string } } }[] };
    };
    expect(body.response.Attribute).toHaveLength(1);
    expect(body.response.Attribute[0]?.Event.Orgc.name).toBe('citizenlab');
    const lists = (await (await call(sim, '/warninglists/index')).json()) as { Warninglists: unknown[] };
    expect(lists.Warninglists).toHaveLength(19);
  });

  it('empty has the users and nothing else', async () => {
    sim = await startMispSim({ seed: 'empty' });
    expect(sim.store.events.size).toBe(0);
    const response = await call(sim, '/attributes/restSearch', { body: { value: [] } });
    expect(await response.json()).toEqual({ response: { Attribute: [] } });
  });
});

describe('users and permissions', () => {
  it('the read-only user cannot add, sight or publish, and getVersion says so', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const key = sim.users.readOnly!.apiKey;
    const version = (await (await call(sim, '/servers/getVersion', { key })).json()) as Record<
      string,
      unknown
    >;
    expect(version.perm_sighting).toBe(false);
    expect((await call(sim, '/events/add', { key, body: { info: 'x' } })).status).toBe(403);
    expect((await call(sim, '/sightings/add', { key, body: { value: 'evil.example' } })).status).toBe(403);
    expect((await call(sim, '/events/publish/1', { key, method: 'POST' })).status).toBe(403);
    expect((await call(sim, '/attributes/restSearch', { key, body: { value: 'evil.example' } })).status).toBe(
      200,
    );
  });

  it('the analyst of another org does not see org-only events and cannot create tags', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const key = sim.users.analyst!.apiKey;
    const me = (await (await call(sim, '/users/view/me', { key })).json()) as {
      Organisation: { name: string };
    };
    expect(me.Organisation.name).toBe(sim.users.analyst!.orgName);
    // Event 1 has distribution 0 (ORGNAME only).
    expect((await call(sim, '/events/view/1', { key })).status).toBe(404);
    const added = await call(sim, '/events/add', {
      key,
      body: {
        info: 'analyst event',
        distribution: 1,
        Tag: [{ name: 'brand-new:tag' }, { name: 'tlp:amber' }],
      },
    });
    const event = (await added.json()) as { Event: { Tag: { name: string }[]; Orgc: { name: string } } };
    expect(event.Event.Tag.map((tag) => tag.name)).toEqual(['tlp:amber']);
    expect(event.Event.Orgc.name).toBe(sim.users.analyst!.orgName);
    expect((await call(sim, '/events/publish/2', { key, method: 'POST' })).status).toBe(403);
  });

  it('an Orgc on /events/add creates that creator org for the site admin (sync), and is ignored for others', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const orgc = { name: '<b>Evil</b> Org', uuid: '0b5c1f2e-3d4a-4b6c-8d7e-9f0a1b2c3d4e' };
    type Added = { Event: { orgc_id: string; Orgc: { name: string; uuid: string } } };
    const byAdmin = (await (
      await call(sim, '/events/add', { body: { info: 'admin files for a partner', Orgc: orgc } })
    ).json()) as Added;
    expect(byAdmin.Event.Orgc).toMatchObject(orgc);
    // The same org (by uuid) is reused, not created twice.
    const again = (await (
      await call(sim, '/events/add', { body: { info: 'again', Orgc: { uuid: orgc.uuid } } })
    ).json()) as Added;
    expect(again.Event.orgc_id).toBe(byAdmin.Event.orgc_id);
    const byAnalyst = (await (
      await call(sim, '/events/add', {
        key: sim.users.analyst!.apiKey,
        body: { info: 'analyst tries', Orgc: { name: 'Someone else' } },
      })
    ).json()) as Added;
    expect(byAnalyst.Event.Orgc.name).toBe(sim.users.analyst!.orgName);
    expect([...sim.store.orgs.values()].map((org) => org.name)).not.toContain('Someone else');
  });
});

describe('sightings/delete', () => {
  it('deletes a sighting of the own org with MISP’s success answer, 404 afterwards', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const added = (await (
      await call(sim, '/sightings/add', { body: { value: 'evil.example', source: 't' } })
    ).json()) as {
      Sighting: { id: string };
    };
    const id = added.Sighting.id;
    const deleted = await call(sim, `/sightings/delete/${id}`, { method: 'POST' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({
      saved: true,
      success: true,
      name: 'Sighting successfuly deleted.',
      message: 'Sighting successfuly deleted.',
      url: `/sightings/delete/${id}`,
      id,
    });
    expect((await call(sim, `/sightings/delete/${id}`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses another org’s sighting', async () => {
    sim = await startMispSim({ seed: 'replay' });
    // Sighting 1 (seed) belongs to ORGNAME; the analyst cannot see or delete it.
    expect(
      (await call(sim, '/sightings/delete/1', { key: sim.users.analyst!.apiKey, method: 'POST' })).status,
    ).toBe(404);
  });
});

describe('failure injection and request log', () => {
  it('logs every request with its body and status', async () => {
    sim = await startMispSim({ seed: 'replay' });
    await call(sim, '/attributes/restSearch', { body: { value: ['evil.example'] } });
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({
      method: 'POST',
      path: '/attributes/restSearch',
      status: 200,
      body: { value: ['evil.example'] },
    });
    expect(sim.requests[0]?.headers.authorization).toBe(sim.apiKey);
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('answers status, login-redirect, key-rejected and malformed-json faults, limited by path and count', async () => {
    sim = await startMispSim({ seed: 'replay' });
    sim.setFault({ kind: 'status', status: 500, pathPrefix: '/attributes', times: 1 });
    expect((await call(sim, '/servers/getVersion')).status).toBe(200);
    const failed = await call(sim, '/attributes/restSearch', { body: { value: 'x' } });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ name: 'An Internal Error Has Occurred.' });
    expect((await call(sim, '/attributes/restSearch', { body: { value: 'x' } })).status).toBe(200);

    sim.setFault({ kind: 'login-redirect' });
    const redirect = await call(sim, '/servers/getVersion');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`${sim.url}/users/login`);

    sim.setFault({ kind: 'key-rejected' });
    expect((await call(sim, '/servers/getVersion')).status).toBe(403);

    sim.setFault({ kind: 'malformed-json' });
    const broken = await call(sim, '/servers/getVersion');
    await expect(broken.json()).rejects.toThrow();
    sim.setFault(null);
    expect((await call(sim, '/servers/getVersion')).status).toBe(200);
  });

  it('drops the connection for a down fault', async () => {
    sim = await startMispSim({ seed: 'replay' });
    sim.setFault({ kind: 'down' });
    await expect(call(sim, '/servers/getVersion')).rejects.toThrow();
    expect(sim.requests.at(-1)?.status).toBe(0);
  });

  it('still answers normally after a delay fault, which is used up after `times` requests', async () => {
    sim = await startMispSim({ seed: 'replay' });
    sim.setFault({ kind: 'delay', ms: 20, times: 1, pathPrefix: '/servers' });
    const answer = await call(sim, '/servers/getVersion');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ version: '2.5.1' });
    sim.setFault({ kind: 'down', times: 1 });
    await expect(call(sim, '/servers/getVersion')).rejects.toThrow();
    expect((await call(sim, '/servers/getVersion')).status).toBe(200);
  });
});
