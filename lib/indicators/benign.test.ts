import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bundledBenignMark,
  bundledWarninglistNames,
  checkValueRequestBody,
  mergeServerBenign,
  parseCheckValueAnswer,
} from './benign';
import type { IndicatorKind } from './model';

const transcripts = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'misp', 'transcripts');
const Transcript = z.object({
  request: z.object({ body: z.unknown() }),
  response: z.object({ body: z.unknown() }),
});
const load = (name: string) => Transcript.parse(JSON.parse(readFileSync(join(transcripts, name), 'utf8')));

describe('bundledBenignMark', () => {
  it.each<[IndicatorKind, string, string | null]>([
    ['ipv4', '10.1.2.3', 'List of RFC 1918 CIDR blocks'],
    ['ipv4', '192.168.7.7', 'List of RFC 1918 CIDR blocks'],
    ['ipv4', '127.0.0.1', 'List of RFC 5735 CIDR blocks'],
    ['ipv4', '198.51.100.23', 'List of RFC 5735 CIDR blocks'],
    ['ipv4', '100.64.1.1', 'List of RFC 6598 CIDR blocks'],
    ['ipv4', '239.1.2.3', 'List of RFC 5771 multicast CIDR blocks'],
    ['ipv4', '8.8.8.8', null],
    ['ipv4', '172.32.0.1', null],
    ['ipv6', 'fe80::1', 'List of IPv6 link local blocks'],
    ['ipv6', '2001:db8::1', 'List of RFC 3849 CIDR blocks'],
    ['ipv6', '2a00:1450::1', null],
    ['cidr', '10.1.0.0/16', 'List of RFC 1918 CIDR blocks'],
    ['domain', 'example.com', 'List of RFC 6761 Special-Use Domain Names'],
    ['domain', 'google.com', 'Top 10K most-used sites from Tranco'],
    ['domain', 'www.google.com', 'Top 10K most-used sites from Tranco'],
    ['domain', 'blogspot.com', 'Second level TLDs as known by Mozilla Foundation'],
    ['domain', 'evil-c2-domain.xyz', null],
    ['url', 'https://www.google.com/search', 'Top 10K most-used sites from Tranco'],
    ['url', 'http://evil-c2-domain.xyz/google.com', null],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'List of known hashes for empty files'],
    [
      'sha256',
      'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
      'List of known hashes for empty files',
    ],
    [
      'sha256',
      '01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b',
      'List of known hashes with common false-positives (based on Florian Roth input list)',
    ],
    ['md5', '0126cf58488b9c91b900d66990dea74a', null],
    // Lists only apply to the MISP types they name: tranco does not cover e-mail addresses.
    ['email', 'someone@google.com', null],
  ])('%s %s → %s', (kind, value, listName) => {
    expect(bundledBenignMark(kind, value)?.listName ?? null).toBe(listName);
  });

  it('bundles the 12 lists', () => {
    expect(bundledWarninglistNames()).toHaveLength(12);
  });
});

describe('server checkValue', () => {
  it('lower-cases and de-duplicates the request values', () => {
    expect(checkValueRequestBody(['GOOGLE.com', 'google.com ', 'D41D8CD98F00B204E9800998ECF8427E'])).toEqual([
      'google.com',
      'd41d8cd98f00b204e9800998ecf8427e',
    ]);
  });

  it('reads the answer recorded from MISP 2.5.1 (transcript 099)', () => {
    const marks = parseCheckValueAnswer(load('099-warninglists-checkValue-list.json').response.body);
    expect(marks.get('10.1.2.3')).toEqual({
      listName: 'List of RFC 1918 CIDR blocks',
      matched: '10.0.0.0/8',
      source: 'server',
    });
    expect(marks.get('www.google.com')?.listName).toBe('Top 10K most-used sites from Tranco');
    expect(marks.has('8.8.8.8')).toBe(false);
  });

  it('reads the empty-array answer for no hits (transcripts 083, 098)', () => {
    expect(
      parseCheckValueAnswer(load('083-warninglists-checkValue-none-loaded.json').response.body).size,
    ).toBe(0);
    expect(parseCheckValueAnswer(load('098-warninglists-checkValue-miss.json').response.body).size).toBe(0);
  });

  it('rejects a malformed answer', () => {
    expect(() => parseCheckValueAnswer({ '8.8.8.8': [{ nope: 1 }] })).toThrow();
    expect(() => parseCheckValueAnswer('error')).toThrow();
  });

  it('merges server marks over bundled ones and keeps the rest', () => {
    const items = [
      { value: '10.1.2.3', benign: null },
      { value: '8.8.8.8', benign: null },
      { value: 'evil.xyz', benign: { listName: 'local', matched: 'evil.xyz', source: 'bundled' as const } },
    ];
    const merged = mergeServerBenign(items, load('099-warninglists-checkValue-list.json').response.body);
    expect(merged.map((i) => i.benign?.listName ?? null)).toEqual([
      'List of RFC 1918 CIDR blocks',
      null,
      'local',
    ]);
  });

  it('agrees with the server on the values of transcript 099 for the lists both have', () => {
    const request = z.array(z.string()).parse(load('099-warninglists-checkValue-list.json').request.body);
    const server = parseCheckValueAnswer(load('099-warninglists-checkValue-list.json').response.body);
    const kindOf = (v: string): IndicatorKind =>
      v.includes('://') ? 'url' : /^[\d.]+$/.test(v) ? 'ipv4' : /^[0-9a-f]{32}$/i.test(v) ? 'md5' : 'domain';
    for (const value of request) {
      // The server matches case-sensitively (upper-case values miss); we lower-case first, as advised.
      if (value !== value.toLowerCase()) continue;
      expect(bundledBenignMark(kindOf(value), value) !== null).toBe(server.has(value));
    }
  });
});
