import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { FetchLike } from './http';

/**
 * Test support (node only, never imported by extension code): loads the recorded MISP 2.5.1
 * transcripts and serves them from a fake fetch that records what the client sent.
 */

const TRANSCRIPT_DIR = fileURLToPath(new URL('../../test/fixtures/misp/transcripts/', import.meta.url));

const TranscriptSchema = z.object({
  title: z.string(),
  request: z.object({
    method: z.string(),
    path: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  response: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

/** Loads a transcript by its three-digit number ("019"). */
export function loadTranscript(number: string): Transcript {
  const file = readdirSync(TRANSCRIPT_DIR).find(
    (name) => name.startsWith(`${number}-`) && name.endsWith('.json'),
  );
  if (file === undefined) throw new Error(`no transcript ${number}`);
  return TranscriptSchema.parse(JSON.parse(readFileSync(`${TRANSCRIPT_DIR}${file}`, 'utf8')));
}

export interface RecordedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
}

export function answerFrom(transcript: Transcript): RecordedAnswer {
  return transcript.response;
}

export function toResponse(answer: RecordedAnswer): Response {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  // The Response constructor refuses a body on null-body statuses; none of ours are.
  return new Response(text, { status: answer.status, headers: answer.headers ?? {} });
}

export interface RecordedCall {
  url: string;
  init: RequestInit;
  /** The JSON body the client sent, parsed (undefined when none). */
  body: unknown;
  headers: Record<string, string>;
}

/**
 * A fetch that answers each call with the next of `answers` (the last one repeats) and records
 * the requests. Answers may be transcripts, recorded answers or functions of the call.
 */
export function fakeFetch(...answers: (Transcript | RecordedAnswer | ((call: RecordedCall) => Response))[]): {
  fetch: FetchLike;
  calls: RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = init.headers as Record<string, string>;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call: RecordedCall = { url, init, body, headers: { ...headers } };
    calls.push(call);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (answer === undefined) throw new Error('fakeFetch: no answer configured');
    if (typeof answer === 'function') return answer(call);
    return toResponse('response' in answer ? answer.response : answer);
  };
  return { fetch, calls };
}

export const TEST_URL = 'https://misp.example.test';
export const TEST_KEY = 'a'.repeat(40);
