import { z } from 'zod';

/** What Sightline knows of one value: the status shown in the page, the popup and the card. */
export const VALUE_STATUSES = ['known', 'new', 'benign', 'pending', 'error', 'skipped'] as const;
export const ValueStatusSchema = z.object({
  status: z.enum(VALUE_STATUSES),
  /** For known values: the most severe threat level among matching events (1 high … 4 undefined). */
  threatLevel: z.number().int().min(1).max(4).optional(),
  /** Number of distinct MISP events the value appears in. */
  eventCount: z.number().int().nonnegative().optional(),
  /** For benign values: the warninglist that names them. */
  benignList: z.string().optional(),
  /** For errors: why the lookup failed. */
  error: z.string().optional(),
  /** For known values: the events per MISP instance that knows it (several instances). */
  instances: z
    .array(z.object({ instanceId: z.string(), eventCount: z.number().int().nonnegative() }))
    .optional(),
});
export type ValueStatus = z.infer<typeof ValueStatusSchema>;
