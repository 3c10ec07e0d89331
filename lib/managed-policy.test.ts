import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagedInstanceSchema, PREFERENCE_KEYS, sanitizePolicy } from './settings';

/**
 * The managed policy as each browser delivers it. Chrome: the value of `3rdparty.extensions.<id>` becomes
 * `storage.managed`, validated against `managed-schema.json`. Firefox: `policies.json` →
 * `3rdparty.Extensions.<id>`, or a managed-storage manifest's `data`. Every example in POLICY.md is
 * checked here in its browser's shape (the Firefox manifest is also tested end to end in Firefox).
 */

const ROOT = resolve(import.meta.dirname, '..');
const ADDON_ID = 'sightline@sightline.dev';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
}

const schema = JSON.parse(readFileSync(resolve(ROOT, 'public/managed-schema.json'), 'utf8')) as JsonSchema;

/** The subset of JSON Schema Chrome's `managed_schema` uses; unknown properties count as errors here. */
function validate(value: unknown, node: JsonSchema, path = '$'): string[] {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected = node.type === 'integer' ? 'number' : node.type;
  if (expected && kind !== expected) return [`${path}: ${kind}, expected ${node.type}`];
  if (node.type === 'integer' && !Number.isInteger(value)) return [`${path}: not an integer`];
  if (node.enum && !node.enum.includes(value))
    return [`${path}: ${String(value)} not in ${node.enum.join(', ')}`];
  if (kind === 'array' && node.items) {
    const items = node.items;
    return (value as unknown[]).flatMap((item, i) => validate(item, items, `${path}[${i}]`));
  }
  if (kind === 'object' && node.properties) {
    const properties = node.properties;
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
      const child = properties[key];
      return child ? validate(item, child, `${path}.${key}`) : [`${path}.${key}: not in the schema`];
    });
  }
  return [];
}

/** The ```json blocks of POLICY.md, parsed. */
function policyExamples(): unknown[] {
  const text = readFileSync(resolve(ROOT, 'POLICY.md'), 'utf8');
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] ?? ''));
}

type Json = Record<string, unknown>;
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined),
    value,
  );

/** What each browser hands the extension as `storage.managed`, by the shape of the file. */
function managedValue(file: unknown): { browser: string; value: unknown } {
  const chrome = at(file, '3rdparty', 'extensions');
  if (chrome && typeof chrome === 'object') {
    const ids = Object.keys(chrome);
    expect(ids).toHaveLength(1);
    return { browser: 'chrome', value: (chrome as Json)[ids[0] ?? ''] };
  }
  const firefoxPolicy = at(file, 'policies', '3rdparty', 'Extensions', ADDON_ID);
  if (firefoxPolicy) return { browser: 'firefox policies.json', value: firefoxPolicy };
  if (at(file, 'type') === 'storage') {
    expect(at(file, 'name')).toBe(ADDON_ID);
    return { browser: 'firefox managed-storage manifest', value: at(file, 'data') };
  }
  throw new Error(`POLICY.md example of unknown shape: ${JSON.stringify(file).slice(0, 80)}`);
}

describe('managed policy: the schema file and the parser agree', () => {
  it('the schema names every field the parser reads, and nothing else', () => {
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      ['instances', 'lockInstances', 'locked', 'preferences'].sort(),
    );
    expect(Object.keys(schema.properties?.preferences?.properties ?? {}).sort()).toEqual(
      [...PREFERENCE_KEYS].sort(),
    );
    expect(Object.keys(schema.properties?.instances?.items?.properties ?? {}).sort()).toEqual(
      Object.keys(ManagedInstanceSchema.shape).sort(),
    );
  });

  it('the validator rejects what Chrome would (so the examples below prove something)', () => {
    expect(validate({ lockInstances: 'yes' }, schema)).toEqual(['$.lockInstances: string, expected boolean']);
    expect(validate({ preferences: { highlightMode: 'loud' } }, schema)).toHaveLength(1);
    expect(validate({ instances: [{ url: 'https://x.example', colour: 'red' }] }, schema)).toEqual([
      '$.instances[0].colour: not in the schema',
    ]);
  });
});

describe('managed policy: every POLICY.md example in its browser shape', () => {
  const examples = policyExamples().map(managedValue);

  it('documents Chrome, Firefox policies.json and the Firefox managed-storage manifest', () => {
    expect(examples.map((example) => example.browser)).toEqual([
      'chrome',
      'firefox policies.json',
      'firefox managed-storage manifest',
    ]);
  });

  it.each(examples)(
    '$browser: valid against managed-schema.json and parsed without losing a field',
    ({ value }) => {
      expect(validate(value, schema)).toEqual([]);
      const input = value as Json;
      const policy = sanitizePolicy(value);
      expect(policy.instances).toEqual(input.instances ?? []);
      expect(policy.lockInstances).toBe(input.lockInstances === true);
      expect(policy.preferences).toEqual(input.preferences ?? {});
      expect(policy.locked).toEqual(input.locked ?? []);
      expect(policy.instances.length).toBeGreaterThan(0);
    },
  );

  it('Chrome and Firefox hand the extension the same object for the same policy', () => {
    const value = {
      instances: [{ id: 'corp', url: 'https://misp.corp.example', apiKey: 'k'.repeat(40) }],
      lockInstances: true,
      locked: ['neverScan'],
      preferences: { neverScan: ['intranet.corp.example'] },
    };
    const chromeFile = { '3rdparty': { extensions: { abcdefghijklmnopabcdefghijklmnop: value } } };
    const firefoxFile = { policies: { '3rdparty': { Extensions: { [ADDON_ID]: value } } } };
    const manifest = { name: ADDON_ID, description: 'x', type: 'storage', data: value };
    const parsed = [chromeFile, firefoxFile, manifest].map((file) =>
      sanitizePolicy(managedValue(file).value),
    );
    expect(parsed[0]).toEqual(parsed[1]);
    expect(parsed[1]).toEqual(parsed[2]);
    expect(parsed[0]?.instances[0]?.apiKey).toBe('k'.repeat(40));
  });
});
