import { browser } from 'wxt/browser';
import type { OutboxRecord } from '../../db';
import {
  type AttributeInput,
  type AttributesAdded,
  AttributesAddedSchema,
  type AttributesSubmission,
  AttributesSubmissionSchema,
  type EventFiled,
  EventFiledSchema,
  EventSubmissionSchema,
  type ObjectInput,
  type ReportInput,
  type SubmissionView,
} from '../../events/model';
import { MispClient, MispError } from '../../misp';
import type { AttributeDraft, ObjectDraft, ObjectTemplateRef } from '../../misp/client';
import { itemUuid } from '../../outbox/client-uuid';
import { isRetryable, type Outbox } from '../../outbox/outbox';
import { reportFileAttribute, withReportFile } from '../../pdf/attachment';
import { loadInstances, loadPreferences, type MispInstance } from '../../settings';
import { capabilities } from '../capabilities';
import { toErrorInfo } from '../errors';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';

/**
 * One-click events (issue 5): new events and attributes for existing events go through the outbox
 * (kinds `event` and `attributes`); the record id is the client key (the event's uuid), so a double
 * click, a retry or a service worker restarted mid-request never files twice.
 */

/** The instances events can be filed to (with a key), the default for new events first. */
export async function eventInstances(): Promise<MispInstance[]> {
  const usable = (await loadInstances()).filter((instance) => instance.apiKey && instance.url);
  return [...usable.filter((i) => i.defaultForEvents), ...usable.filter((i) => !i.defaultForEvents)];
}

/**
 * The instance an event goes to: `id` when given (undefined if it is no longer configured), else the
 * default for events (with a key), else the first with a key.
 */
export async function eventInstance(id?: string): Promise<MispInstance | undefined> {
  const usable = await eventInstances();
  if (id) return usable.find((instance) => instance.id === id);
  return usable[0];
}

/** The form's choice if it is still configured, else the default (for the form's setup, tags, search). */
export async function chosenOrDefault(id: string | undefined): Promise<MispInstance | undefined> {
  return (id ? await eventInstance(id) : undefined) ?? (await eventInstance());
}

export async function clientFor(instance: MispInstance): Promise<MispClient> {
  const { requestTimeoutMs } = await loadPreferences();
  return new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs: requestTimeoutMs });
}

async function requireInstance(id: string): Promise<MispInstance> {
  const instance = await eventInstance(id);
  if (!instance)
    throw new MispError('config', 'The MISP instance of this submission is no longer configured.');
  return instance;
}

function toDraft(attribute: AttributeInput): AttributeDraft {
  return {
    type: attribute.type,
    value: attribute.value,
    category: attribute.category,
    to_ids: attribute.toIds,
    ...(attribute.comment ? { comment: attribute.comment } : {}),
    ...(attribute.uuid ? { uuid: attribute.uuid } : {}),
  };
}

const TEMPLATE_TTL_MS = 24 * 60 * 60_000;
const templateCache = new Map<string, { at: number; byName: Map<string, ObjectTemplateRef> }>();

/** The instance's object templates by name (MISP takes them by uuid and version, never by name). */
async function templatesOf(
  instance: MispInstance,
  client: MispClient,
): Promise<Map<string, ObjectTemplateRef>> {
  const cached = templateCache.get(instance.id);
  if (cached && Date.now() - cached.at < TEMPLATE_TTL_MS) return cached.byName;
  const byName = new Map((await client.objectTemplates()).map((template) => [template.name, template]));
  templateCache.set(instance.id, { at: Date.now(), byName });
  return byName;
}

/**
 * The submission's objects on the instance's templates; an object whose template the instance does
 * not have is filed as plain attributes (its file name too), so nothing selected is lost.
 */
function objectDrafts(
  objects: readonly ObjectInput[],
  templates: ReadonlyMap<string, ObjectTemplateRef>,
): { objects: ObjectDraft[]; loose: AttributeInput[] } {
  const drafts: ObjectDraft[] = [];
  const loose: AttributeInput[] = [];
  for (const object of objects) {
    const template = templates.get(object.template);
    if (!template) {
      loose.push(...object.attributes.map(({ relation: _relation, ...attribute }) => attribute));
      continue;
    }
    drafts.push({
      ...(object.uuid ? { uuid: object.uuid } : {}),
      name: template.name,
      metaCategory: template.metaCategory,
      templateUuid: template.uuid,
      templateVersion: template.version,
      attributes: object.attributes.map((attribute) => ({
        ...toDraft(attribute),
        relation: attribute.relation,
        category: attribute.category,
      })),
    });
  }
  return { objects: drafts, loose };
}

