import { describe, expect, it } from 'vitest';
import { type EventDraft, MispClient } from './client';
import { MispError } from './errors';
import { groupAttributesByValue } from './normalize';
import {
  fakeFetch,
  loadTranscript,
  type RecordedAnswer,
  TEST_KEY,
  TEST_URL,
  type Transcript,
} from './transcripts.test-support';

function clientWith(fetch: ReturnType<typeof fakeFetch>['fetch']) {
  return new MispClient({ url: TEST_URL, apiKey: TEST_KEY, fetch });
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

type AttributeJson = Record<string, unknown> & { id: string };
function attributesOf(transcript: Transcript): AttributeJson[] {
  return (transcript.response.body as { response: { Attribute: AttributeJson[] } }).response.Attribute;
}
function attributePage(attributes: AttributeJson[], resultCount: number): RecordedAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'x-result-count': String(resultCount) },
    body: { response: { Attribute: attributes } },
  };
}
const EMPTY_ATTRIBUTES = loadTranscript('075');

/** The draft transcript 010 sent, in the client's vocabulary. */
function draftFrom(transcript: Transcript): EventDraft {
  const event = (transcript.request.body as { Event: Record<string, unknown> }).Event;
  const attributes = event.Attribute as Record<string, unknown>[];
  const tags = (event.Tag as { name: string }[] | undefined) ?? [];
  return {
    uuid: event.uuid as string,
    info: event.info as string,
    date: event.date as string,
    distribution: event.distribution as number,
    threatLevel: event.threat_level_id as number,
    analysis: event.analysis as number,
    tags: tags.map((tag) => tag.name),
    attributes: attributes.map((attribute) => ({
      type: attribute.type as string,
      value: attribute.value as string,
      ...(attribute.comment === undefined ? {} : { comment: attribute.comment as string }),
      ...(attribute.to_ids === undefined ? {} : { to_ids: attribute.to_ids as boolean }),
      ...(attribute.category === undefined ? {} : { category: attribute.category as string }),
      ...(attribute.uuid === undefined ? {} : { uuid: attribute.uuid as string }),
      ...(attribute.Tag === undefined
        ? {}
        : { tags: (attribute.Tag as { name: string }[]).map((tag) => tag.name) }),
    })),
  };
}

describe('testConnection', () => {
  it('combines getVersion and users/view/me (001, 002)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('001'), loadTranscript('002'));
    const info = await clientWith(fetch).testConnection();
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/servers/getVersion',
      '/users/view/me',
    ]);
    expect(info).toEqual({
      version: '2.5.1',
      user: { id: '1', email: 'admin@admin.test' },
      org: { id: '1', name: 'ORGNAME' },
      role: { name: 'admin' },
      permissions: {
        add: true,
        modify: true,
        publish: true,
        tagger: true,
        tagEditor: true,
        sighting: true,
        siteAdmin: true,
      },
    });
  });

  it('takes the effective sighting permission from getVersion, not the role', async () => {
    const version = loadTranscript('001');
    const readOnly = {
      ...version.response,
      body: { ...(version.response.body as object), perm_sighting: false },
    };
    const { fetch } = fakeFetch(readOnly, loadTranscript('002'));
    const info = await clientWith(fetch).testConnection();
    expect(info.permissions.sighting).toBe(false);
    expect(info.permissions.add).toBe(true);
  });
});

