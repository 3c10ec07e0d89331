import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { PageIndicator } from '../../indicators/page-indicators';
import { MispClient } from '../../misp';
import { loadCheckState, SeenChecker } from '../../seen/checker';
import { SeenStore } from '../../seen/store';
import { loadInstances, loadPreferences, type MispInstance } from '../../settings';
import { AlertStore, type StoredAlert } from '../../watch/alerts';
import type { AlertView, RuleView } from '../../watch/model';
import { ruleName, ruleSummary, type WatchRule } from '../../watch/rules';
import { instanceIdOfAlarm, WatchInputError, WatchService, watchAlarmName } from '../../watch/service';
import { loadAllWatchStates } from '../../watch/settings';
import { toErrorInfo } from '../errors';
import { pageScanDecision } from '../page-config';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { recordSightings } from './sightings';

export const SEEN_ALARM = 'sightline-seen-check';

/** Why the last notification could not be shown (read by the options page). */
const notificationProblemItem = storage.defineItem<string | null>('local:notificationProblem', {
  fallback: null,
});

interface Alerting {
  watch: WatchService;
  seen: SeenChecker;
}

const built = new WeakMap<Promise<BackgroundServices>, Promise<Alerting>>();

function clientFor(instance: MispInstance, timeoutMs: number): MispClient {
  return new MispClient({ url: instance.url, apiKey: instance.apiKey, timeoutMs });
}

/** Why the browser would not show Sightline's notifications, or undefined when it would. */
async function notificationsBlocked(): Promise<string | undefined> {
  const level = await browser.notifications.getPermissionLevel?.().catch(() => 'granted');
  return level === 'denied'
    ? 'Notifications from Sightline are turned off in the browser: alerts still reach the Alerts tab. Allow them again in the browser’s notification settings for extensions.'
    : undefined;
}

/** Why notifications do not show now: blocked in the browser, or the last one was refused. */
async function currentNotificationProblem(): Promise<string | undefined> {
  const [blocked, refused] = await Promise.all([notificationsBlocked(), notificationProblemItem.getValue()]);
  return blocked ?? refused ?? undefined;
}

/** The one WatchService and SeenChecker per background, built on the shared database. */
function alerting(background: Promise<BackgroundServices>): Promise<Alerting> {
  let existing = built.get(background);
  if (existing) return existing;
  existing = background.then(({ db, lookups }) => {
    let seen: SeenChecker | undefined;
    const watch = new WatchService(new AlertStore(db), {
      now: () => Date.now(),
      loadInstances,
      createClient: async (instance) => clientFor(instance, (await loadPreferences()).requestTimeoutMs),
      notify: async ({ id, title, message }) => {
        const blocked = await notificationsBlocked();
        if (blocked) throw new Error(blocked);
        await browser.notifications.create(id, {
          type: 'basic',
          iconUrl: browser.runtime.getURL('/icon/128.png'),
          title,
          message,
        });
      },
      clearNotification: async (id) => {
        await browser.notifications.clear(id);
      },
      reportNotificationProblem: async (problem) => {
        await notificationProblemItem.setValue(problem ?? null);
      },
      schedule: async (instanceId, delayMs) => {
        await browser.alarms.create(watchAlarmName(instanceId), {
          when: Date.now() + Math.max(delayMs, 1000),
        });
      },
      unschedule: async (instanceId) => {
        await browser.alarms.clear(watchAlarmName(instanceId));
      },
      scheduled: async () =>
        (await browser.alarms.getAll()).flatMap((alarm) => instanceIdOfAlarm(alarm.name) ?? []),
      setBadge: async (unread) => {
        // The window-wide badge; a tab's own indicator count (lib/background/badge.ts) takes precedence there.
        await browser.action.setBadgeText({ text: unread > 0 ? String(unread) : '' });
        await browser.action.setBadgeBackgroundColor({ color: '#8e24aa' });
      },
      openUrl: async (url) => {
        await browser.tabs.create({ url });
      },
      alertsPageUrl: () => browser.runtime.getURL('/popup.html?panel=alerts'),
      onEventsChanged: () => void seen?.hint(),
    });
    seen = new SeenChecker(new SeenStore(db), {
      now: () => Date.now(),
      settings: async () => {
        const preferences = await loadPreferences();
        return {
          remember: preferences.rememberSeen,
          retentionDays: preferences.seenRetentionDays,
          checkMinutes: preferences.seenCheckMinutes,
        };
      },
      mayScan: async (url) => {
        const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
        return pageScanDecision(url, preferences, instances).scan;
      },
      lookupFresh: async (values) => {
        // The lookup machinery's own batching and cache, asked afresh: the cached miss is what changed.
        await lookups.service.invalidate(values);
        return lookups.service.lookup(-1, values);
      },
      eventUrl: async (instanceId, eventId) => {
        const instance = (await loadInstances()).find((item) => item.id === instanceId);
        return instance
          ? `${instance.url.replace(/\/+$/, '')}/events/view/${encodeURIComponent(eventId)}`
          : '';
      },
      raise: async (instanceId, drafts) => {
        await watch.raise(instanceId, drafts);
      },
      schedule: async (delayMs) => {
        await browser.alarms.create(SEEN_ALARM, { when: Date.now() + Math.max(delayMs, 1000) });
      },
    });
    return { watch, seen };
  });
  built.set(background, existing);
  return existing;
}

