import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call, callJson } from './test-support';

/** Event reports (transcripts 125-130). */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface ReportDocument {
  EventReport: {
    id: string;
    uuid: string;
    event_id: string;
    name: string;
    content: string | null;
    distribution: string;
  };
  Event: { id: string; info: string; user_id: string };
  SharingGroup: { id: string | null };
}

async function publishedEvent(target: MispSim, clock: { set: (at: number) => void }): Promise<string> {
  const added = await callJson<{ Event: { id: string } }>(target, '/events/add', {
    body: { info: 'report host', distribution: 0, Attribute: [{ type: 'domain', value: 'reported.test' }] },
  });
  clock.set(1_900_000_100);
  await call(target, `/events/publish/${added.Event.id}`, { method: 'POST' });
  return added.Event.id;
}

describe('event reports', () => {
  it('adds a markdown report verbatim, unpublishes the event and bumps its timestamp; events/view lists it', async () => {
    let now = 1_900_000_000;
    sim = await startMispSim({ seed: 'empty', now: () => now });
    const eventId = await publishedEvent(sim, { set: (at) => (now = at) });
    now = 1_900_000_200;
    const content = '## Findings\n\nSee @[attribute](0a6c3e52-7c1d-4a87-9f0e-2b3c4d5e6f70) <b>bold</b>\n';
    const added = await callJson<ReportDocument>(sim, `/eventReports/add/${eventId}`, {
      body: { EventReport: { name: 'Analyst notes', content, distribution: 0 } },
    });
    expect(added.EventReport).toMatchObject({
      name: 'Analyst notes',
      content,
      distribution: '0',
      event_id: eventId,
    });
    expect(added.Event).toMatchObject({ id: eventId, info: 'report host', user_id: '1' });
    expect(added.SharingGroup).toEqual({ id: null, name: null, uuid: null });
    const view = await callJson<{
      Event: { published: boolean; timestamp: string; EventReport: { name: string }[] };
    }>(sim, `/events/view/${eventId}`);
    expect(view.Event.published).toBe(false);
    expect(view.Event.timestamp).toBe('1900000200');
    expect(view.Event.EventReport.map((report) => report.name)).toEqual(['Analyst notes']);
  });

  it('needs a name (a bare error string), stores a missing content as null and defaults the distribution', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const eventId = (await callJson<{ Event: { id: string } }>(sim, '/events/add', { body: { info: 'e' } }))
      .Event.id;
    const refused = await call(sim, `/eventReports/add/${eventId}`, { body: { content: 'no name' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      saved: false,
      name: 'Could not add EventReport',
      message: 'Could not add EventReport',
      url: '/event_reports/add',
      errors: 'This field cannot be left blank',
    });
    const empty = await callJson<ReportDocument>(sim, `/eventReports/add/${eventId}`, {
      body: { name: 'empty' },
    });
    expect(empty.EventReport).toMatchObject({ content: null, distribution: '5' });
    expect((await call(sim, '/eventReports/add/999', { body: { name: 'x' } })).status).toBe(404);
  });

  it('views by id or uuid and indexes by event (named parameter or body), by text and context', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const first = (await callJson<{ Event: { id: string } }>(sim, '/events/add', { body: { info: 'one' } }))
      .Event.id;
    const second = (await callJson<{ Event: { id: string } }>(sim, '/events/add', { body: { info: 'two' } }))
      .Event.id;
    const a = await callJson<ReportDocument>(sim, `/eventReports/add/${first}`, {
      body: { name: 'Loader', content: 'beacons to a relay' },
    });
    await callJson(sim, `/eventReports/add/${second}`, { body: { name: 'Other', content: 'unrelated' } });
    const byUuid = await callJson<ReportDocument & { RelationshipInbound: unknown[] }>(
      sim,
      `/eventReports/view/${a.EventReport.uuid}`,
    );
    expect(byUuid.EventReport.id).toBe(a.EventReport.id);
    expect(byUuid.RelationshipInbound).toEqual([]);
    const names = (rows: ReportDocument[]): string[] => rows.map((row) => row.EventReport.name);
    expect(names(await callJson<ReportDocument[]>(sim, `/eventReports/index/event_id:${first}`))).toEqual([
      'Loader',
    ]);
    expect(
      names(await callJson<ReportDocument[]>(sim, '/eventReports/index', { body: { event_id: second } })),
    ).toEqual(['Other']);
    expect(
      names(await callJson<ReportDocument[]>(sim, '/eventReports/index', { body: { value: 'RELAY' } })),
    ).toEqual(['Loader']);
    expect(await callJson(sim, '/eventReports/index', { body: { context: 'deleted' } })).toEqual([]);
    expect((await call(sim, '/eventReports/view/9999')).status).toBe(404);
  });

  it('refuses a Read Only key', async () => {
    sim = await startMispSim();
    const refused = await call(sim, '/eventReports/add/1', {
      key: sim.users.readOnly!.apiKey,
      body: { name: 'x' },
    });
    expect(refused.status).toBe(403);
  });
});