describe('lookupValues', () => {
  it('sends nothing for an empty list, or when every value is refused', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('030'));
    const client = clientWith(fetch);
    expect(await client.lookupValues([])).toEqual({ attributes: [], refused: [], requests: 0, capped: [] });
    const onlyUnsafe = await client.lookupValues(['!evil.example', 'malicious-updates.%', '  ']);
    expect(onlyUnsafe.attributes).toEqual([]);
    expect(onlyUnsafe.refused.map((item) => item.value)).toEqual([
      '!evil.example',
      'malicious-updates.%',
      '  ',
    ]);
    expect(calls).toHaveLength(0);
  });

  it('asks attributes/restSearch with all includes and reads transcript 019', async () => {
    const transcript = loadTranscript('019');
    const inputs = transcript.request.body as { value: string[] };
    const { fetch, calls } = fakeFetch(transcript);
    const result = await clientWith(fetch).lookupValues([...inputs.value, '!negated.example']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.init.method).toBe('POST');
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/attributes/restSearch');
    expect(calls[0]?.body).toEqual({
      returnFormat: 'json',
      // Lower-cased and de-duplicated: MISP matches case-insensitively anyway (obs 020, 021).
      value: [
        '198.51.100.23',
        'malicious-updates.example',
        'ccb27a4f95fc5a4dff03c0aa5f1ee6fd427d7c35b935bbedc86db045e934b9ea',
        '137ce37865d54117bcb67dccdb2b74ad',
        'https://malicious-updates.example/login/',
        'https://malicious-updates.example/login',
        '10.66.66.66',
        'nothing-here.example',
      ],
      includeEventTags: true,
      includeSightings: true,
      includeContext: true,
      includeWarninglistHits: true,
      limit: 500,
      page: 1,
    });
    expect(result.refused).toEqual([
      { value: '!negated.example', reason: expect.stringContaining('everything except') },
    ]);
    expect(result.attributes.map((attribute) => attribute.id)).toEqual(['3', '5', '7', '8', '10']);
    const domain = result.attributes[1];
    expect(domain?.to_ids).toBe(true);
    expect(domain?.Event?.info).toMatch(/^Sample report/);
    expect(domain?.Tag.map((tag) => [tag.name, tag.inherited ?? false])).toEqual([
      ['misp-lens:watched', false],
      ['tlp:amber', true],
      ['source:browser-capture', true],
    ]);

    const grouped = groupAttributesByValue(inputs.value, result.attributes);
    expect(grouped.get('MALICIOUS-UPDATES.EXAMPLE')?.map((a) => a.id)).toEqual(['5']);
    expect(
      grouped.get('CCB27A4F95FC5A4DFF03C0AA5F1EE6FD427D7C35B935BBEDC86DB045E934B9EA')?.map((a) => a.id),
    ).toEqual(['10']);
    expect(grouped.get('https://malicious-updates.example/login/')).toEqual([]);
    expect(grouped.get('https://malicious-updates.example/login')?.map((a) => a.id)).toEqual(['7']);
    expect(grouped.get('nothing-here.example')).toEqual([]);
  });

  it('reads the includeContext event (031), sightings (053) and warninglist hits (100)', async () => {
    const { fetch } = fakeFetch(
      loadTranscript('031'),
      EMPTY_ATTRIBUTES, // page 2: 031 was a full page of 1
      loadTranscript('053'),
      loadTranscript('100'),
    );
    const client = clientWith(fetch);
    const [withContext] = (await client.lookupValues(['198.51.100.23'], { limit: 1 })).attributes;
    expect(withContext?.Event).toMatchObject({
      date: '2026-11-22',
      threat_level_id: '1',
      analysis: '0',
      published: false,
      Orgc: { name: 'ORGNAME' },
    });
    expect(withContext?.Event?.Tag?.map((tag) => tag.name)).toEqual(['tlp:amber', 'source:browser-capture']);

    const sighted = (await client.lookupValues(['malicious-updates.example', '198.51.100.23'])).attributes;
    const domainSightings = sighted.find((attribute) => attribute.type === 'domain')?.Sighting ?? [];
    expect(domainSightings.length).toBeGreaterThan(1);
    expect(domainSightings[0]).toMatchObject({
      type: '0',
      source: 'browser',
      Organisation: { name: 'ORGNAME' },
    });

    const warned = (await client.lookupValues(['198.51.100.23', '192.0.2.44'])).attributes;
    expect(warned[0]?.warnings?.[0]).toMatchObject({
      warninglist_name: 'List of RFC 5735 CIDR blocks',
      match: '198.51.100.0/24',
    });
    expect(warned[1]?.warnings).toBeUndefined();
  });

  it('pages while pages are full: X-Result-Count is a hint, not a total (024, page 2, 025)', async () => {
    const all = attributesOf(loadTranscript('019'));
    const pageTwo = attributePage(all.slice(2, 4), 3);
    const { fetch, calls } = fakeFetch(loadTranscript('024'), pageTwo, loadTranscript('025'));
    const values = (loadTranscript('024').request.body as { value: string[] }).value;
    const result = await clientWith(fetch).lookupValues(values, { limit: 2 });
    expect(calls.map((call) => (call.body as { page: number; limit: number }).page)).toEqual([1, 2, 3]);
    expect(calls.every((call) => (call.body as { limit: number }).limit === 2)).toBe(true);
    expect(result.attributes.map((attribute) => attribute.id)).toEqual(['3', '5', '7', '8', '10']);
    expect(result.requests).toBe(3);
  });

  it('asks once more after a full last page (033: 5 of 5, X-Result-Count 6) and stops on the empty page', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('033'), EMPTY_ATTRIBUTES);
    const values = (loadTranscript('033').request.body as { value: string[] }).value;
    const result = await clientWith(fetch).lookupValues(values, { limit: 5 });
    expect(calls).toHaveLength(2);
    expect((calls[1]!.body as { page: number }).page).toBe(2);
    expect(result.attributes).toHaveLength(5);
  });

  it('stops paging a single value after maxAttributes, so one very common value cannot fill memory', async () => {
    const all = attributesOf(loadTranscript('019'));
    const { fetch, calls } = fakeFetch(attributePage(all.slice(0, 2), 3));
    const result = await clientWith(fetch).lookupValues(['198.51.100.23'], { limit: 2, maxAttributes: 6 });
    expect(calls).toHaveLength(3);
    expect(result.requests).toBe(3);
    expect(result.capped).toEqual(['198.51.100.23']);
  });

  describe('a group whose attribute budget runs out', () => {
    /** A MISP holding `counts[value]` attributes per value, paged as restSearch pages them (by id). */
    function pagedServer(counts: Record<string, number>) {
      const [template] = attributesOf(loadTranscript('019'));
      let id = 100;
      const rows = Object.entries(counts).flatMap(([value, count]) =>
        Array.from({ length: count }, () => ({ ...template, id: String(id++), type: 'domain', value })),
      );
      return fakeFetch((call) => {
        const body = call.body as { value: string[]; limit: number; page: number };
        const matching = rows.filter((row) => body.value.includes(row.value));
        const page = matching.slice((body.page - 1) * body.limit, body.page * body.limit);
        return new Response(JSON.stringify({ response: { Attribute: page } }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      });
    }

    it('asks again in smaller groups: every other value gets its complete answer, the popular one is capped', async () => {
      const counts: Record<string, number> = { 'popular.example': 30 };
      for (let i = 0; i < 20; i++) counts[`v${i}.example`] = i % 3 === 0 ? 1 : 0;
      const { fetch, calls } = pagedServer(counts);
      const values = [...Object.keys(counts).slice(1, 8), 'popular.example', ...Object.keys(counts).slice(8)];
      const result = await clientWith(fetch).lookupValues(values, { limit: 5, maxAttributes: 10 });
      expect(result.capped).toEqual(['popular.example']);
      const grouped = groupAttributesByValue(values, result.attributes);
      for (const value of values) {
        if (value === 'popular.example') expect(grouped.get(value)).toHaveLength(10);
        else expect(grouped.get(value), value).toHaveLength(counts[value]!);
      }
      // The first group (2 pages, cut short), the popular value alone (2 pages, capped), the rest (2 pages, complete).
      expect(calls.map((call) => (call.body as { value: string[] }).value.length)).toEqual([
        21, 21, 1, 1, 20, 20,
      ]);
      expect(result.requests).toBe(6);
    });

    it('halves a group when every value in it showed up, until each answer is complete', async () => {
      const { fetch } = pagedServer({ 'a.example': 3, 'b.example': 3, 'c.example': 1 });
      const result = await clientWith(fetch).lookupValues(['a.example', 'b.example', 'c.example'], {
        limit: 2,
        maxAttributes: 4,
      });
      expect(result.capped).toEqual([]);
      const grouped = groupAttributesByValue(['a.example', 'b.example', 'c.example'], result.attributes);
      expect([...grouped.values()].map((list) => list.length)).toEqual([3, 3, 1]);
    });
  });

  it('matches whole strings and composite parts as MISP 2.5.1 does (transcripts 109-119)', async () => {
    const transcript = loadTranscript('119');
    const inputs = (transcript.request.body as { value: string[] }).value;
    const { fetch } = fakeFetch(transcript);
    const { attributes } = await clientWith(fetch).lookupValues(inputs);
    const grouped = groupAttributesByValue(inputs, attributes);
    const found = (value: string) =>
      (grouped.get(value) ?? []).map((attribute) => `${attribute.type} ${attribute.value}`);
    // No scheme or trailing-slash tolerance: only the stored spellings find the urls (109-111).
    expect(found('http://transcript-evil.example/gate.php')).toEqual([
      'url http://transcript-evil.example/gate.php',
    ]);
    expect(found('transcript-evil.example/gate.php')).toEqual([]);
    expect(found('http://transcript-evil.example/gate.php/')).toEqual([]);
    expect(found('transcript-bare.example/x.php')).toEqual(['url transcript-bare.example/x.php']);
    expect(found('http://transcript-bare.example/x.php')).toEqual([]);
    // A domain finds itself, never its hostnames or urls; a hostname never its domain (112, 113).
    expect(found('transcript-dom.example')).toEqual(['domain transcript-dom.example']);
    expect(found('sub.transcript-dom.example')).toEqual(['hostname sub.transcript-dom.example']);
    // Composite values match on each part (114-117).
    expect(found('transcript-di.example')).toEqual(['domain|ip transcript-di.example|198.51.100.200']);
    expect(found('198.51.100.200')).toEqual(['domain|ip transcript-di.example|198.51.100.200']);
    expect(found('203.0.113.200')).toEqual(['ip-dst|port 203.0.113.200|8443']);
    expect(found('transcript-hp.example')).toEqual(['hostname|port transcript-hp.example|443']);
    // The domain of an e-mail address is not searchable on its own (118).
    expect(found('transcript-mail.example')).toEqual([]);
  });

  it('sends at most 500 values a request', async () => {
    const { fetch, calls } = fakeFetch(EMPTY_ATTRIBUTES);
    const values = Array.from({ length: 1203 }, (_, index) => `host-${index}.example`);
    const result = await clientWith(fetch).lookupValues(values);
    expect(calls.map((call) => (call.body as { value: string[] }).value.length)).toEqual([500, 500, 203]);
    const sent = calls.flatMap((call) => (call.body as { value: string[] }).value);
    expect(new Set(sent)).toEqual(new Set(values));
    expect(result.requests).toBe(3);
  });

  it('de-duplicates attributes found through two chunks', async () => {
    const attribute = attributesOf(loadTranscript('019'))[1] as AttributeJson;
    const { fetch } = fakeFetch(attributePage([attribute], 1));
    const result = await clientWith(fetch).lookupValues(['a.example', 'b.example', 'c.example'], {
      chunkSize: 1,
    });
    expect(result.requests).toBe(3);
    expect(result.attributes).toHaveLength(1);
  });
});

