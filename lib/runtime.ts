import { browser } from 'wxt/browser';
import { envelope, type MessageType, parseResponse, type RequestOf, type ResponseOf } from './messages';

/** Sends a protocol message to the background and validates the answer. */
export async function sendToBackground<T extends MessageType>(
  type: T,
  payload: RequestOf<T>,
): Promise<ResponseOf<T>> {
  try {
    const raw: unknown = await browser.runtime.sendMessage(envelope(type, payload));
    return parseResponse(type, raw);
  } catch (error) {
    return {
      ok: false,
      error: { kind: 'extension', message: backgroundFailureMessage(error) },
    } as ResponseOf<T>;
  }
}

/**
 * Why a message got no answer, for the analyst. The browser stops an idle background at any moment
 * (mid-request too): then the channel closes without an answer, and the outbox, not this caller,
 * finishes whatever was submitted.
 */
export function backgroundFailureMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (/message channel closed|receiving end does not exist|message port closed/i.test(detail)) {
    return "Sightline's background was restarted before it answered. Anything you submitted is kept and sent by the outbox (see Submissions); try other actions again.";
  }
  return `Sightline's background did not answer (${detail}).`;
}
