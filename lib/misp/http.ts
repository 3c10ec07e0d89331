import { z } from 'zod';
import { normalizeMispUrl } from '../url';
import { MispError } from './errors';

/**
 * One HTTP exchange with MISP: builds the request MISP recognises as an API call, enforces the
 * timeout, and turns every way the exchange can fail into a typed `MispError`. No retries: callers
 * (the outbox, the lookup queue) decide what to retry.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface MispConnection {
  /** Normalised base URL: scheme + host + optional sub-path, no trailing slash. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: FetchLike;
}

export interface MispRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** JSON body (POST only). `undefined` sends no body. */
  body?: unknown;
  /** Statuses handed back to the caller instead of being mapped to errors (e.g. 404 on events/add). */
  passStatuses?: readonly number[];
}

export interface MispResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (`undefined` for an empty body). */
  body: unknown;
  url: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Normalises the MISP URL the client is given (lib/url.ts holds the rule): adds `https://` when no
 * scheme is given, keeps a sub-path (MISP can live under one), drops query, fragment and trailing
 * slashes so that joining an API path never doubles a slash.
 */
export function normalizeBaseUrl(input: string): string {
  const result = normalizeMispUrl(input, { lenient: true });
  if (!result.ok)
    throw new MispError('config', `The MISP URL is not usable: ${result.error.replace(/\.$/, '')}.`);
  return result.url;
}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The exact headers MISP needs to treat a request as an API call (API-NOTES §1). */
export function requestHeaders(apiKey: string): Record<string, string> {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Authorization: apiKey,
  };
}

export async function mispFetch(connection: MispConnection, request: MispRequest): Promise<MispResponse> {
  const url = joinUrl(connection.baseUrl, request.path);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), connection.timeoutMs);
  const init: RequestInit = {
    method: request.method,
    headers: requestHeaders(connection.apiKey),
    credentials: 'omit',
    // A 302 to /users/login means "not seen as an API call": detect it instead of following it.
    redirect: 'manual',
    cache: 'no-store',
    signal: controller.signal,
  };
  if (request.body !== undefined) init.body = JSON.stringify(request.body);

  try {
    let response: Response;
    try {
      response = await connection.fetch(url, init);
    } catch (error) {
      throw transportError(error, controller.signal, url, connection.timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(error, controller.signal, url, connection.timeoutMs);
    }
    return interpret(response, text, url, request.passStatuses ?? []);
  } finally {
    clearTimeout(timer);
  }
}

function transportError(error: unknown, signal: AbortSignal, url: string, timeoutMs: number): MispError {
  if (error instanceof MispError) return error;
  if (signal.aborted) {
    return new MispError(
      'timeout',
      `MISP did not answer within ${Math.round(timeoutMs / 1000)} s (${url}). It may be overloaded or unreachable.`,
      { url, cause: error },
    );
  }
  return new MispError(
    'unreachable',
    `Could not reach MISP at ${url}: check the URL, that the server is up and its certificate trusted, and that Sightline may access this site.`,
    { url, cause: error },
  );
}

const LOGIN_REDIRECT_MESSAGE =
  "MISP answered with its login page: the request was not recognised as an API call, or the key's user has no API access.";

function interpret(
  response: Response,
  text: string,
  url: string,
  passStatuses: readonly number[],
): MispResponse {
  const status = response.status;
  // In browsers a manual redirect is an opaque response with status 0; Node's fetch exposes the 3xx.
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400) || response.redirected) {
    throw new MispError('login-redirect', LOGIN_REDIRECT_MESSAGE, { status, url });
  }
  const contentType = response.headers.get('content-type')?.toLowerCase() ?? '';
  const isHtml = contentType.includes('text/html');
  if (isHtml && status >= 200 && status < 300) {
    throw new MispError('login-redirect', LOGIN_REDIRECT_MESSAGE, { status, url });
  }

  let body: unknown;
  let parseFailed = false;
  if (text.trim() !== '' && !isHtml) {
    try {
      body = JSON.parse(text);
    } catch {
      parseFailed = true;
    }
  }

  if (status >= 200 && status < 300) {
    if (parseFailed) {
      throw new MispError('bad-response', `MISP sent an answer that is not valid JSON (${url}).`, {
        status,
        url,
      });
    }
    return { status, headers: response.headers, body, url };
  }
  if (passStatuses.includes(status)) return { status, headers: response.headers, body, url };
  throw errorFromStatus(status, body, response.headers, url);
}

const ErrorBodySchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  saved: z.boolean().optional(),
  errors: z.unknown().optional(),
});

/** MISP HTML-escapes `name`/`message` (Cake's h()); we show them as text, so decode. */
export function decodeHtmlEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const FRIENDLY_RULES: Record<string, string> = {
  valueNotEmpty: 'must not be empty',
};

/**
 * Flattens MISP's `errors`, whose shape varies by endpoint: `{value: ["…"]}` (attributes),
 * `{Event: {info: ["valueNotEmpty"]}}` (events), or a JSON-encoded string (attachTagToObject).
 */
export function flattenFieldErrors(errors: unknown, prefix = ''): string[] {
  if (errors === null || errors === undefined) return [];
  if (typeof errors === 'string') {
    const trimmed = errors.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return flattenFieldErrors(JSON.parse(trimmed), prefix);
      } catch {
        // Not JSON after all: fall through and use the text as is.
      }
    }
    const text = FRIENDLY_RULES[trimmed] ?? decodeHtmlEntities(trimmed);
    return [prefix === '' ? text : `${prefix}: ${text}`];
  }
  if (typeof errors === 'number' || typeof errors === 'boolean')
    return flattenFieldErrors(String(errors), prefix);
  if (Array.isArray(errors)) return errors.flatMap((item) => flattenFieldErrors(item, prefix));
  if (typeof errors === 'object') {
    return Object.entries(errors).flatMap(([key, value]) =>
      flattenFieldErrors(value, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  return [];
}

// "Authentication failed…", "Auth key is expired", "…use this Auth key from your IP address" (API-NOTES §1).
const KEY_REJECTION = /authenticat|auth ?key|api key/i;

function saidBy(mispMessage: string | undefined): string {
  return mispMessage ? ` MISP said: "${mispMessage}"` : '';
}

export function errorFromStatus(status: number, body: unknown, headers: Headers, url: string): MispError {
  const parsed = ErrorBodySchema.safeParse(body);
  const errorBody = parsed.success ? parsed.data : {};
  const rawMessage = errorBody.message ?? errorBody.name;
  const mispMessage = rawMessage === undefined ? undefined : decodeHtmlEntities(rawMessage);
  const base = { status, url, mispMessage };

  if (errorBody.errors !== undefined && errorBody.errors !== null && errorBody.saved === false) {
    const fieldErrors = flattenFieldErrors(errorBody.errors);
    const summary = fieldErrors.length > 0 ? fieldErrors.join('; ') : (mispMessage ?? 'invalid data');
    return new MispError('validation', `MISP rejected the data: ${summary}`, { ...base, fieldErrors });
  }
  if (status === 401 || (status === 403 && mispMessage !== undefined && KEY_REJECTION.test(mispMessage))) {
    return new MispError(
      'key-rejected',
      `API key rejected by MISP: check the key in Sightline's options (a key can also be expired or limited to some IP addresses).${saidBy(mispMessage)}`,
      base,
    );
  }
  if (status === 403) {
    return new MispError(
      'permission',
      `Your MISP account is not allowed to do this; ask your MISP administrator for the missing permission.${saidBy(mispMessage)}`,
      base,
    );
  }
  if (status === 404) {
    return new MispError(
      'not-found',
      `MISP could not find what was asked for (${url}).${saidBy(mispMessage)}`,
      base,
    );
  }
  if (status === 405) {
    return new MispError('method', `MISP refused the request (${url}).${saidBy(mispMessage)}`, base);
  }
  if (status === 429) {
    const reset = Number(headers.get('x-rate-limit-reset') ?? headers.get('retry-after') ?? Number.NaN);
    return new MispError(
      'rate-limited',
      `MISP's rate limit for searches was reached; Sightline will try again later.${saidBy(mispMessage)}`,
      { ...base, ...(Number.isFinite(reset) ? { retryAfterSeconds: reset } : {}) },
    );
  }
  if (status === 400 || status === 422) {
    return new MispError('validation', `MISP rejected the request: ${mispMessage ?? `HTTP ${status}`}`, {
      ...base,
      fieldErrors: mispMessage === undefined ? [] : [mispMessage],
    });
  }
  if (status >= 500) {
    return new MispError(
      'server-error',
      `MISP had an internal error (HTTP ${status}); try again later or ask its administrator to check the logs.${saidBy(mispMessage)}`,
      base,
    );
  }
  return new MispError(
    'bad-response',
    `MISP answered with an unexpected HTTP ${status} (${url}).${saidBy(mispMessage)}`,
    base,
  );
}
