import { describe, expect, it } from 'vitest';
import { CidrIndex, parseAddress, parseCidrValue, parseRangeOrAddress, rangeContains } from './cidr';

describe('CidrIndex', () => {
  const attributes = [
    { id: '1', type: 'ip-dst', value: '203.0.113.0/24' },
    { id: '2', type: 'ip-src', value: '10.0.0.0/8' },
    { id: '3', type: 'ip-dst', value: '2001:db8::/32' },
    { id: '4', type: 'ip-dst', value: '198.51.100.23' },
    { id: '5', type: 'domain', value: '10.0.0.0/8' },
    { id: '6', type: 'ip-dst', value: 'not/a-range' },
    { id: '7', type: 'ip-dst', value: '10.20.0.0/16' },
    { id: '8', type: 'ip-dst', value: '0.0.0.0/0' },
    { id: '9', type: 'ip-dst', value: '203.0.113.0/24' },
  ];
  const index = new CidrIndex(attributes);

  it('keeps only ip-src/ip-dst ranges', () => {
    expect(index.size).toBe(6);
    expect(parseCidrValue('198.51.100.23')).toBeUndefined();
  });

  it('finds every range containing an address, nested ones included', () => {
    const ids = (ip: string) =>
      index
        .match(ip)
        .map((a) => a.id)
        .sort();
    expect(ids('203.0.113.77')).toEqual(['1', '8', '9']);
    expect(ids('10.20.1.1')).toEqual(['2', '7', '8']);
    expect(ids('10.200.1.1')).toEqual(['2', '8']);
    expect(ids('::ffff:10.1.2.3')).toEqual(['2', '8']);
    expect(ids('2001:DB8:1::5')).toEqual(['3']);
    expect(ids('2001:db9::5')).toEqual([]);
    expect(ids('192.0.2.1')).toEqual(['8']);
    expect(index.match('evil.example')).toEqual([]);
    expect(index.match('10.0.0.0/8')).toEqual([]);
  });

  it('matches the edges of a range and not one address past them', () => {
    const edges = new CidrIndex([{ type: 'ip-dst', value: '192.0.2.64/27' }]);
    expect(edges.match('192.0.2.64')).toHaveLength(1);
    expect(edges.match('192.0.2.95')).toHaveLength(1);
    expect(edges.match('192.0.2.96')).toHaveLength(0);
    expect(edges.match('192.0.2.63')).toHaveLength(0);
  });
});

describe('addresses and ranges', () => {
  it('parses dotted quads and IPv6, never shorthand IPv4 forms', () => {
    expect(parseAddress('198.51.100.7')?.toString()).toBe('198.51.100.7');
    expect(parseAddress('::ffff:198.51.100.7')?.toString()).toBe('198.51.100.7');
    expect(parseAddress('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(parseAddress('127.1')).toBeUndefined();
    expect(parseAddress('0x7f.0.0.1')).toBeUndefined();
    expect(parseAddress('evil.example')).toBeUndefined();
  });

  it('reads ranges, rejects impossible prefixes, and takes an address as a range of one', () => {
    expect(parseCidrValue('10.0.0.0/33')).toBeUndefined();
    expect(parseCidrValue('10.0.0.0/x')).toBeUndefined();
    expect(parseCidrValue('::ffff:10.0.0.0/104')?.[1]).toBe(8);
    const single = parseRangeOrAddress('8.8.8.8');
    expect(single?.[1]).toBe(32);
    expect(rangeContains(single!, parseAddress('8.8.8.8')!)).toBe(true);
    expect(rangeContains(single!, parseAddress('8.8.8.9')!)).toBe(false);
    expect(rangeContains(parseCidrValue('10.0.0.0/8')!, parseAddress('2001:db8::1')!)).toBe(false);
  });
});
