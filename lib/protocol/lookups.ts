import { z } from 'zod';
import { type MessageSpec, Result } from './result';

/** What the lookups use: the warninglists (the options page lists them). */

export const WarninglistInfoSchema = z.object({
  /** The bundled MISP warninglists, used when an instance cannot be asked and when nothing is looked up. */
  bundled: z.array(z.string()),
  /** The bundled lists that give notes, never "likely benign" (dynamic DNS, URL shorteners, user content). */
  platforms: z.array(z.string()),
  /** Per lookup instance: its enabled warninglists, or why they could not be read. */
  instances: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      lists: z.array(z.object({ name: z.string(), entries: z.number().int().nonnegative() })).optional(),
      problem: z.string().optional(),
    }),
  ),
});
export type WarninglistInfo = z.infer<typeof WarninglistInfoSchema>;

export const lookupMessages = {
  /** The options page asks which warninglists Sightline uses. */
  'lookups/warninglists': {
    from: 'ui',
    request: z.object({}),
    response: Result(WarninglistInfoSchema),
  },
} as const satisfies Record<string, MessageSpec>;
