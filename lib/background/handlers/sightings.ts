import { browser } from 'wxt/browser';
import type { OutboxRecord, SightlineDatabase } from '../../db';
import type { LookupService } from '../../lookup/service';
import type { ResponseOf } from '../../messages';
import { MispClient, MispError } from '../../misp';
import type { Outbox } from '../../outbox/outbox';
import { loadInstances, loadPreferences, type MispInstance } from '../../settings';
import { refreshCachedMatches } from '../../sightings/cache';
import {
  SIGHTING_KIND,
  SIGHTING_UNDO_KIND,
  type SightingHistoryRow,
  type SightingPayload,
  SightingPayloadSchema,
  SightingResultSchema,
  type SightingType,
  SightingUndoPayloadSchema,
  type SightingView,
  UNDO_WINDOW_MS,
} from '../../sightings/model';
import { SightingPermissions } from '../../sightings/permissions';
import { sendSighting, sendUndo } from '../../sightings/sender';
import { sightingSourceFor } from '../../sightings/source';
import { toErrorInfo } from '../errors';
import { lookupInstances } from '../lookups';
import type { Handlers } from '../router';
import { fromContentScript, NOT_THIS_PAGE, RATE_LIMITED, senderFrame } from '../sender-scope';
import type { BackgroundServices } from '../services';

const permissions = new SightingPermissions(async () => (await loadPreferences()).requestTimeoutMs);

async function clientFor(instanceId: string): Promise<{ instance: MispInstance; client: MispClient }> {
  const instance = (await loadInstances()).find((candidate) => candidate.id === instanceId);
  if (!instance?.apiKey) throw new MispError('config', 'This MISP instance was removed from Sightline.');
  const { requestTimeoutMs } = await loadPreferences();
  return {
    instance,
    client: new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs: requestTimeoutMs }),
  };
}

const undoId = (key: string) => `undo:${key}`;

/**
 * The outbox senders for sightings and their undo (wired in startBackground). After each, the lookup
 * cache entries of the values are replaced with MISP's fresh answer.
 */
export function registerSightingSenders(outbox: Outbox, db: SightlineDatabase): void {
  outbox.register(SIGHTING_KIND, {
    async send(record) {
      const payload = SightingPayloadSchema.parse(record.payload);
      const { client } = await clientFor(record.instanceId);
      const { result, attributes } = await sendSighting(client, payload, record.attempts);
      if (attributes) await refreshCachedMatches(db, record.instanceId, payload.values, attributes);
      return result;
    },
  });
  outbox.register(SIGHTING_UNDO_KIND, {
    async send(record) {
      const payload = SightingUndoPayloadSchema.parse(record.payload);
      const { client } = await clientFor(record.instanceId);
      const outcome = await sendUndo(client, payload);
      const original = await db.get('outbox', payload.of);
      const result = SightingResultSchema.safeParse(original?.result);
      if (original && result.success) {
        await db.put('outbox', { ...original, result: { ...result.data, undone: true } });
      }
      try {
        const { attributes } = await client.lookupValues(payload.values);
        await refreshCachedMatches(db, record.instanceId, payload.values, attributes);
      } catch {
        // The undo is done; the cache refreshes on its own when its entry expires.
      }
      return outcome;
    },
  });
}

function toView(
  record: OutboxRecord,
  undo: OutboxRecord | undefined,
  instances: MispInstance[],
  now: number,
): SightingView | undefined {
  const payload = SightingPayloadSchema.safeParse(record.payload);
  if (!payload.success) return undefined;
  const result = SightingResultSchema.safeParse(record.result);
  const undoPending = undo !== undefined && undo.state !== 'sent' && undo.state !== 'failed';
  const undone = result.success && result.data.undone === true;
  const undoable =
    record.state === 'queued' ||
    record.state === 'failed' ||
    (record.state === 'sent' &&
      result.success &&
      result.data.sightingIds.length > 0 &&
      !undone &&
      !undoPending &&
      now - record.createdAt < UNDO_WINDOW_MS);
  return {
    key: record.id,
    instanceId: record.instanceId,
    instanceName: instances.find((instance) => instance.id === record.instanceId)?.name ?? 'MISP',
    values: payload.data.values,
    type: payload.data.type,
    source: payload.data.source,
    createdAt: record.createdAt,
    state: record.state,
    attempts: record.attempts,
    ...(record.lastError === undefined ? {} : { lastError: record.lastError }),
    ...(result.success ? { result: result.data } : {}),
    undoable,
    undoPending: undoPending || (undo?.state === 'failed' && !undone),
  };
}

async function views(outbox: Outbox, records: OutboxRecord[]): Promise<SightingView[]> {
  const instances = await loadInstances();
  const now = Date.now();
  const out: SightingView[] = [];
  for (const record of records) {
    const view = toView(record, await outbox.get(undoId(record.id)), instances, now);
    if (view) out.push(view);
  }
  return out;
}

/**
 * Which instance(s) each value goes to: the chosen instance when the analyst chose one; else those
 * whose cached answer knows it, else every lookup instance.
 */
