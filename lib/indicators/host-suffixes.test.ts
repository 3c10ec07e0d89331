import { describe, expect, it } from 'vitest';
import { compactHostList, HostSuffixSet, normaliseHostEntry } from './host-suffixes';

describe('HostSuffixSet', () => {
  const set = HostSuffixSet.fromEntries(['.sytes.net', 'www.welivesecurity.com', 'bit.ly', 'B.Dyndns.ORG.']);

  it('matches an entry, and every name below it (hostname-list semantics, transcripts 121, 186)', () => {
    expect(set.match('sytes.net')).toBe('sytes.net');
    expect(set.match('updchecking.sytes.net')).toBe('sytes.net');
    expect(set.match('a.b.c.sytes.net')).toBe('sytes.net');
    expect(set.match('blog.www.welivesecurity.com')).toBe('www.welivesecurity.com');
    expect(set.match('x.b.dyndns.org')).toBe('b.dyndns.org');
  });

  it('never matches the parent of an entry, or a look-alike', () => {
    expect(set.match('welivesecurity.com')).toBeNull();
    expect(set.match('dyndns.org')).toBeNull();
    expect(set.match('notsytes.net')).toBeNull();
    expect(set.match('sytes.net.evil.example')).toBeNull();
    expect(set.match('')).toBeNull();
  });

  it('reads its compact form back to the same set', () => {
    const compact = compactHostList(['.a.example', 'b.example', 'x.y.example', 'a.example']);
    expect(compact).toEqual({ example: 'a b', 'y.example': 'x' });
    const again = HostSuffixSet.fromCompact(compact);
    expect(again.size).toBe(3);
    expect(again.match('q.x.y.example')).toBe('x.y.example');
  });

  it('normalises entries as MISP compares them', () => {
    expect(normaliseHostEntry('  .Sytes.NET. ')).toBe('sytes.net');
  });
});
