import { z } from 'zod';

/**
 * Sightings as Sightline records, queues and shows them. A sighting travels through the outbox as one
 * record per MISP instance; MISP gives sightings no client uuid, so the record's key is ours and the
 * pair (source, timestamp) we send is what lets a retry recognise an earlier attempt that landed.
 */

export const SIGHTING_TYPES = [0, 1, 2] as const;
export const SightingTypeSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type SightingType = z.infer<typeof SightingTypeSchema>;

/** What the analyst sees for each type (and MISP's own word for it). */
export const SIGHTING_TYPE_LABELS: Record<SightingType, string> = {
  0: 'sighting',
  1: 'false positive',
  2: 'expiration',
};

export const SIGHTING_KIND = 'sighting';
export const SIGHTING_UNDO_KIND = 'sighting-undo';

/** Most values per bulk request (MISP puts them in one SQL IN list). */
export const MAX_SIGHTING_VALUES = 500;

/** The outbox payload of a sighting. */
export const SightingPayloadSchema = z.object({
  values: z.array(z.string().min(1)).min(1).max(MAX_SIGHTING_VALUES),
  type: SightingTypeSchema,
  source: z.string().max(4096),
  /** Unix seconds, chosen when the analyst acted and sent to MISP as the sighting's time. */
  timestamp: z.number().int().positive(),
});
export type SightingPayload = z.infer<typeof SightingPayloadSchema>;

export const ValueResultSchema = z.object({
  value: z.string(),
  /** true: MISP holds a sighting for it; false: it did not take; null: not confirmed (MISP unreachable). */
  ok: z.boolean().nullable(),
  /** Sightings created for this value (one per matching attribute). */
  count: z.number().int().nonnegative(),
});
export type ValueResult = z.infer<typeof ValueResultSchema>;

/** The outbox result of a sent sighting. */
export const SightingResultSchema = z.object({
  /** Every sighting id MISP created for this record (for Undo). */
  sightingIds: z.array(z.string()),
  perValue: z.array(ValueResultSchema),
  /** The first attempt had landed although its answer was lost: nothing was sent again. */
  alreadyLanded: z.boolean(),
  /** Set once the analyst undid it. */
  undone: z.boolean().optional(),
});
export type SightingResult = z.infer<typeof SightingResultSchema>;

export const SightingUndoPayloadSchema = z.object({
  /** The outbox id of the sighting being undone. */
  of: z.string(),
  sightingIds: z.array(z.string()).min(1),
  values: z.array(z.string()),
});
export type SightingUndoPayload = z.infer<typeof SightingUndoPayloadSchema>;

/** How long after recording the background still accepts an Undo. */
export const UNDO_WINDOW_MS = 15 * 60_000;
/** How long the hover card keeps its Undo button. */
export const CARD_UNDO_MS = 10_000;

/** A sighting record as extension UI sees it (popup list, card confirmation). */
export const SightingViewSchema = z.object({
  key: z.string(),
  instanceId: z.string(),
  instanceName: z.string(),
  values: z.array(z.string()),
  type: SightingTypeSchema,
  source: z.string(),
  createdAt: z.number(),
  state: z.enum(['queued', 'sending', 'sent', 'failed']),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  result: SightingResultSchema.optional(),
  /** Undo is still possible (sent with known ids and recent, or still queued). */
  undoable: z.boolean(),
  /** The Undo itself is waiting in the outbox (MISP unreachable). */
  undoPending: z.boolean(),
});
export type SightingView = z.infer<typeof SightingViewSchema>;

export const SightingHistoryRowSchema = z.object({
  id: z.string(),
  type: SightingTypeSchema,
  /** Unix seconds. */
  date: z.number(),
  orgName: z.string(),
  source: z.string(),
});
export type SightingHistoryRow = z.infer<typeof SightingHistoryRowSchema>;

export const SightingPermissionViewSchema = z.object({
  allowed: z.boolean(),
  reason: z.string().optional(),
  /** Per instance, so the card hides the buttons of the instances whose key may not record sightings. */
  instances: z.array(z.object({ instanceId: z.string(), allowed: z.boolean() })).optional(),
});
