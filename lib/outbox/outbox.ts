import type { OutboxRecord, SightlineDatabase } from '../db';
import { isMispError, type MispErrorKind } from '../misp';

/**
 * Every write to MISP (event, attributes, sighting) goes through this durable queue in IndexedDB:
 * the record is stored before the first attempt and kept until MISP confirms it. Each record's id is
 * the client-made key of the write (an event's uuid, a sighting's key), so enqueueing twice stores
 * one record, and each kind's sender must make a retry safe (MISP answers a known event uuid with
 * "already exists"; a sighting is checked for before it is sent again).
 *
 * Network trouble (unreachable, timeout, 5xx, 429) → the record stays queued and is retried with
 * backoff (an alarm wakes the service worker); anything else (validation, permission, key) → failed,
 * shown to the analyst with MISP's reason, and kept until they retry or discard it.
 */

export interface OutboxSender {
  /** Performs the write; returns what the UI shows on success. Throws MispError on failure. */
  send(record: OutboxRecord): Promise<unknown>;
}

export const RETRYABLE_KINDS: ReadonlySet<MispErrorKind> = new Set([
  'unreachable',
  'timeout',
  'server-error',
  'rate-limited',
]);

/** Backoff after the n-th failed attempt: 30 s, 1, 2, 5, 10, then every 30 minutes. */
export function backoffMs(attempts: number): number {
  const steps = [30_000, 60_000, 120_000, 300_000, 600_000];
  return steps[Math.min(attempts - 1, steps.length - 1)] ?? 1_800_000;
}

export function isRetryable(error: unknown): boolean {
  return isMispError(error) && RETRYABLE_KINDS.has(error.kind);
}

/** A queued write not sent within this long is given up on ("Expired"), for the analyst to retry or discard. */
export const QUEUED_EXPIRY_MS = 7 * 24 * 60 * 60_000;
/** Sent records are shown for this long (history, undo), then pruned. */
export const SENT_KEEP_MS = 30 * 24 * 60 * 60_000;
/** And at most this many sent records are kept, the newest. */
export const SENT_KEEP_MAX = 500;

export const EXPIRED_MESSAGE =
  'Expired: MISP could not be reached for 7 days, so this was not sent. Retry it or discard it.';

export interface OutboxOptions {
  now?: () => number;
  /**
   * Asks to be woken at `when` for record `id` (the background wires this to one `browser.alarms`
   * alarm per record, so a later record never pushes back an earlier one's wake-up).
   */
  scheduleWake?: (when: number, id: string) => void;
  onChange?: (record: OutboxRecord) => void;
}

/** A write as its caller hands it over: the client key (`id`), what it is and where it goes. */
export type OutboxEntry = Pick<OutboxRecord, 'id' | 'kind' | 'instanceId' | 'payload' | 'tabId'>;

export class Outbox {
  private readonly senders = new Map<string, OutboxSender>();
  private readonly now: () => number;
  private readonly inProgress = new Map<string, Promise<OutboxRecord>>();

