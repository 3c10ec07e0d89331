import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import referenceLists from './data/reference-lists.json';
import { extractTexts } from './extract-texts';
import { normaliseHostEntry } from './host-suffixes';
import { CONTACT_LOCAL_PARTS } from './noise';
import { ReferenceJudge } from './references';

const WARNINGLISTS = join(import.meta.dirname, '../../test/fixtures/misp/warninglists');
const upstream = (name: string) =>
  JSON.parse(readFileSync(join(WARNINGLISTS, `${name}.json`), 'utf8')) as { list: string[]; version: number };

describe('bundled reference lists', () => {
  it("are MISP's security-provider-blogpost hosts, normalised as MISP compares them", () => {
    const list = upstream('security-provider-blogpost');
    const expected = [...new Set(list.list.map(normaliseHostEntry).filter((h) => h !== ''))].sort();
    expect(referenceLists.publishers.hosts).toEqual(expected);
    expect(referenceLists.publishers.version).toBe(list.version);
  });

  it("name every local part of MISP's common-contact-emails", () => {
    const pattern = upstream('common-contact-emails').list[0]!;
    const parts = /\^\(([^)]+)\)/.exec(pattern)![1]!.split('|');
    for (const part of parts) expect(CONTACT_LOCAL_PARTS.has(part), part).toBe(true);
  });
});

describe('references', () => {
  const judge = new ReferenceJudge({
    pageUrl: 'https://blog.threat-notes.org/2026/11/loader-report?ref=x#intro',
  });

  it.each([
    ['url', 'https://blog.threat-notes.org/2026/11/loader-report', 'this page’s site'],
    ['url', 'https://www.threat-notes.org/about', 'this page’s site'],
    ['domain', 'threat-notes.org', 'this page’s site'],
    [
      'url',
      'https://unit42.paloaltonetworks.com/some-post/',
      'publisher or security vendor (paloaltonetworks.com)',
    ],
    ['email', 'soc@threat-notes.org', 'contact address of this site'],
  ] as const)('%s %s is a reference: %s', (kind, value, reason) => {
    expect(judge.reason(kind, value)).toBe(reason);
  });

  it.each([
    ['url', 'https://drop-site.net/k.php'],
    ['domain', 'drop-site.net'],
    ['email', 'billing@threat-notes.org'],
    ['email', 'soc@drop-site.net'],
    ['ipv4', '45.9.20.11'],
  ] as const)('%s %s is not', (kind, value) => {
    expect(judge.reason(kind, value)).toBeNull();
  });

  it('knows no page without a page address (pasted text, files), only publishers', () => {
    const alone = new ReferenceJudge();
    expect(alone.reason('domain', 'threat-notes.org')).toBeNull();
    expect(alone.reason('domain', 'unit42.paloaltonetworks.com')).not.toBeNull();
  });

  it("puts the reason in the extraction's notes, and a reference is never also 'likely not an indicator'", () => {
    const text =
      'Loader at hxxps://drop-site[.]net/k.php; write to soc@threat-notes.org or read https://www.threat-notes.org/feed';
    const extraction = extractTexts([text], { pageUrl: 'https://blog.threat-notes.org/post' });
    const notes = Object.fromEntries(extraction.values.map((v, i) => [v, extraction.notes?.[i]]));
    expect(notes).toEqual({
      'https://drop-site.net/k.php': null,
      'soc@threat-notes.org': { reference: 'contact address of this site' },
      'https://www.threat-notes.org/feed': { reference: 'this page’s site' },
    });
  });
});
