import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from '../../test/misp-sim/index';
import { openDatabase } from '../db';
import { MispClient, MispError } from '../misp';
import { fakeFetch, loadTranscript, TEST_KEY, TEST_URL } from '../misp/transcripts.test-support';
import { Outbox } from '../outbox/outbox';
import { SIGHTING_KIND, type SightingPayload, SightingPayloadSchema } from './model';
import { sendSighting, sendUndo } from './sender';
import { SIGHTING_SOURCE_PRIVACY, sightingSourceFor } from './source';

const client = (fetch: ReturnType<typeof fakeFetch>['fetch']) =>
  new MispClient({ url: TEST_URL, apiKey: TEST_KEY, fetch });

/** Transcript 053: attributes with their sightings (source "browser", date 1795336582). */
const withSightings = loadTranscript('053');
const none = { status: 200, body: { response: { Attribute: [] } } };
const payload = (values: string[], extra: Partial<SightingPayload> = {}): SightingPayload => ({
  values,
  type: 0,
  source: 'browser',
  timestamp: 1795336582,
  ...extra,
});

describe('sendSighting on the recorded answers', () => {
  it('one /sightings/add with values, then per-value results from the sightings MISP holds', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('041'), withSightings);
    const { result } = await sendSighting(client(fetch), payload(['198.51.100.23', 'not-there.example']), 1);
    expect(calls).toHaveLength(2);
    expect(new URL(calls[0]!.url).pathname).toBe('/sightings/add');
    expect(calls[0]!.body).toEqual({
      values: ['198.51.100.23', 'not-there.example'],
      type: '0',
      source: 'browser',
      timestamp: 1795336582,
    });
    expect(new URL(calls[1]!.url).pathname).toBe('/attributes/restSearch');
    expect(result.perValue).toEqual([
      { value: '198.51.100.23', ok: true, count: 1 },
      // Unknown values are skipped silently by MISP (obs 041): Sightline says it did not take.
      { value: 'not-there.example', ok: false, count: 0 },
    ]);
    // The row MISP returned (only the last one, obs 041) and the ones found are all kept for Undo.
    expect(result.sightingIds).toEqual(expect.arrayContaining(['2', '10']));
    expect(result.alreadyLanded).toBe(false);
  });

  it('a sighting of another source or time is not counted as ours', async () => {
    const { fetch } = fakeFetch(loadTranscript('034'), withSightings);
    const { result } = await sendSighting(
      client(fetch),
      payload(['198.51.100.23'], { source: 'elsewhere' }),
      1,
    );
    expect(result.perValue).toEqual([{ value: '198.51.100.23', ok: false, count: 0 }]);
    expect(result.sightingIds).toEqual(['2']);
  });

  it('038: no matching attribute (HTTP 200 + message) is an error, with MISP reason', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('038'));
    const error = await sendSighting(client(fetch), payload(['never-seen.example']), 1).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MispError);
    expect(error).toMatchObject({ kind: 'not-found' });
    expect((error as MispError).message).toContain('No valid attributes found');
    expect(calls).toHaveLength(1);
  });

  it('042: an invalid type (HTTP 200 + message) is an error', async () => {
    const { fetch } = fakeFetch(loadTranscript('042'));
    const error = await sendSighting(client(fetch), payload(['198.51.100.23']), 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation' });
    expect((error as MispError).message).toContain('Invalid type');
  });

  it('043: an unknown attribute (HTTP 200 + message) fails the outbox record with the reason', async () => {
    const db = await openDatabase('sightings-043');
    const outbox = new Outbox(db);
    const { fetch } = fakeFetch(loadTranscript('043'));
    outbox.register(SIGHTING_KIND, {
      send: async (record) =>
        (await sendSighting(client(fetch), SightingPayloadSchema.parse(record.payload), record.attempts))
          .result,
    });
    const record = await outbox.submit({
      id: 'k-043',
      kind: SIGHTING_KIND,
      instanceId: 'misp',
      payload: payload(['198.51.100.23']),
    });
    expect(record.state).toBe('failed');
    expect(record.lastError).toContain('No valid attributes found that match the criteria');
  });

  it('a retry first checks whether the earlier attempt landed, and then sends nothing', async () => {
    const { fetch, calls } = fakeFetch(withSightings);
    const { result } = await sendSighting(client(fetch), payload(['198.51.100.23']), 2);
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual(['/attributes/restSearch']);
    expect(result).toMatchObject({ alreadyLanded: true, sightingIds: ['2'] });
  });

  it('a retry whose earlier attempt did not land sends it', async () => {
    const { fetch, calls } = fakeFetch(none, loadTranscript('034'), withSightings);
    const { result } = await sendSighting(client(fetch), payload(['198.51.100.23']), 2);
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/attributes/restSearch',
      '/sightings/add',
      '/attributes/restSearch',
    ]);
    expect(result.alreadyLanded).toBe(false);
  });

  it('confirmation failing after a successful add keeps the sighting (not confirmed, not retried)', async () => {
    const { fetch } = fakeFetch(loadTranscript('034'), { status: 503, body: 'down' });
    const { result } = await sendSighting(client(fetch), payload(['198.51.100.23']), 1);
    expect(result).toMatchObject({ sightingIds: ['2'], perValue: [{ ok: null }] });
  });
});