  constructor(
    private readonly db: SightlineDatabase,
    private readonly options: OutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  register(kind: string, sender: OutboxSender): void {
    this.senders.set(kind, sender);
  }

  /** Stores a write (once per id) without sending it. */
  async enqueue(entry: OutboxEntry): Promise<OutboxRecord> {
    const existing = await this.db.get('outbox', entry.id);
    if (existing) return existing;
    const record: OutboxRecord = {
      ...entry,
      createdAt: this.now(),
      state: 'queued',
      attempts: 0,
      nextAttemptAt: this.now(),
    };
    await this.db.put('outbox', record);
    this.options.onChange?.(record);
    return record;
  }

  /** Stores (if new) and sends at once; a concurrent call for the same id joins the running attempt. */
  async submit(entry: OutboxEntry): Promise<OutboxRecord> {
    await this.enqueue(entry);
    return this.attempt(entry.id);
  }

  /** One attempt for a record, unless it is already sent or being sent. */
  attempt(id: string): Promise<OutboxRecord> {
    const running = this.inProgress.get(id);
    if (running) return running;
    const attempt = this.runAttempt(id).finally(() => this.inProgress.delete(id));
    this.inProgress.set(id, attempt);
    return attempt;
  }

  /** Sends every queued record that is due (alarm, start-up, "Retry now"); expires and prunes first. */
  async processDue(options: { force?: boolean } = {}): Promise<OutboxRecord[]> {
    await this.expireQueued();
    await this.pruneSent();
    const all = await this.db.getAll('outbox');
    const due = all.filter(
      (record) =>
        // A record left "sending" by a service worker that died mid-request is retried (safely: see above).
        (record.state === 'queued' || (record.state === 'sending' && !this.inProgress.has(record.id))) &&
        (options.force || record.nextAttemptAt <= this.now()),
    );
    const results: OutboxRecord[] = [];
    for (const record of due) results.push(await this.attempt(record.id));
    this.scheduleNext(await this.db.getAll('outbox'));
    return results;
  }

  async list(): Promise<OutboxRecord[]> {
    return (await this.db.getAll('outbox')).sort((a, b) => b.createdAt - a.createdAt);
  }

  async get(id: string): Promise<OutboxRecord | undefined> {
    return this.db.get('outbox', id);
  }

  /** The analyst retries a failed record now. */
  async retry(id: string): Promise<OutboxRecord | undefined> {
    const record = await this.db.get('outbox', id);
    if (!record || record.state === 'sent') return record;
    await this.db.put('outbox', { ...record, state: 'queued', nextAttemptAt: this.now() });
    return this.attempt(id);
  }

  async discard(id: string): Promise<void> {
    await this.db.delete('outbox', id);
  }

  /** Forgets sent records older than `maxAgeMs`, and all but the newest `maxCount` of them. */
  async pruneSent(maxAgeMs = SENT_KEEP_MS, maxCount = SENT_KEEP_MAX): Promise<number> {
    const sent = (await this.db.getAll('outbox'))
      .filter((record) => record.state === 'sent')
      .sort((a, b) => b.createdAt - a.createdAt);
    const gone = sent.filter(
      (record, index) => index >= maxCount || this.now() - record.createdAt > maxAgeMs,
    );
    for (const record of gone) await this.db.delete('outbox', record.id);
    return gone.length;
  }

  /** Queued records older than QUEUED_EXPIRY_MS become failed with EXPIRED_MESSAGE (never sent late). */
  async expireQueued(): Promise<number> {
    let expired = 0;
    for (const record of await this.db.getAll('outbox')) {
      if (record.state !== 'queued' || this.now() - record.createdAt <= QUEUED_EXPIRY_MS) continue;
      if (this.inProgress.has(record.id)) continue;
      const next: OutboxRecord = { ...record, state: 'failed', lastError: EXPIRED_MESSAGE };
      await this.db.put('outbox', next);
      this.options.onChange?.(next);
      expired++;
    }
    return expired;
  }

  private async runAttempt(id: string): Promise<OutboxRecord> {
    const record = await this.db.get('outbox', id);
    if (!record) throw new Error(`No outbox record ${id}`);
    if (record.state === 'sent') return record;
    const sender = this.senders.get(record.kind);
    if (!sender) throw new Error(`No sender for outbox records of kind ${record.kind}`);
    const sending: OutboxRecord = { ...record, state: 'sending', attempts: record.attempts + 1 };
    await this.db.put('outbox', sending);
    this.options.onChange?.(sending);
    let next: OutboxRecord;
    try {
      const result = await sender.send(sending);
      next = {
        ...sending,
        state: 'sent',
        result,
        lastError: undefined,
        lastErrorKind: undefined,
        lastErrorDetails: undefined,
      };
    } catch (error) {
      const failure = {
        lastError: error instanceof Error ? error.message : String(error),
        lastErrorKind: isMispError(error) ? error.kind : 'internal',
        lastErrorDetails: isMispError(error) ? [...error.fieldErrors] : [],
      };
      next = isRetryable(error)
        ? {
            ...sending,
            ...failure,
            state: 'queued',
            nextAttemptAt: this.now() + backoffMs(sending.attempts),
          }
        : { ...sending, ...failure, state: 'failed' };
    }
    await this.db.put('outbox', next);
    this.options.onChange?.(next);
    if (next.state === 'queued') this.options.scheduleWake?.(next.nextAttemptAt, next.id);
    return next;
  }

  /** Each queued record gets its own wake-up. */
  private scheduleNext(records: OutboxRecord[]): void {
    for (const record of records) {
      if (record.state === 'queued') this.options.scheduleWake?.(record.nextAttemptAt, record.id);
    }
  }
}