describe('findCidrRanges', () => {
  it('asks for ip attributes containing a slash, without context, and keeps only real ranges, compact', async () => {
    const [template] = attributesOf(loadTranscript('019'));
    const cidr = { ...template, id: '40', value: '203.0.113.0/24' };
    const notCidr = { ...template, id: '41', value: '198.51.100.23' };
    const { fetch, calls } = fakeFetch(attributePage([cidr, notCidr], 2));
    const found = await clientWith(fetch).findCidrRanges();
    expect(calls[0]?.body).toEqual({
      returnFormat: 'json',
      value: '%/%',
      type: ['ip-src', 'ip-dst'],
      page: 1,
      limit: 5000,
    });
    expect(found).toEqual({
      ranges: [
        {
          id: '40',
          type: 'ip-dst',
          value: '203.0.113.0/24',
          timestamp: Number(template?.timestamp),
          deleted: false,
        },
      ],
      complete: true,
      requests: 1,
    });
  });

  it('asks only for what changed since a time, soft-deleted ranges included (106, 167)', async () => {
    const deleted = attributesOf(loadTranscript('106'))[0]!;
    const { fetch, calls } = fakeFetch(attributePage([{ ...deleted, value: '203.0.113.0/24' }], 1));
    const found = await clientWith(fetch).findCidrRanges({ since: 1795336600.7 });
    expect(calls[0]?.body).toMatchObject({ timestamp: 1795336600, deleted: [0, 1] });
    expect(found.ranges).toMatchObject([{ id: '15', deleted: true, timestamp: 1795336671 }]);
  });

  it('stops at maxRanges and says the index is not complete', async () => {
    const [template] = attributesOf(loadTranscript('019'));
    const page = attributePage(
      [0, 1].map((i) => ({ ...template, id: String(50 + i), value: `10.${i}.0.0/16` })),
      3,
    );
    const { fetch, calls } = fakeFetch(page);
    const found = await clientWith(fetch).findCidrRanges({ pageSize: 2, maxRanges: 4 });
    expect(calls).toHaveLength(2);
    expect(found.complete).toBe(false);
  });
});

