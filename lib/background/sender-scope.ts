import { type Browser, browser } from 'wxt/browser';
import { MAX_EXTRACT_CHARS } from '../indicators/page-indicators';
import type { ErrorInfo } from '../messages';
import { RateLimiter } from './rate-limit';
import { classifySender } from './router';
import type { TabReports } from './tabs';

/**
 * What a content script may ask about (threat model: "a content script can ask the background only
 * about its own frame's values, at a bounded rate"). A frame's values are the ones its own report
 * holds plus the few it looked up outside it (a selection); attribute ids are the ones its cards were
 * shown. Everything here is bounded, per tab and in total.
 */

/**
 * Per minute and tab: sightings recorded from cards, sighting histories, lookups outside the report,
 * frame reports, characters of text to extract (four full-size requests), and messages of any kind.
 */
export const CONTENT_RATE_LIMITS = {
  sightings: 20,
  history: 30,
  lookups: 60,
  reports: 300,
  extractChars: 4 * MAX_EXTRACT_CHARS,
  messages: 2000,
} as const;

const MAX_ASKED_PER_FRAME = 100;
const MAX_SHOWN_PER_TAB = 2000;
const MAX_TABS = 500;

const frameKey = (tabId: number, frameId: number) => `${tabId}:${frameId}`;

export class SenderScope {
  private readonly asked = new Map<string, Set<string>>();
  private readonly shown = new Map<number, Set<string>>();
  readonly limits: Record<keyof typeof CONTENT_RATE_LIMITS, RateLimiter>;

  constructor(
    private readonly tabs: Pick<TabReports, 'get'>,
    now: () => number = Date.now,
  ) {
    const perMinute = (limit: number) => new RateLimiter(limit, 60_000, now);
    this.limits = {
      sightings: perMinute(CONTENT_RATE_LIMITS.sightings),
      history: perMinute(CONTENT_RATE_LIMITS.history),
      lookups: perMinute(CONTENT_RATE_LIMITS.lookups),
      reports: perMinute(CONTENT_RATE_LIMITS.reports),
      extractChars: perMinute(CONTENT_RATE_LIMITS.extractChars),
      messages: perMinute(CONTENT_RATE_LIMITS.messages),
    };
  }

  /** Counts one request of `kind` from `tabId`; false when the tab is over its limit. */
  allow(kind: keyof typeof CONTENT_RATE_LIMITS, tabId: number, cost = 1): boolean {
    return this.limits[kind].take(`${tabId}:`, cost);
  }

  /** Values a frame looked up outside its report (kept to the newest hundred). */
  noteAsked(tabId: number, frameId: number, values: string[]): void {
    const key = frameKey(tabId, frameId);
    const set = this.asked.get(key) ?? new Set<string>();
    for (const value of values) {
      set.delete(value);
      set.add(value);
    }
    while (set.size > MAX_ASKED_PER_FRAME) set.delete(set.values().next().value as string);
    this.asked.delete(key);
    this.asked.set(key, set);
    trim(this.asked, MAX_TABS * 4);
  }

  /** Whether every one of `values` is the frame's own: in its report, or looked up by it. */
  async ownsValues(tabId: number, frameId: number, values: string[]): Promise<boolean> {
    const report = (await this.tabs.get(tabId))?.frames[String(frameId)];
    const reported = new Set(report?.indicators.map((indicator) => indicator.value) ?? []);
    const asked = this.asked.get(frameKey(tabId, frameId));
    return values.every((value) => reported.has(value) || asked?.has(value) === true);
  }

  /** Attributes a card in this tab was shown (their sighting history may be asked for). */
  noteShown(tabId: number, attributes: Array<{ instanceId: string; attributeId: string }>): void {
    const set = this.shown.get(tabId) ?? new Set<string>();
    for (const { instanceId, attributeId } of attributes) set.add(`${instanceId}\u0000${attributeId}`);
    while (set.size > MAX_SHOWN_PER_TAB) set.delete(set.values().next().value as string);
    this.shown.delete(tabId);
    this.shown.set(tabId, set);
    trim(this.shown, MAX_TABS);
  }

  wasShown(tabId: number, instanceId: string, attributeId: string): boolean {
    return this.shown.get(tabId)?.has(`${instanceId}\u0000${attributeId}`) === true;
  }

  forgetTab(tabId: number): void {
    this.shown.delete(tabId);
    for (const key of [...this.asked.keys()]) if (key.startsWith(`${tabId}:`)) this.asked.delete(key);
    for (const limit of Object.values(this.limits)) limit.forget(`${tabId}:`);
  }
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

/** Whether a message came from Sightline's content script in a tab (not an extension page). */
export function fromContentScript(sender: Browser.runtime.MessageSender): boolean {
  const policy = { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('/') };
  return classifySender(sender, policy) === 'content';
}

/** The sender's tab and frame (content scripts only have both). */
export function senderFrame(sender: Browser.runtime.MessageSender): { tabId: number; frameId: number } {
  return { tabId: sender.tab?.id ?? -1, frameId: sender.frameId ?? 0 };
}

export const RATE_LIMITED: ErrorInfo = {
  kind: 'rate-limited',
  message: 'Too many requests from this page: wait a minute and try again.',
};
export const NOT_THIS_PAGE: ErrorInfo = {
  kind: 'input',
  message: 'Sightline did not find this value on this page.',
};

/** Errors whose message Sightline wrote for the page's own action, safe to show in its card. */
const CONTENT_SAFE_KINDS = new Set(['input', 'busy', 'rate-limited']);
const CONTENT_TEXT: Record<string, string> = {
  'key-rejected': "MISP rejected the API key: check it in Sightline's options.",
  permission: "Your MISP key may not do this: see Sightline's options.",
  unreachable: 'MISP could not be reached: try again later.',
  timeout: 'MISP did not answer in time: try again later.',
  config: "Sightline is not set up for this: see Sightline's options.",
};

/**
 * An error as a content script may see it: never an internal message verbatim (it can name the
 * MISP's address, the analyst's e-mail or a stack), only a sentence for the card.
 */
export function errorForContentScript(error: ErrorInfo): ErrorInfo {
  if (CONTENT_SAFE_KINDS.has(error.kind)) return { kind: error.kind, message: error.message };
  return {
    kind: error.kind,
    message: CONTENT_TEXT[error.kind] ?? 'Sightline could not do that just now.',
  };
}
