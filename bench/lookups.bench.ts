/**
 * Lookup bench: the background's lookup path (lib/lookup: plan with URL forms and derived values,
 * LookupService over IndexedDB, the MISP source with the CIDR index and checkValue, statuses) run in
 * Node against the MISP stand-in in a child process (so that its memory and CPU are not the worker's),
 * with fake-indexeddb standing in for the browser's IndexedDB.
 *
 * 1. The 5,000-indicator page of the inline bench (bench/inline/report.ts): values planned and sent,
 *    requests by kind, time in the background, cold and on a revisit within the TTL.
 * 2. The stand-in loaded with 100,000 and 1,000,000 generated attributes (10 % CIDR ranges): the same
 *    page, first visit and a revisit after the TTL — requests, time, worker heap; and, for comparison,
 *    what fetching every range with full context (the former approach) costs.
 */
import 'fake-indexeddb/auto';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openDatabase } from '../lib/db';
import { bundledAnnotation, serverAnnotation } from '../lib/indicators/benign';
import type { IndicatorKind } from '../lib/indicators/model';
import { CidrRanges, rangeIndex } from '../lib/lookup/cidr-ranges';
import { mispLookupSource } from '../lib/lookup/misp-source';
import { pageStatuses } from '../lib/lookup/page-status';
import { LookupService } from '../lib/lookup/service';
import type { ValueStatus } from '../lib/lookup/status';
import { MispClient } from '../lib/misp';
import type { MispInstance } from '../lib/settings';
import { generateReport } from './inline/report';
import type { BenchModule } from './types';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TTL_MS = 60 * 60_000;
const annotators = { bundled: bundledAnnotation, server: serverAnnotation };
const ms = (n: number) => `${n.toFixed(0)} ms`;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sim {
  url: string;
  apiKey: string;
  attributes: number;
  cidr: number;
  process: ChildProcess;
}