/**
 * The `page/indicators` path's one call into "seen before, known now": the page's unknown values are
 * remembered and its remembered values that MISP knows now reported (the page judged again from the
 * sender's URL: never an excluded site or MISP's own page).
 */
export async function rememberPageIndicators(
  background: Promise<BackgroundServices>,
  page: { url: string; title: string },
  indicators: readonly PageIndicator[],
  statuses: Readonly<Record<string, { status: string }>>,
): Promise<void> {
  await (await alerting(background)).seen.recordPage(page, indicators, statuses);
}

/** What the service worker offers its own tests (the worker's global scope: no page can reach it). */
export interface WatchWorkerHooks {
  /** Runs the `notifications.onClicked` path for a notification id. */
  notificationClicked(id: string): Promise<boolean>;
}

/**
 * Wires watching into `startBackground`: the alarms, notification clicks, instance removal and the
 * badge. Called synchronously at start-up so that the event that woke the worker is not missed.
 */
export function startWatch(background: Promise<BackgroundServices>): void {
  const ready = alerting(background);
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SEEN_ALARM) {
      void ready.then(({ seen }) => seen.check());
      return;
    }
    const instanceId = instanceIdOfAlarm(alarm.name);
    if (instanceId !== undefined) void ready.then(({ watch }) => watch.poll(instanceId));
  });
  const onClicked = async (id: string): Promise<boolean> => (await ready).watch.open(id);
  browser.notifications.onClicked.addListener((id) => void onClicked(id));
  browser.storage.onChanged.addListener((changes, area) => {
    // An instance removed or added: its alarm and watch follow.
    if (area === 'local' && 'instances' in changes) void ready.then(({ watch }) => watch.ensureScheduled());
  });
  const hooks: WatchWorkerHooks = { notificationClicked: onClicked };
  (globalThis as { sightlineWatch?: WatchWorkerHooks }).sightlineWatch = hooks;
  void ready.then(async ({ watch, seen }) => {
    await watch.ensureScheduled();
    await seen.ensureScheduled((await browser.alarms.get(SEEN_ALARM)) !== undefined);
  });
}

/** A removed instance's watch goes with it: state, place in rules, alarm and alerts. */
export async function forgetRemovedInstances(background: Promise<BackgroundServices>): Promise<void> {
  const keep = (await loadInstances()).map((instance) => instance.id);
  await (await alerting(background)).watch.forgetInstancesExcept(keep);
}

function toRuleView(rule: WatchRule): RuleView {
  const { since, ...rest } = rule;
  const starts = Object.values(since).flatMap((tags) => Object.values(tags));
  return { ...rest, startedAt: starts.length > 0 ? Math.min(...starts) * 1000 : 0 };
}

const SEEN_GROUP = 'Seen before, known now';

function toView(alert: StoredAlert): AlertView {
  const { payload } = alert;
  const base = {
    id: alert.id,
    instanceId: alert.instanceId,
    createdAt: alert.createdAt,
    read: alert.read,
    kind: payload.kind,
    title: payload.title,
    message: payload.message,
    url: payload.url,
  };
  if (payload.kind === 'seen') {
    return {
      ...base,
      group: SEEN_GROUP,
      value: payload.value,
      page: { host: payload.host, title: payload.pageTitle, url: payload.pageUrl, readAt: payload.readAt },
    };
  }
  return { ...base, group: payload.ruleName || 'Watched tags' };
}

