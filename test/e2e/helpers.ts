import type { Page, Worker } from 'playwright-core';
import { expect } from 'vitest';
import { type ChromeGlobal, currentWorker } from './browser';
import { boxOfNode, callOnNode, clickBox, findByRole, hoverUntilCard, readMarks, textOf } from './cdp';
import type { MispTarget } from './misp-target';

/**
 * Helpers the end-to-end specs share: run code in the content script's isolated world (through CDP, as
 * a compromised content script would), seed MISP, set preferences, wait for marks, open the card.
 */

interface ExecutionContext {
  id: number;
  origin: string;
  name: string;
  auxData?: { type?: string; isDefault?: boolean; frameId?: string };
}

/** Evaluates `expression` (an async IIFE returning JSON) in Sightline's content-script world of `page`. */
export async function evaluateInContentWorld<T>(
  page: Page,
  extensionId: string,
  expression: string,
): Promise<T> {
  const session = await page.context().newCDPSession(page);
  try {
    const contexts: ExecutionContext[] = [];
    session.on('Runtime.executionContextCreated', (event: { context: ExecutionContext }) => {
      contexts.push(event.context);
    });
    await session.send('Runtime.enable');
    await expect
      .poll(() => contexts.some((c) => c.auxData?.type === 'isolated' && c.origin.includes(extensionId)), {
        timeout: 10_000,
      })
      .toBe(true);
    const context = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin.includes(extensionId))!;
    const { result, exceptionDetails } = (await session.send('Runtime.evaluate', {
      expression,
      contextId: context.id,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (exceptionDetails) throw new Error(`content world: ${exceptionDetails.text}`);
    return result.value;
  } finally {
    await session.detach();
  }
}

/** Sets preferences directly in storage, from the service worker. */
export async function setPreferences(worker: Worker, patch: Record<string, unknown>): Promise<void> {
  await worker.evaluate(async (value) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    const current = (await chrome.storage.local.get('preferences')).preferences ?? {};
    await chrome.storage.local.set({ preferences: { ...(current as object), ...value } });
  }, patch);
}

export async function workerOf(page: Page): Promise<Worker> {
  return currentWorker(page.context());
}

/** Files one event holding `values` (ip-dst / domain / sha256 by shape) and returns its id. */
export async function seedEvent(
  misp: MispTarget,
  info: string,
  attributes: Array<{ type: string; value: string; comment?: string }>,
  tags: string[] = [],
): Promise<string> {
  const created = await misp.client.createEvent({
    info: `${misp.namePrefix} ${info}`,
    distribution: 0,
    threatLevel: 1,
    analysis: 2,
    tags,
    attributes,
  });
  misp.trackEvent(created.id);
  return created.id;
}

/** Mark kinds of values MISP knows (new and benign values get muted marks of their own kinds). */
const KNOWN_KINDS = new Set(['high', 'medium', 'low', 'undefined']);

/** The page's marks for values MISP knows. */
export async function knownMarks(page: Page) {
  return (await readMarks(page)).filter((mark) => KNOWN_KINDS.has(mark.kind));
}

/** Waits until at least `count` values are marked as known, and returns those marks. */
export async function waitForKnownMarks(page: Page, count: number, timeout = 30_000) {
  await expect.poll(async () => (await knownMarks(page)).length, { timeout }).toBeGreaterThanOrEqual(count);
  return knownMarks(page);
}

/**
 * Hovers the text `original` with the real mouse until the card for `value` is open and shows its
 * MISP matches; returns the card dialog's accessibility node.
 */
export async function openCard(page: Page, original: string, value: string) {
  const dialog = await hoverUntilCard(page, original, value);
  await expect
    .poll(async () => findByRole(page, 'link', 'Open event in MISP'), { timeout: 10_000 })
    .toBeTruthy();
  return dialog;
}

/** The open card's text (the dialog named "MISP matches for <value>"), or '' when it is not open. */
export async function cardText(page: Page, value: string): Promise<string> {
  const dialog = await findByRole(page, 'dialog', `MISP matches for ${value}`);
  return dialog ? textOf(page, dialog.backendNodeId) : '';
}

/**
 * Clicks a button inside the card (closed shadow root) with the real mouse: a trusted event. Write
 * buttons are enabled once the card has been visible and unobscured for a moment: wait for that.
 */
export async function clickInCard(page: Page, name: string): Promise<void> {
  const button = await findByRole(page, 'button', name);
  expect(button, `button "${name}"`).toBeTruthy();
  await expect
    .poll(() => callOnNode<boolean>(page, button!.backendNodeId, 'function () { return this.disabled; }'))
    .toBe(false);
  await clickBox(page, (await boxOfNode(page, button!.backendNodeId))!);
}
