import { z } from 'zod';
import { type MessageSpec, Result } from './result';

/** The seen-indicator history ("seen before, known now") in the options page. */

export const SeenStatsSchema = z.object({
  /** Values remembered now. */
  count: z.number().int(),
  /** Client time (ms) of the oldest reading kept. */
  oldestAt: z.number().optional(),
  /** Client time (ms) of the last check with MISP. */
  lastCheckAt: z.number().optional(),
  /** Set while checks fail or back off ("MISP unreachable: next check in 2 hours"). */
  problem: z.string().optional(),
});
export type SeenStats = z.infer<typeof SeenStatsSchema>;

export const seenMessages = {
  'seen/stats': {
    from: 'ui',
    request: z.object({}),
    response: Result(SeenStatsSchema),
  },
  /** "Forget seen indicators": deletes the whole history. */
  'seen/forget': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({})),
  },
} as const satisfies Record<string, MessageSpec>;
