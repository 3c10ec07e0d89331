import { ADMIN_ORG } from './seed-constants';
import type { BulkAttribute, SimStore } from './store';

/**
 * Bulk data for benchmarks: `attributes` generated attributes over events of 1,000 each, a share of
 * them CIDR ranges (`ip-dst` /16 to /28), the rest domains, IPs and hashes. Deterministic from a seed;
 * values from random spaces, so that they never collide with a test's values. Loaded with the store's
 * `bulkLoadAttributes` (no HTTP, no validation), so that a million attributes load in seconds.
 */

export interface BulkOptions {
  attributes: number;
  /** Share of CIDR ranges, 0…1 (default 0.1). */
  cidrShare?: number;
  seed?: number;
  /** Attribute timestamps are spread over the week before this (Unix seconds). */
  now?: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENT_SIZE = 1000;

export function loadBulk(
  store: SimStore,
  options: BulkOptions,
): { events: number; attributes: number; cidr: number } {
  const random = prng(options.seed ?? 20_261_202);
  const int = (n: number) => Math.floor(random() * n);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const cidrShare = options.cidrShare ?? 0.1;
  const hex = (length: number) => Array.from({ length }, () => '0123456789abcdef'[int(16)]).join('');
  let cidr = 0;
  const attribute = (): BulkAttribute => {
    const timestamp = now - int(7 * 86_400);
    if (random() < cidrShare) {
      cidr++;
      const bits = 16 + int(13);
      const address = [10 + int(200), int(256), int(256), 0].map((octet, index) =>
        index * 8 >= bits ? 0 : octet,
      );
      return { type: 'ip-dst', value: `${address.join('.')}/${bits}`, timestamp };
    }
    const pick = int(4);
    const type = ['domain', 'ip-dst', 'md5', 'sha256'][pick]!;
    const value =
      pick === 0
        ? `bulk-${hex(10)}.com`
        : pick === 1
          ? `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`
          : hex(pick === 2 ? 32 : 64);
    return { type, value, timestamp };
  };
  let events = 0;
  for (let loaded = 0; loaded < options.attributes; loaded += EVENT_SIZE) {
    const event = store.insertEvent({
      uuid: crypto.randomUUID(),
      orgcId: ADMIN_ORG.id,
      orgId: ADMIN_ORG.id,
      date: new Date((now - int(365) * 86_400) * 1000).toISOString().slice(0, 10),
      threatLevelId: 1 + int(4),
      info: `Bulk event ${events + 1}`,
      published: true,
      analysis: 2,
      timestamp: now - int(7 * 86_400),
      distribution: 1,
      publishTimestamp: now - int(7 * 86_400),
      sightingTimestamp: 0,
      locked: false,
      creatorEmail: 'bulk@sim.test',
      tags: [],
    });
    events++;
    const size = Math.min(EVENT_SIZE, options.attributes - loaded);
    store.bulkLoadAttributes(event, Array.from({ length: size }, attribute));
  }
  return { events, attributes: options.attributes, cidr };
}
