import { afterEach, describe, expect, it, vi } from 'vitest';
import { MispClient } from './client';
import { MispError } from './errors';
import { flattenFieldErrors, normalizeBaseUrl } from './http';
import { fakeFetch, loadTranscript, TEST_KEY, TEST_URL } from './transcripts.test-support';

function clientWith(fetch: ReturnType<typeof fakeFetch>['fetch'], timeoutMs?: number) {
  return new MispClient({ url: TEST_URL, apiKey: TEST_KEY, fetch, ...(timeoutMs ? { timeoutMs } : {}) });
}

async function caught(promise: Promise<unknown>): Promise<MispError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MispError) return error;
    throw error;
  }
  throw new Error('expected a MispError, but the call succeeded');
}

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://misp.example.org', 'https://misp.example.org'],
    ['https://misp.example.org/', 'https://misp.example.org'],
    ['https://misp.example.org///', 'https://misp.example.org'],
    ['  https://misp.example.org/misp/  ', 'https://misp.example.org/misp'],
    ['misp.example.org', 'https://misp.example.org'],
    ['http://127.0.0.1:8088/', 'http://127.0.0.1:8088'],
    ['https://misp.example.org/users/login', 'https://misp.example.org'],
    ['https://misp.example.org/events/index?x=1#top', 'https://misp.example.org'],
    ['HTTPS://MISP.example.org:443/', 'https://misp.example.org'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each(['', 'ftp://misp.example.org', 'https://user:pw@misp.example.org', 'https://exa mple.org'])(
    'refuses %j with a config error',
    (input) => {
      expect(() => normalizeBaseUrl(input)).toThrowError(MispError);
      try {
        normalizeBaseUrl(input);
      } catch (error) {
        expect((error as MispError).kind).toBe('config');
      }
    },
  );

  it('joins paths without doubling slashes, keeping a sub-path', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('001'));
    const client = new MispClient({ url: 'https://host.example/misp///', apiKey: TEST_KEY, fetch });
    await caught(client.testConnection());
    expect(calls[0]?.url).toBe('https://host.example/misp/servers/getVersion');
  });
});

describe('every request', () => {
  it('sends exactly the API headers, no cookies, manual redirects and a timeout signal', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('001'), loadTranscript('002'));
    await clientWith(fetch).testConnection();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers).toEqual({
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Authorization: TEST_KEY,
      });
      expect(call.init.credentials).toBe('omit');
      expect(call.init.redirect).toBe('manual');
      expect(call.init.method).toBe('GET');
      expect(call.init.body).toBeUndefined();
      expect(call.init.signal).toBeInstanceOf(AbortSignal);
    }
  });

  it('trims the key and refuses an empty one', () => {
    expect(() => new MispClient({ url: TEST_URL, apiKey: '   ', fetch: fakeFetch().fetch })).toThrowError(
      /No MISP API key/,
    );
  });

  it('never retries on its own', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('088'));
    const error = await caught(clientWith(fetch).enabledWarninglists());
    expect(error.kind).toBe('server-error');
    expect(calls).toHaveLength(1);
  });
});