/** The stand-in with `attributes` bulk attributes, in a child process. */
async function startSim(attributes: number): Promise<Sim> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=6144',
      '--import',
      'tsx',
      'test/misp-sim/bulk-cli.ts',
      '--attributes',
      String(attributes),
    ],
    { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stand-in exited (${code})`)));
  });
  const ready = JSON.parse(line) as { url: string; apiKey: string; attributes: number; cidr: number };
  return { ...ready, process: child };
}

/** Counts requests by what they ask (the client's fetch, wrapped). */
function countingFetch() {
  const counts = { values: 0, valuesSent: 0, ranges: 0, rangeDetails: 0, checkValue: 0, other: 0 };
  const fetch = async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    if (path === '/warninglists/checkValue') counts.checkValue++;
    else if (path === '/attributes/restSearch' && body.value === '%/%') counts.ranges++;
    else if (path === '/attributes/restSearch' && Array.isArray(body.value)) {
      const values = body.value as string[];
      if (values.every((value) => value.includes('/') && /^[\d.:a-f]+\/\d+$/i.test(value)))
        counts.rangeDetails++;
      else {
        counts.values++;
        if (body.page === 1) counts.valuesSent += values.length;
      }
    } else counts.other++;
    return globalThis.fetch(url, init);
  };
  return { counts, fetch };
}

interface Setup {
  service: LookupService;
  cidr: CidrRanges;
  clock: { now: number };
  counts: ReturnType<typeof countingFetch>['counts'];
}

let dbCounter = 0;
async function setup(sim: Sim): Promise<Setup> {
  const instance: MispInstance = {
    id: 'bench',
    name: 'Stand-in',
    url: sim.url,
    apiKey: sim.apiKey,
    useForLookups: true,
    defaultForEvents: true,
  };
  const db = await openDatabase(`lookup-bench-${dbCounter++}`);
  const clock = { now: Date.now() };
  const { counts, fetch } = countingFetch();
  const client = new MispClient({ url: sim.url, apiKey: sim.apiKey, timeoutMs: 600_000, fetch });
  const cidr = new CidrRanges(db, { now: () => clock.now });
  const source = mispLookupSource(instance, { timeoutMs: 600_000, ttlMs: TTL_MS, cidr, client });
  const service = new LookupService({
    db,
    sources: async () => [source],
    ttlMs: async () => TTL_MS,
    now: () => clock.now,
  });
  return { service, cidr, clock, counts };
}

/** The page's statuses, as the background computes them for a `page/indicators` report. */
async function visit(setup: Setup, indicators: Array<{ type: IndicatorKind; value: string }>) {
  const started = performance.now();
  const statuses = await pageStatuses(indicators, (values) => setup.service.lookup(1, values), annotators, {
    lookupBenign: true,
  });
  return { statuses, time: performance.now() - started };
}

/** Waits until background refreshes (stale-while-revalidate) are done. */
async function settled(service: LookupService): Promise<void> {
  for (let i = 0; i < 6000 && service.queued > 0; i++) await sleep(20);
}

function summarise(statuses: Record<string, ValueStatus>) {
  const all = Object.values(statuses);
  return {
    known: all.filter((status) => status.status === 'known').length,
    viaPart: all.filter((status) => status.status === 'known' && status.via).length,
    errors: all.filter((status) => status.status === 'error' || status.status === 'skipped').length,
  };
}

const page = generateReport();
const indicators = page.indicators.map((indicator) => ({
  type: indicator.kind as IndicatorKind,
  value: indicator.value,
}));

/** Seeds what MISP knows of the page: 200 values, 100 URL hosts, 100 URLs stored without scheme. */
async function seedKnown(sim: Sim): Promise<void> {
  const client = new MispClient({ url: sim.url, apiKey: sim.apiKey });
  const urls = page.indicators.filter((indicator) => indicator.kind === 'url');
  const plain = page.indicators.filter((indicator) => indicator.kind !== 'url').slice(0, 200);
  await client.createEvent({
    info: 'bench: known values of the page',
    distribution: 0,
    threatLevel: 2,
    analysis: 2,
    attributes: [
      ...plain.map((indicator) => ({ type: indicator.mispType, value: indicator.value })),
      ...urls
        .slice(0, 100)
        .map((indicator) => ({ type: 'domain', value: new URL(indicator.value).hostname })),
      ...urls
        .slice(100, 200)
        .map((indicator) => ({ type: 'url', value: indicator.value.replace(/^https?:\/\//, '') })),
    ],
  });
}

async function pageSection(): Promise<string> {
  const sim = await startSim(0);
  try {
    await seedKnown(sim);
    const runs: Array<{
      time: number;
      revisit: number;
      counts: Setup['counts'];
      known: ReturnType<typeof summarise>;
    }> = [];
    for (let run = 0; run < 3; run++) {
      const s = await setup(sim);
      const cold = await visit(s, indicators);
      const coldCounts = { ...s.counts };
      const again = await visit(s, indicators);
      runs.push({
        time: cold.time,
        revisit: again.time,
        counts: coldCounts,
        known: summarise(cold.statuses),
      });
      if (s.counts.values !== coldCounts.values) throw new Error('a revisit within the TTL asked MISP');
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [first] = runs;
    const c = first!.counts;
    const planned = new Set<string>();
    const { planLookups } = await import('../lib/lookup/page-status');
    for (const value of planLookups(indicators, annotators, { lookupBenign: true }).values)
      planned.add(value);
    return [
      `Page: the inline bench's generated report (${indicators.length} distinct indicators: 1,000 IPs, 1,100 domains, 800 URLs, 300 e-mail addresses, hashes, CVEs).`,
      'Stand-in with 200 of the page values, the hosts of 100 of its URLs and 100 of its URLs stored without scheme; every value looked up (benign ones too), median of 3 runs each with a fresh cache.',
      '',
      '| measure | result |',
      '|---|---:|',
      `| values looked up (indicators + URL forms + hosts + e-mail domains) | ${planned.size} |`,
      `| values sent in value lookups | ${c.valuesSent} |`,
      `| value lookups (\`/attributes/restSearch\`) | ${c.values} (⌈${c.valuesSent}/500⌉ = ${Math.ceil(c.valuesSent / 500)}) |`,
      `| \`/warninglists/checkValue\` for the values MISP does not know | ${c.checkValue} |`,
      `| CIDR index (compact) / range details | ${c.ranges} / ${c.rangeDetails} |`,
      `| indicators known / of them through a derived value | ${first!.known.known} / ${first!.known.viaPart} |`,
      `| lookup time in the background, cold (statuses for the whole page) | ${ms(median(runs.map((r) => r.time)))} |`,
      `| revisit within the TTL: requests / time | 0 / ${ms(median(runs.map((r) => r.revisit)))} |`,
      '',
      `Runs (cold): ${runs.map((r) => ms(r.time)).join(', ')}.`,
    ].join('\n');
  } finally {
    sim.process.kill('SIGTERM');
  }
}