describe('createEvent', () => {
  it('posts the event with its client uuid and reads the stored event (010)', async () => {
    const transcript = loadTranscript('010');
    const { fetch, calls } = fakeFetch(transcript);
    const created = await clientWith(fetch).createEvent(draftFrom(transcript));
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/events/add');
    expect(calls[0]?.body).toEqual({
      Event: { ...(transcript.request.body as { Event: object }).Event, published: false },
    });
    expect(created.id).toBe('2');
    expect(created.uuid).toBe('5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b');
    expect(created.alreadyExisted).toBe(false);
    expect(created.attributes).toHaveLength(11);
    // The UPPERCASE sha1 came back lower-cased: that is MISP's normalisation, not a drop.
    expect(created.dropped).toEqual([]);
    expect(created.event?.Tag.map((tag) => tag.name)).toEqual(['tlp:amber', 'source:browser-capture']);
  });

  it('returns the attributes MISP silently dropped (013)', async () => {
    const transcript = loadTranscript('013');
    const { fetch } = fakeFetch(transcript);
    const created = await clientWith(fetch).createEvent(draftFrom(transcript));
    expect(created.id).toBe('3');
    expect(created.attributes.map((attribute) => attribute.value)).toEqual(['valid-probe.example']);
    expect(created.dropped.map((draft) => `${draft.type} ${draft.value}`)).toEqual([
      'ip-dst not-an-ip',
      'sha256 abc123',
    ]);
  });

  it('treats a taken uuid (404 + Location, 011) as already created and reads that event back', async () => {
    const transcript = loadTranscript('011');
    const { fetch, calls } = fakeFetch(transcript, loadTranscript('076'));
    const created = await clientWith(fetch).createEvent(draftFrom(transcript));
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual(['/events/add', '/events/view/2']);
    expect(created).toMatchObject({
      id: '2',
      uuid: '5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b',
      alreadyExisted: true,
    });
    expect(created.attributes).toHaveLength(11);
    expect(created.dropped).toEqual([]);
  });

  it('still reports the existing id when the event cannot be read back', async () => {
    const transcript = loadTranscript('011');
    const { fetch } = fakeFetch(transcript, loadTranscript('088'));
    const created = await clientWith(fetch).createEvent(draftFrom(transcript));
    expect(created).toMatchObject({ id: '2', alreadyExisted: true, event: undefined, attributes: [] });
  });

  it('treats a 404 without Location as not-found', async () => {
    const { fetch } = fakeFetch(loadTranscript('078'));
    const error = await caught(
      clientWith(fetch).createEvent({
        info: 'x',
        distribution: 0,
        threatLevel: 4,
        analysis: 0,
        attributes: [],
      }),
    );
    expect(error.kind).toBe('not-found');
  });

  it('generates a uuid when the draft has none', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('013'));
    await clientWith(fetch).createEvent({
      info: 'x',
      distribution: 0,
      threatLevel: 4,
      analysis: 0,
      attributes: [],
    });
    const sent = (calls[0]!.body as { Event: { uuid: string } }).Event.uuid;
    expect(sent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('getEvent', () => {
  it('reads events/view by id (076) and by uuid (077)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('076'), loadTranscript('077'));
    const client = clientWith(fetch);
    const event = await client.getEvent('2');
    // Recorded before the publish of 080 (the README's "published is now true" is not what 076 shows).
    expect(event.published).toBe(false);
    expect(event.Tag.map((tag) => tag.name)).toEqual(['tlp:amber', 'source:browser-capture']);
    expect(event.Attribute).toHaveLength(11);
    expect(event.Attribute.find((attribute) => attribute.type === 'domain')?.Sighting).toHaveLength(4);
    const byUuid = await client.getEvent('5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b');
    expect(byUuid.id).toBe('2');
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/events/view/2',
      '/events/view/5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b',
    ]);
  });

  it('refuses ids that are neither numeric nor uuids without asking MISP', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('079'));
    for (const id of ['abc', '../users/view/me', '2/../../x', '']) {
      expect((await caught(clientWith(fetch).getEvent(id))).kind).toBe('validation');
    }
    expect(calls).toHaveLength(0);
  });
});