describe('error kinds', () => {
  it.each(['003', '004', '005'])(
    'transcript %s (403 authentication failed) → key-rejected',
    async (number) => {
      const { fetch } = fakeFetch(loadTranscript(number));
      const error = await caught(clientWith(fetch).testConnection());
      expect(error.kind).toBe('key-rejected');
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/^API key rejected by MISP/);
      expect(error.mispMessage).toMatch(/Authentication failed/);
    },
  );

  it('an expired key (403 "Auth key is expired") → key-rejected', async () => {
    const { fetch } = fakeFetch({
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: { name: 'Auth key is expired', message: 'Auth key is expired', url: '/servers/getVersion' },
    });
    expect((await caught(clientWith(fetch).testConnection())).kind).toBe('key-rejected');
  });

  it('403 "You do not have permission…" → permission, with MISP\'s message', async () => {
    const message = 'You do not have permission to use this functionality.';
    const { fetch } = fakeFetch({
      status: 403,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: { name: message, message, url: '/events/add' },
    });
    const error = await caught(
      clientWith(fetch).createEvent({
        info: 'x',
        distribution: 0,
        threatLevel: 4,
        analysis: 0,
        attributes: [],
      }),
    );
    expect(error.kind).toBe('permission');
    expect(error.mispMessage).toBe(message);
    expect(error.message).toContain(message);
  });

  it('transcript 006 (302 to /users/login) → login-redirect, not followed', async () => {
    const { fetch, calls } = fakeFetch(loadTranscript('006'));
    const error = await caught(clientWith(fetch).testConnection());
    expect(error.kind).toBe('login-redirect');
    expect(error.status).toBe(302);
    expect(error.message).toBe(
      "MISP answered with its login page: the request was not recognised as an API call, or the key's user has no API access.",
    );
    expect(calls).toHaveLength(1);
  });

  it('a browser-style opaque redirect → login-redirect', async () => {
    const opaque = {
      type: 'opaqueredirect',
      status: 0,
      redirected: false,
      headers: new Headers(),
      text: async () => '',
    } as unknown as Response;
    const { fetch } = fakeFetch(() => opaque);
    expect((await caught(clientWith(fetch).testConnection())).kind).toBe('login-redirect');
  });

  it('transcript 009 (200 text/html with escaped JSON) → login-redirect', async () => {
    const { fetch } = fakeFetch(loadTranscript('001'), loadTranscript('009'));
    const error = await caught(clientWith(fetch).testConnection());
    expect(error.kind).toBe('login-redirect');
    expect(error.status).toBe(200);
  });

  it('transcript 015 (403 saved:false) → validation with the field message', async () => {
    const { fetch } = fakeFetch(loadTranscript('015'));
    const outcome = await clientWith(fetch).addAttributes('3', [{ type: 'ip-dst', value: '203.0.113.77' }]);
    expect(outcome[0]?.outcome).toBe('duplicate');
    // The same answer through the error mapper directly:
    const direct = await caught(
      new MispClient({
        url: TEST_URL,
        apiKey: TEST_KEY,
        fetch: fakeFetch(loadTranscript('015')).fetch,
      }).createEvent({
        info: 'x',
        distribution: 0,
        threatLevel: 4,
        analysis: 0,
        attributes: [],
      }),
    );
    expect(direct.kind).toBe('validation');
    expect(direct.fieldErrors).toEqual(['value: A similar attribute already exists for this event.']);
    expect(direct.message).toBe(
      'MISP rejected the data: value: A similar attribute already exists for this event.',
    );
  });

  it('transcript 012 (events/add without info) → validation naming the field', async () => {
    const { fetch } = fakeFetch(loadTranscript('012'));
    const error = await caught(
      clientWith(fetch).createEvent({
        info: '',
        distribution: 0,
        threatLevel: 1,
        analysis: 0,
        attributes: [],
      }),
    );
    expect(error.kind).toBe('validation');
    expect(error.status).toBe(403);
    expect(error.fieldErrors).toEqual(['Event.info: must not be empty']);
  });

  it('transcript 078 (404 Invalid event) → not-found', async () => {
    const { fetch } = fakeFetch(loadTranscript('078'));
    const error = await caught(clientWith(fetch).getEvent('999999'));
    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(404);
    expect(error.mispMessage).toBe('Invalid event');
  });

  it("transcript 045 (400 Invalid ID) → validation with MISP's reason", async () => {
    const { fetch } = fakeFetch(loadTranscript('045'));
    const error = await caught(clientWith(fetch).sightingsForAttribute('5'));
    expect(error.kind).toBe('validation');
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual(['Invalid ID `5` provided.']);
  });

  it('transcript 091 (405 Invalid JSON input) → method', async () => {
    const { fetch } = fakeFetch(loadTranscript('091'));
    const error = await caught(clientWith(fetch).lookupValues(['x.example']));
    expect(error.kind).toBe('method');
    expect(error.status).toBe(405);
    expect(error.mispMessage).toMatch(/^Invalid JSON input/);
  });

  it('transcript 088 (500) → server-error', async () => {
    const { fetch } = fakeFetch(loadTranscript('088'));
    const error = await caught(clientWith(fetch).getEvent('2'));
    expect(error.kind).toBe('server-error');
    expect(error.status).toBe(500);
  });

  it('an HTML 502 from a reverse proxy → server-error', async () => {
    const { fetch } = fakeFetch({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>Bad gateway',
    });
    expect((await caught(clientWith(fetch).getEvent('2'))).kind).toBe('server-error');
  });

  it('429 → rate-limited with the reset delay', async () => {
    const { fetch } = fakeFetch({
      status: 429,
      headers: { 'content-type': 'application/json', 'x-rate-limit-reset': '120' },
      body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.', url: '/attributes/restSearch' },
    });
    const error = await caught(clientWith(fetch).lookupValues(['x.example']));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(120);
  });

  it('a network failure → unreachable, naming the URL', async () => {
    const error = await caught(
      clientWith(async () => {
        throw new TypeError('Failed to fetch');
      }).testConnection(),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.url).toBe(`${TEST_URL}/servers/getVersion`);
    expect(error.message).toContain(`${TEST_URL}/servers/getVersion`);
  });

  it('a malformed JSON body → bad-response', async () => {
    const { fetch } = fakeFetch({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"result": {',
    });
    const error = await caught(clientWith(fetch).enabledWarninglists());
    expect(error.kind).toBe('bad-response');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a wrong shape → bad-response with the offending path', async () => {
    const broken = loadTranscript('019');
    const body = structuredClone(broken.response.body) as {
      response: { Attribute: Record<string, unknown>[] };
    };
    const second = body.response.Attribute[1];
    if (second === undefined) throw new Error('fixture changed');
    second.to_ids = 'yes';
    const { fetch } = fakeFetch({ status: 200, headers: broken.response.headers, body });
    const error = await caught(clientWith(fetch).lookupValues(['malicious-updates.example']));
    expect(error.kind).toBe('bad-response');
    expect(error.path).toBe('response.Attribute[1].to_ids');
    expect(error.message).toContain('response.Attribute[1].to_ids');
  });

  it('transcript 085 (GET self-description with 200) is not mistaken for an event', async () => {
    const { fetch } = fakeFetch(loadTranscript('085'));
    const error = await caught(clientWith(fetch).getEvent('2'));
    expect(error.kind).toBe('bad-response');
    expect(error.path).toBe('Event');
  });
});

