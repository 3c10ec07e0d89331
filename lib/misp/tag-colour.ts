import { z } from 'zod';

/**
 * MISP tag colours are free text to the server: only a hex colour is used as one. Anything else
 * (`url(…)`, `expression(…)`, a named colour with a payload) becomes the neutral default, so no
 * MISP answer can make a page fetch or run something through a style.
 */
export const TAG_COLOUR_PATTERN = /^#[0-9a-f]{3,8}$/i;
export const DEFAULT_TAG_COLOUR = '#808080';

export function safeTagColour(colour: string | undefined | null): string {
  return typeof colour === 'string' && TAG_COLOUR_PATTERN.test(colour) ? colour : DEFAULT_TAG_COLOUR;
}

/** A tag as the comboboxes show it: the exact name and a colour already checked. */
export const TagSuggestionSchema = z.object({
  name: z.string().min(1).max(255),
  colour: z.string().regex(TAG_COLOUR_PATTERN),
});
export type TagSuggestion = z.infer<typeof TagSuggestionSchema>;