describe('addAttributes', () => {
  it('adds one by one and reports added, duplicate and invalid values (014-017)', async () => {
    const { fetch, calls } = fakeFetch(
      loadTranscript('014'),
      loadTranscript('015'),
      loadTranscript('016'),
      loadTranscript('017'),
    );
    const drafts = [
      { type: 'ip-dst', value: '203.0.113.77', comment: 'added later via /attributes/add', to_ids: true },
      { type: 'ip-dst', value: '203.0.113.77', comment: 'added later via /attributes/add', to_ids: true },
      { type: 'ip-dst', value: 'not-an-ip', to_ids: true },
      { type: 'sha256', value: 'ABC123', to_ids: true },
    ];
    const outcomes = await clientWith(fetch).addAttributes('3', drafts);
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual(Array(4).fill('/attributes/add/3'));
    expect(calls[0]?.body).toEqual(loadTranscript('014').request.body);
    expect(calls[2]?.body).toEqual(loadTranscript('016').request.body);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['added', 'duplicate', 'invalid', 'invalid']);
    const [added, duplicate, badIp, badHash] = outcomes;
    expect(added?.outcome === 'added' && added.attribute.id).toBe('15');
    expect(duplicate?.outcome === 'duplicate' && duplicate.message).toBe(
      'value: A similar attribute already exists for this event.',
    );
    expect(badIp?.outcome === 'invalid' && badIp.fieldErrors).toEqual([
      'value: IP address has an invalid format.',
    ]);
    expect(badHash?.outcome === 'invalid' && badHash.fieldErrors[0]).toMatch(
      /^value: Checksum has an invalid length/,
    );
  });

  it('stops the batch on a failure that is not about the value', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('014'), loadTranscript('003'));
    const error = await caught(
      clientWith(fetch).addAttributes('3', [
        { type: 'ip-dst', value: '203.0.113.77' },
        { type: 'domain', value: 'b.example' },
        { type: 'domain', value: 'c.example' },
      ]),
    );
    expect(error.kind).toBe('key-rejected');
    expect(calls).toHaveLength(2);
  });
});

