import { describe, expect, it } from 'vitest';
import { EventSchema } from '../misp/schemas';
import { matchedTags, passesFilters, ruleName, ruleSummary, watchStartFor, withWatchStart } from './rules';

const event = (tags: string[], extra: Record<string, unknown> = {}) =>
  EventSchema.parse({
    id: '1',
    uuid: '00000000-0000-4000-8000-000000000001',
    info: 'x',
    date: '2026-11-22',
    threat_level_id: '2',
    analysis: '0',
    distribution: '0',
    published: false,
    timestamp: '1',
    Orgc: { name: 'CIRCL' },
    Tag: tags.map((name, i) => ({ id: String(i), name })),
    ...extra,
  });

const input = {
  name: '',
  tags: ['tlp:red', 'apt28'],
  tagMatch: 'any' as const,
  orgs: [],
  publishedOnly: false,
  newAttributesOnly: false,
  instanceIds: ['a'],
};

describe('watch rules', () => {
  it('matches any or all tags, exactly (case-sensitive), counting attribute-level tags', () => {
    expect(matchedTags(input, event(['apt28']))).toEqual(['apt28']);
    expect(matchedTags(input, event(['TLP:RED']))).toBeUndefined();
    expect(matchedTags({ ...input, tagMatch: 'all' }, event(['apt28']))).toBeUndefined();
    expect(matchedTags({ ...input, tagMatch: 'all' }, event(['apt28']), new Set(['tlp:red']))).toEqual([
      'tlp:red',
      'apt28',
    ]);
  });

  it('minimum threat level and creator organisations', () => {
    expect(passesFilters({ minThreatLevel: 1, orgs: [] }, event([]))).toBe(false);
    expect(passesFilters({ minThreatLevel: 2, orgs: [] }, event([]))).toBe(true);
    expect(passesFilters({ minThreatLevel: 3, orgs: [] }, event([], { threat_level_id: '4' }))).toBe(false);
    expect(passesFilters({ orgs: ['circl'] }, event([]))).toBe(true);
    expect(passesFilters({ orgs: ['CERT-EU'] }, event([]))).toBe(false);
  });

  it('the watch starts: new tags and instances at the edit, a clock switch everywhere, the rest kept', () => {
    const first = withWatchStart(input, undefined, 'r', 100);
    expect(first.since).toEqual({ a: { 'tlp:red': 100, apt28: 100 } });
    const more = withWatchStart(
      { ...input, tags: ['tlp:red', 'x'], instanceIds: ['a', 'b'] },
      first,
      'r',
      200,
    );
    expect(more.since).toEqual({ a: { 'tlp:red': 100, x: 200 }, b: { 'tlp:red': 200, x: 200 } });
    const published = withWatchStart({ ...input, publishedOnly: true }, first, 'r', 300);
    expect(published.since).toEqual({ a: { 'tlp:red': 300, apt28: 300 } });
    expect(watchStartFor(more, 'a', ['x'])).toBe(200);
    expect(watchStartFor(more, 'a', ['tlp:red', 'x'])).toBe(100);
    expect(watchStartFor({ ...more, tagMatch: 'all' }, 'a', ['tlp:red', 'x'])).toBe(200);
  });

  it('names and summaries', () => {
    expect(ruleName(input)).toBe('tlp:red, apt28');
    expect(ruleName({ ...input, tagMatch: 'all' })).toBe('tlp:red + apt28');
    expect(ruleName({ ...input, name: ' Active threats ' })).toBe('Active threats');
    expect(
      ruleSummary({ ...input, minThreatLevel: 2, orgs: ['CIRCL'], publishedOnly: true }, () => 'MISP A'),
    ).toBe(
      'any of tlp:red, apt28 · threat level Medium or higher · created by CIRCL · published only on MISP A',
    );
  });
});