/** What the worker holds for the range index alone: the compact ranges, indexed (as CidrRanges holds them). */
async function rangeIndexHeap(sim: Sim): Promise<{ heap: number; ranges: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const client = new MispClient({ url: sim.url, apiKey: sim.apiKey, timeoutMs: 600_000 });
  const { ranges } = await client.findCidrRanges();
  // As CidrRanges holds it: the values only (a stored record is read back from IndexedDB).
  const values = ranges.map((range) => range.value);
  ranges.length = 0;
  const index = rangeIndex(values);
  values.length = 0;
  gc();
  return { heap: process.memoryUsage().heapUsed - before, ranges: index.size };
}

/** The former approach: every CIDR attribute with full context, 500 a page. */
async function fullContextRanges(
  sim: Sim,
): Promise<{ requests: number; ranges: number; time: number; heap: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const kept: unknown[] = [];
  let requests = 0;
  for (let page = 1; ; page++) {
    const response = await fetch(`${sim.url}/attributes/restSearch`, {
      method: 'POST',
      headers: { Authorization: sim.apiKey, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        returnFormat: 'json',
        value: '%/%',
        type: ['ip-src', 'ip-dst'],
        includeEventTags: true,
        includeSightings: true,
        includeContext: true,
        includeWarninglistHits: true,
        limit: 500,
        page,
      }),
    });
    requests++;
    const batch = ((await response.json()) as { response: { Attribute: unknown[] } }).response.Attribute;
    kept.push(...batch);
    if (batch.length < 500) break;
  }
  const time = performance.now() - started;
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  return { requests, ranges: kept.length, time, heap };
}

async function scaleRow(attributes: number): Promise<string[]> {
  const sim = await startSim(attributes);
  try {
    const s = await setup(sim);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const first = await visit(s, indicators);
    const firstCounts = { ...s.counts };
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    // After the TTL: stale answers served at once, refreshed behind; the range index brought up to date.
    s.clock.now += TTL_MS + 1000;
    const before = { ...s.counts };
    const started = performance.now();
    const revisit = await visit(s, indicators);
    await settled(s.service);
    const refreshTime = performance.now() - started;
    const delta = (key: keyof Setup['counts']) => s.counts[key] - before[key];
    const index = await rangeIndexHeap(sim);
    const old = await fullContextRanges(sim);
    const label = `${(attributes / 1000).toLocaleString('en')}k attributes (${sim.cidr.toLocaleString('en')} ranges)`;
    return [
      `| ${label}, first page | ${firstCounts.values} | ${firstCounts.ranges} | ${firstCounts.rangeDetails} | ${firstCounts.checkValue} | ${ms(first.time)} | ${mib(heapAfter - heapBefore)} (range index ${mib(index.heap)}, ${index.ranges.toLocaleString('en')} ranges) | ${summarise(first.statuses).known} |`,
      `| ${label}, revisit after the TTL | ${delta('values')} | ${delta('ranges')} | ${delta('rangeDetails')} | ${delta('checkValue')} | ${ms(revisit.time)} answer, ${ms(refreshTime)} with refresh | — | ${summarise(revisit.statuses).known} |`,
      `| ${label}, former approach: every range with full context | — | ${old.requests} | — | — | ${ms(old.time)} (ranges only) | ${mib(old.heap)} (ranges only) | — |`,
    ];
  } finally {
    sim.process.kill('SIGTERM');
  }
}

export const lookupsBench: BenchModule = {
  name: 'Lookups (lib/lookup, background)',
  async run() {
    const sections = [await pageSection()];
    const rows: string[] = [];
    for (const size of (process.env.BENCH_LOOKUP_SIZES ?? '100000,1000000').split(',').map(Number)) {
      process.stderr.write(`bench: lookups at ${size} attributes…\n`);
      rows.push(...(await scaleRow(size)));
    }
    sections.push(
      '',
      "At community scale: the same page against the stand-in loaded with generated attributes (10 % CIDR ranges /16–/28, the rest domains, IPs and hashes). Requests by kind; worker heap = heap retained after the first page (the range index, the service's state and fake-indexeddb's copy of the cache, which a browser keeps outside the worker's heap), after GC. The former approach's row is its CIDR fetch alone.",
      '',
      '| stand-in, visit | value lookups | range index requests | range details | checkValue | time | worker heap | known |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    );
    return sections.join('\n');
  },
};
