import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MispClient } from '../misp/client';
import { fakeFetch, loadTranscript, TEST_KEY, TEST_URL } from '../misp/transcripts.test-support';
import {
  bundledAnnotation,
  bundledBenignMark,
  bundledPlatformListNames,
  bundledWarninglistNames,
  serverAnnotation,
} from './benign';
import platformLists from './data/platform-lists.json';
import { USER_CONTENT_PLATFORMS } from './data/user-content';
import type { IndicatorKind } from './model';
import { platformListsFromFixtures } from './platform-lists.test-support';

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

describe("platforms: someone's content is never likely benign because its parent is popular", () => {
  it.each<[IndicatorKind, string, string[]]>([
    // Tranco lists sytes.net, blogspot.com, githubusercontent.com… (transcript 121).
    ['domain', 'updchecking.sytes.net', ['dynamic DNS']],
    ['url', 'http://updchecking.sytes.net/gate.php', ['dynamic DNS']],
    ['domain', 'something.blogspot.com', ['user content on blogspot.com']],
    ['domain', 'raw.githubusercontent.com', ['user content on githubusercontent.com']],
    ['url', 'https://raw.githubusercontent.com/x/y/z.ps1', ['user content on githubusercontent.com']],
    ['url', 'https://github.com/evil/tools/releases/download/v1/a.exe', ['user content on github.com']],
    ['url', 'https://www.dropbox.com/s/abc123/invoice.zip?dl=1', ['user content on dropbox.com']],
    ['url', 'https://pastebin.com/raw/Xy12Ab', ['user content on pastebin.com']],
    ['domain', 'x.azurewebsites.net', ['user content on azurewebsites.net']],
    ['domain', 'payload-7.firebaseio.com', ['user content on firebaseio.com']],
    ['url', 'bit.ly/abc', ['URL shortener']],
    ['email', 'ops@mail.duckdns.org', ['dynamic DNS']],
  ])('%s %s: notes %j, no benign mark', (kind, value, notes) => {
    const annotation = bundledAnnotation(kind, value);
    expect(annotation.benign).toBeNull();
    expect(annotation.notes.map((note) => note.text)).toEqual(notes);
  });

  it.each<[IndicatorKind, string, string]>([
    ['domain', 'github.com', 'Top 10K most-used sites from Tranco'],
    ['domain', 'blogspot.com', 'Second level TLDs as known by Mozilla Foundation'],
    ['domain', 'bit.ly', 'Top 10K most-used sites from Tranco'],
  ])('the platform itself (%s %s) keeps its mark', (kind, value, listName) => {
    expect(bundledBenignMark(kind, value)?.listName).toBe(listName);
  });

  it('popular sites that are not platforms are unaffected', () => {
    expect(bundledAnnotation('domain', 'www.google.com')).toEqual({
      benign: { listName: 'Top 10K most-used sites from Tranco', matched: 'google.com', source: 'bundled' },
      notes: [],
    });
    expect(bundledAnnotation('domain', 'mail.google.com').notes).toEqual([]);
    expect(
      bundledAnnotation('url', 'https://docs.google.com/document/d/1x').notes.map((n) => n.text),
    ).toEqual(['user content on docs.google.com']);
  });

  it('every user-content entry is a host name, listed once', () => {
    const all = USER_CONTENT_PLATFORMS.flatMap((category) => category.domains);
    expect(new Set(all).size).toBe(all.length);
    for (const domain of all) expect(domain).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });

  it("bundles MISP's dynamic-DNS and URL-shortener lists exactly (compacted from the upstream files)", () => {
    expect(platformLists).toEqual(platformListsFromFixtures());
    expect(bundledPlatformListNames()).toEqual([
      'List of known dynamic DNS domains (35,467 suffixes)',
      'List of known URL Shorteners domains (255)',
      expect.stringMatching(/^User-content platforms: free web hosting/),
    ]);
  });
});

describe("serverAnnotation: the analyst's MISP names the lists", () => {
  const hitsOf = async (number: string) => {
    const transcript = loadTranscript(number);
    const { fetch } = fakeFetch(transcript);
    const client = new MispClient({ url: TEST_URL, apiKey: TEST_KEY, fetch });
    return client.checkWarninglists(z.array(z.string()).parse(transcript.request.body));
  };
  const kindOf = (v: string): IndicatorKind =>
    v.includes('/') ? 'url' : /^[\d.]+$/.test(v) ? 'ipv4' : 'domain';

  it("marks with the server's list name, and sets host-based hits aside for platform content (121)", async () => {
    const hits = await hitsOf('121');
    const annotate = (value: string) => serverAnnotation(kindOf(value), value, hits.get(value) ?? []);
    expect(annotate('8.8.8.8').benign?.listName).toBe('List of known IPv4 public DNS resolvers');
    expect(annotate('10.1.2.3').benign).toEqual({
      listName: 'List of RFC 1918 CIDR blocks',
      matched: '10.0.0.0/8',
      source: 'server',
    });
    expect(annotate('www.google.com').benign?.listName).toBe('List of known google domains');
    expect(annotate('sytes.net').benign?.listName).toBe('Top 10K most-used sites from Tranco');
    for (const value of [
      'updchecking.sytes.net',
      'something.blogspot.com',
      'raw.githubusercontent.com',
      'https://raw.githubusercontent.com/x/y/z.ps1',
    ]) {
      expect(annotate(value).benign, value).toBeNull();
      expect(annotate(value).notes.length, value).toBe(1);
    }
  });

  it("MISP's dynamic-DNS and shortener lists give notes, the vendors-blog hit on raw.githubusercontent.com is set aside (123)", async () => {
    const hits = await hitsOf('123');
    const annotate = (value: string) => serverAnnotation(kindOf(value), value, hits.get(value) ?? []);
    expect(annotate('updchecking.sytes.net')).toMatchObject({
      benign: null,
      notes: [{ text: 'dynamic DNS' }],
    });
    expect(annotate('raw.githubusercontent.com').benign).toBeNull();
    expect(annotate('bit.ly/abc')).toMatchObject({ benign: null, notes: [{ text: 'URL shortener' }] });
    expect(hits.has('welivesecurity.com')).toBe(false);
  });

  it('a server list on a platform Sightline does not bundle still gives a note, not a mark', () => {
    const annotation = serverAnnotation('domain', 'a.new-dyn-provider.site', [
      { name: 'List of known dynamic DNS domains', matched: 'new-dyn-provider.site' },
      { name: 'Top 10K most-used sites from Tranco', matched: 'new-dyn-provider.site' },
    ]);
    expect(annotation).toEqual({
      benign: null,
      notes: [{ kind: 'dynamic-dns', parent: 'new-dyn-provider.site', text: 'dynamic DNS' }],
    });
  });

  it('a hostname list entry flags its sub-domains, never its parent (186)', async () => {
    const hits = await hitsOf('186');
    expect(
      serverAnnotation('domain', 'blog.www.welivesecurity.com', hits.get('blog.www.welivesecurity.com') ?? [])
        .benign?.listName,
    ).toBe('List of known security providers/vendors blog domain');
    expect(
      serverAnnotation('domain', 'welivesecurity.com', hits.get('welivesecurity.com') ?? []).benign,
    ).toBeNull();
  });
});
