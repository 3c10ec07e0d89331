import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, EMPTY_POLICY, type MispInstance } from '../settings';
import { parseSettingsFile, planImport, type SettingsFile } from './settings-file';

const KEY = 'G'.repeat(40);
const FILE_KEY = 'H'.repeat(40);
const team: MispInstance = {
  id: 'team',
  name: 'Team',
  url: 'https://misp.company.test',
  apiKey: KEY,
  keyOrigin: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
};
const file = (
  instances: SettingsFile['instances'],
  preferences: Record<string, unknown> = {},
): SettingsFile => ({
  sightline: 1,
  instances,
  preferences,
});
const entry = (patch: Partial<SettingsFile['instances'][number]>) => ({
  id: 'team',
  name: 'Team',
  url: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
  ...patch,
});

describe('settings import, reviewed before it is applied', () => {
  it('an instance whose origin changes loses its stored key unless the file carries one', () => {
    const moved = planImport(
      file([entry({ url: 'https://misp.co' })]),
      [team],
      DEFAULT_PREFERENCES,
      EMPTY_POLICY,
    );
    expect(moved.instances[0]).toMatchObject({ url: 'https://misp.co', apiKey: '' });
    expect(moved.changes).toEqual([
      {
        kind: 'url-changed',
        name: 'Team',
        url: 'https://misp.co',
        previousUrl: 'https://misp.company.test',
        key: 'cleared',
        insecure: false,
      },
    ]);
    const withKey = planImport(
      file([entry({ url: 'https://misp.co', apiKey: FILE_KEY })]),
      [team],
      DEFAULT_PREFERENCES,
      EMPTY_POLICY,
    );
    expect(withKey.instances[0]).toMatchObject({ apiKey: FILE_KEY, keyOrigin: 'https://misp.co' });
    expect(withKey.changes[0]).toMatchObject({ key: 'from-file' });
  });

  it('the same origin keeps the stored key; a new instance without a key has none', () => {
    const plan = planImport(
      file([entry({ name: 'Renamed' }), entry({ id: 'new', url: 'https://other.test' })]),
      [team],
      DEFAULT_PREFERENCES,
      EMPTY_POLICY,
    );
    expect(plan.changes.map((c) => [c.kind, 'key' in c ? c.key : undefined])).toEqual([
      ['updated', 'kept'],
      ['added', 'none'],
    ]);
    expect(plan.instances.filter((i) => i.defaultForEvents)).toHaveLength(1);
  });

  it('http:// to another machine with a key needs confirmation; a bad URL is skipped with the reason', () => {
    const plan = planImport(
      file([
        entry({ id: 'lan', url: 'http://misp.lan.test', apiKey: FILE_KEY }),
        entry({ id: 'x', url: 'not a url' }),
      ]),
      [],
      DEFAULT_PREFERENCES,
      EMPTY_POLICY,
    );
    expect(plan.needsInsecureConfirmation).toBe(true);
    expect(plan.changes).toEqual([
      expect.objectContaining({ kind: 'added', insecure: true }),
      { kind: 'skipped', name: 'Team', url: 'not a url', reason: 'Not a URL' },
    ]);
    const keyless = planImport(
      file([entry({ url: 'http://misp.lan.test' })]),
      [],
      DEFAULT_PREFERENCES,
      EMPTY_POLICY,
    );
    expect(keyless.needsInsecureConfirmation).toBe(false);
  });

  it("the policy's instances and locked preferences are left alone; only changed preferences are listed", () => {
    const policy = { ...EMPTY_POLICY, lockInstances: true, locked: ['highlightMode' as const] };
    const plan = planImport(
      file([entry({})], { highlightMode: 'never', cacheTtlMinutes: 90, showBenignMarks: true }),
      [team],
      DEFAULT_PREFERENCES,
      policy,
    );
    expect(plan.changes).toEqual([
      {
        kind: 'skipped',
        name: 'Team',
        url: 'https://misp.company.test',
        reason: "set by your organisation's policy",
      },
      { kind: 'preference', name: 'cacheTtlMinutes', value: '90' },
    ]);
    expect(plan.preferences).toEqual({ cacheTtlMinutes: 90, showBenignMarks: true });
  });

  it('says when the text is not JSON or not a settings file', () => {
    expect(() => parseSettingsFile('{')).toThrow('This file is not JSON.');
    expect(() => parseSettingsFile('{"not":"settings"}')).toThrow('This is not a Sightline settings file.');
  });
});
