import type { Browser } from 'wxt/browser';
import type { ErrorInfo } from '../messages';
import {
  EnvelopeSchema,
  isMessageType,
  type MessageType,
  protocol,
  type RequestOf,
  type ResponseOf,
} from '../messages';
import { toErrorInfo } from './errors';

export type Handler<T extends MessageType> = (
  payload: RequestOf<T>,
  sender: Browser.runtime.MessageSender,
) => Promise<ResponseOf<T>>;

export type Handlers = { [T in MessageType]?: Handler<T> };

export interface SenderPolicy {
  extensionId: string;
  /** e.g. `chrome-extension://<id>/` — extension pages' URLs start with it. */
  extensionOrigin: string;
}

export type SenderKind = 'ui' | 'content' | 'foreign';

/** Who sent a message: one of our extension pages, our content script in a tab, or anybody else. */
export function classifySender(sender: Browser.runtime.MessageSender, policy: SenderPolicy): SenderKind {
  if (sender.id !== policy.extensionId) return 'foreign';
  const url = sender.url ?? '';
  if (url.startsWith(policy.extensionOrigin)) return 'ui';
  // Our content script: in a real tab and frame, on a web page (never an extension or privileged page).
  if (
    sender.tab?.id !== undefined &&
    sender.tab.id >= 0 &&
    typeof sender.frameId === 'number' &&
    sender.frameId >= 0 &&
    /^(https?|file):/i.test(url)
  )
    return 'content';
  return 'foreign';
}

/**
 * Builds the `runtime.onMessage` listener: parses the envelope and the payload with the protocol's
 * schemas, checks the sender against the message's `from`, and runs the handler. Anything that does
 * not pass is dropped with a console warning (never answered, so a probing page learns nothing).
 */
export interface ContentPolicy {
  /** Whether the sender's tab is within its message budget (over it, the message is dropped). */
  admit(sender: Browser.runtime.MessageSender): boolean;
  /** The error as a content script may see it. */
  error(error: ErrorInfo): ErrorInfo;
}

const OPEN_CONTENT_POLICY: ContentPolicy = { admit: () => true, error: (error) => error };

export function createMessageListener(
  handlers: Handlers,
  policy: SenderPolicy,
  log = console,
  content: ContentPolicy = OPEN_CONTENT_POLICY,
) {
  return (message: unknown, sender: Browser.runtime.MessageSender): Promise<unknown> | undefined => {
    const envelope = EnvelopeSchema.safeParse(message);
    if (!envelope.success) {
      log.warn('Sightline: dropped a message that is not in the Sightline protocol');
      return undefined;
    }
    const { type, payload } = envelope.data;
    if (!isMessageType(type)) {
      log.warn(`Sightline: dropped unknown message type ${JSON.stringify(type).slice(0, 80)}`);
      return undefined;
    }
    const spec = protocol[type];
    const kind = classifySender(sender, policy);
    const allowed = spec.from === 'any' ? kind === 'ui' || kind === 'content' : kind === spec.from;
    if (!allowed) {
      log.warn(`Sightline: dropped ${type} from a ${kind} sender`);
      return undefined;
    }
    if (kind === 'content' && !content.admit(sender)) {
      log.warn(`Sightline: dropped ${type}: the tab is over its message budget`);
      return undefined;
    }
    const parsed = spec.request.safeParse(payload);
    if (!parsed.success) {
      log.warn(`Sightline: dropped malformed ${type}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return undefined;
    }
    const handler = handlers[type] as Handler<typeof type> | undefined;
    if (!handler) return undefined;
    // Thrown errors are mapped here, once: MISP's own errors keep their kind and field errors.
    const answer = handler(parsed.data as RequestOf<typeof type>, sender).catch(
      (error: unknown): ResponseOf<typeof type> => {
        const info = toErrorInfo(error);
        return {
          ok: false,
          error:
            info.kind === 'internal'
              ? { ...info, message: `Sightline failed to handle ${type}: ${info.message}` }
              : info,
        };
      },
    );
    if (kind !== 'content') return answer;
    // A content script lives in a page: it gets no internal detail (see errorForContentScript).
    return answer.then((result) => {
      if (result.ok) return result;
      log.warn(`Sightline: ${type} failed for a content script: ${result.error.message}`);
      return { ok: false, error: content.error(result.error) };
    });
  };
}
