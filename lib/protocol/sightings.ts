import { z } from 'zod';
import { MAX_VALUE_LENGTH } from '../indicators/page-indicators';
import {
  MAX_SIGHTING_VALUES,
  SightingHistoryRowSchema,
  SightingPermissionViewSchema,
  SightingTypeSchema,
  SightingViewSchema,
} from '../sightings/model';
import { type MessageSpec, Result } from './result';

/** Sightings from the hover card and the popup, undo, history and permission. */

export const sightingMessages = {
  /**
   * Records a sighting (0), false positive (1) or expiration (2) of values. From the hover card the
   * source page is the sender's frame; from the popup it is `tabId`'s page. Goes through the outbox.
   */
  'sightings/record': {
    from: 'any',
    request: z.object({
      values: z.array(z.string().min(1).max(MAX_VALUE_LENGTH)).min(1).max(MAX_SIGHTING_VALUES),
      type: SightingTypeSchema,
      tabId: z.number().int().nonnegative().optional(),
      /** Only this instance (the card's instance section, the popup's choice); absent: every instance that knows the value. */
      instanceId: z.string().max(200).optional(),
      /** The client key made where the analyst clicked (lib/sightings/intent.ts): a repeat is recognised. */
      key: z.string().uuid().optional(),
    }),
    response: Result(z.object({ records: z.array(SightingViewSchema) })),
  },
  /** Undoes a recorded sighting (MISP /sightings/delete) or cancels one still queued. */
  'sightings/undo': {
    from: 'any',
    request: z.object({ key: z.string().min(1).max(200) }),
    response: Result(z.object({ outcome: z.enum(['undone', 'cancelled', 'queued']), message: z.string() })),
  },
  /** The analyst's recent sightings and the outbox state of queued ones. */
  'sightings/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({ records: z.array(SightingViewSchema) })),
  },
  'sightings/retry': {
    from: 'ui',
    request: z.object({ key: z.string().min(1).max(200) }),
    response: Result(SightingViewSchema),
  },
  /** Whether the connection's key may record sightings (perm_sighting, cached in the background). */
  'sightings/permission': {
    from: 'any',
    request: z.object({}),
    response: Result(SightingPermissionViewSchema),
  },
  /** The sighting history of one attribute, on demand (with org and source). */
  'sightings/history': {
    from: 'any',
    request: z.object({ instanceId: z.string().max(200), attributeId: z.string().max(64) }),
    response: Result(z.object({ rows: z.array(SightingHistoryRowSchema) })),
  },
} as const satisfies Record<string, MessageSpec>;
