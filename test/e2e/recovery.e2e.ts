import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { configureInstance, currentWorker, type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';
import { reportPage } from './report-pages';

/**
 * The service worker is stopped the way Chrome stops an idle (or misbehaving) worker while an event
 * submission is on its way to MISP; the next worker finishes it from the IndexedDB outbox.
 *
 * To have the request in flight on demand with the stand-in and with a real MISP alike, the extension
 * talks to MISP through a small gate on 127.0.0.1 that forwards everything, except that it can hold
 * one request until the test lets it through (MISP then files it, but nobody is left to read the
 * answer) or drops it (it never reaches MISP).
 */

interface GateLogEntry {
  method: string;
  path: string;
  /** The event uuid of an /events/add body. */
  uuid: string | undefined;
  /** When the gate received it (epoch ms). */
  receivedAt: number;
  /** MISP's status, or 0 when the gate dropped the request. */
  upstreamStatus: number;
  /** Whether the extension was still there to read the answer. */
  answered: boolean;
}

interface HeldRequest {
  path: string;
  uuid: string | undefined;
  /** Sends it on to MISP (whose answer then goes nowhere) and resolves with MISP's status. */
  forward(): Promise<number>;
  /** Closes the connection without MISP ever seeing it. */
  drop(): void;
}

interface MispGate {
  url: string;
  log: GateLogEntry[];
  /** Holds the next request whose path starts with `pathPrefix`; resolves when it arrives. */
  holdNext(pathPrefix: string): Promise<HeldRequest>;
  close(): Promise<void>;
}

function eventUuidOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const event = 'Event' in parsed ? parsed.Event : parsed;
    if (typeof event === 'object' && event !== null && 'uuid' in event && typeof event.uuid === 'string')
      return event.uuid;
  } catch {
    // Not JSON: no uuid.
  }
  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function startMispGate(upstream: string): Promise<MispGate> {
  const log: GateLogEntry[] = [];
  let hold: { pathPrefix: string; arrived: (held: HeldRequest) => void } | undefined;

  async function forward(
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    entry: GateLogEntry,
  ): Promise<number> {
    const headers: Record<string, string> = {};
    for (const name of ['accept', 'content-type', 'authorization']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = request.method ?? 'GET';
    const answer = await fetch(`${upstream.replace(/\/+$/, '')}${request.url ?? '/'}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' || body === '' ? {} : { body }),
      redirect: 'manual',
    });
    const text = await answer.text();
    entry.upstreamStatus = answer.status;
    entry.answered = !response.destroyed && response.writable;
    if (entry.answered) {
      const location = answer.headers.get('location');
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        ...(location ? { location } : {}),
      });
      response.end(text);
    }
    return answer.status;
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = request.url ?? '/';
      const entry: GateLogEntry = {
        method: request.method ?? 'GET',
        path,
        uuid: path.startsWith('/events/add') ? eventUuidOf(body) : undefined,
        receivedAt: Date.now(),
        upstreamStatus: 0,
        answered: false,
      };
      log.push(entry);
      if (hold && path.startsWith(hold.pathPrefix)) {
        const { arrived } = hold;
        hold = undefined;
        arrived({
          path,
          uuid: entry.uuid,
          forward: () => forward(request, response, body, entry),
          drop: () => request.socket.destroy(),
        });
        return;
      }
      await forward(request, response, body, entry);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    holdNext: (pathPrefix) =>
      new Promise((arrived) => {
        hold = { pathPrefix, arrived };
      }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * Watches and stops the extension's service worker through the DevTools `ServiceWorker` domain (what
 * chrome://serviceworker-internals does), from a page of the same profile.
 */
interface WorkerControl {
  status(): RunningStatus | undefined;
  /** Every running-status change of the extension's worker, in order. */
  history: RunningStatus[];
  stop(): Promise<void>;
  waitFor(status: RunningStatus): Promise<void>;
  detach(): Promise<void>;
}

async function controlServiceWorker(
  context: BrowserContext,
  page: Page,
  extensionId: string,
): Promise<WorkerControl> {
  const session: CDPSession = await context.newCDPSession(page);
  const scriptPrefix = `chrome-extension://${extensionId}/`;
  let versionId: string | undefined;
  let current: RunningStatus | undefined;
  const history: RunningStatus[] = [];
  const waiters: Array<{ status: RunningStatus; resolve: () => void }> = [];
  session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) {
      if (!version.scriptURL.startsWith(scriptPrefix)) continue;
      versionId = version.versionId;
      if (version.runningStatus !== current) {
        current = version.runningStatus;
        history.push(current);
      }
      for (const waiter of waiters.filter((w) => w.status === current)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  await session.send('ServiceWorker.enable');
  const waitFor = (status: RunningStatus) =>
    current === status
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiters.push({ status, resolve });
        });
  await waitFor('running');
  return {
    status: () => current,
    history,
    async stop() {
      if (!versionId) throw new Error('The extension has no service worker version');
      const stopped = waitFor('stopped');
      await session.send('ServiceWorker.stopWorker', { versionId });
      await stopped;
    },
    waitFor,
    detach: () => session.detach(),
  };
}

describe('the service worker stopped mid-submission', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  let gate: MispGate;
  let pageCounter = 0;

  useE2eEnvironment({ connect: false }, async (env) => {
    ({ browser, misp, pages } = env);
    gate = await startMispGate(misp.url);
    await configureInstance(browser.context, { url: gate.url, apiKey: misp.apiKey, name: 'MISP' });
  });
  afterAll(async () => {
    await gate?.close();
  });

  async function eventsNamed(info: string) {
    return (await misp.client.searchEvents({ info, limit: 50 })).filter((event) => event.info === info);
  }

  /** A report with two indicators of its own, open in a tab, and the popup for that tab once it lists them. */
  async function reportWithPopup(): Promise<{ report: Page; tabId: number; ip: string; domain: string }> {
    pageCounter++;
    const ip = `45.${pageCounter}.113.${60 + pageCounter}`;
    const domain = `${misp.runId}-${pageCounter}-recovery.com`;
    const path = `/recovery-${pageCounter}.html`;
    pages.setPage(
      path,
      reportPage(
        'Recovery report',
        `<p>The loader beacons to ${ip.replace(/\.(\d+)$/, '[.]$1')} and pulls its second stage from ${domain.replace('.com', '[.]com')}.</p>`,
      ),
    );
    const report = await browser.context.newPage();
    await report.goto(`${pages.url}${path}`);
    return {
      report,
      tabId: await tabIdOf(await currentWorker(browser.context), `${pages.url}${path}`),
      ip,
      domain,
    };
  }

  async function openPopup(tabId: number, value: string): Promise<Page> {
    const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    const list = popup.getByRole('list', { name: 'Indicators on this page' });
    for (let attempt = 0; attempt < 20; attempt++) {
      await list.waitFor();
      if ((await list.getByRole('checkbox', { name: value, exact: true }).count()) > 0) return popup;
      await popup.waitForTimeout(500);
      await popup.reload();
    }
    throw new Error('The popup never listed the page indicators');
  }

  const CASES = [
    {
      name: 'MISP filed the event but its answer died with the worker',
      lost: 'forward' as const,
      // The resend is answered "already exists" (the client uuid): recognised, not filed twice.
      resendStatus: 404,
    },
    {
      name: 'the request died with the worker before MISP saw it',
      lost: 'drop' as const,
      resendStatus: 200,
    },
  ];

  for (const { name, lost, resendStatus } of CASES) {
    it(`${name}: the next worker finishes the outbox at start-up, one event, shown sent`, async () => {
      const { report, tabId, ip, domain } = await reportWithPopup();
      const popup = await openPopup(tabId, ip);
      const list = popup.getByRole('list', { name: 'Indicators on this page' });
      await list.getByRole('checkbox', { name: ip, exact: true }).check();
      await list.getByRole('checkbox', { name: domain, exact: true }).check();
      const info = `${misp.namePrefix} worker stopped (${lost})`;
      await popup.getByRole('textbox', { name: 'Event info' }).fill(info);

      const control = await controlServiceWorker(browser.context, report, browser.extensionId);
      // A mark only this worker instance carries: a new worker starts without it.
      await (await currentWorker(browser.context)).evaluate(() => {
        (globalThis as { sightlineTestMark?: string }).sightlineTestMark = 'first worker';
      });

      const held = gate.holdNext('/events/add');
      await popup.getByRole('button', { name: 'Create event' }).click();
      const request = await held;
      expect(request.uuid).toMatch(/^[0-9a-f-]{36}$/);
      // The analyst closes the popup (the worker keeps going), so that nothing but the test's next
      // step wakes a stopped worker.
      await popup.close();

      // The request is in flight: stop the worker.
      const stoppedAt = Date.now();
      await control.stop();
      expect(control.status()).toBe('stopped');

      if (lost === 'forward') expect(await request.forward()).toBe(200);
      else request.drop();
      // MISP is done with (or never got) the first attempt while no worker runs.
      expect(control.status()).toBe('stopped');
      const firstTry = gate.log.find((entry) => entry.uuid === request.uuid);
      expect(firstTry?.answered).toBe(false);
      if (lost === 'forward') expect(await eventsNamed(info)).toHaveLength(1);
      else expect(await eventsNamed(info)).toHaveLength(0);

      // Any event starts a worker again: here, the analyst opening the popup.
      const reopened = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
      await control.waitFor('running');
      const submissions = reopened.getByRole('list', { name: 'Submissions' });
      await expect
        .poll(() => submissions.getByRole('listitem', { name: info }).textContent(), { timeout: 20_000 })
        .toContain('sent');

      // A new worker did it: the first one's mark is gone, and it sent the same uuid again.
      expect(control.history.slice(-2)).toEqual(['starting', 'running']);
      const mark = await (await currentWorker(browser.context)).evaluate(
        () => (globalThis as { sightlineTestMark?: string }).sightlineTestMark ?? 'none',
      );
      expect(mark).toBe('none');
      const attempts = gate.log.filter((entry) => entry.uuid === request.uuid);
      expect(attempts).toHaveLength(2);
      expect(attempts[1]!.receivedAt).toBeGreaterThanOrEqual(stoppedAt);
      expect(attempts[1]!.upstreamStatus).toBe(resendStatus);
      expect(attempts[1]!.answered).toBe(true);

      // MISP holds exactly one event, with what the analyst selected.
      const filed = await eventsNamed(info);
      expect(filed).toHaveLength(1);
      misp.trackEvent(filed[0]!.id);
      expect(filed[0]!.uuid).toBe(request.uuid);
      const event = await misp.client.getEvent(filed[0]!.id);
      // A domain and an IP from one paragraph may be filed as a domain-ip object: read both places.
      const filedValues = [...event.Attribute, ...event.Object.flatMap((object) => object.Attribute)].map(
        (attribute) => attribute.value,
      );
      expect(filedValues).toEqual(expect.arrayContaining([ip, domain]));
      if (misp.sim) {
        const adds = misp.sim.requests.filter(
          (entry) =>
            entry.path.startsWith('/events/add') && JSON.stringify(entry.body).includes(request.uuid!),
        );
        expect(adds.map((entry) => entry.status)).toEqual(lost === 'forward' ? [200, 404] : [200]);
      }
      await control.detach();
      await reopened.close();
      await report.close();
    });
  }

  it('a bulk sighting whose answer died with the worker: the next worker finds it landed and does not send it twice', async () => {
    const value = `${misp.runId}-sighted-recovery.com`;
    const created = await misp.client.createEvent({
      info: `${misp.namePrefix} sighting target`,
      distribution: 0,
      threatLevel: 3,
      analysis: 0,
      attributes: [{ type: 'domain', value }],
    });
    misp.trackEvent(created.id);
    const attributeId = (await misp.client.getEvent(created.id)).Attribute.find(
      (attribute) => attribute.value === value,
    )?.id;
    expect(attributeId).toBeDefined();
    const path = '/recovery-sighting.html';
    pages.setPage(path, reportPage('Sighting report', `<p>Again: ${value.replace('.com', '[.]com')}.</p>`));
    const report = await browser.context.newPage();
    await report.goto(`${pages.url}${path}`);
    const tabId = await tabIdOf(await currentWorker(browser.context), `${pages.url}${path}`);
    let popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    const known = popup.getByRole('checkbox', { name: value, exact: true });
    // The page's lookup may still be on its way.
    for (let attempt = 0; attempt < 20 && (await known.count()) === 0; attempt++) {
      await popup.waitForTimeout(500);
      await popup.reload();
      await popup.getByRole('tab', { name: 'Sightings' }).click();
    }
    await known.check();

    const control = await controlServiceWorker(browser.context, report, browser.extensionId);
    const held = gate.holdNext('/sightings/add');
    await popup.getByRole('button', { name: 'Record sighting' }).click();
    const request = await held;
    await popup.close();
    const stoppedAt = Date.now();
    await control.stop();
    expect(await request.forward()).toBe(200);
    expect(control.status()).toBe('stopped');
    expect(await misp.client.sightingsForAttribute(attributeId!)).toHaveLength(1);

    popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await control.waitFor('running');
    await popup.getByRole('tab', { name: 'Sightings' }).click();
    const item = popup
      .getByRole('list', { name: 'Your recent sightings' })
      .getByRole('listitem', { name: `sighting of ${value}` });
    await expect
      .poll(
        async () => {
          if ((await item.count()) === 0) {
            await popup.reload();
            await popup.getByRole('tab', { name: 'Sightings' }).click();
          }
          return item.textContent();
        },
        { timeout: 20_000 },
      )
      .toContain('Sent');
    // The new worker asked MISP whether the first attempt had landed instead of sighting again.
    expect(control.history.slice(-2)).toEqual(['starting', 'running']);
    const adds = gate.log.filter((entry) => entry.path.startsWith('/sightings/add'));
    expect(adds).toHaveLength(1);
    expect(
      gate.log.some(
        (entry) => entry.path.startsWith('/attributes/restSearch') && entry.receivedAt >= stoppedAt,
      ),
    ).toBe(true);
    expect(await misp.client.sightingsForAttribute(attributeId!)).toHaveLength(1);
    await control.detach();
    await popup.close();
    await report.close();
  });
});
