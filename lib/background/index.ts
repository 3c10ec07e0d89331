import { browser } from 'wxt/browser';
import { openDatabase } from '../db';
import { Outbox } from '../outbox/outbox';
import { forgetPolicy, loadPolicy } from '../settings';
import { updateBadge } from './badge';
import { eventHandlers, registerEventSenders } from './handlers/events';
import { pageHandlers } from './handlers/pages';
import { settingsHandlers } from './handlers/settings';
import { registerSightingSenders, sightingHandlers } from './handlers/sightings';
import { startWatch, watchHandlers } from './handlers/watch';
import { restrictStorageToTrustedContexts } from './hardening';
import { type BenignCheck, Lookups } from './lookups';
import { registerMenusAndCommands } from './menus';
import { createMessageListener, type Handlers } from './router';
import type { BackgroundServices } from './services';
import { TabReports } from './tabs';

export const OUTBOX_ALARM = 'sightline-outbox';

/** Each feature's message handlers, one module each. */
const HANDLER_MODULES: Array<(services: Promise<BackgroundServices>) => Handlers> = [
  settingsHandlers,
  pageHandlers,
  eventHandlers,
  sightingHandlers,
  watchHandlers,
];

export function createHandlers(services: Promise<BackgroundServices>): Handlers {
  return Object.assign({}, ...HANDLER_MODULES.map((module) => module(services)));
}

/**
 * Wires the background. Listeners are registered synchronously at start-up (an MV3 service worker
 * that registers late misses the event that woke it); the services they use open asynchronously.
 */
export function startBackground(options: { isBenign: BenignCheck }): void {
  void restrictStorageToTrustedContexts();
  // Start the (slow, first-time) policy read now, and read it again when an administrator changes it.
  void loadPolicy();
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') forgetPolicy();
  });
  const services: Promise<BackgroundServices> = openDatabase().then((db) => {
    const lookups = new Lookups(db, options.isBenign);
    void lookups.service.prune();
    const outbox = new Outbox(db, {
      scheduleWake: (when) =>
        void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(when, Date.now() + 1000) }),
    });
    registerSightingSenders(outbox, db);
    const ready: BackgroundServices = { db, lookups, tabs: new TabReports(browser.storage.session), outbox };
    registerEventSenders(outbox, ready);
    return ready;
  });
  const listener = createMessageListener(createHandlers(services), {
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
  });
  browser.runtime.onMessage.addListener(listener);
  browser.tabs.onRemoved.addListener((tabId) => {
    void services.then(({ lookups, tabs }) => {
      lookups.service.cancelTab(tabId);
      return tabs.forget(tabId);
    });
  });
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A navigation: the old page's indicators no longer apply.
    if (change.status === 'loading' && change.url) {
      void services.then(async ({ lookups, tabs }) => {
        lookups.service.cancelTab(tabId);
        await tabs.forget(tabId);
        await updateBadge(tabId, { known: 0, threatLevel: 4 });
      });
    }
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void services.then(({ outbox }) => outbox.processDue());
  });
  // Writes left over from an earlier run (browser restart, worker killed mid-request) go out now.
  void services.then(({ outbox }) => outbox.processDue());
  registerMenusAndCommands();
  startWatch(services);
}
