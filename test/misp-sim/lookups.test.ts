import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { callJson, searchAttributes } from './test-support';

/**
 * /attributes/restSearch as a lookup engine (transcripts 108-120, 167-173): whole-string value
 * matching on either part of composite types, stored-type filtering, attribute and event time
 * filters, correlations, and a bulk-loaded store.
 */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A settable clock (Unix seconds). */
function manualClock(start: number): { now: () => number; set: (at: number) => void } {
  let current = start;
  return { now: () => current, set: (at) => (current = at) };
}

async function addEvent(target: MispSim, event: Record<string, unknown>): Promise<string> {
  const answer = await callJson<{ Event: { id: string } }>(target, '/events/add', {
    body: { Event: { distribution: 0, threat_level_id: 2, analysis: 1, ...event } },
  });
  return answer.Event.id;
}

const NETWORK = [
  { type: 'url', value: 'https://cdn.lure-host.test/dl/payload.bin' },
  { type: 'url', value: 'lure-host.test/stage2' },
  { type: 'domain', value: 'lure-host.test' },
  { type: 'hostname', value: 'mail.lure-host.test' },
  { type: 'domain|ip', value: 'pivot.test|192.0.2.77' },
  { type: 'ip-dst|port', value: '198.51.100.9|4444' },
  { type: 'hostname|port', value: 'c2.pivot.test|8080' },
  { type: 'email-src', value: 'sender@phish-mail.test' },
  {
    type: 'filename|sha256',
    value: 'invoice.js|2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  },
];

describe('attribute value matching', () => {
  it('matches the whole stored string, case-insensitively, and never a normalised URL', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await addEvent(sim, { info: 'lookup semantics', Attribute: NETWORK });
    const values = async (value: string[]): Promise<string[]> =>
      (await searchAttributes(sim!, { value })).map((attribute) => attribute.value);
    expect(await values(['LURE-HOST.TEST'])).toEqual(['lure-host.test']);
    expect(await values(['cdn.lure-host.test/dl/payload.bin'])).toEqual([]);
    expect(await values(['http://lure-host.test/stage2'])).toEqual([]);
    expect(await values(['https://cdn.lure-host.test/dl/payload.bin/'])).toEqual([]);
    expect(await values(['HTTPS://CDN.LURE-HOST.TEST/DL/PAYLOAD.BIN'])).toEqual([
      'https://cdn.lure-host.test/dl/payload.bin',
    ]);
    // No parent or sub-domain matching, and an e-mail's domain is not a value of its own.
    expect(await values(['mail.lure-host.test'])).toEqual(['mail.lure-host.test']);
    expect(await values(['phish-mail.test', 'lure'])).toEqual([]);
  });

  it('finds composite attributes by either part and answers with the whole value', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await addEvent(sim, { info: 'composites', Attribute: NETWORK });
    const found = async (value: string): Promise<string[]> =>
      (await searchAttributes(sim!, { value: [value] })).map(
        (attribute) => `${attribute.type} ${attribute.value}`,
      );
    expect(await found('pivot.test')).toEqual(['domain|ip pivot.test|192.0.2.77']);
    expect(await found('192.0.2.77')).toEqual(['domain|ip pivot.test|192.0.2.77']);
    expect(await found('198.51.100.9')).toEqual(['ip-dst|port 198.51.100.9|4444']);
    expect(await found('4444')).toEqual(['ip-dst|port 198.51.100.9|4444']);
    expect(await found('C2.PIVOT.TEST')).toEqual(['hostname|port c2.pivot.test|8080']);
    expect(await found('invoice.js')).toEqual([
      'filename|sha256 invoice.js|2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    ]);
    expect(await found('2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE')).toHaveLength(1);
    // The composite value itself is not a value of either part.
    expect(await found('pivot.test|192.0.2.77')).toEqual([]);
  });

  it('returns an attribute once however many inputs hit it, and filters on the stored type', async () => {
    sim = await startMispSim({ seed: 'empty' });
    await addEvent(sim, { info: 'types', Attribute: NETWORK });
    const inputs = ['pivot.test', '192.0.2.77', 'lure-host.test', 'mail.lure-host.test', 'c2.pivot.test'];
    const all = await searchAttributes(sim, { value: inputs });
    expect(all.map((attribute) => attribute.type)).toEqual([
      'domain',
      'hostname',
      'domain|ip',
      'hostname|port',
    ]);
    const typed = await searchAttributes(sim, { value: inputs, type: ['domain', 'hostname'] });
    expect(typed.map((attribute) => attribute.value)).toEqual(['lure-host.test', 'mail.lure-host.test']);
  });
});

describe('time filters', () => {
  it('timestamp / attribute_timestamp are the attribute’s own time (unix or "1d", >=); publish_timestamp and last the event’s publication', async () => {
    const clock = manualClock(1_899_900_000);
    sim = await startMispSim({ seed: 'empty', now: clock.now });
    await addEvent(sim, { info: 'old', Attribute: [{ type: 'domain', value: 'old.time.test' }] });
    clock.set(1_900_050_000);
    const fresh = await addEvent(sim, {
      info: 'fresh, published',
      Attribute: [{ type: 'domain', value: 'fresh.time.test' }],
    });
    const unpublished = await addEvent(sim, {
      info: 'fresh, unpublished',
      Attribute: [{ type: 'domain', value: 'draft.time.test' }],
    });
    clock.set(1_900_050_010);
    await callJson(sim, `/events/publish/${fresh}`, { method: 'POST' });
    clock.set(1_900_060_000);
    const value = ['old.time.test', 'fresh.time.test', 'draft.time.test'];
    const infoOf = async (filters: Record<string, unknown>): Promise<string[]> =>
      (await searchAttributes(sim!, { value, ...filters })).map((attribute) => attribute.value);
    expect(await infoOf({ timestamp: 1_900_050_000 })).toEqual(['fresh.time.test', 'draft.time.test']);
    expect(await infoOf({ attribute_timestamp: '1900050000' })).toEqual([
      'fresh.time.test',
      'draft.time.test',
    ]);
    expect(await infoOf({ timestamp: '1d' })).toEqual(['fresh.time.test', 'draft.time.test']);
    expect(await infoOf({ timestamp: '2d' })).toEqual(value);
    expect(await infoOf({ publish_timestamp: 1_900_050_005 })).toEqual(['fresh.time.test']);
    expect(await infoOf({ last: '1d' })).toEqual(['fresh.time.test']);
    expect(await infoOf({ last: '1h' })).toEqual([]);
    // Publishing leaves the attribute timestamps alone.
    expect(await infoOf({ timestamp: 1_900_050_001 })).toEqual([]);
    expect(unpublished).not.toBe(fresh);
  });
});

describe('includeCorrelations', () => {
  it('adds the other events’ attributes with the same value, with a small Event, also beside includeContext', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const first = await addEvent(sim, {
      info: 'first sighting of the relay',
      Attribute: [
        { type: 'ip-dst', value: '203.0.113.61' },
        { type: 'domain', value: 'relay.corr.test' },
      ],
    });
    const second = await addEvent(sim, {
      info: 'second',
      Attribute: [{ type: 'domain|ip', value: 'other.corr.test|203.0.113.61' }],
    });
    const [attribute] = await searchAttributes(sim, {
      value: ['relay.corr.test'],
      includeCorrelations: true,
    });
    expect(attribute?.RelatedAttribute).toEqual([]);
    const rows = await searchAttributes(sim, { value: ['203.0.113.61'], includeCorrelations: 1 });
    expect(
      rows.map((row) => [row.event_id, row.RelatedAttribute?.map((other) => [other.event_id, other.value])]),
    ).toEqual([
      [first, [[second, 'other.corr.test|203.0.113.61']]],
      [second, [[first, '203.0.113.61']]],
    ]);
    const withContext = (await searchAttributes(sim, {
      value: ['203.0.113.61'],
      includeCorrelations: true,
      includeContext: true,
    })) as unknown as {
      RelatedAttribute: { Event: { info: string } }[];
      Event: { info: string; Orgc: unknown };
    }[];
    expect(withContext[0]?.RelatedAttribute[0]?.Event.info).toBe('second');
    expect(withContext[0]?.Event.Orgc).toBeDefined();
    expect(await searchAttributes(sim, { value: ['203.0.113.61'] })).toSatisfy((plain: object[]) =>
      plain.every((row) => !('RelatedAttribute' in row)),
    );
  });
});

describe('bulk loading', () => {
  it('loads many attributes without validation and keeps value lookups exact', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const event = sim.store.events.get(Number(await addEvent(sim, { info: 'bulk' })));
    if (!event) throw new Error('no event');
    const rows = function* () {
      for (let i = 0; i < 50_000; i++) {
        yield i % 2 === 0
          ? { type: 'domain', value: `host-${i}.bulk.test` }
          : { type: 'ip-dst|port', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}|443` };
      }
    };
    expect(sim.store.bulkLoadAttributes(event, rows())).toBe(50_000);
    expect(sim.store.liveAttributeCount(event.id)).toBe(50_000);
    const found = await searchAttributes(sim, {
      value: ['HOST-49998.BULK.TEST', '10.0.195.79', 'host-1.bulk.test', 'nothing.bulk.test'],
    });
    expect(found.map((attribute) => attribute.value)).toEqual(['host-49998.bulk.test', '10.0.195.79|443']);
    expect(sim.store.attributeIdsByValue('443')).toHaveLength(25_000);
  });
});
