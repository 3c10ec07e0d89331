import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startMispSim } from './index';

/** `npx tsx test/misp-sim/cli.ts [--port N] [--seed replay|citizenlab|empty]`: runs until killed. */

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  seed: z.enum(['replay', 'citizenlab', 'empty']).default('citizenlab'),
});

const { values } = parseArgs({
  options: { port: { type: 'string' }, seed: { type: 'string' } },
});
const args = argsSchema.parse(values);
const sim = await startMispSim({ port: args.port, seed: args.seed });
console.log(`MISP stand-in (${args.seed}) listening on ${sim.url}`);
console.log(`admin key:     ${sim.users.admin.apiKey}`);
console.log(`read-only key: ${sim.users.readOnly.apiKey}`);
console.log(`analyst key:   ${sim.users.analyst.apiKey}`);
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
