import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadBulk } from './bulk';
import { startMispSim } from './index';

/**
 * `npx tsx test/misp-sim/bulk-cli.ts --attributes 1000000 [--cidr-share 0.1]`: the stand-in with bulk
 * data (for the lookup bench, which runs it in a child process so that its memory is not counted).
 * Prints one JSON line `{"url", "apiKey", "events", "attributes", "cidr"}` when ready; runs until killed.
 */

const args = z
  .object({
    attributes: z.coerce.number().int().min(0).default(100_000),
    'cidr-share': z.coerce.number().min(0).max(1).default(0.1),
  })
  .parse(parseArgs({ options: { attributes: { type: 'string' }, 'cidr-share': { type: 'string' } } }).values);
const sim = await startMispSim({ seed: 'empty' });
const loaded = loadBulk(sim.store, { attributes: args.attributes, cidrShare: args['cidr-share'] });
process.stdout.write(`${JSON.stringify({ url: sim.url, apiKey: sim.apiKey, ...loaded })}\n`);
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
