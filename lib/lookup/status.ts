import { z } from 'zod';
import { INDICATOR_KINDS } from '../indicators/model';

/**
 * What Sightline knows of one value: the status shown in the page, the popup and the card. Most of a
 * page's values are plain `{status: 'new'}` (the content script gets those as a list of names); the
 * optional fields are there only when they say something.
 */
export const VALUE_STATUSES = ['known', 'new', 'benign', 'pending', 'error', 'skipped'] as const;
export type ValueStatusName = (typeof VALUE_STATUSES)[number];

export const DERIVED_PARTS = ['host', 'host-port', 'domain'] as const;

/** A derived value of a URL or e-mail address (its host, its domain) and what MISP said about it. */
export const PartStatusSchema = z.object({
  part: z.enum(DERIVED_PARTS),
  kind: z.enum(INDICATOR_KINDS),
  value: z.string().max(2048),
  status: z.enum(VALUE_STATUSES),
  eventCount: z.number().int().nonnegative().optional(),
  threatLevel: z.number().int().min(1).max(4).optional(),
  benignList: z.string().max(500).optional(),
});
export type PartStatus = z.infer<typeof PartStatusSchema>;

export const ValueStatusSchema = z.object({
  status: z.enum(VALUE_STATUSES),
  /** For known values: the most severe threat level among matching events (1 high … 4 undefined). */
  threatLevel: z.number().int().min(1).max(4).optional(),
  /** Number of distinct MISP events the value appears in. */
  eventCount: z.number().int().nonnegative().optional(),
  /** For benign values: the warninglist that names them (the server's name when MISP was asked). */
  benignList: z.string().max(500).optional(),
  /** For errors and skipped values: why. */
  error: z.string().max(1000).optional(),
  /** For known values: the events per MISP instance that knows it (several instances). */
  instances: z
    .array(z.object({ instanceId: z.string(), eventCount: z.number().int().nonnegative() }))
    .optional(),
  /** Known, and MISP holds more attributes for it than were read ("In MISP (2,000+ attributes)"). */
  capped: z.number().int().positive().optional(),
  /** Known through these derived values only (the URL's host is in MISP, the URL is not). */
  via: z
    .array(z.object({ part: z.enum(DERIVED_PARTS), value: z.string().max(2048) }))
    .max(4)
    .optional(),
  /** Short notes: "dynamic DNS", "user content on github.com", "on List of known google domains". */
  notes: z.array(z.string().max(300)).max(8).optional(),
  /** The background asks MISP again later (the lookup failed, or the queue was full). */
  retry: z.boolean().optional(),
  /** For URLs and e-mail addresses: the derived values and their status (the popup lists them). */
  parts: z.array(PartStatusSchema).max(4).optional(),
});
export type ValueStatus = z.infer<typeof ValueStatusSchema>;

/** A status as the page's content script needs it: without the popup's rows of derived values. */
export function forContentScript(status: ValueStatus): ValueStatus {
  if (status.parts === undefined) return status;
  const { parts: _parts, ...rest } = status;
  return rest;
}

/** A plain "new" (sent to the content script as a bare name). */
export function isPlainNew(status: ValueStatus): boolean {
  return status.status === 'new' && Object.keys(status).length === 1;
}
