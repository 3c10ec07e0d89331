import { z } from 'zod';
import { TagSuggestionSchema } from '../misp/tag-colour';
import { type MessageSpec, Result } from './result';

/** MISP tag names for the tag comboboxes (the popup's "Tags", the options' "Watched tags"). */

export const tagMessages = {
  /**
   * Tags whose name contains `search` (MISP's /tags/index, exact spelling, hidden tags left out) on
   * `instanceId` (absent, or no longer configured: the default instance for events). Colours are
   * checked in the background: only `#rgb`/`#rrggbb` colours reach a page's styles.
   */
  'tags/search': {
    from: 'ui',
    request: z.object({ search: z.string().max(255), instanceId: z.string().max(200).optional() }),
    response: Result(z.array(TagSuggestionSchema)),
  },
} as const satisfies Record<string, MessageSpec>;