describe('searchEvents', () => {
  it('reads the bare events/index array (068) with tags from EventTag', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('068'));
    const events = await clientWith(fetch).searchEvents({ info: '!phishing|kit', limit: 10 });
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/events/index');
    expect(calls[0]?.body).toEqual({
      eventinfo: 'phishing kit',
      limit: 10,
      page: 1,
      sort: 'timestamp',
      direction: 'desc',
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: '2',
      info: expect.stringMatching(/^Sample report/),
      published: false,
    });
    expect(events[0]?.Tag.map((tag) => tag.name)).toEqual(['tlp:amber', 'source:browser-capture']);
    expect(events[0]?.Orgc?.name).toBe('ORGNAME');
  });

  it('omits the info filter when none is given', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('069'));
    expect(await clientWith(fetch).searchEvents()).toEqual([]);
    expect(calls[0]?.body).toEqual({ limit: 20, page: 1, sort: 'timestamp', direction: 'desc' });
  });
});

describe('pollEvents / pollAttributes', () => {
  it('polls events/restSearch metadata with the watched tags (064)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('064'));
    const page = await clientWith(fetch).pollEvents({
      tags: ['source:browser-capture'],
      since: '1h',
      publishedOnly: true,
    });
    expect(calls[0]?.body).toEqual({
      returnFormat: 'json',
      tags: ['source:browser-capture'],
      timestamp: '1h',
      metadata: true,
      published: true,
      limit: 50,
      page: 1,
    });
    expect(page.total).toBe(1);
    expect(page.hasMore).toBe(false);
    expect(page.events[0]?.Tag.map((tag) => tag.name)).toEqual(['tlp:amber', 'source:browser-capture']);
    expect(page.events[0]?.timestamp).toBe('1795336601');
  });

  it('reads an empty poll (067) and never sends an empty tag list', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('067'));
    const client = clientWith(fetch);
    expect(await client.pollEvents({ tags: [], since: 0 })).toEqual({ events: [], total: 0, hasMore: false });
    expect(await client.pollAttributes({ tags: ['  '], since: 0 })).toEqual([]);
    expect(calls).toHaveLength(0);
    const page = await client.pollEvents({ tags: ['no-such-tag'], since: 1795336000 });
    expect(page.events).toEqual([]);
    expect((calls[0]!.body as { published?: boolean }).published).toBeUndefined();
  });

  it('polls attributes by tag and attribute timestamp (073)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('073'));
    const attributes = await clientWith(fetch).pollAttributes({
      tags: ['source:browser-capture'],
      since: '1h',
    });
    expect(calls[0]?.body).toMatchObject({
      tags: ['source:browser-capture'],
      timestamp: '1h',
      includeEventTags: true,
      includeContext: true,
      limit: 500,
      page: 1,
    });
    expect(attributes).toHaveLength(11);
  });
});

