import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { compactHostList } from './host-suffixes';

/**
 * Node only (the data script and tests; never imported by extension code): builds the bundled platform lists from
 * the upstream MISP warninglists in test/fixtures/misp/warninglists.
 */

const FIXTURES = new URL('../../test/fixtures/misp/warninglists/', import.meta.url);
const UpstreamList = z.object({
  name: z.string(),
  type: z.literal('hostname'),
  version: z.number(),
  list: z.array(z.string()),
});

export interface CompactHostnameList {
  name: string;
  version: number;
  suffixes: Record<string, string>;
}

export interface PlatformLists {
  dynamicDns: CompactHostnameList;
  urlShorteners: CompactHostnameList;
}

function compactFixture(file: string): CompactHostnameList {
  const list = UpstreamList.parse(JSON.parse(readFileSync(new URL(`${file}.json`, FIXTURES), 'utf8')));
  return { name: list.name, version: list.version, suffixes: compactHostList(list.list) };
}

export function platformListsFromFixtures(): PlatformLists {
  return { dynamicDns: compactFixture('dynamic-dns'), urlShorteners: compactFixture('url-shortener') };
}
