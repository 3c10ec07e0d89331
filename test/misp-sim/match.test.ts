import { describe, expect, it } from 'vitest';
import { compareJson, UuidMapping } from './compare';
import {
  attributeResultCount,
  likeToRegExp,
  paginate,
  parseDeleted,
  parseTerms,
  parseTimeRange,
  resolveTime,
  tagNameMatches,
  valueMatches,
} from './match';
import { checkValue } from './validate';

const NOW = 1_795_336_400;

describe('value matching', () => {
  it('matches exactly but case-insensitively', () => {
    expect(valueMatches('MALICIOUS-UPDATES.EXAMPLE', 'malicious-updates.example')).toBe(true);
    expect(valueMatches('https://a.example/login/', 'https://a.example/login')).toBe(false);
  });

  it('treats a leading or trailing % as a LIKE wildcard, _ as one character', () => {
    expect(valueMatches('malicious-updates.%', 'malicious-updates.example')).toBe(true);
    expect(valueMatches('%.example', 'cdn.malicious-updates.example')).toBe(true);
    expect(valueMatches('a_c%', 'abcd')).toBe(true);
    expect(valueMatches('a_c%', 'acd')).toBe(false);
    expect(likeToRegExp('1.2.3.%', true).test('1x2x3x4')).toBe(false);
  });

  it('compares tag names case-sensitively, with LIKE wildcards', () => {
    expect(tagNameMatches('tlp:green', 'TLP:GREEN')).toBe(false);
    expect(tagNameMatches('tlp:%', 'tlp:amber')).toBe(true);
    expect(tagNameMatches('tlp:%', 'TLP:AMBER')).toBe(false);
  });

  it('reads list, string, negated and complex filters; an empty list is no filter', () => {
    expect(parseTerms([])).toBeNull();
    expect(parseTerms('')).toBeNull();
    expect(parseTerms(['a', '!b'])).toEqual({ include: ['a'], exclude: ['b'] });
    expect(parseTerms({ OR: ['a'], NOT: 'c' })).toEqual({ include: ['a'], exclude: ['c'] });
    expect(parseTerms('x|!y', { splitPipes: true })).toEqual({ include: ['x'], exclude: ['y'] });
    expect(parseTerms(5)).toEqual({ include: ['5'], exclude: [] });
  });

  it('reads the deleted filter as MISP does', () => {
    expect(parseDeleted(undefined)).toEqual({ live: true, deleted: false });
    expect(parseDeleted([0])).toEqual({ live: true, deleted: false });
    expect(parseDeleted([1])).toEqual({ live: false, deleted: true });
    expect(parseDeleted([0, 1])).toEqual({ live: true, deleted: true });
    expect(parseDeleted('only')).toEqual({ live: false, deleted: true });
  });
});

describe('time filters', () => {
  it('resolves unix seconds, relative deltas and dates', () => {
    expect(resolveTime(1_795_340_210, NOW)).toBe(1_795_340_210);
    expect(resolveTime('1795340210', NOW)).toBe(1_795_340_210);
    expect(resolveTime('1h', NOW)).toBe(NOW - 3600);
    expect(resolveTime('7d', NOW)).toBe(NOW - 7 * 86400);
    expect(resolveTime('30m', NOW)).toBe(NOW - 1800);
    expect(resolveTime('2026-11-22T00:00:00Z', NOW)).toBe(Date.UTC(2026, 10, 22) / 1000);
  });

  it('turns an unparsable time into now+1 so that it matches nothing', () => {
    expect(resolveTime('soon-ish', NOW)).toBe(NOW + 1);
  });

  it('reads a single value as >= and a pair as a range', () => {
    expect(parseTimeRange('1d', NOW)).toEqual({ from: NOW - 86400, to: null });
    expect(parseTimeRange([100, '200'], NOW)).toEqual({ from: 100, to: 200 });
    expect(parseTimeRange(undefined, NOW)).toBeNull();
  });
});

describe('attribute paging and X-Result-Count', () => {
  it('is the total without a limit', () => {
    expect(attributeResultCount(16, 16, null)).toBe(16);
  });

  it('is returned + 1 when a limited page is full, returned otherwise', () => {
    expect(attributeResultCount(2, 5, 2)).toBe(3);
    expect(attributeResultCount(5, 5, 5)).toBe(6);
    expect(attributeResultCount(1, 5, 2)).toBe(1);
  });

  it('slices 1-based pages', () => {
    const rows = [1, 2, 3, 4, 5];
    expect(paginate(rows, 2, 1)).toEqual([1, 2]);
    expect(paginate(rows, 2, 3)).toEqual([5]);
    expect(paginate(rows, null, 3)).toEqual(rows);
  });
});

describe('value validation', () => {
  it('lower-cases hashes and rejects wrong lengths with MISP messages', () => {
    expect(checkValue('sha1', '95755218FC8B98605E53E3097070BA3BE523EC51')).toEqual({
      ok: true,
      value: '95755218fc8b98605e53e3097070ba3be523ec51',
    });
    expect(checkValue('sha256', 'ABC123')).toMatchObject({
      ok: false,
      message: expect.stringContaining('64 hexadecimal'),
    });
    expect(checkValue('ip-dst', 'not-an-ip')).toEqual({
      ok: false,
      message: 'IP address has an invalid format.',
    });
  });

  it('normalises IPs, domains and composite values', () => {
    expect(checkValue('ip-src', '2001:DB8:0:0::1')).toEqual({ ok: true, value: '2001:db8::1' });
    expect(checkValue('domain', 'Evil.Example.')).toEqual({ ok: true, value: 'evil.example' });
    expect(checkValue('domain|ip', 'Evil.Example|10.0.0.1')).toEqual({
      ok: true,
      value: 'evil.example|10.0.0.1',
    });
    expect(checkValue('domain', 'not a domain').ok).toBe(false);
    expect(checkValue('ip-dst', '1').ok).toBe(false);
  });
});

describe('replay comparator', () => {
  it('flags different values, shapes and types but not regenerated timestamps', () => {
    const uuids = new UuidMapping(new Set());
    expect(
      compareJson({ a: '1', timestamp: '1795336523' }, { a: '1', timestamp: '1795336999' }, uuids),
    ).toEqual([]);
    expect(compareJson({ a: '1' }, { a: 1 }, uuids)).toHaveLength(1);
    expect(compareJson({ a: '1' }, { a: '1', b: 2 }, uuids)).toHaveLength(1);
    expect(compareJson({ publish_timestamp: '0' }, { publish_timestamp: '1795336999' }, uuids)).toHaveLength(
      1,
    );
  });

  it('maps generated uuids one-to-one and keeps known ones fixed', () => {
    const known = '5f0c2b1e-8d3a-4c7e-9b21-6a4f3e2d1c0b';
    const uuids = new UuidMapping(new Set([known]));
    const recorded = '6754e3d5-cd36-4f03-bf94-311b3d5a6298';
    const ours = '11111111-2222-4333-8444-555555555555';
    expect(compareJson({ uuid: recorded }, { uuid: ours }, uuids)).toEqual([]);
    expect(compareJson({ uuid: recorded }, { uuid: known }, uuids)).toHaveLength(1);
    expect(compareJson({ uuid: known }, { uuid: ours }, uuids)).toHaveLength(1);
  });
});
