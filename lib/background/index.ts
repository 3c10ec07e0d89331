import { browser } from 'wxt/browser';
import { openDatabase } from '../db';
import type { Annotators } from '../lookup/page-status';
import type { RetryState } from '../lookup/retry';
import { Outbox } from '../outbox/outbox';
import { forgetPolicy, loadPolicy } from '../settings';
import { updateBadge } from './badge';
import { cardHandlers } from './handlers/card';
import { eventExtraHandlers } from './handlers/event-extras';
import { eventHandlers, registerEventSenders } from './handlers/events';
import { lookupHandlers } from './handlers/lookups';
import { pageHandlers } from './handlers/pages';
import { pdfHandlers } from './handlers/pdf';
import { settingsHandlers } from './handlers/settings';
import { registerSightingSenders, sightingHandlers } from './handlers/sightings';
import { tagHandlers } from './handlers/tags';
import { startWatch, watchHandlers } from './handlers/watch';
import { restrictStorageToTrustedContexts } from './hardening';
import { Lookups } from './lookups';
import { registerMenusAndCommands } from './menus';
import { createMessageListener, type Handlers } from './router';
import { errorForContentScript, SenderScope } from './sender-scope';
import type { BackgroundServices } from './services';
import { TabReports } from './tabs';

export const OUTBOX_ALARM = 'sightline-outbox';
/** Failed lookups asked again (backoff), and the lookup cache kept within its bounds. */
export const LOOKUP_RETRY_ALARM = 'sightline-lookup-retry';
export const LOOKUP_PRUNE_ALARM = 'sightline-lookup-prune';
const LOOKUP_PRUNE_MINUTES = 30;
const RETRY_STORAGE_KEY = 'lookup-retries';

/** Each feature's message handlers, one module each. */
const HANDLER_MODULES: Array<(services: Promise<BackgroundServices>) => Handlers> = [
  settingsHandlers,
  pageHandlers,
  lookupHandlers,
  eventHandlers,
  eventExtraHandlers,
  sightingHandlers,
  watchHandlers,
  tagHandlers,
  cardHandlers,
  pdfHandlers,
];

export function createHandlers(services: Promise<BackgroundServices>): Handlers {
  return Object.assign({}, ...HANDLER_MODULES.map((module) => module(services)));
}

/**
 * Wires the background. Listeners are registered synchronously at start-up (an MV3 service worker
 * that registers late misses the event that woke it); the services they use open asynchronously.
 */
export function startBackground(options: { annotators: Annotators }): void {
  void restrictStorageToTrustedContexts();
  // Start the (slow, first-time) policy read now, and read it again when an administrator changes it.
  void loadPolicy();
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') forgetPolicy();
  });
  const tabs = new TabReports(browser.storage.session);
  const scope = new SenderScope(tabs);
  const services: Promise<BackgroundServices> = openDatabase().then((db) => {
    const lookups = new Lookups(db, options.annotators, {
      tabIndicators: async (tabId) => (await tabs.summary(tabId, [])).indicators,
      refreshTab: async (tabId) => {
        await browser.tabs.sendMessage(tabId, { channel: 'sightline', command: 'refresh' });
      },
      wakeAt: (when) =>
        void browser.alarms.create(LOOKUP_RETRY_ALARM, { when: Math.max(when, Date.now() + 1000) }),
      retryStore: {
        load: async () =>
          ((await browser.storage.session.get(RETRY_STORAGE_KEY))[RETRY_STORAGE_KEY] ?? {}) as Record<
            string,
            RetryState
          >,
        save: (state) => browser.storage.session.set({ [RETRY_STORAGE_KEY]: state }),
      },
    });
    void lookups.service.prune();
    const outbox = new Outbox(db, {
      scheduleWake: (when) =>
        void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(when, Date.now() + 1000) }),
    });
    registerSightingSenders(outbox, db);
    const ready: BackgroundServices = { db, lookups, tabs, outbox, scope };
    registerEventSenders(outbox, ready);
    return ready;
  });
  const listener = createMessageListener(
    createHandlers(services),
    { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('/') },
    console,
    {
      admit: (sender) => scope.allow('messages', sender.tab?.id ?? -1),
      error: errorForContentScript,
    },
  );
  browser.runtime.onMessage.addListener(listener);
  browser.tabs.onRemoved.addListener((tabId) => {
    void services.then(async ({ lookups, tabs, scope }) => {
      scope.forgetTab(tabId);
      await lookups.forgetTab(tabId);
      await tabs.forget(tabId);
    });
  });
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A navigation: the old page's indicators no longer apply.
    if (change.status === 'loading' && change.url) {
      void services.then(async ({ lookups, tabs, scope }) => {
        scope.forgetTab(tabId);
        await lookups.forgetTab(tabId);
        await tabs.forget(tabId);
        await updateBadge(tabId, { known: 0, threatLevel: 4 });
      });
    }
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void services.then(({ outbox }) => outbox.processDue());
    if (alarm.name === LOOKUP_RETRY_ALARM) void services.then(({ lookups }) => lookups.retryDue());
    if (alarm.name === LOOKUP_PRUNE_ALARM) void services.then(({ lookups }) => lookups.service.prune());
  });
  // Created once: re-creating it at every worker start would keep pushing it back.
  void browser.alarms.get(LOOKUP_PRUNE_ALARM).then((alarm) => {
    if (!alarm) void browser.alarms.create(LOOKUP_PRUNE_ALARM, { periodInMinutes: LOOKUP_PRUNE_MINUTES });
  });
  // Retries left over from a stopped worker.
  void services.then(({ lookups }) => lookups.retryDue());
  // Writes left over from an earlier run (browser restart, worker killed mid-request) go out now.
  void services.then(({ outbox }) => outbox.processDue());
  registerMenusAndCommands();
  startWatch(services);
}
