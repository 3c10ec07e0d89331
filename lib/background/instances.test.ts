import { describe, expect, it } from 'vitest';
import type { InstanceInput } from '../messages';
import type { MispInstance } from '../settings';
import { mergeInstance, storedKeyFor } from './instances';

const KEY = 'C'.repeat(40);
const saved: MispInstance = {
  id: 'team',
  name: 'Team MISP',
  url: 'https://misp.company.test',
  apiKey: KEY,
  keyOrigin: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
};
const edit = (patch: Partial<InstanceInput>): InstanceInput => ({
  id: 'team',
  name: 'Team MISP',
  url: 'https://misp.company.test',
  useForLookups: true,
  defaultForEvents: true,
  mustExist: true,
  ...patch,
});
const newId = () => 'new-id';

describe('options edits and the stored key', () => {
  it('a URL retyped to another origin with the key field empty does not carry the key over', () => {
    const [next] = mergeInstance([saved], edit({ url: 'https://misp.co' }), newId);
    expect(next).toMatchObject({ url: 'https://misp.co', apiKey: '' });
    expect(next?.keyOrigin).toBeUndefined();
  });

  it('the analyst confirmed "Use the stored key for https://misp.co": the key moves there', () => {
    const [next] = mergeInstance([saved], edit({ url: 'https://misp.co', keyFor: 'https://misp.co' }), newId);
    expect(next).toMatchObject({ apiKey: KEY, keyOrigin: 'https://misp.co' });
  });

  it('a change within the same origin keeps the key', () => {
    const [next] = mergeInstance([saved], edit({ url: 'https://misp.company.test/misp/' }), newId);
    expect(next).toMatchObject({ url: 'https://misp.company.test/misp', apiKey: KEY });
  });

  it('an edit of an instance removed meanwhile is refused, never re-created', () => {
    expect(() => mergeInstance([], edit({}), newId)).toThrow(/was removed/);
    // The first save of a new editor (no mustExist) still creates it.
    expect(mergeInstance([], edit({ id: undefined, mustExist: undefined, apiKey: KEY }), newId)).toHaveLength(
      1,
    );
  });

  it('http:// to another machine with a key needs explicit confirmation; without a key it does not', () => {
    const insecure = edit({ id: undefined, mustExist: undefined, url: 'http://misp.lan.test', apiKey: KEY });
    expect(() => mergeInstance([], insecure, newId)).toThrow(/unencrypted/);
    expect(mergeInstance([], { ...insecure, allowInsecure: true }, newId)[0]?.apiKey).toBe(KEY);
    expect(mergeInstance([], { ...insecure, apiKey: undefined }, newId)[0]?.apiKey).toBe('');
  });

  it('a key that is not 40 letters and digits is refused', () => {
    expect(() => mergeInstance([saved], edit({ apiKey: 'short' }), newId)).toThrow(/5 characters/);
  });

  it('keeps exactly one default for new events', () => {
    const second = { ...saved, id: 'b', defaultForEvents: false };
    const all = mergeInstance([saved, second], edit({ id: 'b', defaultForEvents: true }), newId);
    expect(all.map((i) => [i.id, i.defaultForEvents])).toEqual([
      ['team', false],
      ['b', true],
    ]);
  });
});

describe('Test connection with the stored key', () => {
  it('uses it only at the origin it belongs to', () => {
    expect(storedKeyFor(saved, 'https://misp.company.test/misp')).toEqual({ key: KEY });
    expect(storedKeyFor(saved, 'https://misp.co')).toEqual({
      error: 'The stored key belongs to https://misp.company.test: type the API key for https://misp.co.',
    });
    expect(storedKeyFor(undefined, 'https://misp.co')).toEqual({ error: 'Enter the API key first.' });
  });
});