/** The event report after the event; MISP's refusal is reported with the filed event, a network failure retried. */
async function attachReport(
  client: MispClient,
  eventId: string,
  report: ReportInput,
): Promise<EventFiled['report']> {
  try {
    await client.addEventReport(eventId, report);
    return { attached: true };
  } catch (error) {
    if (isRetryable(error)) throw error;
    return { attached: false, problem: toErrorInfo(error).message };
  }
}

/** After a filing: the values' cached statuses are stale, and the tab's highlights should update. */
async function afterFiling(services: BackgroundServices, values: string[], tabId: number | undefined) {
  await services.lookups.service.invalidate(values);
  if (tabId !== undefined && tabId >= 0) {
    await browser.tabs
      .sendMessage(tabId, { channel: 'sightline', command: 'refresh' })
      .catch(() => undefined);
  }
}

/**
 * An existing event's extras: objects, galaxy clusters and the report. What an earlier attempt of
 * this submission already added (the event is read first) is not added again: objects and the report
 * by their client uuids, clusters by their tags.
 */
async function addExtras(
  client: MispClient,
  instance: MispInstance,
  submission: AttributesSubmission,
): Promise<Pick<AttributesAdded, 'objects' | 'clusters' | 'report'>> {
  const { objects = [], clusters = [], report } = submission;
  if (objects.length === 0 && clusters.length === 0 && !report) return {};
  const event = await client.getEvent(submission.eventId);
  const haveObjects = new Set(event.Object.map((object) => object.uuid));
  const haveTags = new Set(event.Tag.map((tag) => tag.name));
  const grouped = objects.length > 0 ? objectDrafts(objects, await templatesOf(instance, client)) : undefined;
  if (grouped && grouped.loose.length > 0)
    await client.addAttributes(submission.eventId, grouped.loose.map(toDraft));
  let added = 0;
  for (const object of grouped?.objects ?? []) {
    if (!object.uuid || !haveObjects.has(object.uuid)) await client.addObject(submission.eventId, object);
    added++;
  }
  for (const cluster of clusters)
    if (!haveTags.has(cluster.tag)) await client.attachCluster(submission.eventId, cluster.id);
  const reported =
    report && (event.EventReport ?? []).some((row) => row.uuid === report.uuid)
      ? { attached: true }
      : report
        ? await attachReport(client, submission.eventId, report)
        : undefined;
  return {
    ...(added > 0 ? { objects: added } : {}),
    ...(clusters.length > 0 ? { clusters: clusters.map((cluster) => cluster.value) } : {}),
    ...(reported ? { report: reported } : {}),
  };
}

