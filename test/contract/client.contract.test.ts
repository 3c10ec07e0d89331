import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CidrIndex } from '../../lib/misp/cidr';
import { type AttributeDraft, type CreatedEvent, type EventDraft, MispClient } from '../../lib/misp/client';
import { MispError } from '../../lib/misp/errors';
import { groupAttributesByValue } from '../../lib/misp/normalize';
import type { MispAttribute } from '../../lib/misp/schemas';
import { isRealMispConfigured, type MispTarget, startMispTarget } from './target';

/**
 * Every MispClient operation over real HTTP, against the MISP stand-in (default) or a real MISP
 * (MISP_URL + MISP_KEY). Everything created is named after the run id and deleted afterwards; the
 * tests only assert about their own data, so other data on a real server does not matter.
 * The tests build on each other in order (create → read → sight → poll), as a user session would.
 */

let target: MispTarget;
let client: MispClient;

function randomBytesHex(length: number): string {
  return [...crypto.getRandomValues(new Uint8Array(length))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}
function randomOctet(): number {
  return 1 + ((crypto.getRandomValues(new Uint8Array(1))[0] ?? 0) % 253);
}

async function caught(promise: Promise<unknown>): Promise<MispError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MispError) return error;
    throw error;
  }
  throw new Error('expected a MispError, but the call succeeded');
}

// Values unique to this run (198.18.0.0/15 is the benchmarking range: never a real indicator).
const ids = {
  domain: '',
  hostname: '',
  url: '',
  md5: '',
  ip: '',
  cidrOctet: 0,
  tag: '',
};
let draft: EventDraft;
let created: CreatedEvent;

function attributeOf(type: string, value: string): MispAttribute {
  const found = created.attributes.find(
    (attribute) => attribute.type === type && attribute.value.toLowerCase() === value.toLowerCase(),
  );
  if (found === undefined) throw new Error(`event lacks ${type} ${value}`);
  return found;
}

beforeAll(async () => {
  target = await startMispTarget();
  client = new MispClient({ url: target.url, apiKey: target.apiKey, timeoutMs: 15_000 });
  const run = target.runId;
  ids.domain = `c2-${run}.sightline-test.example`;
  ids.hostname = `cdn.c2-${run}.sightline-test.example`;
  ids.url = `https://c2-${run}.sightline-test.example/login`;
  ids.md5 = randomBytesHex(16);
  ids.ip = `198.18.${randomOctet()}.${randomOctet()}`;
  ids.cidrOctet = randomOctet();
  ids.tag = `sightline-test:run="${run}"`;
  const attributes: AttributeDraft[] = [
    { type: 'domain', value: ids.domain, to_ids: true, comment: 'contract test' },
    { type: 'hostname', value: ids.hostname, to_ids: true },
    { type: 'url', value: ids.url, to_ids: true },
    // Sent upper-case: MISP stores hashes lower-cased, which must not count as a drop.
    { type: 'md5', value: ids.md5.toUpperCase(), to_ids: true },
    { type: 'ip-dst', value: ids.ip, to_ids: true },
    { type: 'ip-dst', value: `198.19.${ids.cidrOctet}.0/24`, to_ids: true },
    // Invalid: MISP drops it silently.
    { type: 'ip-dst', value: `not-an-ip-${run}`, to_ids: true },
  ];
  draft = {
    uuid: crypto.randomUUID(),
    info: `${target.namePrefix} contract event`,
    distribution: 0,
    threatLevel: 4,
    analysis: 0,
    tags: [ids.tag],
    attributes,
  };
  target.trackTag(ids.tag);
});

afterAll(async () => {
  await target?.close();
});

