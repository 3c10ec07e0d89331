import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from '../../test/misp-sim/index';
import { openDatabase } from '../db';
import { MispClient } from '../misp';
import type { MispInstance } from '../settings';
import { CidrRanges } from './cidr-ranges';
import { mispLookupSource } from './misp-source';

/** The lookup source against the MISP stand-in: what is asked, and what comes back. */

let sim: MispSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

let dbCounter = 0;
async function setup() {
  sim = await startMispSim();
  const client = new MispClient({ url: sim.url, apiKey: sim.apiKey });
  const created = await client.createEvent({
    info: 'lookup source',
    distribution: 0,
    threatLevel: 1,
    analysis: 0,
    attributes: [
      { type: 'domain', value: 'cdn-update.site' },
      { type: 'ip-dst', value: '198.19.7.0/24', comment: 'staging range' },
      { type: 'ip-src', value: '198.18.0.0/15' },
    ],
  });
  const instance: MispInstance = {
    id: 'sim',
    name: 'Stand-in',
    url: sim.url,
    apiKey: sim.apiKey,
    useForLookups: true,
    defaultForEvents: true,
  };
  const clock = { now: 1_000_000 };
  const cidr = new CidrRanges(await openDatabase(`source-${dbCounter++}`), { now: () => clock.now });
  const source = mispLookupSource(instance, { timeoutMs: 5000, ttlMs: 60_000, cidr });
  sim.clearRequests();
  return { sim, client, created, source, cidr, clock };
}

const paths = (sim: MispSim) => sim.requests.map((request) => request.path);

describe('mispLookupSource against the stand-in', () => {
  it('one search for the values, a compact range index, details only for the ranges holding a page IP, checkValue for the misses', async () => {
    const { sim, source } = await setup();
    const answers = await source.lookup(['cdn-update.site', '198.19.7.44', '192.0.2.80', '10.1.2.3']);
    expect(answers.get('cdn-update.site')?.matches.map((m) => m.attribute.value)).toEqual([
      'cdn-update.site',
    ]);
    const viaRange = answers.get('198.19.7.44')?.matches ?? [];
    expect(viaRange.map((m) => [m.viaCidr, m.attribute.comment]).sort()).toEqual([
      ['198.18.0.0/15', ''],
      ['198.19.7.0/24', 'staging range'],
    ]);
    expect(viaRange[0]?.event.info).toBe('lookup source');
    expect(answers.get('192.0.2.80')?.matches).toEqual([]);
    // MISP's own lists for what it does not know (RFC 1918 is enabled on the stand-in).
    expect(answers.get('10.1.2.3')?.lists?.map((list) => list.name)).toContain(
      'List of RFC 1918 CIDR blocks',
    );
    expect(paths(sim)).toEqual([
      '/attributes/restSearch',
      '/attributes/restSearch',
      '/attributes/restSearch',
      '/warninglists/checkValue',
    ]);
    const [, index, details, check] = sim.requests.map((request) => request.body as Record<string, unknown>);
    expect(index).toMatchObject({ value: '%/%', type: ['ip-src', 'ip-dst'] });
    expect(index).not.toHaveProperty('includeContext');
    expect([...((details?.value ?? []) as string[])].sort()).toEqual(['198.18.0.0/15', '198.19.7.0/24']);
    expect(details).toMatchObject({ includeContext: true });
    expect(check).toEqual(['192.0.2.80', '10.1.2.3']);
  });

  it('keeps the range index: within the TTL no range request, after it only what changed since', async () => {
    const { sim, client, created, source, clock } = await setup();
    await source.lookup(['198.19.7.44']);
    sim.clearRequests();
    await source.lookup(['198.19.7.45']);
    expect(
      sim.requests.filter((request) => (request.body as { value?: unknown }).value === '%/%'),
    ).toHaveLength(0);
    // A range added, one deleted; after the TTL the index is brought up to date incrementally.
    await client.addAttributes(created.id, [
      { type: 'ip-dst', value: '203.0.113.0/24', comment: 'new range' },
    ]);
    const staging = created.attributes.find((attribute) => attribute.value === '198.19.7.0/24')!;
    sim.store.softDeleteAttribute(sim.store.attributeByIdOrUuid(staging.id)!);
    clock.now += 61_000;
    sim.clearRequests();
    const answers = await source.lookup(['198.19.7.46', '203.0.113.9']);
    const rangeFetch = sim.requests.find((request) => (request.body as { value?: unknown }).value === '%/%');
    expect(rangeFetch?.body).toMatchObject({ deleted: [0, 1], timestamp: expect.any(Number) });
    expect(answers.get('198.19.7.46')?.matches.map((m) => m.viaCidr)).toEqual(['198.18.0.0/15']);
    expect(answers.get('203.0.113.9')?.matches.map((m) => m.attribute.comment)).toEqual(['new range']);
  });

  it('a full index says so, and the IPs checked against it carry the bound', async () => {
    const { sim } = await setup();
    const instance = {
      id: 'sim',
      name: 'S',
      url: sim.url,
      apiKey: sim.apiKey,
      useForLookups: true,
      defaultForEvents: true,
    };
    const cidr = new CidrRanges(await openDatabase(`source-${dbCounter++}`), { maxRanges: 1 });
    const source = mispLookupSource(instance, { timeoutMs: 5000, ttlMs: 60_000, cidr });
    const answers = await source.lookup(['192.0.2.80']);
    expect(answers.get('192.0.2.80')?.rangesChecked).toBe(1);
  });
});
