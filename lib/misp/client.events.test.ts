import { describe, expect, it } from 'vitest';
import { MispClient } from './client';
import { MispError } from './errors';
import { fakeFetch, loadTranscript, TEST_KEY, TEST_URL } from './transcripts.test-support';

/** The client calls behind a careful analyst's event: objects, reports, galaxy clusters, sharing groups. */

function clientWith(fetch: ReturnType<typeof fakeFetch>['fetch']) {
  return new MispClient({ url: TEST_URL, apiKey: TEST_KEY, fetch });
}
const path = (url: string | undefined) => new URL(url ?? '').pathname;

describe('createEvent with objects (124)', () => {
  it('sends each object by template uuid and version, its attributes with their relations', async () => {
    const transcript = loadTranscript('124');
    const { fetch, calls } = fakeFetch(transcript);
    const created = await clientWith(fetch).createEvent({
      info: 'transcript-event-report',
      distribution: 0,
      threatLevel: 3,
      analysis: 0,
      attributes: [
        {
          type: 'domain',
          value: 'transcript-report.example',
          uuid: 'fcb02f68-8e58-4aba-809c-19d524392914',
          to_ids: true,
        },
      ],
      objects: [
        {
          uuid: 'fdbefd9b-c751-4602-b350-5be3205ca1dd',
          name: 'domain-ip',
          metaCategory: 'network',
          templateUuid: '43b3b146-77eb-4931-b4cc-b66c60f28734',
          templateVersion: '11',
          attributes: [
            {
              type: 'domain',
              value: 'transcript-obj.example',
              relation: 'domain',
              category: 'Network activity',
            },
            { type: 'ip-dst', value: '198.51.100.201', relation: 'ip', category: 'Network activity' },
          ],
        },
      ],
    });
    const sent = (calls[0]!.body as { Event: { Object: Array<Record<string, unknown>> } }).Event.Object[0];
    expect(sent).toMatchObject({
      uuid: 'fdbefd9b-c751-4602-b350-5be3205ca1dd',
      name: 'domain-ip',
      'meta-category': 'network',
      template_uuid: '43b3b146-77eb-4931-b4cc-b66c60f28734',
      template_version: '11',
      Attribute: [
        {
          type: 'domain',
          object_relation: 'domain',
          value: 'transcript-obj.example',
          category: 'Network activity',
        },
        { type: 'ip-dst', object_relation: 'ip', value: '198.51.100.201', category: 'Network activity' },
      ],
    });
    // Object attributes count as kept: they sit under Object[].Attribute[] in the answer.
    expect(created.dropped).toEqual([]);
    expect(created.event?.Object[0]?.Attribute).toHaveLength(2);
  });
});

describe('objectTemplates (131)', () => {
  it('lists the active templates with uuid, version and meta-category', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('131'));
    const templates = await clientWith(fetch).objectTemplates();
    expect(path(calls[0]?.url)).toBe('/objectTemplates/index');
    // The recording keeps 5 of the 354 entries (its body was cut).
    expect(templates.map((t) => t.name)).toEqual(['ADS', 'abuseipdb', 'ai-chat-prompt', 'domain-ip', 'file']);
    expect(templates.find((t) => t.name === 'file')).toEqual({
      id: '89',
      uuid: '688c46fb-5edb-40a3-8273-1af7923e2215',
      name: 'file',
      metaCategory: 'file',
      version: '24',
    });
    expect(templates.find((t) => t.name === 'domain-ip')?.uuid).toBe('43b3b146-77eb-4931-b4cc-b66c60f28734');
  });
});

describe('addEventReport (125, 129)', () => {
  it('posts name, content and distribution with the client uuid, and reads the stored report', async () => {
    const transcript = loadTranscript('125');
    const { fetch, calls } = fakeFetch(transcript);
    const sent = transcript.request.body as { name: string; content: string };
    const report = await clientWith(fetch).addEventReport('69', {
      uuid: '5483464f-dd2d-4b04-a68f-e53e11b8ceda',
      name: sent.name,
      content: sent.content,
    });
    expect(path(calls[0]?.url)).toBe('/eventReports/add/69');
    expect(calls[0]?.body).toEqual({
      ...sent,
      uuid: '5483464f-dd2d-4b04-a68f-e53e11b8ceda',
      distribution: 5,
    });
    expect(report).toEqual({ id: '1', uuid: '5483464f-dd2d-4b04-a68f-e53e11b8ceda', alreadyExisted: false });
  });

  it('counts a report whose uuid MISP already holds as attached, and reports other refusals', async () => {
    const taken = {
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: {
        saved: false,
        name: 'Could not add EventReport',
        url: '/event_reports/add',
        errors: 'The UUID provided is not unique',
      },
    };
    const uuid = '5483464f-dd2d-4b04-a68f-e53e11b8ceda';
    expect(
      await clientWith(fakeFetch(taken).fetch).addEventReport('69', { uuid, name: 'r', content: '' }),
    ).toEqual({
      id: '',
      uuid,
      alreadyExisted: true,
    });
    const error = await clientWith(fakeFetch(loadTranscript('129')).fetch)
      .addEventReport('69', { uuid, name: '', content: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MispError);
    expect((error as MispError).fieldErrors).toEqual(['This field cannot be left blank']);
  });
});

describe('publishEvent (080)', () => {
  it('posts events/publish for the event', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('080'));
    await clientWith(fetch).publishEvent('2');
    expect(path(calls[0]?.url)).toBe('/events/publish/2');
    expect(calls[0]?.init.method).toBe('POST');
  });
});

describe('galaxyClusters (147)', () => {
  it('reads clusters with their galaxy, tag, synonyms and external ids, a page at a time', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('147'));
    const clusters = await clientWith(fetch).galaxyClusters({ page: 2, limit: 100 });
    expect(path(calls[0]?.url)).toBe('/galaxy_clusters/restSearch');
    expect(calls[0]?.body).toEqual({ limit: 100, page: 2 });
    expect(clusters[0]).toMatchObject({
      id: '1194',
      value: 'APT28',
      tagName: 'misp-galaxy:threat-actor="APT28"',
      galaxy: 'Threat Actor',
    });
    expect(clusters[0]?.synonyms).toEqual(expect.arrayContaining(['Sofacy', 'Fancy Bear']));
  });
});

describe('sharingGroups (158, 160)', () => {
  it('lists the groups this key may use, none when the instance has none', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('160'));
    expect(await clientWith(fetch).sharingGroups()).toEqual([
      {
        id: '1',
        uuid: 'ae59517e-8ae9-4728-bd88-209fe86bbeb3',
        name: 'transcript-sg',
        releasability: 'transcript recordings only',
      },
    ]);
    expect(path(calls[0]?.url)).toBe('/sharing_groups/index');
    expect(await clientWith(fakeFetch(loadTranscript('158')).fetch).sharingGroups()).toEqual([]);
  });
});
