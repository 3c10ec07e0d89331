import type { Match } from '../lookup/matches';

/** A match as the background sends it, for the card's unit tests. */
export function testMatch(instanceId: string, attributeId: string, value: string): Match {
  return {
    instanceId,
    attribute: {
      id: attributeId,
      uuid: `uuid-${attributeId}`,
      type: 'domain',
      category: 'Network activity',
      value,
      toIds: true,
      comment: '',
      timestamp: 1_700_000_000,
      tags: [],
    },
    event: {
      id: `event-${attributeId}`,
      uuid: `event-uuid-${attributeId}`,
      info: `Campaign ${attributeId}`,
      orgName: 'CIRCL',
      date: '2026-11-30',
      threatLevel: 2,
      analysis: 1,
      published: true,
      tags: [],
    },
    sightings: { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null },
  };
}
