import { MispClient } from '../../misp';
import { safeTagColour } from '../../misp/tag-colour';
import { loadPreferences } from '../../settings';
import type { Handlers } from '../router';
import { eventInstance } from './events';

/** Suggestions kept per answer (a combobox shows a dozen; the rest only narrows as the analyst types). */
const MAX_SUGGESTIONS = 200;

/** The one tag search behind both tag comboboxes (popup "Tags", options "Watched tags"). */
export function tagHandlers(): Handlers {
  return {
    'tags/search': async ({ search, instanceId }) => {
      const instance = (instanceId ? await eventInstance(instanceId) : undefined) ?? (await eventInstance());
      if (!instance) return { ok: true, data: [] };
      const { requestTimeoutMs } = await loadPreferences();
      const client = new MispClient({
        url: instance.url,
        apiKey: instance.apiKey,
        timeoutMs: requestTimeoutMs,
      });
      const tags = await client.listTags(search);
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
