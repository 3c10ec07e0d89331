import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MISP_TYPES, type MispType } from './misp-types';
import { INDICATOR_KINDS } from './model';
import { INDICATOR_REGISTRY, mispTypeChoice } from './registry';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'misp');

const DescribeTypes = z.object({
  sane_defaults: z.record(
    z.string(),
    z.object({ default_category: z.string(), to_ids: z.union([z.literal(0), z.literal(1)]) }),
  ),
  types: z.array(z.string()),
  categories: z.array(z.string()),
  category_type_mappings: z.record(z.string(), z.array(z.string())),
});

const transcript = z
  .object({ response: z.object({ body: z.object({ result: DescribeTypes }) }) })
  .parse(
    JSON.parse(readFileSync(join(fixtures, 'transcripts', '082-attributes-describeTypes.json'), 'utf8')),
  );
const server = transcript.response.body.result;
const pymisp = z
  .object({ result: DescribeTypes })
  .parse(JSON.parse(readFileSync(join(fixtures, 'describeTypes.json'), 'utf8'))).result;

describe('MISP type table', () => {
  const entries = Object.entries(MISP_TYPES) as Array<[MispType, (typeof MISP_TYPES)[MispType]]>;

  it.each(entries)(
    '%s matches the sane_defaults and categories of MISP 2.5.1 (transcript 082)',
    (type, row) => {
      expect(server.types).toContain(type);
      const defaults = server.sane_defaults[type];
      expect(defaults?.default_category).toBe(row.defaultCategory);
      expect(defaults?.to_ids === 1).toBe(row.toIds);
      const categories = server.categories.filter((c) => server.category_type_mappings[c]?.includes(type));
      expect([...row.categories]).toEqual(categories);
    },
  );

  it('knows that PyMISP lists types a 2.5.1 server does not, and emits none of them', () => {
    const extra = pymisp.types.filter((t) => !server.types.includes(t));
    expect(extra.sort()).toEqual(['edge-extension-id', 'suricata', 'uuid']);
    for (const type of Object.keys(MISP_TYPES)) expect(extra).not.toContain(type);
  });

  it('every MISP type offered by the registry is in the table and known to 2.5.1', () => {
    for (const kind of INDICATOR_KINDS) {
      for (const type of INDICATOR_REGISTRY[kind].mispTypes) {
        expect(MISP_TYPES[type]).toBeDefined();
        expect(server.types).toContain(type);
      }
    }
  });
});

describe('mispTypeChoice', () => {
  it.each([
    ['domain', 'evil.com', 'domain'],
    ['domain', 'cdn.evil.com', 'hostname'],
    ['domain', 'evil.co.uk', 'domain'],
    ['domain', 'x.evil.co.uk', 'hostname'],
    ['domain', 'awsvirtual.blogspot.com', 'domain'],
    ['ipv4', '8.8.8.8', 'ip-dst'],
    ['ipv6', '2001:db8::1', 'ip-dst'],
    ['cidr', '10.0.0.0/8', 'ip-dst'],
    ['url', 'http://evil.com/x', 'url'],
    ['email', 'a@evil.com', 'email-src'],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'md5'],
    ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1'],
    ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
    ['ssdeep', '3:a:b', 'ssdeep'],
    ['cve', 'CVE-2021-44228', 'vulnerability'],
    ['btc', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'btc'],
  ] as const)(
    '%s %s defaults to %s, first in the options, with its category and to_ids',
    (kind, value, expected) => {
      const choice = mispTypeChoice(kind, value);
      expect(choice.defaultType).toBe(expected);
      expect(choice.options[0]?.type).toBe(expected);
      expect(choice.options[0]?.defaultCategory).toBe(MISP_TYPES[expected].defaultCategory);
      expect(new Set(choice.options.map((o) => o.type)).size).toBe(choice.options.length);
    },
  );

  it('files CVEs with to_ids off and in External analysis, as MISP does', () => {
    const option = mispTypeChoice('cve', 'CVE-2021-44228').options[0];
    expect(option).toMatchObject({
      type: 'vulnerability',
      toIds: false,
      defaultCategory: 'External analysis',
    });
  });

  it('offers both domain and hostname for a host', () => {
    expect(mispTypeChoice('domain', 'a.b.evil.com').options.map((o) => o.type)).toEqual([
      'hostname',
      'domain',
    ]);
  });
});
