import { describe, expect, it } from 'vitest';
import {
  boundKey,
  DEFAULT_PREFERENCES,
  keyAfterEdit,
  keyShapeError,
  parsePreferenceFields,
  sanitizePreferences,
  withOneDefault,
} from './settings';

const KEY = 'A'.repeat(40);
const OTHER = 'B'.repeat(40);

describe('exactly one default instance for new events', () => {
  const three = [
    { id: 'a', defaultForEvents: false },
    { id: 'b', defaultForEvents: true },
    { id: 'c', defaultForEvents: true },
  ];
  it('keeps the first marked one, or the preferred one, or falls back to the first', () => {
    expect(withOneDefault(three).map((i) => i.defaultForEvents)).toEqual([false, true, false]);
    expect(withOneDefault(three, 'c').map((i) => i.defaultForEvents)).toEqual([false, false, true]);
    expect(withOneDefault(three, 'gone').map((i) => i.defaultForEvents)).toEqual([false, true, false]);
    const none = three.map((i) => ({ ...i, defaultForEvents: false }));
    expect(withOneDefault(none).map((i) => i.defaultForEvents)).toEqual([true, false, false]);
    expect(withOneDefault([])).toEqual([]);
  });
});

describe('preference parsing, field by field', () => {
  it('keeps the fields that parse and drops the others, never failing as a whole', () => {
    expect(
      parsePreferenceFields({ highlightMode: 'ask', cacheTtlMinutes: -1, neverScan: 'x', extra: 1 }),
    ).toEqual({ highlightMode: 'ask' });
    expect(parsePreferenceFields(null)).toEqual({});
    expect(parsePreferenceFields(['ask'])).toEqual({});
    expect(sanitizePreferences({ showNewMarks: true, requestTimeoutMs: 5 })).toEqual({
      ...DEFAULT_PREFERENCES,
      showNewMarks: true,
    });
  });
});

describe('a key belongs to the origin it was entered for', () => {
  const stored = { url: 'https://misp.company.test', apiKey: KEY, keyOrigin: 'https://misp.company.test' };

  it('keeps the stored key at its own origin, and a sub-path change keeps the origin', () => {
    expect(keyAfterEdit(stored, '', 'https://misp.company.test')).toEqual({
      apiKey: KEY,
      keyOrigin: 'https://misp.company.test',
    });
  });

  it('never carries it to another origin on its own: the key is cleared', () => {
    for (const origin of ['https://misp.co', 'http://misp.company.test', 'https://misp.company.test:8443']) {
      expect(keyAfterEdit(stored, '', origin)).toEqual({ apiKey: '' });
    }
  });

  it('carries it where the analyst confirmed that origin, and binds a new key to the new origin', () => {
    expect(keyAfterEdit(stored, '', 'https://misp.co', 'https://misp.co')).toEqual({
      apiKey: KEY,
      keyOrigin: 'https://misp.co',
    });
    expect(keyAfterEdit(stored, '', 'https://misp.co', 'https://elsewhere.test')).toEqual({ apiKey: '' });
    expect(keyAfterEdit(stored, OTHER, 'https://misp.co')).toEqual({
      apiKey: OTHER,
      keyOrigin: 'https://misp.co',
    });
  });

  it('a stored instance whose URL is not at its key origin has no usable key', () => {
    expect(boundKey(stored)).toBe(KEY);
    expect(boundKey({ ...stored, url: 'https://misp.co' })).toBe('');
    expect(boundKey({ ...stored, keyOrigin: undefined })).toBe('');
  });
});

describe('API key shape', () => {
  it('refuses anything but 40 letters and digits, saying how long it is', () => {
    expect(keyShapeError(KEY)).toBeUndefined();
    expect(keyShapeError('')).toBeUndefined();
    expect(keyShapeError('abc123')).toMatch(/this is 6 characters/);
    expect(keyShapeError(`${'a'.repeat(39)}!`)).toMatch(/nothing else/);
  });
});