export async function planByInstance(
  lookups: Pick<LookupService, 'cached'>,
  instances: ReadonlyArray<Pick<MispInstance, 'id'>>,
  values: string[],
  chosen?: string,
): Promise<Map<string, string[]>> {
  if (chosen !== undefined) {
    return instances.some((instance) => instance.id === chosen) ? new Map([[chosen, values]]) : new Map();
  }
  const cached = await lookups.cached(values);
  const plan = new Map<string, string[]>();
  for (const value of values) {
    const known = new Set((cached.get(value) ?? []).filter((m) => !m.viaCidr).map((m) => m.instanceId));
    const targets = instances.filter((instance) => known.size === 0 || known.has(instance.id));
    for (const instance of targets) plan.set(instance.id, [...(plan.get(instance.id) ?? []), value]);
  }
  return plan;
}

/**
 * Records sightings of `values` seen on `pageUrl` through the outbox, on every lookup instance that may
 * (or only `instanceId`): the popup, the card and the Alerts tab's "Record sighting" all come here.
 */
export async function recordSightings(
  services: BackgroundServices,
  request: {
    values: string[];
    type: SightingType;
    pageUrl: string;
    sourceTab?: number | undefined;
    instanceId?: string | undefined;
  },
): Promise<ResponseOf<'sightings/record'>> {
  const { outbox, lookups } = services;
  const { values, type, pageUrl, sourceTab, instanceId } = request;
  const instances = (await lookupInstances()).filter(
    (instance) => instanceId === undefined || instance.id === instanceId,
  );
  if (instances.length === 0) {
    return {
      ok: false,
      error: {
        kind: 'config',
        message:
          instanceId === undefined
            ? 'Sightline is not connected to a MISP yet.'
            : 'This MISP instance is not used for lookups any more.',
      },
    };
  }
  const allowed: MispInstance[] = [];
  const refusals: string[] = [];
  for (const instance of instances) {
    const permission = await permissions.get(instance);
    if (permission.allowed) allowed.push(instance);
    else refusals.push(permission.reason ?? `No sighting permission on ${instance.name}.`);
  }
  if (allowed.length === 0) {
    return { ok: false, error: { kind: 'permission', message: refusals.join(' ') } };
  }
  const { sightingSource } = await loadPreferences();
  const source = sightingSourceFor(sightingSource, pageUrl);
  const timestamp = Math.floor(Date.now() / 1000);
  const plan = await planByInstance(lookups.service, allowed, values, instanceId);
  const records: OutboxRecord[] = [];
  for (const [instanceId, instanceValues] of plan) {
    const payload: SightingPayload = {
      values: instanceValues,
      type,
      source,
      timestamp,
    };
    records.push(
      await outbox.submit({
        id: crypto.randomUUID(),
        kind: SIGHTING_KIND,
        instanceId,
        payload,
        ...(sourceTab === undefined ? {} : { tabId: sourceTab }),
      }),
    );
  }
  return { ok: true, data: { records: await views(outbox, records) } };
}

