import { createSeededStore, type SeedName, SIM_USERS } from './seed';
import { type SimFault, type SimRequestLog, SimServer } from './server';
import type { Clock, SimStore } from './store';

/**
 * A stand-in for a MISP 2.5.1 server, for Sightline's tests, end-to-end suite and demo. It reproduces
 * the behaviour recorded in test/fixtures/misp/transcripts (see replay.test.ts) on 127.0.0.1.
 */

export type { SeedName } from './seed';
export type { SimFault, SimRequestLog } from './server';
export type { SimStore } from './store';

export interface SimUser {
  id: number;
  apiKey: string;
  email: string;
  orgId: number;
  orgName: string;
  role: string;
}

export interface MispSim {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The site admin's key (org "ORGNAME"). */
  apiKey: string;
  /**
   * `admin` (site admin, ORGNAME), `readOnly` (ORGNAME, Read Only role), `analyst` (another org, no
   * publish / tag creation). The `replay-later` seed has only the admin (its users are created by
   * transcripts 175, 176).
   */
  users: { admin: SimUser; readOnly?: SimUser; analyst?: SimUser };
  /** Every request received, in order. */
  requests: SimRequestLog[];
  clearRequests(): void;
  setFault(fault: SimFault | null): void;
  store: SimStore;
  close(): Promise<void>;
}

export interface MispSimOptions {
  seed?: SeedName;
  port?: number;
  /** Clock in Unix seconds (default: real time). The replay test pins it to the recording's clock. */
  now?: Clock;
}

export async function startMispSim(options: MispSimOptions = {}): Promise<MispSim> {
  const store = createSeededStore(options.seed ?? 'citizenlab', { now: options.now });
  const server = new SimServer(store);
  const url = await server.listen(options.port ?? 0);
  const describe = (user: (typeof SIM_USERS)[keyof typeof SIM_USERS]): SimUser | undefined => {
    const row = store.users.get(user.id);
    if (!row || row.email !== user.email) return undefined;
    return {
      id: user.id,
      apiKey: user.apiKey,
      email: user.email,
      orgId: user.orgId,
      orgName: store.orgOf(user.orgId).name,
      role: store.roleOf(row).name,
    };
  };
  const admin = describe(SIM_USERS.admin);
  if (!admin) throw new Error('every seed has the site admin');
  return {
    url,
    apiKey: SIM_USERS.admin.apiKey,
    users: { admin, readOnly: describe(SIM_USERS.readOnly), analyst: describe(SIM_USERS.analyst) },
    requests: server.requests,
    clearRequests: () => {
      server.requests.length = 0;
    },
    setFault: (fault) => server.setFault(fault),
    store,
    close: () => server.close(),
  };
}
