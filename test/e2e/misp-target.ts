import { MispClient } from '../../lib/misp';
import { type MispSim, startMispSim } from '../misp-sim/index';

/**
 * The MISP the end-to-end suite talks to: the stand-in by default, or a real server when MISP_URL and
 * MISP_KEY are set. `expected` is read from the server itself, so assertions hold for both.
 * With a real server, tests must create only uniquely named data (`runId` prefix) and touch nothing else.
 */
export interface MispTarget {
  kind: 'stand-in' | 'real';
  url: string;
  apiKey: string;
  runId: string;
  /** Only for the stand-in: direct access to its store, request log and fault injection. */
  sim?: MispSim;
  expected: { version: string; orgName: string; userEmail: string };
  close(): Promise<void>;
}

export async function startMispTarget(
  options: { seed?: 'replay' | 'citizenlab' | 'empty' } = {},
): Promise<MispTarget> {
  const runId = `sightline-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const realUrl = process.env.MISP_URL;
  const realKey = process.env.MISP_KEY;
  let target: Omit<MispTarget, 'expected'>;
  if (realUrl && realKey) {
    target = {
      kind: 'real',
      url: realUrl.replace(/\/+$/, ''),
      apiKey: realKey,
      runId,
      close: async () => {},
    };
  } else {
    const sim = await startMispSim({ seed: options.seed ?? 'citizenlab' });
    target = { kind: 'stand-in', url: sim.url, apiKey: sim.apiKey, runId, sim, close: () => sim.close() };
  }
  const info = await new MispClient({ url: target.url, apiKey: target.apiKey }).testConnection();
  return {
    ...target,
    expected: { version: info.version, orgName: info.org.name, userEmail: info.user.email },
  };
}