/** Recording, listing, undoing sightings; the sighting permission; an attribute's sighting history. */
export function sightingHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'sightings/permission': async () => {
      const instances = await lookupInstances();
      if (instances.length === 0) {
        return { ok: true, data: { allowed: false, reason: 'Sightline is not connected to a MISP yet.' } };
      }
      const all = await Promise.all(instances.map((instance) => permissions.get(instance)));
      const refused = all.filter((permission) => !permission.allowed);
      return {
        ok: true,
        data: {
          allowed: refused.length < all.length,
          ...(refused.length > 0 ? { reason: refused.map((p) => p.reason ?? '').join(' ') } : {}),
          instances: all.map(({ instanceId, allowed }) => ({ instanceId, allowed })),
        },
      };
    },

    'sightings/record': async ({ values: asked, type, tabId, instanceId }, sender) => {
      let values = asked;
      const { lookups } = await services;
      let pageUrl: string;
      let sourceTab: number | undefined;
      if (!fromContentScript(sender)) {
        if (tabId === undefined) {
          return {
            ok: false,
            error: { kind: 'input', message: 'Which page was this seen on? (no tab given)' },
          };
        }
        const tab = await browser.tabs.get(tabId).catch(() => undefined);
        const report = await (await services).tabs.get(tabId);
        pageUrl = tab?.url ?? report?.frames['0']?.url ?? '';
        sourceTab = tabId;
      } else {
        // The card acts only on its own frame's values, at a bounded rate per tab.
        const { tabId: ownTab, frameId } = senderFrame(sender);
        const { scope } = await services;
        if (!(await scope.ownsValues(ownTab, frameId, values))) return { ok: false, error: NOT_THIS_PAGE };
        if (!scope.allow('sightings', ownTab)) return { ok: false, error: RATE_LIMITED };
        // The card's page: the frame the content script runs in, as the browser names it.
        pageUrl = sender.url ?? sender.tab?.url ?? '';
        sourceTab = sender.tab?.id;
        // A URL known through its host: the card's sighting goes to the host MISP holds.
        values = [
          ...new Set((await Promise.all(values.map((value) => lookups.sightingValues(value)))).flat()),
        ];
        // The card acts on values its MISP knows (in the card's instance section, that instance).
        const known = await lookups.service.cached(values);
        const knownHere = (value: string) =>
          (known.get(value) ?? []).some(
            (match) => instanceId === undefined || match.instanceId === instanceId,
          );
        if (!values.every(knownHere)) {
          return { ok: false, error: { kind: 'input', message: 'MISP does not know this value.' } };
        }
      }
      return recordSightings(await services, {
        values,
        type: type as SightingType,
        pageUrl,
        sourceTab,
        instanceId,
      });
    },

    'sightings/list': async () => {
      const { outbox } = await services;
      const records = (await outbox.list()).filter((record) => record.kind === SIGHTING_KIND).slice(0, 50);
      return { ok: true, data: { records: await views(outbox, records) } };
    },

    'sightings/retry': async ({ key }) => {
      const { outbox } = await services;
      const record = await outbox.get(key);
      if (record?.kind !== SIGHTING_KIND) {
        return { ok: false, error: { kind: 'input', message: 'No such sighting.' } };
      }
      const next = (await outbox.retry(key)) ?? record;
      const [view] = await views(outbox, [next]);
      return view
        ? { ok: true, data: view }
        : { ok: false, error: { kind: 'internal', message: 'The sighting record is unreadable.' } };
    },

    'sightings/undo': async ({ key }, sender) => {
      const { outbox } = await services;
      const record = await outbox.get(key);
      // A card undoes only what was recorded from its own tab.
      const foreign = fromContentScript(sender) && record?.tabId !== senderFrame(sender).tabId;
      if (record?.kind !== SIGHTING_KIND || foreign) {
        return { ok: false, error: { kind: 'input', message: 'No such sighting.' } };
      }
      if (record.state === 'queued' || record.state === 'failed') {
        await outbox.discard(key);
        return { ok: true, data: { outcome: 'cancelled', message: 'Cancelled: it was never sent to MISP.' } };
      }
      if (record.state === 'sending') {
        return {
          ok: false,
          error: { kind: 'busy', message: 'The sighting is being sent right now; undo it in a moment.' },
        };
      }
      const payload = SightingPayloadSchema.safeParse(record.payload);
      const result = SightingResultSchema.safeParse(record.result);
      if (!payload.success || !result.success || result.data.sightingIds.length === 0) {
        return {
          ok: false,
          error: { kind: 'internal', message: 'Sightline does not know which sightings to remove.' },
        };
      }
      if (result.data.undone) {
        return { ok: true, data: { outcome: 'undone', message: 'Already undone.' } };
      }
      if (Date.now() - record.createdAt > UNDO_WINDOW_MS) {
        return { ok: false, error: { kind: 'input', message: 'Too late to undo here: remove it in MISP.' } };
      }
      const undo = await outbox.submit({
        id: undoId(key),
        kind: SIGHTING_UNDO_KIND,
        instanceId: record.instanceId,
        payload: { of: key, sightingIds: result.data.sightingIds, values: payload.data.values },
        ...(record.tabId === undefined ? {} : { tabId: record.tabId }),
      });
      if (undo.state === 'sent')
        return { ok: true, data: { outcome: 'undone', message: 'Undone: removed from MISP.' } };
      if (undo.state === 'failed') {
        // Let the analyst try again later.
        await outbox.discard(undo.id);
        return {
          ok: false,
          error: { kind: 'misp', message: `MISP did not remove it: ${undo.lastError ?? ''}` },
        };
      }
      return {
        ok: true,
        data: { outcome: 'queued', message: 'MISP is unreachable: the undo will be sent when it is back.' },
      };
    },

    'sightings/history': async ({ instanceId, attributeId }, sender) => {
      if (fromContentScript(sender)) {
        // Only attributes this tab's cards were shown, at a bounded rate.
        const { scope } = await services;
        const { tabId } = senderFrame(sender);
        if (!scope.wasShown(tabId, instanceId, attributeId)) {
          return { ok: false, error: { kind: 'input', message: 'Open the card for this value first.' } };
        }
        if (!scope.allow('history', tabId)) return { ok: false, error: RATE_LIMITED };
      }
      try {
        const { client } = await clientFor(instanceId);
        const rows = await client.sightingsForAttribute(attributeId, { last: '3650d' });
        const history: SightingHistoryRow[] = rows
          .map((row) => ({
            id: row.id,
            type: (row.type === '1' ? 1 : row.type === '2' ? 2 : 0) as SightingType,
            date: Number(row.date_sighting) || 0,
            orgName: row.Organisation?.name ?? '',
            source: row.source ?? '',
          }))
          .sort((a, b) => b.date - a.date)
          .slice(0, 200);
        return { ok: true, data: { rows: history } };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
  };
}
