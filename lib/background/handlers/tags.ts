import { safeTagColour } from '../../misp/tag-colour';
import type { Handlers } from '../router';
import { chosenOrDefault, clientFor } from './events';

/** Suggestions kept per answer (a combobox shows a dozen; the rest only narrows as the analyst types). */
const MAX_SUGGESTIONS = 200;

/** The one tag search behind both tag comboboxes (popup "Tags", options "Watched tags"). */
export function tagHandlers(): Handlers {
  return {
    'tags/search': async ({ search, instanceId }) => {
      const instance = await chosenOrDefault(instanceId);
      if (!instance) return { ok: true, data: [] };
      const tags = await (await clientFor(instance)).listTags(search);
      return {
        ok: true,
        data: tags
          .filter((tag) => !tag.hide_tag && tag.name.trim() !== '' && tag.name.length <= 255)
          .slice(0, MAX_SUGGESTIONS)
          .map((tag) => ({ name: tag.name, colour: safeTagColour(tag.colour) })),
      };
    },
  };
}
