import { z } from 'zod';
import type { AlertRecord, SightlineDatabase } from '../db';

/** Alerts kept for the popup's "Alerts" tab: the newest ones, older ones pruned. */
export const MAX_ALERTS = 200;

export const AlertPayloadSchema = z.discriminatedUnion('kind', [
  /** An event a watch rule matched. */
  z.object({
    kind: z.literal('event'),
    ruleId: z.string().default(''),
    ruleName: z.string().default(''),
    title: z.string(),
    message: z.string(),
    url: z.string(),
    tags: z.array(z.string()),
    eventId: z.string(),
    eventUuid: z.string(),
    /** The event time (timestamp or publish_timestamp) this alert is about. */
    eventTime: z.number(),
    info: z.string(),
    org: z.string(),
    threatLevel: z.string(),
    /** "Only events with new attributes": attribute type → how many were added. */
    newAttributes: z.record(z.string(), z.number().int()).optional(),
  }),
  /** Many events at once (a catch-up after a long absence). */
  z.object({
    kind: z.literal('summary'),
    ruleName: z.string().default(''),
    title: z.string(),
    message: z.string(),
    url: z.string(),
    tags: z.array(z.string()),
    count: z.number().int(),
  }),
  /** "Seen before, known now": a value read on a page, unknown to MISP then, that MISP knows now. */
  z.object({
    kind: z.literal('seen'),
    title: z.string(),
    message: z.string(),
    /** The event in MISP. */
    url: z.string(),
    value: z.string(),
    eventId: z.string(),
    eventInfo: z.string(),
    /** Where and when it was read. */
    host: z.string(),
    pageTitle: z.string(),
    pageUrl: z.string(),
    readAt: z.number(),
  }),
]);
export type AlertPayload = z.infer<typeof AlertPayloadSchema>;

export interface AlertDraft {
  /** Deterministic (instance, event uuid, time; or the seen value): the same news never makes two. */
  id: string;
  payload: AlertPayload;
}

export interface StoredAlert {
  id: string;
  instanceId: string;
  createdAt: number;
  read: boolean;
  payload: AlertPayload;
  /** When the browser notification was shown; absent while it is still owed. */
  notifiedAt?: number;
}

function parse(record: AlertRecord): StoredAlert | undefined {
  const payload = AlertPayloadSchema.safeParse(record.payload);
  if (!payload.success) return undefined;
  const { id, instanceId, createdAt, read, notifiedAt } = record;
  return { id, instanceId, createdAt, read, payload: payload.data, ...(notifiedAt ? { notifiedAt } : {}) };
}

export class AlertStore {
  constructor(private readonly db: SightlineDatabase) {}

  /** Stores new alerts; an id already stored (the same news) is skipped. Returns the new ones. */
  async add(instanceId: string, drafts: readonly AlertDraft[], now: number): Promise<StoredAlert[]> {
    const added: StoredAlert[] = [];
    const tx = this.db.transaction('alerts', 'readwrite');
    for (const draft of drafts) {
      if (await tx.store.get(draft.id)) continue;
      const record: StoredAlert = {
        id: draft.id,
        instanceId,
        createdAt: now,
        read: false,
        payload: draft.payload,
      };
      await tx.store.put(record);
      added.push(record);
    }
    await tx.done;
    await this.prune();
    return added;
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    const record = await this.db.get('alerts', id);
    return record ? parse(record) : undefined;
  }

  /** Newest first. */
  async list(limit = MAX_ALERTS): Promise<StoredAlert[]> {
    const out: StoredAlert[] = [];
    let cursor = await this.db.transaction('alerts').store.index('createdAt').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      const alert = parse(cursor.value);
      if (alert) out.push(alert);
      cursor = await cursor.continue();
    }
    return out;
  }

  async unreadCount(): Promise<number> {
    return (await this.db.getAll('alerts')).filter((record) => !record.read).length;
  }

  /** Unread alerts whose notification is still owed (the worker stopped, or the browser refused it). */
  async owedNotifications(newerThan: number): Promise<StoredAlert[]> {
    return (await this.list()).filter(
      (alert) => !alert.read && !alert.notifiedAt && alert.createdAt >= newerThan,
    );
  }

  async markNotified(ids: readonly string[], when: number): Promise<void> {
    const tx = this.db.transaction('alerts', 'readwrite');
    for (const id of ids) {
      const record = await tx.store.get(id);
      if (record && !record.notifiedAt) await tx.store.put({ ...record, notifiedAt: when });
    }
    await tx.done;
  }

  /** Marks the given alerts (all when `ids` is undefined) as read or unread. */
  async markRead(ids?: readonly string[], read = true): Promise<void> {
    const tx = this.db.transaction('alerts', 'readwrite');
    const records = ids
      ? (await Promise.all(ids.map((id) => tx.store.get(id)))).filter((r) => r !== undefined)
      : await tx.store.getAll();
    for (const record of records) if (record.read !== read) await tx.store.put({ ...record, read });
    await tx.done;
  }

  async removeInstance(instanceId: string): Promise<void> {
    const tx = this.db.transaction('alerts', 'readwrite');
    for (const record of await tx.store.getAll()) {
      if (record.instanceId === instanceId) await tx.store.delete(record.id);
    }
    await tx.done;
  }

  private async prune(): Promise<void> {
    const keys = await this.db.getAllKeysFromIndex('alerts', 'createdAt');
    const excess = keys.length - MAX_ALERTS;
    if (excess <= 0) return;
    const tx = this.db.transaction('alerts', 'readwrite');
    for (const key of keys.slice(0, excess)) await tx.store.delete(key);
    await tx.done;
  }
}
