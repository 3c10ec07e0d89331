import { type MispSim, startMispSim } from '../misp-sim/index';

/**
 * Which MISP the contract (and later end-to-end) tests talk to: the stand-in from test/misp-sim by
 * default, or a real server when the environment has MISP_URL and MISP_KEY. Against a real server the
 * tests must create only uniquely named data (`namePrefix`) and remove it afterwards; `trackEvent` /
 * `trackTag` register what to remove in `close()`.
 *
 * (A real MISP with a self-signed certificate needs NODE_EXTRA_CA_CERTS pointing at its CA.)
 */
export interface MispTarget {
  kind: 'sim' | 'real';
  url: string;
  apiKey: string;
  /** Unique per run: put it in every name and value the tests create. */
  runId: string;
  /** `sightline-test-<run id>`: prefix of every event info the tests create. */
  namePrefix: string;
  /** Keys of less privileged users, when the target has them (the stand-in does). */
  extraKeys: { readOnly?: string; analyst?: string };
  /** The stand-in itself (fault injection, request log); undefined against a real MISP. */
  sim: MispSim | undefined;
  /** Remember an event (numeric id) to delete in `close()`. */
  trackEvent(id: string): void;
  /** Remember a tag name the tests created, to delete in `close()` (real servers only; best effort). */
  trackTag(name: string): void;
  close(): Promise<void>;
}

export function isRealMispConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.MISP_URL && env.MISP_KEY);
}

function newRunId(): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return `${Date.now().toString(36)}${random.toString(36)}`;
}

/** A raw API call for clean-up, outside the client under test. */
async function rawPost(url: string, apiKey: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: apiKey },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
}

async function cleanUp(
  url: string,
  apiKey: string,
  events: Set<string>,
  tags: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const id of events) {
    const response = await rawPost(url, apiKey, `/events/delete/${id}`).catch((error: unknown) => error);
    // 404: already deleted by the test itself.
    if (!(response instanceof Response) || !(response.ok || response.status === 404)) {
      problems.push(`event ${id} not deleted`);
    }
  }
  for (const name of tags) {
    const found = await rawPost(url, apiKey, '/tags/index', { name, exclude_statistics: 1 }).catch(
      () => undefined,
    );
    const listing = found?.ok
      ? ((await found.json()) as { Tag?: { id: string; name: string }[] })
      : undefined;
    for (const tag of listing?.Tag ?? []) {
      if (tag.name !== name) continue;
      const deleted = await rawPost(url, apiKey, `/tags/delete/${tag.id}`).catch(() => undefined);
      if (!deleted?.ok) problems.push(`tag ${name} not deleted`);
    }
  }
  return problems;
}

export async function startMispTarget(env: NodeJS.ProcessEnv = process.env): Promise<MispTarget> {
  const runId = newRunId();
  const namePrefix = `sightline-test-${runId}`;
  const events = new Set<string>();
  const tags = new Set<string>();
  const common = {
    runId,
    namePrefix,
    trackEvent: (id: string) => events.add(id),
    trackTag: (name: string) => tags.add(name),
  };

  if (isRealMispConfigured(env)) {
    const url = env.MISP_URL ?? '';
    const apiKey = env.MISP_KEY ?? '';
    return {
      kind: 'real',
      url,
      apiKey,
      extraKeys: {},
      sim: undefined,
      ...common,
      async close() {
        const problems = await cleanUp(url, apiKey, events, tags);
        if (problems.length > 0)
          console.warn(`Contract clean-up incomplete on ${url}: ${problems.join(', ')}`);
      },
    };
  }

  const sim = await startMispSim();
  return {
    kind: 'sim',
    url: sim.url,
    apiKey: sim.apiKey,
    extraKeys: { readOnly: sim.users.readOnly?.apiKey, analyst: sim.users.analyst?.apiKey },
    sim,
    ...common,
    async close() {
      await cleanUp(sim.url, sim.apiKey, events, new Set());
      await sim.close();
    },
  };
}
