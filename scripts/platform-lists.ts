/**
 * Rebuilds lib/indicators/data/platform-lists.json from the MISP warninglists copied in
 * test/fixtures/misp/warninglists (dynamic-dns, url-shortener): `npx tsx scripts/platform-lists.ts`.
 * lib/indicators/benign.test.ts checks that the bundled file is what this script writes.
 */
import { writeFileSync } from 'node:fs';
import { platformListsFromFixtures } from '../lib/indicators/platform-lists.test-support';

const out = new URL('../lib/indicators/data/platform-lists.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(platformListsFromFixtures())}\n`);
process.stdout.write(`wrote ${out.pathname}\n`);
