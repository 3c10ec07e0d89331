import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call, callJson, searchAttributes } from './test-support';

/** Sharing groups and distribution 4 (transcripts 158-162); attachments (163-166). */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface GroupAnswer {
  SharingGroup: { id: string; name: string; org_id: string; local: boolean; created: string };
  SharingGroupOrg: { org_id: string }[];
  SharingGroupServer: { server_id: string; all_orgs: boolean }[];
}

describe('sharing groups', () => {
  it('are created by their org, which is not listed as a member, with this instance as server', async () => {
    sim = await startMispSim({ seed: 'replay' });
    expect(await callJson(sim, '/sharing_groups/index')).toEqual({ response: [] });
    const added = await callJson<GroupAnswer>(sim, '/sharing_groups/add', {
      body: {
        name: 'partners',
        releasability: 'partner CERTs',
        SharingGroupOrg: [{ org_id: 2, extend: false }],
      },
    });
    expect(added.SharingGroup).toMatchObject({ name: 'partners', org_id: '1', local: false });
    expect(added.SharingGroup.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(added.SharingGroupOrg.map((member) => member.org_id)).toEqual(['2']);
    expect(added.SharingGroupServer).toEqual([expect.objectContaining({ server_id: '0', all_orgs: false })]);
    const listed = await callJson<{ response: { SharingGroup: { org_count: string }; editable: boolean }[] }>(
      sim,
      '/sharing_groups/index',
    );
    expect(listed.response.map((entry) => [entry.SharingGroup.org_count, entry.editable])).toEqual([
      ['1', true],
    ]);
    // The member org sees it too, but may not edit it.
    const asMember = await callJson<{ response: { editable: boolean }[] }>(sim, '/sharing_groups/index', {
      key: sim.users.analyst!.apiKey,
    });
    expect(asMember.response.map((entry) => entry.editable)).toEqual([false]);
  });

  it('need a name and the sharing-group permission', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const nameless = await call(sim, '/sharing_groups/add', { body: { releasability: 'x' } });
    expect(nameless.status).toBe(403);
    expect(await nameless.json()).toMatchObject({
      name: 'Could not add SharingGroup',
      errors: 'Could not save sharing group.',
    });
    expect(
      (await call(sim, '/sharing_groups/add', { key: sim.users.analyst!.apiKey, body: { name: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('an event with distribution 4 needs a usable group (405 otherwise, nothing created) and is visible to its members only', async () => {
    sim = await startMispSim({ seed: 'replay' });
    const group = await callJson<GroupAnswer>(sim, '/sharing_groups/add', {
      body: { name: 'closed', SharingGroupOrg: [{ org_id: 2 }] },
    });
    const eventsBefore = sim.store.events.size;
    const refused = await call(sim, '/events/add', { body: { info: 'no group', distribution: 4 } });
    expect(refused.status).toBe(405);
    expect(await refused.json()).toMatchObject({ name: 'Invalid Sharing Group or not authorised.' });
    expect(
      (
        await call(sim, '/events/add', {
          body: { info: 'unknown group', distribution: 4, sharing_group_id: 99 },
        })
      ).status,
    ).toBe(405);
    expect(sim.store.events.size).toBe(eventsBefore);
    const added = await callJson<{
      Event: {
        id: string;
        sharing_group_id: string;
        SharingGroup: { name: string; SharingGroupServer: { Server: { url: string } }[] };
      };
    }>(sim, '/events/add', {
      body: { info: 'shared', distribution: 4, sharing_group_id: Number(group.SharingGroup.id) },
    });
    expect(added.Event.sharing_group_id).toBe(group.SharingGroup.id);
    expect(added.Event.SharingGroup.name).toBe('closed');
    expect(added.Event.SharingGroup.SharingGroupServer[0]?.Server.url).toBe(sim.url);
    expect(
      (await call(sim, `/events/view/${added.Event.id}`, { key: sim.users.analyst!.apiKey })).status,
    ).toBe(200);
    // Without the partner org in it, the same kind of event stays hidden from that analyst.
    const own = await callJson<GroupAnswer>(sim, '/sharing_groups/add', { body: { name: 'us only' } });
    const hidden = await callJson<{ Event: { id: string } }>(sim, '/events/add', {
      body: { info: 'ours', distribution: 4, sharing_group_id: own.SharingGroup.id },
    });
    expect(
      (await call(sim, `/events/view/${hidden.Event.id}`, { key: sim.users.analyst!.apiKey })).status,
    ).toBe(404);
  });

  it('the citizenlab instance offers a sharing group with the partner org', async () => {
    sim = await startMispSim();
    const listed = await callJson<{
      response: { SharingGroup: { name: string }; SharingGroupOrg: { org_id: string }[] }[];
    }>(sim, '/sharing_groups/index');
    expect(listed.response).toHaveLength(1);
    expect(listed.response[0]?.SharingGroupOrg.map((member) => member.org_id)).toEqual([
      String(sim.users.analyst!.orgId),
    ]);
  });
});

describe('attachments', () => {
  const PNG_BASE64 = Buffer.from('\u0089PNG fake image bytes for the stand-in').toString('base64');

  it('take base64 data on attributes/add and events/add, never echo it, and return it only with withAttachments', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const first = await callJson<{ Event: { id: string } }>(sim, '/events/add', { body: { info: 'first' } });
    const added = await callJson<{ Attribute: Record<string, unknown> }>(
      sim,
      `/attributes/add/${first.Event.id}`,
      {
        body: { type: 'attachment', value: 'screenshot.png', data: PNG_BASE64 },
      },
    );
    expect(added.Attribute).toMatchObject({
      category: 'External analysis',
      to_ids: false,
      value: 'screenshot.png',
    });
    expect(added.Attribute).not.toHaveProperty('data');
    const second = await callJson<{
      Event: { Attribute: Record<string, unknown>[]; RelatedEvent: { Event: { id: string } }[] };
    }>(sim, '/events/add', {
      body: {
        info: 'second',
        Attribute: [{ type: 'attachment', value: 'screenshot.png', data: PNG_BASE64 }],
      },
    });
    expect(second.Event.Attribute[0]).not.toHaveProperty('data');
    // Attachment names correlate like any value.
    expect(second.Event.RelatedEvent.map((related) => related.Event.id)).toEqual([first.Event.id]);
    const plain = await searchAttributes(sim, { value: ['screenshot.png'] });
    expect(plain.map((attribute) => attribute.data)).toEqual([undefined, undefined]);
    const withData = await searchAttributes(sim, { value: ['screenshot.png'], withAttachments: true });
    expect(withData.map((attribute) => attribute.data)).toEqual([PNG_BASE64, PNG_BASE64]);
  });

  it('keep no data for types that carry no file', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const event = await callJson<{ Event: { id: string } }>(sim, '/events/add', { body: { info: 'e' } });
    await callJson(sim, `/attributes/add/${event.Event.id}`, {
      body: { type: 'filename', value: 'notes.txt', data: PNG_BASE64 },
    });
    const [found] = await searchAttributes(sim, { value: ['notes.txt'], withAttachments: true });
    expect(found).not.toHaveProperty('data');
  });
});
