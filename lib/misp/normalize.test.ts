import { describe, expect, it } from 'vitest';
import {
  attributeMatchKeys,
  groupAttributesByValue,
  matchKey,
  partitionLookupValues,
  unsafeValueReason,
} from './normalize';

describe('matchKey', () => {
  it.each([
    ['EVIL.Example', 'evil.example'],
    ['evil.example.', 'evil.example'],
    ['  198.51.100.23 ', '198.51.100.23'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['CCB27A4F95FC5A4DFF03C0AA5F1EE6FD', 'ccb27a4f95fc5a4dff03c0aa5f1ee6fd'],
    ['User@Example.ORG', 'user@example.org'],
    // URLs are not normalised beyond case: MISP does not either (obs 022).
    ['https://a.example/login/', 'https://a.example/login/'],
  ])('%s → %s', (input, expected) => {
    expect(matchKey(input)).toBe(expected);
  });
});

describe('unsafe values', () => {
  it('refuses negations and wildcards, accepts ordinary values', () => {
    expect(unsafeValueReason('!evil.example')).toMatch(/except/);
    expect(unsafeValueReason('malicious-updates.%')).toMatch(/wildcard/);
    expect(unsafeValueReason('https://a.example/x%20y')).toMatch(/wildcard/);
    expect(unsafeValueReason('')).toBe('empty value');
    expect(unsafeValueReason('evil!.example')).toBeUndefined();
    expect(unsafeValueReason('198.51.100.23')).toBeUndefined();
  });

  it('partitions and de-duplicates by match key, keeping order', () => {
    const { send, refused } = partitionLookupValues([
      'B.example',
      '!x',
      'b.example',
      'a.example',
      'b.EXAMPLE.',
    ]);
    expect(send).toEqual(['b.example', 'a.example']);
    expect(refused.map((item) => item.value)).toEqual(['!x']);
  });
});

describe('grouping attributes by input value', () => {
  const domainIp = { id: '1', type: 'domain|ip', value: 'evil.example|203.0.113.9' };
  const fileMd5 = { id: '2', type: 'filename|md5', value: 'Setup.EXE|137ce37865d54117bcb67dccdb2b74ad' };
  const domain = { id: '3', type: 'domain', value: 'evil.example' };
  const ipv6 = { id: '4', type: 'ip-dst', value: '2001:db8::1' };

  it('splits composite values at the first |', () => {
    expect(attributeMatchKeys(domainIp)).toEqual(['evil.example|203.0.113.9', 'evil.example', '203.0.113.9']);
  });

  it('maps every input, composite halves, case and IPv6 spellings included', () => {
    const grouped = groupAttributesByValue(
      [
        'EVIL.example',
        '203.0.113.9',
        '137CE37865D54117BCB67DCCDB2B74AD',
        'setup.exe',
        '2001:DB8:0::1',
        'miss.example',
      ],
      [domainIp, fileMd5, domain, ipv6],
    );
    expect(grouped.get('EVIL.example')?.map((a) => a.id)).toEqual(['1', '3']);
    expect(grouped.get('203.0.113.9')?.map((a) => a.id)).toEqual(['1']);
    expect(grouped.get('137CE37865D54117BCB67DCCDB2B74AD')?.map((a) => a.id)).toEqual(['2']);
    expect(grouped.get('setup.exe')?.map((a) => a.id)).toEqual(['2']);
    expect(grouped.get('2001:DB8:0::1')?.map((a) => a.id)).toEqual(['4']);
    expect(grouped.get('miss.example')).toEqual([]);
    expect(grouped.size).toBe(6);
  });
});
