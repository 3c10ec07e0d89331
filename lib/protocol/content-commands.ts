import { z } from 'zod';
import { MAX_VALUE_LENGTH } from '../indicators/page-indicators';

/**
 * Commands from the background into content scripts (`tabs.sendMessage`). The content script parses
 * them with this schema and only accepts them from its own extension's background.
 */
export const ContentCommandSchema = z.discriminatedUnion('command', [
  z.object({ channel: z.literal('sightline'), command: z.literal('scan') }),
  z.object({ channel: z.literal('sightline'), command: z.literal('toggle-highlights') }),
  z.object({ channel: z.literal('sightline'), command: z.literal('refresh') }),
  z.object({
    channel: z.literal('sightline'),
    command: z.literal('show-card'),
    value: z.string().max(MAX_VALUE_LENGTH),
  }),
  z.object({
    channel: z.literal('sightline'),
    command: z.literal('lookup-selection'),
    text: z.string().max(10_000),
  }),
]);
export type ContentCommand = z.infer<typeof ContentCommandSchema>;