/** The outbox senders for `event` and `attributes`. */
export function registerEventSenders(outbox: Outbox, services: BackgroundServices): void {
  outbox.register('event', {
    async send(record) {
      const submission = EventSubmissionSchema.parse(record.payload);
      const instance = await requireInstance(record.instanceId);
      const client = await clientFor(instance);
      const grouped = submission.objects?.length
        ? objectDrafts(submission.objects, await templatesOf(instance, client))
        : { objects: [], loose: [] };
      const { report } = submission;
      const created = await client.createEvent({
        uuid: submission.key,
        info: submission.info,
        date: submission.date,
        distribution: submission.distribution,
        ...(submission.sharingGroupId ? { sharingGroupId: submission.sharingGroupId } : {}),
        threatLevel: submission.threatLevel,
        analysis: submission.analysis,
        // Adding a report unpublishes the event (obs 125): with a report, publish after it.
        published: submission.published && !report,
        tags: submission.tags,
        attributes: [
          ...[...submission.attributes, ...grouped.loose].map(toDraft),
          ...(submission.attachment ? [reportFileAttribute(submission.attachment)] : []),
        ],
        objects: grouped.objects,
      });
      const reportResult = report ? await attachReport(client, created.id, report) : undefined;
      if (report && submission.published) await client.publishEvent(created.id);
      const clusters = (created.event?.Galaxy ?? []).flatMap((galaxy) =>
        galaxy.GalaxyCluster.map((cluster) => `${galaxy.name}: ${cluster.value}`),
      );
      const result: EventFiled = {
        eventId: created.id,
        uuid: created.uuid,
        url: client.eventUrl(created.id),
        stored: created.attributes.length,
        alreadyExisted: created.alreadyExisted,
        dropped: created.dropped.map((draft) => ({
          type: draft.type,
          value: draft.value,
          reason:
            draft.type === 'attachment'
              ? 'MISP did not keep the report file (its attachment was refused).'
              : `MISP did not keep it: not a valid ${draft.type} value for MISP.`,
        })),
        ...(reportResult ? { report: reportResult } : {}),
        ...(created.event ? { objects: created.event.Object.length } : {}),
        ...(clusters.length > 0 ? { clusters } : {}),
      };
      await afterFiling(services, filedValues(submission), submission.tabId);
      return result;
    },
  });
  outbox.register('attributes', {
    async send(record) {
      const submission = AttributesSubmissionSchema.parse(record.payload);
      const instance = await requireInstance(record.instanceId);
      const client = await clientFor(instance);
      // Each attribute carries a client uuid: the one the popup gave it (the event report refers to it),
      // else one made from the submission's key. Either way a retry sends the same ones.
      const outcomes = await client.addAttributes(
        submission.eventId,
        submission.attributes.map((attribute, index) => ({
          ...toDraft(attribute),
          uuid: attribute.uuid ?? itemUuid(submission.key, index),
        })),
      );
      const extras = await addExtras(client, instance, submission);
      const result: AttributesAdded = {
        eventId: submission.eventId,
        url: client.eventUrl(submission.eventId),
        added: outcomes.filter((o) => o.outcome === 'added').map((o) => o.draft.value),
        duplicates: outcomes.filter((o) => o.outcome === 'duplicate').map((o) => o.draft.value),
        invalid: outcomes.flatMap((o) =>
          o.outcome === 'invalid' ? [{ value: o.draft.value, reason: o.message }] : [],
        ),
        ...extras,
      };
      await afterFiling(services, filedValues(submission), submission.tabId);
      return result;
    },
  });
}

/** Every value a submission files, plain or in an object: their cached statuses go stale. */
function filedValues(submission: {
  attributes: AttributeInput[];
  objects?: ObjectInput[] | undefined;
}): string[] {
  return [...submission.attributes, ...(submission.objects ?? []).flatMap((object) => object.attributes)].map(
    (attribute) => attribute.value,
  );
}

export function submissionView(record: OutboxRecord): SubmissionView | undefined {
  if (record.kind === 'event') {
    const payload = EventSubmissionSchema.safeParse(record.payload);
    if (!payload.success) return undefined;
    const result = EventFiledSchema.safeParse(record.result);
    return {
      ...common(record),
      kind: 'event',
      title: payload.data.info,
      ...(result.success ? { event: result.data } : {}),
    };
  }
  if (record.kind === 'attributes') {
    const payload = AttributesSubmissionSchema.safeParse(record.payload);
    if (!payload.success) return undefined;
    const result = AttributesAddedSchema.safeParse(record.result);
    return {
      ...common(record),
      kind: 'attributes',
      title: `${payload.data.attributes.length} attribute(s) to event ${payload.data.eventId}: ${payload.data.eventInfo}`,
      ...(result.success ? { attributes: result.data } : {}),
    };
  }
  return undefined;
}

function common(record: OutboxRecord) {
  return {
    id: record.id,
    ...(record.tabId === undefined ? {} : { tabId: record.tabId }),
    state: record.state,
    attempts: record.attempts,
    createdAt: record.createdAt,
    nextAttemptAt: record.nextAttemptAt,
    ...(record.lastError === undefined ? {} : { lastError: record.lastError }),
  };
}