describe('sightings', () => {
  it('records a sighting by value (034)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('034'));
    const sighting = await clientWith(fetch).addSighting({
      values: ['198.51.100.23'],
      type: 0,
      source: 'browser',
      timestamp: 1795336582.7,
    });
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/sightings/add');
    expect(calls[0]?.body).toEqual({
      values: ['198.51.100.23'],
      type: '0',
      source: 'browser',
      timestamp: 1795336582,
    });
    expect(sighting).toMatchObject({ id: '2', attribute_id: '3', type: '0', source: 'browser' });
  });

  it('records a sighting by attribute id (035)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('035'));
    await clientWith(fetch).addSighting({ attributeId: '5', type: 0, source: 'browser' });
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/sightings/add/5');
    expect(calls[0]?.body).toEqual(loadTranscript('035').request.body);
  });

  it.each([
    ['038', 'not-found'],
    ['042', 'validation'],
    ['043', 'not-found'],
  ])('turns the HTTP 200 failure message of %s into a %s error', async (number, kind) => {
    const { fetch } = fakeFetch(loadTranscript(number));
    const error = await caught(
      clientWith(fetch).addSighting({ values: ['never-seen.example'], type: 0, source: 'x' }),
    );
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(200);
    expect(error.mispMessage).toMatch(/^Could not add the Sighting/);
  });

  it('refuses values MISP would read as patterns, and empty requests', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('034'));
    const client = clientWith(fetch);
    expect((await caught(client.addSighting({ values: ['evil.%'], type: 0, source: 'x' }))).kind).toBe(
      'validation',
    );
    expect((await caught(client.addSighting({ values: [], type: 1, source: 'x' }))).kind).toBe('validation');
    expect((await caught(client.addSighting({ attributeId: '1 OR 1', type: 1, source: 'x' }))).kind).toBe(
      'validation',
    );
    expect(calls).toHaveLength(0);
  });

  it('deletes a sighting by id', async () => {
    const { fetch, calls } = fakeFetch(
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: {
          saved: true,
          success: true,
          name: 'Sighting successfully deleted.',
          url: '/sightings/delete/7',
        },
      },
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { saved: false, message: 'Nope' },
      },
    );
    const client = clientWith(fetch);
    await client.deleteSighting('7');
    expect(calls[0]?.init.method).toBe('POST');
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/sightings/delete/7');
    expect((await caught(client.deleteSighting('7'))).kind).toBe('validation');
  });

  it("lists an attribute's sightings with a JSON integer id (044) or a uuid (046)", async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('044'), loadTranscript('046'));
    const client = clientWith(fetch);
    const sightings = await client.sightingsForAttribute('5');
    expect(calls[0]?.body).toEqual({ returnFormat: 'json', id: 5 });
    expect(new URL(calls[0]?.url ?? '').pathname).toBe('/sightings/restSearch/attribute');
    expect(sightings.map((sighting) => sighting.type)).toEqual(['0', '0', '1', '0']);
    expect(sightings[0]?.Organisation?.name).toBe('ORGNAME');
    await client.sightingsForAttribute('a1b2c3d4-1111-4222-8333-444455556666', { last: '365d' });
    expect(calls[1]?.body).toEqual({
      returnFormat: 'json',
      uuid: 'a1b2c3d4-1111-4222-8333-444455556666',
      last: '365d',
    });
  });
});

