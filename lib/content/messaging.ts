import { browser } from 'wxt/browser';
import type { MessageType, RequestOf, ResponseOf } from '../messages';
import { backgroundFailureMessage } from '../runtime-failure';

/**
 * The page layer's side of the protocol, without the protocol's schemas: the eager content script runs
 * in every frame and must stay small (no zod, no settings). Requests are checked by the background's
 * router with zod as always; answers come from our own background, and only their envelope shape is
 * checked here. Types come from the protocol (type-only imports: nothing of it is bundled).
 */
export async function ask<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> {
  try {
    const raw: unknown = await browser.runtime.sendMessage({ channel: 'sightline', type, payload });
    if (isResult(raw)) return raw as ResponseOf<T>;
    return failure(`Sightline's background sent an unexpected answer to ${type}.`, 'protocol');
  } catch (error) {
    return failure(backgroundFailureMessage(error), 'extension');
  }
}

function isResult(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object') return false;
  const result = raw as { ok?: unknown; data?: unknown; error?: { message?: unknown } };
  if (result.ok === true) return typeof result.data === 'object' && result.data !== null;
  return result.ok === false && typeof result.error?.message === 'string';
}

function failure<T>(message: string, kind: string): T {
  return { ok: false, error: { kind, message } } as T;
}

/** Commands the background sends into the page layer (`tabs.sendMessage`). */
export type PageCommand =
  | { command: 'scan' | 'refresh' | 'toggle-highlights' }
  | { command: 'lookup-selection'; text: string };

/** Reads a command from our own background; anything else is undefined. */
export function parsePageCommand(message: unknown): PageCommand | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const { channel, command, text } = message as Record<string, unknown>;
  if (channel !== 'sightline') return undefined;
  if (command === 'scan' || command === 'refresh' || command === 'toggle-highlights') return { command };
  if (command === 'lookup-selection' && typeof text === 'string' && text.length <= 10_000)
    return { command, text };
  return undefined;
}
