import { z } from 'zod';
import { MAX_VALUE_LENGTH } from '../indicators/page-indicators';
import { type MessageSpec, Result } from './result';

/** The page layer's card: loaded on first use, and its actions that are not sightings. */
export const cardMessages = {
  /** Injects the card bundle into the sender's own tab and frame (nothing is web-accessible). */
  'card/load': {
    from: 'content',
    request: z.object({}),
    response: Result(z.object({})),
  },
  /** "Add to event draft" on the card: the value joins the tab's draft, selected. */
  'card/add-to-draft': {
    from: 'content',
    request: z.object({ value: z.string().min(1).max(MAX_VALUE_LENGTH) }),
    response: Result(z.object({ added: z.number().int().nonnegative() })),
  },
} as const satisfies Record<string, MessageSpec>;
