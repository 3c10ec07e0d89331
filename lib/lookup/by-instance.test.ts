import { describe, expect, it } from 'vitest';
import { groupByInstance, knownStatusText } from './by-instance';
import type { Match } from './matches';
import { eventsByInstance, indicatorStatus, planLookups } from './page-status';
import { type LookupOutcome, mergeOutcomes } from './service';
import type { ValueStatus } from './status';

const NO_LISTS = {
  bundled: () => ({ benign: null, notes: [] }),
  server: () => ({ benign: null, notes: [] }),
};

/** The status of an IP whose lookup came back with `outcome`. */
function outcomeStatus(outcome: LookupOutcome): ValueStatus {
  const indicator = { type: 'ipv4' as const, value: '203.0.113.9' };
  const plan = planLookups([indicator], NO_LISTS, { lookupBenign: true });
  return indicatorStatus(indicator, plan, new Map([[indicator.value, outcome]]), NO_LISTS);
}

function match(instanceId: string, eventId: string, threatLevel = 3): Match {
  return {
    instanceId,
    attribute: {
      id: `${instanceId}-${eventId}`,
      uuid: 'u',
      type: 'ip-dst',
      category: 'Network activity',
      value: '203.0.113.9',
      toIds: true,
      comment: '',
      timestamp: 1,
      tags: [],
    },
    event: {
      id: eventId,
      uuid: 'e',
      info: `event ${eventId}`,
      orgName: 'ORG',
      date: '2026-01-01',
      threatLevel,
      analysis: 0,
      published: false,
      tags: [],
    },
    sightings: { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
  };
}

const A = { id: 'a', name: 'CIRCL' };
const B = { id: 'b', name: 'Team' };

describe('per-instance lookup status', () => {
  it('counts distinct events per instance, and the total across instances', () => {
    // Event id 7 exists in both instances: they are different events.
    const matches = [match('a', '7'), match('a', '7'), match('a', '8', 1), match('b', '7')];
    expect(eventsByInstance(matches)).toEqual([
      { instanceId: 'a', eventCount: 2 },
      { instanceId: 'b', eventCount: 1 },
    ]);
    expect(outcomeStatus({ state: 'done', matches, fetchedAt: 1 })).toEqual({
      status: 'known',
      threatLevel: 1,
      eventCount: 3,
      instances: [
        { instanceId: 'a', eventCount: 2 },
        { instanceId: 'b', eventCount: 1 },
      ],
    });
    expect(outcomeStatus({ state: 'done', matches: [], fetchedAt: 1 })).toEqual({ status: 'new' });
  });

  it('names the instances in the status text only when there are several', () => {
    const status: ValueStatus = {
      status: 'known',
      eventCount: 3,
      instances: [
        { instanceId: 'a', eventCount: 2 },
        { instanceId: 'b', eventCount: 1 },
      ],
    };
    expect(knownStatusText(status, [A, B])).toBe('In MISP: CIRCL (2 events), Team (1 event)');
    expect(knownStatusText(status, [A])).toBe('In MISP (3 events)');
    expect(knownStatusText({ status: 'known', eventCount: 1 }, [A, B])).toBe('In MISP (1 event)');
  });

  it('groups the known values by instance, keeps each instance problem', () => {
    const items = [
      {
        value: 'both.example',
        status: outcomeStatus({ state: 'done', matches: [match('a', '1'), match('b', '5')], fetchedAt: 1 }),
      },
      {
        value: 'only-a.example',
        status: outcomeStatus({ state: 'done', matches: [match('a', '2')], fetchedAt: 1 }),
      },
      { value: 'new.example', status: { status: 'new' } as ValueStatus },
      { value: 'failed.example', status: { status: 'error', error: 'MISP unreachable' } as ValueStatus },
    ];
    const groups = groupByInstance(items, [A, { ...B, problem: 'API key rejected by MISP.' }]);
    expect(groups).toEqual([
      {
        id: 'a',
        name: 'CIRCL',
        known: [
          { value: 'both.example', eventCount: 1 },
          { value: 'only-a.example', eventCount: 1 },
        ],
      },
      {
        id: 'b',
        name: 'Team',
        problem: 'API key rejected by MISP.',
        known: [{ value: 'both.example', eventCount: 1 }],
      },
    ]);
  });
});

describe('merging outcomes from several instances', () => {
  const done = (matches: Match[]): LookupOutcome => ({ state: 'done', matches, fetchedAt: 10 });
  const failed: LookupOutcome = { state: 'error', message: 'MISP unreachable' };

  it('a value one instance knows is known although another failed', () => {
    const merged = mergeOutcomes([done([match('a', '1')]), failed]);
    expect(merged.state).toBe('done');
    expect(merged.state === 'done' && merged.matches.map((m) => m.instanceId)).toEqual(['a']);
  });

  it('a value nobody knows is not "new" while an instance that might know it failed', () => {
    expect(mergeOutcomes([done([]), failed])).toEqual(failed);
    expect(mergeOutcomes([done([]), done([])])).toEqual({ state: 'done', matches: [], fetchedAt: 10 });
  });

  it('concatenates the matches of every instance that answered', () => {
    const merged = mergeOutcomes([done([match('a', '1')]), done([match('b', '2'), match('b', '3')])]);
    expect(merged.state === 'done' && merged.matches).toHaveLength(3);
  });
});