export function eventHandlers(services: Promise<BackgroundServices>): Handlers {
  /** Submits through the outbox; a validation failure goes back to the form (and leaves no record). */
  async function submit(
    kind: 'event' | 'attributes',
    key: string,
    tabId: number,
    payload: unknown,
    instanceId: string | undefined,
  ) {
    const instance = await eventInstance(instanceId);
    if (!instance) {
      return {
        ok: false as const,
        error: {
          kind: 'config',
          message: instanceId
            ? 'The chosen MISP instance is no longer configured (or has no API key): choose another.'
            : 'Sightline is not connected to a MISP yet.',
        },
      };
    }
    const { outbox } = await services;
    const existing = await outbox.get(key);
    let record: OutboxRecord;
    if (existing?.state === 'sent') {
      // Already filed (double click, popup reopened before it saw the answer): report it, send nothing.
      record = existing;
    } else if (existing && existing.state !== 'failed') {
      // Queued or being sent: join the attempt under way, or make one now.
      record = await outbox.attempt(key);
    } else {
      // New, or failed earlier and corrected in the form: the form's current content is what counts.
      if (existing) await outbox.discard(key);
      record = await outbox.submit({ id: key, kind, instanceId: instance.id, payload, tabId });
    }
    const view = submissionView(record);
    if (!view) throw new Error('The submission could not be read back.');
    if (record.state === 'failed') {
      await outbox.discard(key);
      return {
        ok: false as const,
        error: {
          kind: record.lastErrorKind ?? 'validation',
          message: record.lastError ?? 'MISP refused the submission.',
          ...(record.lastErrorDetails?.length ? { details: record.lastErrorDetails } : {}),
        },
      };
    }
    return { ok: true as const, data: view };
  }

  return {
    'events/setup': async ({ instanceId }) => {
      const instance = await chosenOrDefault(instanceId);
      const instances = (await eventInstances()).map(({ id, name, url }) => ({ id, name, url }));
      if (!instance) {
        return { ok: true, data: { instance: null, instances, canPublish: false, canCreateTags: false } };
      }
      const ref = { id: instance.id, name: instance.name, url: instance.url };
      try {
        // The one capabilities cache (keyed by instance and key): a new key never shows stale buttons.
        const { permissions, userEmail, roleName } = await capabilities().get(instance);
        return {
          ok: true,
          data: {
            instance: ref,
            instances,
            canPublish: permissions.publish,
            canCreateTags: permissions.tagEditor,
            canAdd: permissions.add,
            ...(permissions.add
              ? {}
              : {
                  addRefusal: `Your MISP key (${userEmail}, role ${roleName}) may not create events or add attributes on ${instance.name}.`,
                }),
          },
        };
      } catch (error) {
        return {
          ok: true,
          data: {
            instance: ref,
            instances,
            canPublish: false,
            canCreateTags: false,
            problem: `${instance.name}: ${toErrorInfo(error).message}`,
          },
        };
      }
    },
    'events/recent': async ({ info, instanceId }) => {
      const instance = await chosenOrDefault(instanceId);
      if (!instance) return { ok: true, data: [] };
      const events = await (await clientFor(instance)).searchEvents({ info, limit: 20 });
      return {
        ok: true,
        data: events.map((event) => ({
          id: event.id,
          info: event.info,
          date: event.date,
          org: event.Orgc?.name ?? '',
        })),
      };
    },
    'events/create': async (request) => {
      // "Attach report file": the tab's PDF joins the submission here, so the outbox keeps it.
      // (The tab is asked only then: a submission may come from no tab, id -1.)
      const tabUrl =
        request.attachReportFile && request.tabId >= 0
          ? await Promise.resolve()
              .then(() => browser.tabs.get(request.tabId))
              .then((tab) => tab.url)
              .catch(() => undefined)
          : undefined;
      const submission = await withReportFile((await services).db, request, tabUrl);
      if (!submission.ok) return submission;
      return submit('event', request.key, request.tabId, submission.data, request.instanceId);
    },
    'events/add-attributes': async (submission) =>
      submit('attributes', submission.key, submission.tabId, submission, submission.instanceId),
    'events/submissions': async () => {
      const { outbox } = await services;
      const records = await outbox.list();
      return { ok: true, data: records.flatMap((record) => submissionView(record) ?? []) };
    },
    'events/retry': async ({ id }) => {
      const { outbox } = await services;
      const record = await outbox.retry(id);
      return { ok: true, data: record ? (submissionView(record) ?? null) : null };
    },
    'events/discard': async ({ id }) => {
      const { outbox } = await services;
      const record = await outbox.get(id);
      if (record && (record.kind === 'event' || record.kind === 'attributes')) await outbox.discard(id);
      return { ok: true, data: {} };
    },
  };
}
