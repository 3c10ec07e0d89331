import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AUTH_FAILED,
  escapeHtml,
  INTERNAL_ERROR,
  mispError,
  NO_PERMISSION,
  type Route,
  type SimRequest,
  type SimResponse,
} from './http';
import type { Json } from './render';
import { adminRoutes } from './routes/admin';
import { attributeRoutes } from './routes/attributes';
import { coreRoutes } from './routes/core';
import { eventReportRoutes } from './routes/event-reports';
import { eventRoutes } from './routes/events';
import { galaxyRoutes } from './routes/galaxies';
import { objectRoutes } from './routes/objects';
import { sharingGroupRoutes } from './routes/sharing-groups';
import { sightingRoutes } from './routes/sightings';
import { tagRoutes } from './routes/tags';
import { warninglistRoutes } from './routes/warninglists';
import type { SimStore } from './store';

/**
 * The HTTP front of the stand-in: MISP's REST detection (Accept header rule), API-key auth, JSON body
 * parsing, ACL permission checks, routing, failure injection and a request log.
 */

export type SimFault = { pathPrefix?: string; times?: number } & (
  | { kind: 'down' }
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'malformed-json' }
  | { kind: 'login-redirect' }
  | { kind: 'key-rejected' }
  // MISP's own answer, as recorded, for a refusal the client cannot provoke (e.g. a field error).
  | { kind: 'reply'; status: number; body: Json }
);

export interface SimRequestLog {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text if it was not JSON, or null when empty. */
  body: unknown;
  /** HTTP status sent; 0 when the socket was destroyed (fault `down`). */
  status: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  durationMs: number;
}

const ROUTES: Record<string, Route> = {
  ...coreRoutes,
  ...eventRoutes,
  ...attributeRoutes,
  ...sightingRoutes,
  ...tagRoutes,
  ...warninglistRoutes,
  ...adminRoutes,
  ...eventReportRoutes,
  ...objectRoutes,
  ...galaxyRoutes,
  ...sharingGroupRoutes,
};

/** Actions that are API calls whatever the Accept header says (MISP's automation allow-list). */
const ALWAYS_REST = new Set(['events/restSearch', 'attributes/restSearch', 'objects/restSearch']);

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: INTERNAL_ERROR,
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function apiKeysFrom(req: IncomingMessage): string[] {
  const header = headerOf(req, 'x-misp-auth') ?? headerOf(req, 'authorization') ?? '';
  return header
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '' && !key.startsWith('Basic'));
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

type RenderMode = 'json' | 'html-json';

interface Outcome {
  response: SimResponse;
  mode: RenderMode;
}

export class SimServer {
  readonly requests: SimRequestLog[] = [];
  private fault: SimFault | null = null;
  private server: Server | undefined;
  baseUrl = '';

  constructor(readonly store: SimStore) {}

  setFault(fault: SimFault | null): void {
    this.fault = fault ? { ...fault } : null;
  }