describe(`MispClient contract (${isRealMispConfigured() ? 'real MISP' : 'MISP stand-in'})`, () => {
  it('testConnection names the version, user, organisation and permissions', async () => {
    const info = await client.testConnection();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.user.email).toContain('@');
    expect(info.org.name).not.toBe('');
    expect(info.role.name).not.toBe('');
    expect(info.permissions.add).toBe(true);
    expect(info.permissions.sighting).toBe(true);
  });

  it('a wrong key is reported as key-rejected', async () => {
    const wrong = new MispClient({ url: target.url, apiKey: 'Z'.repeat(40) });
    const error = await caught(wrong.testConnection());
    expect(error.kind).toBe('key-rejected');
    expect(error.message).toMatch(/^API key rejected by MISP/);
  });

  it('an unreachable server is reported as unreachable', async () => {
    const nowhere = new MispClient({ url: 'http://127.0.0.1:9', apiKey: 'Z'.repeat(40), timeoutMs: 5_000 });
    const error = await caught(nowhere.enabledWarninglists());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('http://127.0.0.1:9/warninglists/index');
  });

  it('createEvent files the event and reports the attribute MISP dropped', async () => {
    created = await client.createEvent(draft);
    target.trackEvent(created.id);
    expect(created.alreadyExisted).toBe(false);
    expect(created.uuid).toBe(draft.uuid);
    expect(created.id).toMatch(/^\d+$/);
    expect(created.dropped.map((attribute) => attribute.value)).toEqual([`not-an-ip-${target.runId}`]);
    expect(created.attributes).toHaveLength(6);
    expect(attributeOf('md5', ids.md5).value).toBe(ids.md5);
    expect(created.event?.Tag.map((tag) => tag.name)).toContain(ids.tag);
  });

  it('createEvent again with the same uuid reports the existing event', async () => {
    const again = await client.createEvent(draft);
    expect(again.alreadyExisted).toBe(true);
    expect(again.id).toBe(created.id);
    expect(again.dropped.map((attribute) => attribute.value)).toEqual([`not-an-ip-${target.runId}`]);
  });

  it('getEvent reads the event by id and by uuid', async () => {
    const byId = await client.getEvent(created.id);
    expect(byId.info).toBe(draft.info);
    expect(byId.Attribute).toHaveLength(6);
    const byUuid = await client.getEvent(created.uuid);
    expect(byUuid.id).toBe(created.id);
    expect((await caught(client.getEvent('999999999'))).kind).toBe('not-found');
  });

  it('addAttributes reports added, duplicate and invalid values one by one', async () => {
    const outcomes = await client.addAttributes(created.id, [
      { type: 'domain', value: `extra-${target.runId}.sightline-test.example`, to_ids: true },
      { type: 'domain', value: ids.domain, to_ids: true },
      { type: 'ip-dst', value: 'not-an-ip', to_ids: true },
    ]);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['added', 'duplicate', 'invalid']);
    const added = outcomes[0];
    expect(added?.outcome === 'added' && added.attribute.event_id).toBe(created.id);
  });

  it("lookupValues finds this run's values, whatever their case, and groups them per input", async () => {
    const inputs = [
      ids.domain.toUpperCase(),
      ids.md5.toUpperCase(),
      ids.ip,
      `miss-${target.runId}.example`,
      `!${ids.domain}`,
    ];
    const result = await client.lookupValues(inputs);
    expect(result.refused.map((item) => item.value)).toEqual([`!${ids.domain}`]);
    const ours = result.attributes.filter((attribute) => attribute.event_id === created.id);
    expect(ours.map((attribute) => attribute.type).sort()).toEqual(['domain', 'ip-dst', 'md5']);
    const domain = ours.find((attribute) => attribute.type === 'domain');
    // includeContext: the event comes with its date, tags and creator org.
    expect(domain?.Event?.info).toBe(draft.info);
    expect(domain?.Event?.Orgc?.name).not.toBe('');
    expect(domain?.Tag.some((tag) => tag.name === ids.tag)).toBe(true);
    const grouped = groupAttributesByValue(inputs, result.attributes);
    expect(grouped.get(ids.domain.toUpperCase())?.some((a) => a.event_id === created.id)).toBe(true);
    expect(grouped.get(ids.md5.toUpperCase())?.some((a) => a.event_id === created.id)).toBe(true);
    expect(grouped.get(`miss-${target.runId}.example`)).toEqual([]);
  });

  it('lookupValues pages through small pages to the same answer', async () => {
    const inputs = [ids.domain, ids.hostname, ids.url, ids.md5];
    const whole = await client.lookupValues(inputs);
    const paged = await client.lookupValues(inputs, { limit: 1 });
    expect(paged.requests).toBeGreaterThanOrEqual(5);
    const idsOf = (attributes: MispAttribute[]) => attributes.map((attribute) => attribute.id).sort();
    expect(idsOf(paged.attributes)).toEqual(idsOf(whole.attributes));
    expect(paged.attributes.filter((attribute) => attribute.event_id === created.id)).toHaveLength(4);
  });

  it('findCidrRanges returns the CIDR attribute, compact, so an IP inside can be matched locally', async () => {
    const { ranges, complete } = await client.findCidrRanges();
    expect(complete).toBe(true);
    const index = new CidrIndex(ranges);
    const mine = attributeOf('ip-dst', `198.19.${ids.cidrOctet}.0/24`);
    const hits = index.match(`198.19.${ids.cidrOctet}.77`);
    expect(hits.some((range) => range.id === mine.id)).toBe(true);
    expect(ranges.every((range) => range.value.includes('/'))).toBe(true);
    // Incremental: only what changed since a time, so a kept index can be refreshed.
    const since = await client.findCidrRanges({ since: Number(mine.timestamp) });
    expect(since.ranges.some((range) => range.id === mine.id)).toBe(true);
    const future = await client.findCidrRanges({ since: Number(mine.timestamp) + 3600 * 24 * 365 });
    expect(future.ranges.some((range) => range.id === mine.id)).toBe(false);
  });

  it('records, lists and deletes sightings', async () => {
    const domain = attributeOf('domain', ids.domain);
    const byValue = await client.addSighting({
      values: [ids.domain.toUpperCase()],
      type: 0,
      source: target.namePrefix,
    });
    expect(byValue.attribute_id).toBe(domain.id);
    expect(byValue.type).toBe('0');
    const falsePositive = await client.addSighting({
      attributeId: domain.id,
      type: 1,
      source: target.namePrefix,
    });
    expect(falsePositive.type).toBe('1');

    const listed = await client.sightingsForAttribute(domain.id);
    expect(listed.map((sighting) => sighting.id)).toEqual(
      expect.arrayContaining([byValue.id, falsePositive.id]),
    );
    const looked = await client.lookupValues([ids.domain]);
    const withSightings = looked.attributes.find((attribute) => attribute.id === domain.id);
    expect(withSightings?.Sighting.map((sighting) => sighting.type).sort()).toEqual(['0', '1']);

    await client.deleteSighting(falsePositive.id);
    const after = await client.sightingsForAttribute(domain.id);
    expect(after.map((sighting) => sighting.id)).toContain(byValue.id);
    expect(after.map((sighting) => sighting.id)).not.toContain(falsePositive.id);
  });

  it('a sighting for a value MISP does not have fails with a typed error', async () => {
    const error = await caught(
      client.addSighting({
        values: [`never-seen-${target.runId}.example`],
        type: 0,
        source: target.namePrefix,
      }),
    );
    expect(error.kind).toBe('not-found');
    expect(error.mispMessage).toMatch(/Could not add the Sighting/);
  });

  it("listTags finds the run's tag by substring", async () => {
    const tags = await client.listTags(target.runId);
    expect(tags.map((tag) => tag.name)).toEqual([ids.tag]);
    expect(tags[0]?.colour).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('searchEvents finds the event by its info', async () => {
    const events = await client.searchEvents({ info: target.namePrefix, limit: 5 });
    expect(events.map((event) => event.id)).toEqual([created.id]);
    expect(events[0]?.Tag.map((tag) => tag.name)).toContain(ids.tag);
  });

  it('pollEvents and pollAttributes see the tagged event and its attributes', async () => {
    const since = Number(created.event?.timestamp ?? 0) - 60;
    const page = await client.pollEvents({ tags: [ids.tag], since, limit: 10 });
    expect(page.events.map((event) => event.id)).toEqual([created.id]);
    expect(page.hasMore).toBe(false);
    const unpublishedOnly = await client.pollEvents({ tags: [ids.tag], since, publishedOnly: true });
    expect(unpublishedOnly.events).toEqual([]);
    const later = await client.pollEvents({ tags: [ids.tag], since: since + 3600 });
    expect(later.events).toEqual([]);
    const attributes = await client.pollAttributes({ tags: [ids.tag], since });
    // The tag is on the event, so all its attributes match (obs 073): 6 filed + 1 added.
    expect(attributes.filter((attribute) => attribute.event_id === created.id)).toHaveLength(7);
  });

  it('checkWarninglists answers with hits only, keyed by the values sent', async () => {
    const hits = await client.checkWarninglists([ids.domain, ids.md5]);
    expect(hits.has(ids.domain)).toBe(false);
    expect(hits.has(ids.md5)).toBe(false);
  });

  // Only the stand-in hands out a second, less privileged key and can be made to misbehave; a real
  // server is tested with its one key and as it is.
  if (!isRealMispConfigured()) {
    const simOf = () => {
      if (target.sim === undefined) throw new Error('expected the MISP stand-in');
      return target.sim;
    };

    it('the server sees exactly the API headers and no cookie', async () => {
      const sim = simOf();
      sim.clearRequests();
      await client.lookupValues([ids.domain]);
      const [request] = sim.requests;
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.authorization).toBe(target.apiKey);
      expect(request?.headers.cookie).toBeUndefined();
      expect(request?.headers['x-requested-with']).toBeUndefined();
    });

    it.each([
      [{ kind: 'login-redirect' as const }, 'login-redirect'],
      [{ kind: 'malformed-json' as const }, 'bad-response'],
      [{ kind: 'status' as const, status: 429 }, 'rate-limited'],
      [{ kind: 'status' as const, status: 500 }, 'server-error'],
      [{ kind: 'down' as const }, 'unreachable'],
    ])('a server fault %o becomes %s', async (fault, kind) => {
      const sim = simOf();
      sim.setFault({ ...fault, times: 1 });
      try {
        expect((await caught(client.lookupValues([ids.domain]))).kind).toBe(kind);
      } finally {
        sim.setFault(null);
      }
    });

    it('a server slower than the timeout becomes a timeout', async () => {
      const sim = simOf();
      sim.setFault({ kind: 'delay', ms: 1_500, times: 1 });
      try {
        const impatient = new MispClient({ url: target.url, apiKey: target.apiKey, timeoutMs: 200 });
        expect((await caught(impatient.enabledWarninglists())).kind).toBe('timeout');
      } finally {
        sim.setFault(null);
      }
    });

    it('a key without the permission gets a permission error (stand-in users)', async () => {
      const readOnlyKey = target.extraKeys.readOnly;
      if (readOnlyKey === undefined) throw new Error('the stand-in should provide a read-only user');
      const reader = new MispClient({ url: target.url, apiKey: readOnlyKey });
      const error = await caught(
        reader.createEvent({
          ...draft,
          uuid: crypto.randomUUID(),
          info: `${target.namePrefix} must not exist`,
        }),
      );
      expect(error.kind).toBe('permission');
    });
  }

  it('deleteEvent removes the event', async () => {
    await client.deleteEvent(created.id);
    expect((await caught(client.getEvent(created.id))).kind).toBe('not-found');
  });
});
