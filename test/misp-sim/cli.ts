import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startMispSim } from './index';

/** `npx tsx test/misp-sim/cli.ts [--port N] [--seed replay|replay-later|citizenlab|empty]`: runs until killed. */

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  seed: z.enum(['replay', 'replay-later', 'citizenlab', 'empty']).default('citizenlab'),
});

const { values } = parseArgs({
  options: { port: { type: 'string' }, seed: { type: 'string' } },
});
const args = argsSchema.parse(values);
const sim = await startMispSim({ port: args.port, seed: args.seed });
console.log(`MISP stand-in (${args.seed}) listening on ${sim.url}`);
for (const [name, user] of Object.entries(sim.users)) {
  if (user) console.log(`${`${name} key:`.padEnd(14)} ${user.apiKey} (${user.email}, ${user.role})`);
}
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
