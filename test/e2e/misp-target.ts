import { MispClient } from '../../lib/misp';
import {
  type MispTarget as ContractTarget,
  startMispTarget as startContractTarget,
} from '../contract/target';

/**
 * The MISP the end-to-end suite talks to: the contract tests' target (the stand-in by default, a real
 * server when MISP_URL and MISP_KEY are set) plus what the server says about itself, so assertions
 * hold for both. Tests create only data named with `namePrefix` and register it for clean-up.
 */
export interface MispTarget extends ContractTarget {
  expected: { version: string; orgName: string; userEmail: string };
  client: MispClient;
}

export async function startMispTarget(): Promise<MispTarget> {
  const target = await startContractTarget();
  const client = new MispClient({ url: target.url, apiKey: target.apiKey });
  const info = await client.testConnection();
  return {
    ...target,
    client,
    expected: { version: info.version, orgName: info.org.name, userEmail: info.user.email },
  };
}
