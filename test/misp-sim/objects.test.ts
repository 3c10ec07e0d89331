import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call, callJson, searchAttributes } from './test-support';

/** Object templates and objects (transcripts 124, 131-141). */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const URL_TEMPLATE = '60efb77b-40b5-4c46-871b-ed1ed999fce5';
const IP_PORT_TEMPLATE = '9f8cea74-16fe-4968-a2b4-026676949ac6';
const DOMAIN_IP_TEMPLATE = '43b3b146-77eb-4931-b4cc-b66c60f28734';

interface SavedObject {
  Object: {
    id: string;
    name: string;
    template_uuid: string;
    template_version: string;
    distribution: string;
    description: string | null;
    Attribute: {
      object_relation: string;
      type: string;
      category: string;
      to_ids: boolean;
      distribution: string;
    }[];
  };
}

async function newEvent(target: MispSim): Promise<string> {
  return (
    await callJson<{ Event: { id: string } }>(target, '/events/add', {
      body: { info: 'objects', distribution: 0 },
    })
  ).Event.id;
}

describe('object templates', () => {
  it('lists the 354 templates MISP ships, numbered in name order, with requirements but no elements', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const templates = await callJson<
      { ObjectTemplate: { id: string; name: string; uuid: string; requirements: unknown } }[]
    >(sim, '/objectTemplates/index');
    expect(templates).toHaveLength(354);
    const byName = new Map(templates.map((entry) => [entry.ObjectTemplate.name, entry.ObjectTemplate]));
    expect(byName.get('ip-port')).toMatchObject({ id: '180', uuid: IP_PORT_TEMPLATE });
    expect(byName.get('url')?.requirements).toEqual({ requiredOneOf: ['url', 'resource_path'] });
    expect(byName.get('attacker-infra')?.requirements).toEqual({ required: ['ip', 'port'] });
    expect(JSON.stringify(templates)).not.toContain('ObjectTemplateElement');
    const searched = await callJson<unknown[]>(sim, '/objectTemplates/index/searchall:x509');
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.length).toBeLessThan(10);
  });

  it('views one template by uuid with its elements', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const view = await callJson<{
      ObjectTemplateElement: { object_relation: string; type: string; multiple: boolean }[];
    }>(sim, `/objectTemplates/view/${URL_TEMPLATE}`);
    expect(view.ObjectTemplateElement.find((element) => element.object_relation === 'url')).toMatchObject({
      type: 'url',
    });
    expect((await call(sim, '/objectTemplates/view/url')).status).toBe(404);
  });
});