describe('tags, warninglists', () => {
  it('lists tags without statistics; counters may be numbers (054)', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('054'), loadTranscript('056'));
    const client = clientWith(fetch);
    const tags = await client.listTags();
    expect(calls[0]?.body).toEqual({ exclude_statistics: 1 });
    expect(tags.map((tag) => [tag.name, tag.colour, tag.count])).toEqual([
      ['misp-lens:watched', '#e28eae', 0],
      ['source:browser-capture', '#c511ae', 1],
      ['tlp:amber', '#b1eacd', 2],
    ]);
    expect(tags[0]?.id).toBe('3');
    const found = await client.listTags(' browser ');
    expect(calls[1]?.body).toEqual({ exclude_statistics: 1, searchall: 'browser' });
    expect(found.map((tag) => tag.name)).toEqual(['source:browser-capture']);
  });

  it('reads checkValue\'s [] as "no hits" (083, 098)', async () => {
    for (const number of ['083', '098']) {
      const { fetch, calls } = fakeFetch(loadTranscript(number));
      expect((await clientWith(fetch).checkWarninglists(['8.8.8.8'])).size).toBe(0);
      expect(calls[0]?.body).toEqual(['8.8.8.8']);
    }
  });

  it('reads checkValue hits keyed by value, lower-casing first (099)', async () => {
    const transcript = loadTranscript('099');
    const { fetch, calls } = fakeFetch(transcript);
    const inputs = transcript.request.body as string[];
    const hits = await clientWith(fetch).checkWarninglists(inputs);
    // GOOGLE.COM and the upper-case md5 are sent once, lower-cased.
    expect(calls[0]?.body).toEqual([...new Set(inputs.map((value) => value.toLowerCase()))]);
    expect(hits.get('GOOGLE.COM')?.[0]).toEqual({
      id: '5',
      name: 'Top 10K most-used sites from Tranco',
      matched: 'google.com',
    });
    expect(hits.get('D41D8CD98F00B204E9800998ECF8427E')?.[0]?.name).toBe(
      'List of known hashes for empty files',
    );
    expect(hits.get('10.1.2.3')?.map((hit) => hit.matched)).toEqual(['10.0.0.0/8', '10.0.0.0/8']);
    expect(hits.has('8.8.8.8')).toBe(false);
  });

  it('sends nothing to checkValue for no values', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('098'));
    expect((await clientWith(fetch).checkWarninglists(['', ' '])).size).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it('lists the enabled warninglists from warninglists/index (084, 096 with one enabled)', async () => {
    expect(await clientWith(fakeFetch(loadTranscript('084')).fetch).enabledWarninglists()).toEqual([]);
    const recorded = loadTranscript('096');
    const body = structuredClone(recorded.response.body) as {
      Warninglists: Array<{ Warninglist: { enabled: boolean } }>;
    };
    body.Warninglists[0]!.Warninglist.enabled = true;
    const { fetch, calls } = fakeFetch({ status: 200, body });
    expect(await clientWith(fetch).enabledWarninglists()).toEqual([
      { id: '5', name: 'Top 10K most-used sites from Tranco', entries: 10000 },
    ]);
    expect(calls[0]?.init.method).toBe('GET');
  });
});
