import type { Json } from './render';
import type { SimStore } from './store';
import type { RoleRow, UserRow } from './types';

/** Request/response plumbing shared by the stand-in's route handlers. */

export interface SimRequest {
  method: string;
  /** Path without query string and without a `.json` suffix. */
  path: string;
  /** Path segments after controller and action, named parameters (`key:value`) removed. */
  params: string[];
  /** CakePHP named parameters from the path, e.g. `/tags/index/searchall:tlp`. */
  named: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** The parsed JSON body; undefined when the body was empty. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
}

export interface HandlerContext {
  req: SimRequest;
  user: UserRow;
  role: RoleRow;
  store: SimStore;
  /** e.g. http://127.0.0.1:41234, for Location headers. */
  baseUrl: string;
}

export type Handler = (ctx: HandlerContext) => SimResponse;

export interface Route {
  handler: Handler;
  /** The role permission MISP's ACL requires for the action (403 otherwise). */
  permission?: keyof RoleRow;
}

/** htmlspecialchars(), which MISP applies to exception names and messages. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}

/** A CakePHP exception rendered for a REST request: `{name, message, url}` (name == message). */
export function mispError(
  status: number,
  message: string,
  url: string,
  headers?: Record<string, string>,
): SimResponse {
  const escaped = escapeHtml(message);
  return { status, body: { name: escaped, message: escaped, url }, headers };
}

export const AUTH_FAILED =
  'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';
export const NO_PERMISSION = 'You do not have permission to use this functionality.';
export const INTERNAL_ERROR = 'An Internal Error Has Occurred.';

/** RestResponse::saveSuccessResponse. */
export function saveSuccess(message: string, url: string, id?: string): SimResponse {
  const body: Record<string, Json> = { saved: true, success: true, name: message, message, url };
  if (id !== undefined) body.id = id;
  return { status: 200, body };
}

/** RestResponse::saveFailResponse: 403 with `errors`, and the `id` when the call named one. */
export function saveFail(name: string, url: string, errors: Json, id?: string): SimResponse {
  const body: Record<string, Json> = { saved: false, name, message: name, url, errors };
  if (id !== undefined) body.id = id;
  return { status: 403, body };
}

/** PHP's json_encode: like JSON.stringify but with `/` and non-ASCII characters escaped. */
export function phpJson(value: Json): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function ok(body: Json, headers?: Record<string, string>): SimResponse {
  return { status: 200, body, headers };
}

/** Headers MISP adds to restSearch answers (X-Result-Count and friends). */
export function restSearchHeaders(resultCount: number, skipped = 0): Record<string, string> {
  return {
    'x-result-count': String(resultCount),
    'x-skipped-elements-count': String(skipped),
    'x-export-module-used': 'json',
    'x-response-format': 'json',
  };
}

/** The JSON body as an object (`{}` for anything else), unwrapping MISP's optional `request` wrapper. */
export function bodyObject(req: SimRequest): Record<string, unknown> {
  let body = req.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'request' in body) {
    const inner = (body as Record<string, unknown>).request;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) body = inner;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body))
    return body as Record<string, unknown>;
  return {};
}

/** Filters from the JSON body, named URL parameters and the query string (body wins). */
export function filters(req: SimRequest): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [key, value] of req.query) merged[key] = value;
  Object.assign(merged, req.named, bodyObject(req));
  return merged;
}

export function headerValue(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
