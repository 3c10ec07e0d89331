import { browser } from 'wxt/browser';
import { envelope, type MessageType, parseResponse, type RequestOf, type ResponseOf } from './messages';
import { backgroundFailureMessage } from './runtime-failure';

export { backgroundFailureMessage };

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
