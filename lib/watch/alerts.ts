import type { AlertRecord, SightlineDatabase } from '../db';
import { type AlertDraft, type AlertPayload, AlertPayloadSchema } from './poller';

/** Alerts kept for the popup's "Alerts" tab: the newest ones, older ones pruned. */
export const MAX_ALERTS = 200;

export interface StoredAlert {
  id: string;
  instanceId: string;
  createdAt: number;
  read: boolean;
  payload: AlertPayload;
}

function parse(record: AlertRecord): StoredAlert | undefined {
  const payload = AlertPayloadSchema.safeParse(record.payload);
  return payload.success ? { ...record, payload: payload.data } : undefined;
}

export class AlertStore {
  constructor(private readonly db: SightlineDatabase) {}

  /** Stores new alerts; an id already stored (the same event change) is skipped. Returns the new ones. */
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

  /** Marks the given alerts (all when `ids` is undefined) as read. */
  async markRead(ids?: readonly string[]): Promise<void> {
    const tx = this.db.transaction('alerts', 'readwrite');
    const records = ids
      ? (await Promise.all(ids.map((id) => tx.store.get(id)))).filter((r) => r !== undefined)
      : await tx.store.getAll();
    for (const record of records) if (!record.read) await tx.store.put({ ...record, read: true });
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
