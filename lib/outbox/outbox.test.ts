import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { MispError } from '../misp';
import { backoffMs, Outbox } from './outbox';

let counter = 0;
async function setup() {
  const clock = { now: 1_000_000 };
  const wakes: number[] = [];
  const db = await openDatabase(`outbox-test-${counter++}`);
  const outbox = new Outbox(db, { now: () => clock.now, scheduleWake: (when) => wakes.push(when) });
  return { outbox, clock, wakes, db };
}

const entry = (id: string) => ({ id, kind: 'event', instanceId: 'misp-a', payload: { info: id } });

describe('Outbox', () => {
  it('sends once and keeps the result', async () => {
    const { outbox } = await setup();
    const sent: unknown[] = [];
    outbox.register('event', {
      send: async (record) => {
        sent.push(record.payload);
        return { eventId: '42' };
      },
    });
    const record = await outbox.submit(entry('uuid-1'));
    expect(record).toMatchObject({ state: 'sent', attempts: 1, result: { eventId: '42' } });
    // Submitting the same client key again sends nothing more.
    expect(await outbox.submit(entry('uuid-1'))).toMatchObject({ state: 'sent', attempts: 1 });
    expect(sent).toHaveLength(1);
  });

  it('a double submit at the same moment makes one attempt', async () => {
    const { outbox } = await setup();
    let calls = 0;
    outbox.register('event', {
      send: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 'ok';
      },
    });
    const [a, b] = await Promise.all([outbox.submit(entry('uuid-2')), outbox.submit(entry('uuid-2'))]);
    expect(a.state).toBe('sent');
    expect(b.state).toBe('sent');
    expect(calls).toBe(1);
  });

  it('keeps a write queued while MISP is unreachable, with backoff, then sends it', async () => {
    const { outbox, clock, wakes } = await setup();
    let up = false;
    outbox.register('event', {
      send: async () => {
        if (!up) throw new MispError('unreachable', 'MISP is unreachable at https://misp.example');
        return 'ok';
      },
    });
    const first = await outbox.submit(entry('uuid-3'));
    expect(first).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'MISP is unreachable at https://misp.example',
    });
    expect(wakes).toEqual([clock.now + backoffMs(1)]);
    expect(await outbox.processDue()).toEqual([]); // not due yet
    clock.now += backoffMs(1);
    up = true;
    const [second] = await outbox.processDue();
    expect(second).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('fails a write MISP refuses, keeps it, and lets the analyst retry it', async () => {
    const { outbox } = await setup();
    let refuse = true;
    outbox.register('event', {
      send: async () => {
        if (refuse)
          throw new MispError('validation', 'MISP rejected the data: Event.info: must not be empty', {
            fieldErrors: ['Event.info: must not be empty'],
          });
        return 'ok';
      },
    });
    // The field errors are kept with the record, so the form can show each next to its field.
    expect(await outbox.submit(entry('uuid-4'))).toMatchObject({
      state: 'failed',
      lastError: 'MISP rejected the data: Event.info: must not be empty',
      lastErrorKind: 'validation',
      lastErrorDetails: ['Event.info: must not be empty'],
    });
    expect(await outbox.processDue({ force: true })).toEqual([]); // failed records are not retried by themselves
    refuse = false;
    expect(await outbox.retry('uuid-4')).toMatchObject({ state: 'sent' });
  });

  it('retries a record left "sending" by a service worker that died', async () => {
    const { outbox, db } = await setup();
    await db.put('outbox', {
      ...entry('uuid-5'),
      createdAt: 1,
      state: 'sending',
      attempts: 1,
      nextAttemptAt: 1,
    });
    outbox.register('event', { send: async () => 'ok' });
    const [record] = await outbox.processDue();
    expect(record).toMatchObject({ state: 'sent', attempts: 2 });
  });
});
