import { browser } from 'wxt/browser';
import { MispClient } from '../../misp';
import { loadInstances, loadPreferences } from '../../settings';
import { AlertStore, type StoredAlert } from '../../watch/alerts';
import type { AlertView } from '../../watch/model';
import { instanceIdOfAlarm, WatchService, watchAlarmName } from '../../watch/service';
import { loadAllWatchSettings, loadAllWatchStates } from '../../watch/settings';
import { toErrorInfo } from '../errors';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';

const services = new WeakMap<Promise<BackgroundServices>, Promise<WatchService>>();

/** The one WatchService per background, built on the shared database. */
function watchService(background: Promise<BackgroundServices>): Promise<WatchService> {
  let service = services.get(background);
  if (!service) {
    service = background.then(
      ({ db }) =>
        new WatchService(new AlertStore(db), {
          now: () => Date.now(),
          loadInstances,
          createClient: async (instance) => {
            const { requestTimeoutMs } = await loadPreferences();
            return new MispClient({
              url: instance.url,
              apiKey: instance.apiKey,
              timeoutMs: requestTimeoutMs,
            });
          },
          notify: async (alert) => {
            await browser.notifications.create(alert.id, {
              type: 'basic',
              iconUrl: browser.runtime.getURL('/icon/128.png'),
              title: alert.payload.title,
              message: alert.payload.message,
            });
          },
          clearNotification: async (id) => {
            await browser.notifications.clear(id);
          },
          schedule: async (instanceId, delayMs) => {
            await browser.alarms.create(watchAlarmName(instanceId), {
              when: Date.now() + Math.max(delayMs, 1000),
            });
          },
          unschedule: async (instanceId) => {
            await browser.alarms.clear(watchAlarmName(instanceId));
          },
          isScheduled: async (instanceId) =>
            (await browser.alarms.get(watchAlarmName(instanceId))) !== undefined,
          setBadge: async (unread) => {
            // The window-wide badge; a tab's own indicator count (lib/background/badge.ts) takes precedence there.
            await browser.action.setBadgeText({ text: unread > 0 ? String(unread) : '' });
            await browser.action.setBadgeBackgroundColor({ color: '#8e24aa' });
          },
          openUrl: async (url) => {
            await browser.tabs.create({ url });
          },
        }),
    );
    services.set(background, service);
  }
  return service;
}

function toView(alert: StoredAlert): AlertView {
  return {
    id: alert.id,
    instanceId: alert.instanceId,
    createdAt: alert.createdAt,
    read: alert.read,
    kind: alert.payload.kind,
    title: alert.payload.title,
    message: alert.payload.message,
    url: alert.payload.url,
  };
}

/** What the service worker offers its own tests (the worker's global scope: no page can reach it). */
export interface WatchWorkerHooks {
  /** Runs the `notifications.onClicked` path for a notification id. */
  notificationClicked(id: string): Promise<boolean>;
}

/**
 * Wires watching into `startBackground`: the per-instance alarms, notification clicks and the badge.
 * Called synchronously at start-up so that the event that woke the worker is not missed.
 */
export function startWatch(background: Promise<BackgroundServices>): void {
  const service = watchService(background);
  browser.alarms.onAlarm.addListener((alarm) => {
    const instanceId = instanceIdOfAlarm(alarm.name);
    if (instanceId !== undefined) void service.then((watch) => watch.poll(instanceId));
  });
  const onClicked = async (id: string): Promise<boolean> => (await service).open(id);
  browser.notifications.onClicked.addListener((id) => void onClicked(id));
  browser.storage.onChanged.addListener((changes, area) => {
    // An instance removed or added: its alarm follows.
    if (area === 'local' && 'instances' in changes) void service.then((watch) => watch.ensureScheduled());
  });
  const hooks: WatchWorkerHooks = { notificationClicked: onClicked };
  (globalThis as { sightlineWatch?: WatchWorkerHooks }).sightlineWatch = hooks;
  void service.then((watch) => watch.ensureScheduled());
}

/** Watched tags (options) and alerts (popup). */
export function watchHandlers(background: Promise<BackgroundServices>): Handlers {
  const service = () => watchService(background);
  return {
    'watch/get': async () => {
      const [instances, settings, states] = await Promise.all([
        loadInstances(),
        loadAllWatchSettings(),
        loadAllWatchStates(),
      ]);
      return {
        ok: true,
        data: instances.map((instance) => ({
          instance: { id: instance.id, name: instance.name, url: instance.url },
          settings: settings[instance.id] ?? { tags: [], intervalMinutes: 5, publishedOnly: false },
          ...(states[instance.id]?.status ? { status: states[instance.id]?.status } : {}),
          ...(states[instance.id]?.lastSuccessAt
            ? { lastSuccessAt: states[instance.id]?.lastSuccessAt }
            : {}),
        })),
      };
    },
    'watch/save': async ({ instanceId, settings }) => {
      if (!(await loadInstances()).some((instance) => instance.id === instanceId)) {
        return { ok: false, error: { kind: 'input', message: 'No such MISP instance.' } };
      }
      try {
        return { ok: true, data: await (await service()).saveSettings(instanceId, settings) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'watch/tags': async ({ instanceId, search }) => {
      const instance = (await loadInstances()).find((item) => item.id === instanceId);
      if (!instance) return { ok: false, error: { kind: 'input', message: 'No such MISP instance.' } };
      try {
        const { requestTimeoutMs } = await loadPreferences();
        const client = new MispClient({
          url: instance.url,
          apiKey: instance.apiKey,
          timeoutMs: requestTimeoutMs,
        });
        const tags = await client.listTags(search);
        return {
          ok: true,
          data: tags.slice(0, 50).map((tag) => ({ name: tag.name, colour: tag.colour })),
        };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'watch/test': async ({ instanceId }) => {
      const report = await (await service()).test(instanceId);
      return {
        ok: true,
        data: {
          baselineTags: report.baselineTags,
          absorbed: report.absorbed,
          wouldNotify: report.wouldNotify.map((alert) => ({
            title: alert.payload.title,
            message: alert.payload.message,
          })),
          ...(report.error ? { error: report.error } : {}),
        },
      };
    },
    'alerts/list': async () => {
      const watch = await service();
      const [alerts, states, instances] = await Promise.all([
        watch.list(),
        loadAllWatchStates(),
        loadInstances(),
      ]);
      const problems = instances.flatMap((instance) => {
        const status = states[instance.id]?.status;
        if (!status) return [];
        return [instances.length > 1 ? `${instance.name}: ${status.message}` : status.message];
      });
      return {
        ok: true,
        data: {
          alerts: alerts.map(toView),
          unread: alerts.filter((alert) => !alert.read).length,
          problems,
        },
      };
    },
    'alerts/open': async ({ id }) => {
      const opened = await (await service()).open(id);
      return opened
        ? { ok: true, data: {} }
        : { ok: false, error: { kind: 'not-found', message: 'This alert is no longer stored.' } };
    },
    'alerts/mark-read': async ({ ids }) => {
      await (await service()).markRead(ids);
      return { ok: true, data: {} };
    },
  };
}
