import { z } from 'zod';
import { AttributesSubmissionSchema, EventSubmissionSchema, SubmissionViewSchema } from '../events/model';
import { type MessageSpec, Result } from './result';

const ClusterMatchSchema = z.object({
  value: z.string(),
  galaxy: z.string(),
  tag: z.string(),
  matched: z.string().optional(),
});

import { PublicInstanceRefSchema } from './settings';

/** One-click events from the popup: setup, tags, existing events, submissions through the outbox. */

export const eventMessages = {
  /** Event filing (issue 5): the default instance for events and what its key may do. */
  'events/setup': {
    from: 'ui',
    /** `instanceId`: the instance chosen in the form (absent: the default for new events). */
    request: z.object({ instanceId: z.string().max(200).optional() }),
    response: Result(
      z.object({
        instance: PublicInstanceRefSchema.nullable(),
        /** Every instance events can be filed to (with a key); the default first. */
        instances: z.array(PublicInstanceRefSchema).optional(),
        canPublish: z.boolean(),
        canCreateTags: z.boolean(),
        problem: z.string().optional(),
      }),
    ),
  },
  /** Recent events (optionally by info) for "Add to existing event". */
  'events/recent': {
    from: 'ui',
    request: z.object({ info: z.string().max(255), instanceId: z.string().max(200).optional() }),
    response: Result(
      z.array(z.object({ id: z.string(), info: z.string(), date: z.string(), org: z.string() })),
    ),
  },
  /** Files a new event through the outbox (the key is the event's uuid: repeats are one event). */
  'events/create': {
    from: 'ui',
    request: EventSubmissionSchema,
    response: Result(SubmissionViewSchema),
  },
  /** Adds attributes to an existing event through the outbox. */
  'events/add-attributes': {
    from: 'ui',
    request: AttributesSubmissionSchema,
    response: Result(SubmissionViewSchema),
  },
  /** Event and attribute submissions in the outbox, newest first. */
  'events/submissions': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(SubmissionViewSchema)),
  },
  'events/retry': {
    from: 'ui',
    request: z.object({ id: z.string().max(100) }),
    response: Result(SubmissionViewSchema.nullable()),
  },
  /**
   * Galaxy clusters of the form's instance: those matching `search` (name, synonym, external id), and
   * those the page text `mentionsIn` names ("Mentioned on this page").
   */
  'events/clusters': {
    from: 'ui',
    request: z.object({
      instanceId: z.string().max(200).optional(),
      search: z.string().max(255),
      mentionsIn: z.string().max(300_000).optional(),
    }),
    response: Result(
      z.object({ matches: z.array(ClusterMatchSchema), mentioned: z.array(ClusterMatchSchema) }),
    ),
  },
  /** The sharing groups the form's instance offers (for Distribution "Sharing group"). */
  'events/sharing-groups': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200).optional() }),
    response: Result(z.array(z.object({ id: z.string(), name: z.string(), releasability: z.string() }))),
  },
  'events/discard': {
    from: 'ui',
    request: z.object({ id: z.string().max(100) }),
    response: Result(z.object({})),
  },
} as const satisfies Record<string, MessageSpec>;