describe('objects/add', () => {
  it('takes the template by uuid, numeric id or body uuid+version, never by name', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const eventId = await newEvent(sim);
    const attributes = [
      { type: 'url', object_relation: 'url', value: 'https://drop.objects.test/a.zip' },
      { type: 'domain', object_relation: 'domain', value: 'drop.objects.test' },
    ];
    const byUuid = await callJson<SavedObject>(sim, `/objects/add/${eventId}/${URL_TEMPLATE}`, {
      body: { Attribute: attributes },
    });
    expect(byUuid.Object).toMatchObject({ name: 'url', template_version: '9', distribution: '0' });
    expect(byUuid.Object.Attribute.map((attribute) => attribute.distribution)).toEqual(['5', '5']);
    const byId = await callJson<SavedObject>(sim, `/objects/add/${eventId}/335`, {
      body: { Attribute: attributes },
    });
    expect(byId.Object.template_uuid).toBe(URL_TEMPLATE);
    const inBody = await callJson<SavedObject>(sim, `/objects/add/${eventId}`, {
      body: {
        Object: { name: 'url', template_uuid: URL_TEMPLATE, template_version: '9', Attribute: attributes },
      },
    });
    expect(inBody.Object.name).toBe('url');
    const byName = await call(sim, `/objects/add/${eventId}/url`, { body: { Attribute: attributes } });
    expect(byName.status).toBe(403);
    expect(await byName.json()).toEqual({
      saved: false,
      name: 'Could not add object',
      message: 'Could not add object',
      url: `/objects/add/${eventId}/url`,
      errors: 'No valid template found to edit the object.',
      id: `${eventId}/url`,
    });
    expect(
      (await call(sim, `/objects/add/${eventId}/00000000-0000-4000-8000-000000000000`, { body: {} })).status,
    ).toBe(404);
  });

  it('carries a filled-in category over to the next attribute without one, and fails on it', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const eventId = await newEvent(sim);
    // ip-dst gets "Network activity"; port and text fit it, so this one passes ...
    const passes = await call(sim, `/objects/add/${eventId}/${IP_PORT_TEMPLATE}`, {
      body: {
        Attribute: [
          { type: 'ip-dst', object_relation: 'ip', value: '192.0.2.150' },
          { type: 'port', object_relation: 'dst-port', value: '8443' },
          { type: 'text', object_relation: 'text', value: 'admin panel' },
        ],
      },
    });
    expect(passes.status).toBe(200);
    const saved = (await passes.json()) as SavedObject;
    // ... and is saved with each attribute's own default category (the carry-over is only in the
    // check), every attribute without to_ids getting the column default (true), text included.
    expect(saved.Object.Attribute.map((attribute) => [attribute.category, attribute.to_ids])).toEqual([
      ['Network activity', true],
      ['Network activity', true],
      ['Other', true],
    ]);
    // md5 gets "Payload delivery", which has no size-in-bytes: the object is refused.
    const fails = await call(sim, `/objects/add/${eventId}/688c46fb-5edb-40a3-8273-1af7923e2215`, {
      body: {
        Attribute: [
          { type: 'md5', object_relation: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
          { type: 'size-in-bytes', object_relation: 'size-in-bytes', value: '0' },
        ],
      },
    });
    expect(fails.status).toBe(403);
    expect(await fails.json()).toMatchObject({
      url: `/objects/add/${eventId}/89`,
      errors:
        'Could not save object as at least one attribute has failed validation (size-in-bytes). {"type":["Options depend on the selected category."]}',
    });
    const explicit = await call(sim, `/objects/add/${eventId}/89`, {
      body: {
        Attribute: [
          {
            type: 'md5',
            object_relation: 'md5',
            value: 'd41d8cd98f00b204e9800998ecf8427e',
            category: 'Payload delivery',
          },
          { type: 'size-in-bytes', object_relation: 'size-in-bytes', value: '0', category: 'Other' },
        ],
      },
    });
    expect(explicit.status).toBe(200);
  });

  it('checks the template requirements with their own failure shape', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const eventId = await newEvent(sim);
    const oneOf = await call(sim, `/objects/add/${eventId}/${DOMAIN_IP_TEMPLATE}`, {
      body: { Attribute: [{ type: 'text', object_relation: 'text', value: 'nothing required' }] },
    });
    expect(oneOf.status).toBe(403);
    expect(await oneOf.json()).toEqual({
      saved: false,
      name: 'Could not add Object',
      message: 'Could not add Object',
      url: '/objects/add',
      errors:
        'Could not save the object as it requires at least one of the following attributes to be set: ip, domain, hostname',
    });
    const twice = await callJson<{ errors: string }>(sim, `/objects/add/${eventId}/${DOMAIN_IP_TEMPLATE}`, {
      body: {
        Attribute: [
          { type: 'hostname', object_relation: 'hostname', value: 'a.objects.test' },
          { type: 'hostname', object_relation: 'hostname', value: 'b.objects.test' },
        ],
      },
    });
    expect(twice.errors).toContain('unique relationship');
    const required = await callJson<{ errors: string }>(
      sim,
      `/objects/add/${eventId}/0211496c-dbcf-465b-a147-3d965da016cd`,
      {
        body: { Attribute: [{ type: 'ip-dst', object_relation: 'ip', value: '192.0.2.1' }] },
      },
    );
    expect(required.errors).toBe('Could not save the object as a required attribute is not set (port)');
  });
});

describe('object attributes elsewhere', () => {
  it('are searched like attributes with an Object stub, and sit only under Object[] in events/view', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const added = await callJson<{
      Event: { id: string; attribute_count: string; Object: SavedObject['Object'][] };
    }>(sim, '/events/add', {
      body: {
        Event: {
          info: 'with an object',
          Attribute: [{ type: 'domain', value: 'plain.objects.test' }],
          Object: [
            {
              name: 'domain-ip',
              'meta-category': 'network',
              template_uuid: DOMAIN_IP_TEMPLATE,
              template_version: '11',
              Attribute: [
                { type: 'domain', object_relation: 'domain', value: 'inside.objects.test' },
                { type: 'ip-dst', object_relation: 'ip', value: '203.0.113.140' },
              ],
            },
          ],
        },
      },
    });
    expect(added.Event.attribute_count).toBe('3');
    expect(added.Event.Object[0]?.description).toBeNull();
    const [found] = await searchAttributes(sim, { value: ['203.0.113.140'] });
    expect(found).toMatchObject({ object_relation: 'ip', Object: { id: added.Event.Object[0]?.id } });
    expect(Object.keys(found?.Object ?? {})).toEqual(['id', 'distribution', 'sharing_group_id']);
    const view = await callJson<{
      Event: {
        Attribute: { value: string }[];
        Object: { Attribute: { value: string }[] }[];
        attribute_count: string;
      };
    }>(sim, `/events/view/${added.Event.id}`);
    expect(view.Event.Attribute.map((attribute) => attribute.value)).toEqual(['plain.objects.test']);
    expect(view.Event.Object[0]?.Attribute.map((attribute) => attribute.value)).toEqual([
      'inside.objects.test',
      '203.0.113.140',
    ]);
    expect(view.Event.attribute_count).toBe('3');
  });
});
