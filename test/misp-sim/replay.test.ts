import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compareJson, UuidMapping } from './compare';
import { type MispSim, startMispSim } from './index';
import { recordingClock } from './seed';

/**
 * Sends the 107 recorded requests, in recording order, to a fresh `replay` stand-in and checks that
 * each answer matches what MISP 2.5.1 answered (status, content type, MISP headers, body) — see
 * compare.ts for the values exempted because MISP generated them at random.
 */

const TRANSCRIPT_DIR = new URL('../fixtures/misp/transcripts/', import.meta.url);
const RECORDED_BASE_URL = 'http://127.0.0.1:8088';
const BAD_KEY = 'BadKey0000000000000000000000000000000000';

const transcriptSchema = z.object({
  title: z.string(),
  request: z.object({
    method: z.string(),
    path: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  response: z.object({
    status: z.number(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
});
type Transcript = z.infer<typeof transcriptSchema>;

/** Transcripts whose bodies the recording cut (title says so): compare what was kept. */
const CUT_BODIES: Record<string, { kind: 'prefix' } | { kind: 'first-attributes'; total: number }> = {
  '006': { kind: 'prefix' },
  '007': { kind: 'prefix' },
  '009': { kind: 'prefix' },
  '032': { kind: 'first-attributes', total: 5 },
};

/** Transcripts the stand-in cannot match, with the reason. The goal is none. */
const KNOWN_DIFFERENCES: Record<string, string> = {};

const MISP_HEADERS = [
  'location',
  'x-result-count',
  'x-skipped-elements-count',
  'x-export-module-used',
  'x-response-format',
];

const transcripts: [string, Transcript][] = readdirSync(TRANSCRIPT_DIR)
  .filter((name) => /^\d{3}-.*\.json$/.test(name))
  // 108-186 come from a longer-running server (transcripts/README.md); their replay is being added.
  .filter((name) => Number(name.slice(0, 3)) <= 107)
  .sort()
  .map((name) => [
    name,
    transcriptSchema.parse(JSON.parse(readFileSync(new URL(name, TRANSCRIPT_DIR), 'utf8'))),
  ]);

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function send(sim: MispSim, transcript: Transcript): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(transcript.request.headers)) {
    headers[name] = value.replace('<API KEY>', sim.apiKey).replace('<BAD KEY>', BAD_KEY);
  }
  const { body } = transcript.request;
  const payload =
    body === null || body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${transcript.request.path}`,
      { method: transcript.request.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') answerHeaders[name] = value;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: answerHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Uuids the recording knew before the server generated any: request bodies and the replay seed. */
function knownUuids(sim: MispSim): Set<string> {
  const known = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(value)) known.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const [, transcript] of transcripts) collect(transcript.request.body);
  for (const event of sim.store.events.values()) known.add(event.uuid);
  for (const attribute of sim.store.attributes.values()) known.add(attribute.uuid);
  for (const sighting of sim.store.sightings.values()) known.add(sighting.uuid);
  for (const org of sim.store.orgs.values()) known.add(org.uuid);
  known.add('3fbe51b8-dec1-4564-9eac-5bb8e79de656');
  return known;
}

function differences(
  sim: MispSim,
  number: string,
  transcript: Transcript,
  answer: Answer,
  uuids: UuidMapping,
): string[] {
  const problems: string[] = [];
  const expected = transcript.response;
  if (answer.status !== expected.status)
    problems.push(`status: expected ${expected.status}, got ${answer.status}`);
  for (const name of ['content-type', ...MISP_HEADERS]) {
    const want = expected.headers[name]?.replace(RECORDED_BASE_URL, sim.url);
    const got = answer.headers[name];
    if (name === 'content-type' || want !== undefined || MISP_HEADERS.includes(name)) {
      if (want !== got) problems.push(`header ${name}: expected ${want}, got ${got}`);
    }
  }
  const cut = CUT_BODIES[number];
  if (cut?.kind === 'prefix') {
    const kept = typeof expected.body === 'string' ? expected.body : '';
    if (kept === '' ? answer.text !== '' : !answer.text.startsWith(kept)) {
      problems.push(
        `body: expected to start with ${JSON.stringify(kept.slice(0, 80))}, got ${JSON.stringify(answer.text.slice(0, 80))}`,
      );
    }
    return problems;
  }
  let actual: unknown;
  try {
    actual = JSON.parse(answer.text);
  } catch {
    problems.push(`body is not JSON: ${answer.text.slice(0, 120)}`);
    return problems;
  }
  if (cut?.kind === 'first-attributes') {
    const attributes = (actual as { response?: { Attribute?: unknown[] } }).response?.Attribute ?? [];
    if (attributes.length !== cut.total)
      problems.push(`body: expected ${cut.total} attributes, got ${attributes.length}`);
    const keptCount = (expected.body as { response: { Attribute: unknown[] } }).response.Attribute.length;
    actual = { response: { Attribute: attributes.slice(0, keptCount) } };
  }
  problems.push(...compareJson(expected.body, actual, uuids));
  return problems;
}

describe('replay of the 107 MISP 2.5.1 transcripts against the stand-in', () => {
  let sim: MispSim;
  let uuids: UuidMapping;

  beforeAll(async () => {
    sim = await startMispSim({ seed: 'replay', now: recordingClock() });
    uuids = new UuidMapping(knownUuids(sim));
    const known = Object.entries(KNOWN_DIFFERENCES);
    console.info(
      known.length > 0
        ? `Replay: known differences from MISP 2.5.1 (${known.length}): ${JSON.stringify(known)}`
        : 'Replay: all 107 transcripts are matched; known differences from MISP 2.5.1: none.',
    );
  });

  afterAll(async () => {
    await sim.close();
  });

  it('reads all 107 transcripts', () => {
    expect(transcripts).toHaveLength(107);
  });

  for (const [name, transcript] of transcripts) {
    const number = name.slice(0, 3);
    it(`${name}: ${transcript.request.method} ${transcript.request.path} → ${transcript.response.status}`, async () => {
      const answer = await send(sim, transcript);
      const problems = differences(sim, number, transcript, answer, uuids);
      if (KNOWN_DIFFERENCES[number] !== undefined) {
        // A listed transcript that starts matching must leave the list.
        expect(problems, `${number} now matches; remove it from KNOWN_DIFFERENCES`).not.toEqual([]);
      } else {
        expect(problems).toEqual([]);
      }
    });
  }
});