describe('sendUndo', () => {
  it('a sighting already gone (404) counts as undone', async () => {
    const { fetch, calls } = fakeFetch(
      { status: 200, body: { saved: true, success: true, name: 'ok', message: 'ok', url: '/x', id: '5' } },
      {
        status: 404,
        body: { name: 'Invalid sighting.', message: 'Invalid sighting.', url: '/sightings/delete/6' },
      },
    );
    expect(await sendUndo(client(fetch), { of: 'k', sightingIds: ['5', '6'], values: [] })).toEqual({
      deleted: 1,
    });
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/sightings/delete/5',
      '/sightings/delete/6',
    ]);
  });
});

describe('through the outbox against the stand-in', () => {
  let sim: MispSim | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function setup(timeoutMs = 5000) {
    sim = await startMispSim();
    const db = await openDatabase(`sightings-sim-${Math.random()}`);
    const outbox = new Outbox(db);
    const misp = new MispClient({ url: sim.url, apiKey: sim.apiKey, timeoutMs });
    const event = await misp.createEvent({
      info: 'sightings unit',
      distribution: 0,
      threatLevel: 2,
      analysis: 0,
      attributes: [{ type: 'domain', value: 'sighted-once.example' }],
    });
    const attributeId = event.attributes[0]!.id;
    outbox.register(SIGHTING_KIND, {
      send: async (record) =>
        (await sendSighting(misp, SightingPayloadSchema.parse(record.payload), record.attempts)).result,
    });
    const entry = {
      id: 'client-key-1',
      kind: SIGHTING_KIND,
      instanceId: 'sim',
      payload: payload(['sighted-once.example'], {
        source: 'report.example',
        timestamp: Math.floor(Date.now() / 1000),
      }),
    };
    return { sim, outbox, misp, attributeId, entry };
  }

  it('MISP down → queued → sent once', async () => {
    const { sim, outbox, misp, attributeId, entry } = await setup();
    sim.setFault({ kind: 'down', pathPrefix: '/sightings/add' });
    expect(await outbox.submit(entry)).toMatchObject({ state: 'queued', attempts: 1 });
    sim.setFault(null);
    const [sent] = await outbox.processDue({ force: true });
    expect(sent).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await outbox.processDue({ force: true })).toEqual([]);
    expect(await misp.sightingsForAttribute(attributeId)).toHaveLength(1);
  });

  it('an answer lost after MISP saved it: the retry finds it and does not double it', async () => {
    const { sim, outbox, misp, attributeId, entry } = await setup(300);
    // MISP saves the sighting after the client gave up waiting (a timeout: retryable).
    sim.setFault({ kind: 'delay', ms: 600, pathPrefix: '/sightings/add', times: 1 });
    expect(await outbox.submit(entry)).toMatchObject({ state: 'queued' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await misp.sightingsForAttribute(attributeId)).toHaveLength(1);
    const [sent] = await outbox.processDue({ force: true });
    expect(sent).toMatchObject({ state: 'sent', result: { alreadyLanded: true } });
    expect(await misp.sightingsForAttribute(attributeId)).toHaveLength(1);
    expect(sim.requests.filter((request) => request.path.startsWith('/sightings/add'))).toHaveLength(1);
  });

  it('a value carried by thousands of attributes does not hide the others from the check (complete answers only)', async () => {
    sim = await startMispSim();
    const misp = new MispClient({ url: sim.url, apiKey: sim.apiKey });
    // The common value's attributes come first in MISP's answer and fill the 2,000-attribute budget.
    const common = await misp.createEvent({
      info: 'common value',
      distribution: 0,
      threatLevel: 3,
      analysis: 0,
      attributes: [{ type: 'ip-dst', value: '185.244.25.9' }],
    });
    const template = sim.store.attributesOf(Number(common.id))[0]!;
    for (let i = 0; i < 2500; i++)
      sim.store.insertAttribute({ ...template, id: undefined, uuid: crypto.randomUUID() });
    const later = await misp.createEvent({
      info: 'sighted',
      distribution: 0,
      threatLevel: 2,
      analysis: 0,
      attributes: [{ type: 'domain', value: 'sighted-later.example' }],
    });
    const sighting = payload(['185.244.25.9', 'sighted-later.example'], {
      source: 'report.example',
      timestamp: Math.floor(Date.now() / 1000),
    });
    const { result } = await sendSighting(misp, sighting, 1);
    expect(result.perValue).toEqual([
      { value: '185.244.25.9', ok: true, count: 2000 },
      { value: 'sighted-later.example', ok: true, count: 1 },
    ]);
    // A retry finds the earlier attempt from the same complete answers, and sends nothing.
    sim.clearRequests();
    const retried = await sendSighting(misp, sighting, 2);
    expect(retried.result.alreadyLanded).toBe(true);
    expect(sim.requests.filter((request) => request.path.startsWith('/sightings/add'))).toHaveLength(0);
    expect(await misp.sightingsForAttribute(later.attributes[0]!.id)).toHaveLength(1);
  });
});

describe('sightingSourceFor', () => {
  it('page host (default), full URL without fragment, or fixed text', () => {
    const url = 'https://blog.example.com/2024/report?id=7#section-3';
    expect(sightingSourceFor({ kind: 'host' }, url)).toBe('blog.example.com');
    expect(sightingSourceFor({ kind: 'url' }, url)).toBe('https://blog.example.com/2024/report?id=7');
    expect(sightingSourceFor({ kind: 'fixed', text: '  SOC tier 2 ' }, url)).toBe('SOC tier 2');
    expect(sightingSourceFor({ kind: 'host' }, 'chrome://settings')).toBe('');
    expect(sightingSourceFor({ kind: 'host' }, 'not a url')).toBe('');
    expect(Object.keys(SIGHTING_SOURCE_PRIVACY).sort()).toEqual(['fixed', 'host', 'url']);
  });
});