describe('timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function hangingFetch() {
    return fakeFetch(
      (call) =>
        new Promise<Response>((_resolve, reject) => {
          call.init.signal?.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError')),
          );
        }) as unknown as Response,
    );
  }

  it('aborts after the default 15 s and reports a timeout', async () => {
    vi.useFakeTimers();
    const { fetch, calls } = hangingFetch();
    const pending = caught(clientWith(fetch).testConnection());
    await vi.advanceTimersByTimeAsync(14_999);
    expect(calls[0]?.init.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error.kind).toBe('timeout');
    expect(calls[0]?.init.signal?.aborted).toBe(true);
  });

  it('honours a configured timeout', async () => {
    vi.useFakeTimers();
    const { fetch } = hangingFetch();
    const pending = caught(clientWith(fetch, 2_000).enabledWarninglists());
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await pending).kind).toBe('timeout');
  });
});

describe('flattenFieldErrors', () => {
  it('reads the three shapes MISP uses', () => {
    expect(flattenFieldErrors({ value: ['A similar attribute already exists for this event.'] })).toEqual([
      'value: A similar attribute already exists for this event.',
    ]);
    expect(flattenFieldErrors({ Event: { info: ['valueNotEmpty'] } })).toEqual([
      'Event.info: must not be empty',
    ]);
    // attachTagToObject sends a JSON-encoded string (obs 060).
    const transcript = loadTranscript('060');
    const errors = (transcript.response.body as { errors: unknown }).errors;
    expect(typeof errors).toBe('string');
    expect(flattenFieldErrors(errors).join(' ')).toMatch(/Local tags can only be added by users of the host/);
  });
});