/** Watch rules (options), alerts (popup) and the seen-indicator history (options). */
export function watchHandlers(background: Promise<BackgroundServices>): Handlers {
  const ready = () => alerting(background);
  return {
    'watch/get': async () => {
      const [{ watch }, instances, states, notificationProblem] = await Promise.all([
        ready(),
        loadInstances(),
        loadAllWatchStates(),
        currentNotificationProblem(),
      ]);
      const config = await watch.config();
      return {
        ok: true,
        data: {
          rules: config.rules.map(toRuleView),
          intervalMinutes: config.intervalMinutes,
          instances: instances.map((instance) => {
            const state = states[instance.id];
            return {
              id: instance.id,
              name: instance.name,
              ...(state?.status ? { status: state.status } : {}),
              ...(state?.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt } : {}),
            };
          }),
          ...(notificationProblem ? { notificationProblem } : {}),
        },
      };
    },
    'watch/save-rule': async ({ rule }) => {
      try {
        return { ok: true, data: toRuleView(await (await ready()).watch.saveRule(rule)) };
      } catch (error) {
        if (error instanceof WatchInputError)
          return { ok: false, error: { kind: 'input', message: error.message } };
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'watch/remove-rule': async ({ id }) => {
      await (await ready()).watch.removeRule(id);
      return { ok: true, data: {} };
    },
    'watch/interval': async ({ minutes }) => {
      await (await ready()).watch.saveInterval(minutes);
      return { ok: true, data: {} };
    },
    'watch/test': async ({ ruleId }) => {
      const report = await (await ready()).watch.test(ruleId);
      if (!report)
        return { ok: false, error: { kind: 'not-found', message: 'This rule was removed meanwhile.' } };
      return {
        ok: true,
        data: {
          ruleName: ruleName(report.rule),
          instances: report.instances.map(({ name, report: polled, error }) => ({
            name,
            baselined: polled?.baselined ?? [],
            absorbed: polled?.absorbed ?? 0,
            wouldNotify: (polled?.alerts ?? []).map((alert) => ({
              title: alert.payload.title,
              message: alert.payload.message,
            })),
            ...(error ? { error } : {}),
          })),
        },
      };
    },
    'watch/test-notification': async () => {
      const problem = await (await ready()).watch.testNotification();
      return { ok: true, data: problem ? { problem } : {} };
    },
    'alerts/list': async () => {
      const { watch } = await ready();
      const [alerts, states, instances, config, preferences, notificationProblem] = await Promise.all([
        watch.list(),
        loadAllWatchStates(),
        loadInstances(),
        watch.config(),
        loadPreferences(),
        currentNotificationProblem(),
      ]);
      const nameOf = (id: string) => instances.find((instance) => instance.id === id)?.name ?? 'MISP';
      const problems = instances.flatMap((instance) => {
        const status = states[instance.id]?.status;
        if (!status) return [];
        return [instances.length > 1 ? `${instance.name}: ${status.message}` : status.message];
      });
      const watched = new Set(config.rules.flatMap((rule) => rule.instanceIds));
      const checks = [...watched].flatMap((id) => states[id]?.lastSuccessAt ?? []);
      return {
        ok: true,
        data: {
          alerts: alerts.map(toView),
          unread: alerts.filter((alert) => !alert.read).length,
          problems,
          watching: config.rules.map((rule) => ruleSummary(rule, nameOf)),
          ...(checks.length > 0 ? { lastCheckedAt: Math.max(...checks) } : {}),
          remembering: preferences.rememberSeen,
          ...(notificationProblem ? { notificationProblem } : {}),
        },
      };
    },
    'alerts/open': async ({ id, target }) => {
      const opened = await (await ready()).watch.open(id, target);
      return opened
        ? { ok: true, data: {} }
        : { ok: false, error: { kind: 'not-found', message: 'This alert is no longer stored.' } };
    },
    'alerts/mark-read': async ({ ids, read }) => {
      await (await ready()).watch.markRead(ids, read ?? true);
      return { ok: true, data: {} };
    },
    'alerts/record-sighting': async ({ id }) => {
      const alert = (await (await ready()).watch.list()).find((item) => item.id === id);
      if (alert?.payload.kind !== 'seen') {
        return { ok: false, error: { kind: 'not-found', message: 'This alert is no longer stored.' } };
      }
      const result = await recordSightings(await background, {
        values: [alert.payload.value],
        type: 0,
        pageUrl: alert.payload.pageUrl,
        instanceId: alert.instanceId,
      });
      if (!result.ok) return result;
      await (await ready()).watch.markRead([id]);
      return {
        ok: true,
        data: {
          message: `Sighting of ${alert.payload.value} recorded; the Sightings tab shows when MISP confirms it.`,
        },
      };
    },
    'seen/stats': async () => {
      const { db } = await background;
      const [stats, check] = await Promise.all([new SeenStore(db).stats(), loadCheckState()]);
      return {
        ok: true,
        data: {
          ...stats,
          ...(check.lastCheckAt === undefined ? {} : { lastCheckAt: check.lastCheckAt }),
          ...(check.problem === undefined ? {} : { problem: check.problem }),
        },
      };
    },
    'seen/forget': async () => {
      await (await ready()).seen.forget();
      return { ok: true, data: {} };
    },
  };
}