  async listen(port: number): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=UTF-8' });
          res.end(JSON.stringify({ name: INTERNAL_ERROR, message: INTERNAL_ERROR, url: req.url ?? '/' }));
        }
        console.error('misp-sim: handler error', error);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    this.store.baseUrl = this.baseUrl;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(path: string): SimFault | null {
    const fault = this.fault;
    if (!fault || (fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix))) return null;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.fault = null;
    }
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const rawBody = await readBody(req);
    const target = req.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let logBody: unknown = null;
    if (rawBody !== '') {
      try {
        logBody = JSON.parse(rawBody);
      } catch {
        logBody = rawBody;
      }
    }
    const log: SimRequestLog = {
      method: req.method ?? 'GET',
      path: target,
      headers,
      body: logBody,
      status: 0,
      time,
      durationMs: 0,
    };
    this.requests.push(log);
    const pathOnly = target.split('?')[0] ?? '/';

    const fault = this.takeFault(pathOnly);
    if (fault?.kind === 'down') {
      req.socket.destroy();
      log.durationMs = Date.now() - time;
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));

    let outcome: Outcome | { redirect: true };
    if (fault?.kind === 'status') {
      outcome = {
        mode: 'json',
        response: mispError(
          fault.status,
          fault.message ?? STATUS_MESSAGES[fault.status] ?? 'Error',
          pathOnly,
        ),
      };
    } else if (fault?.kind === 'login-redirect') {
      outcome = { redirect: true };
    } else if (fault?.kind === 'reply') {
      outcome = { mode: 'json', response: { status: fault.status, body: fault.body } };
    } else if (fault?.kind === 'key-rejected') {
      outcome = { mode: 'json', response: mispError(403, AUTH_FAILED, pathOnly) };
    } else if (fault?.kind === 'malformed-json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end('{"response": {"Attribute": [{"id": "1", "value":');
      log.status = 200;
      log.durationMs = Date.now() - time;
      return;
    } else {
      outcome = this.dispatch(req, target, rawBody);
    }

    if ('redirect' in outcome) {
      res.writeHead(302, {
        'content-type': 'text/html; charset=UTF-8',
        location: `${this.baseUrl}/users/login`,
      });
      res.end();
      log.status = 302;
    } else {
      const { response, mode } = outcome;
      const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body, null, 4);
      const contentType =
        mode === 'html-json' ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8';
      res.writeHead(response.status, { 'content-type': contentType, ...response.headers });
      res.end(mode === 'html-json' ? escapeHtml(text) : text);
      log.status = response.status;
    }
    log.durationMs = Date.now() - time;
  }

  private dispatch(req: IncomingMessage, target: string, rawBody: string): Outcome | { redirect: true } {
    const url = new URL(target, 'http://127.0.0.1');
    let path = url.pathname.replace(/\/+$/, '') || '/';
    const jsonSuffix = path.endsWith('.json');
    if (jsonSuffix) path = path.slice(0, -'.json'.length);
    const segments = path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
    // CakePHP's admin prefix: /admin/users/add is the admin_add action of the users controller.
    const prefixed = segments[0] === 'admin' && segments.length > 1;
    const controller = prefixed ? `admin/${segments[1]}` : (segments[0] ?? '');
    const action = segments[prefixed ? 2 : 1];
    const base = prefixed ? 1 : 0;
    const accept = headerOf(req, 'accept');

    // MISP only treats a request as an API call (and only then reads the key) for exactly
    // `Accept: application/json`, a .json suffix or an always-API action (transcripts 006-009).
    let mode: RenderMode;
    if (accept === 'application/json' || jsonSuffix || ALWAYS_REST.has(`${controller}/${action}`))
      mode = 'json';
    else if (accept?.includes('application/json')) mode = 'html-json';
    else return { redirect: true };

    const respond = (response: SimResponse): Outcome => ({ response, mode });
    const authKey = apiKeysFrom(req)
      .filter((key) => /^[a-zA-Z0-9]{40}$/.test(key))
      .map((key) => this.store.authKeyFor(key))
      .find((candidate) => candidate !== undefined);
    const user = authKey ? this.store.users.get(authKey.userId) : undefined;
    if (!authKey || !user) return respond(mispError(403, AUTH_FAILED, url.pathname));
    const role = this.store.effectiveRole(user, authKey);
    if (!role.perm_auth) return respond(mispError(403, AUTH_FAILED, url.pathname));

    let body: unknown;
    const contentType = headerOf(req, 'content-type') ?? '';
    if (rawBody.trim() !== '' && (contentType.includes('json') || contentType === '')) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return respond(
          mispError(
            405,
            'Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request.',
            url.pathname,
          ),
        );
      }
    }

    const actionRoute = action !== undefined ? ROUTES[`${controller}/${action}`] : undefined;
    const controllerRoute =
      !actionRoute && (action === undefined || /^\d+$|^[0-9a-f-]{36}$/i.test(action))
        ? ROUTES[controller]
        : undefined;
    const route = actionRoute ?? controllerRoute;
    if (!route) return respond(mispError(404, 'Not Found', url.pathname));
    if (route.permission && !role[route.permission])
      return respond(mispError(403, NO_PERMISSION, url.pathname));

    const rest = segments.slice(base + (actionRoute ? 2 : 1));
    const named: Record<string, string> = {};
    const params: string[] = [];
    for (const segment of rest) {
      const colon = segment.indexOf(':');
      if (colon > 0 && !/^[0-9a-f-]{36}$/i.test(segment))
        named[segment.slice(0, colon)] = segment.slice(colon + 1);
      else params.push(segment);
    }
    const simRequest: SimRequest = {
      method: req.method ?? 'GET',
      path,
      params,
      named,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body,
    };
    return respond(route.handler({ req: simRequest, user, role, store: this.store, baseUrl: this.baseUrl }));
  }
}
