import { describe, expect, it } from 'vitest';
import { allowedFor, CARD_ACTIONS, type CardActionDeps, withOptimisticCount } from './actions';
import { testMatch } from './test-matches';

const action = (id: string) => CARD_ACTIONS.find((entry) => entry.id === id)!;

function deps(answers: Record<string, unknown>): CardActionDeps & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    ask: (async (type: string) => {
      sent.push(type);
      return answers[type] ?? { ok: false, error: { kind: 'x', message: 'Background trouble.' } };
    }) as CardActionDeps['ask'],
    copy: async () => {},
  };
}

describe('card actions', () => {
  it('each action has one entry, and only the sighting ones need the permission, matches and arming', () => {
    expect(CARD_ACTIONS.map((entry) => entry.id)).toEqual([
      'record-sighting',
      'mark-false-positive',
      'mark-expired',
      'add-to-draft',
      'copy-defanged',
    ]);
    for (const entry of CARD_ACTIONS) {
      const sighting = entry.permission === 'sighting';
      expect(entry.guarded, entry.id).toBe(sighting);
      expect(entry.needsMatches, entry.id).toBe(sighting);
      expect(Boolean(entry.undo), entry.id).toBe(sighting);
    }
  });

  it('the optimistic count moves the clicked type on the instance clicked, never a CIDR range', () => {
    const a = testMatch('a', '1', 'x.com');
    const b = testMatch('b', '2', 'x.com');
    const range = { ...testMatch('a', '3', '10.0.0.0/8'), viaCidr: '10.0.0.0/8' };
    const after = withOptimisticCount([a, b, range], 1, 1_800_000_000, 'a');
    expect(after[0]!.sightings).toEqual({
      sighting: 0,
      falsePositive: 1,
      expiration: 0,
      lastSeen: 1_800_000_000,
    });
    expect(after[1]!.sightings).toEqual(b.sightings);
    expect(after[2]!.sightings).toEqual(range.sightings);
  });

  it('"Mark expired" sends one sightings/record of type 2 and offers undo of what was recorded', async () => {
    const d = deps({
      'sightings/record': {
        ok: true,
        data: { records: [{ key: 'k1', state: 'sent', result: { sightingIds: ['4', '5'] } }] },
      },
    });
    const outcome = await action('mark-expired').run({ value: 'x.com', matches: [], instanceId: 'a' }, d);
    expect(d.sent).toEqual(['sightings/record']);
    expect(outcome).toEqual({
      message: { kind: 'ok', text: 'Recorded expiration in MISP (2 attributes).' },
      undoKeys: ['k1'],
      reload: true,
    });
  });

  it('a failed or refused sighting says why and reloads the real counts', async () => {
    const refused = await action('record-sighting').run(
      { value: 'x.com', matches: [] },
      deps({
        'sightings/record': { ok: false, error: { kind: 'permission', message: 'No sighting permission.' } },
      }),
    );
    expect(refused).toEqual({ message: { kind: 'error', text: 'No sighting permission.' }, reload: true });
    const failed = await action('record-sighting').run(
      { value: 'x.com', matches: [] },
      deps({
        'sightings/record': {
          ok: true,
          data: { records: [{ key: 'k', state: 'failed', lastError: '403' }] },
        },
      }),
    );
    expect(failed.message).toEqual({ kind: 'error', text: '403' });
  });

  it('"Copy defanged" copies the value as reports write it', async () => {
    const copied: string[] = [];
    const outcome = await action('copy-defanged').run(
      { value: 'http://evil.example/x', kind: 'url', matches: [] },
      { ...deps({}), copy: async (text) => void copied.push(text) },
    );
    expect(copied).toEqual(['hxxp://evil[.]example/x']);
    expect(outcome.reload).toBe(false);
  });

  it("the key's role hides an action per instance; unknown permissions hide nothing", () => {
    const record = action('record-sighting');
    const copy = action('copy-defanged');
    expect(allowedFor(record, { a: true, b: false }, 'b')).toBe(false);
    expect(allowedFor(record, { a: true, b: false }, 'a')).toBe(true);
    expect(allowedFor(record, { a: false }, undefined)).toBe(false);
    expect(allowedFor(record, undefined, 'a')).toBe(true);
    expect(allowedFor(copy, { a: false }, 'a')).toBe(true);
  });
});
