import { z } from 'zod';
import { cardMessages } from './protocol/card';
import { eventMessages } from './protocol/events';
import { lookupMessages } from './protocol/lookups';
import { pageMessages } from './protocol/pages';
import { pdfMessages } from './protocol/pdf';
import type { MessageSpec } from './protocol/result';
import { seenMessages } from './protocol/seen';
import { settingsMessages } from './protocol/settings';
import { sightingMessages } from './protocol/sightings';
import { tagMessages } from './protocol/tags';
import { watchMessages } from './protocol/watch';

export type { TabIndicators } from './protocol/pages';
export type { ErrorInfo } from './protocol/result';
export type { ConnectionInfo, InstanceInput, PublicInstance } from './protocol/settings';

/**
 * The one message protocol between content scripts, popup, options and the background.
 * Each message type declares its request and response schemas and who may send it:
 * - `ui`: extension pages only (popup, options) — anything that touches keys or writes to MISP;
 * - `content`: our content script in a tab;
 * - `any`: either.
 * Both ends parse with zod: a message that does not parse is dropped (and logged) by the receiver.
 * The messages are declared per feature in `protocol/`; this file puts them together.
 */

export const protocol = {
  ...settingsMessages,
  ...pageMessages,
  ...lookupMessages,
  ...eventMessages,
  ...sightingMessages,
  ...watchMessages,
  ...tagMessages,
  ...seenMessages,
  ...cardMessages,
  ...pdfMessages,
} as const satisfies Record<string, MessageSpec>;

export type Protocol = typeof protocol;
export type MessageType = keyof Protocol;
export type RequestOf<T extends MessageType> = z.infer<Protocol[T]['request']>;
export type ResponseOf<T extends MessageType> = z.infer<Protocol[T]['response']>;

export const EnvelopeSchema = z.object({
  channel: z.literal('sightline'),
  type: z.string(),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(protocol, type);
}

export function envelope<T extends MessageType>(type: T, payload: RequestOf<T>): Envelope {
  return { channel: 'sightline', type, payload };
}

/** Parses a response; a malformed one becomes an error result rather than a crash. */
export function parseResponse<T extends MessageType>(type: T, raw: unknown): ResponseOf<T> {
  const parsed = protocol[type].response.safeParse(raw);
  if (parsed.success) return parsed.data as ResponseOf<T>;
  return {
    ok: false,
    error: { kind: 'protocol', message: `Sightline's background sent an unexpected answer to ${type}.` },
  } as ResponseOf<T>;
}
