import type { MispInstance } from '../settings';
import { type AlertStore, MAX_ALERTS, type StoredAlert } from './alerts';
import { type AlertDraft, type PollOutcome, pollInstance, type WatchClient } from './poller';
import {
  loadAllWatchSettings,
  loadWatchSettings,
  loadWatchState,
  saveWatchSettings,
  saveWatchState,
  type WatchSettings,
  type WatchState,
} from './settings';

export const WATCH_ALARM_PREFIX = 'sightline-watch:';

export function watchAlarmName(instanceId: string): string {
  return `${WATCH_ALARM_PREFIX}${instanceId}`;
}

export function instanceIdOfAlarm(name: string): string | undefined {
  return name.startsWith(WATCH_ALARM_PREFIX) ? name.slice(WATCH_ALARM_PREFIX.length) : undefined;
}

/** The browser side of watching, injected (fakes in unit tests). */
export interface WatchPlatform {
  now(): number;
  loadInstances(): Promise<MispInstance[]>;
  createClient(instance: MispInstance): Promise<WatchClient>;
  notify(alert: StoredAlert): Promise<void>;
  clearNotification(id: string): Promise<void>;
  /** (Re)arms the instance's one-shot alarm `delayMs` from now. */
  schedule(instanceId: string, delayMs: number): Promise<void>;
  unschedule(instanceId: string): Promise<void>;
  /** Whether the instance's alarm exists. */
  isScheduled(instanceId: string): Promise<boolean>;
  setBadge(unread: number): Promise<void>;
  openUrl(url: string): Promise<void>;
}

export interface TestReport {
  baselineTags: string[];
  absorbed: number;
  wouldNotify: AlertDraft[];
  error?: { kind: string; message: string };
}

/**
 * Watched tags for every configured instance: one alarm per instance with tags, polls serialised per
 * instance, alerts stored and notified, badge = unread alerts.
 */
export class WatchService {
  private readonly running = new Map<string, Promise<PollOutcome | undefined>>();

  constructor(
    private readonly alerts: AlertStore,
    private readonly platform: WatchPlatform,
  ) {}

  /** At start-up: every instance with watched tags has an alarm (a worker killed mid-poll lost it). */
  async ensureScheduled(): Promise<void> {
    const instances = await this.platform.loadInstances();
    const settings = await loadAllWatchSettings();
    for (const instance of instances) {
      const watch = settings[instance.id];
      if (!watch || watch.tags.length === 0) await this.platform.unschedule(instance.id);
      else if (!(await this.platform.isScheduled(instance.id)))
        await this.platform.schedule(instance.id, 60_000);
    }
    await this.refreshBadge();
  }

  async saveSettings(instanceId: string, settings: WatchSettings): Promise<WatchSettings> {
    const before = await loadWatchSettings(instanceId);
    const saved = await saveWatchSettings(instanceId, settings);
    if (saved.tags.length === 0) {
      await this.platform.unschedule(instanceId);
    } else if (
      saved.intervalMinutes !== before.intervalMinutes ||
      saved.publishedOnly !== before.publishedOnly ||
      saved.tags.some((tag) => !before.tags.includes(tag)) ||
      !(await this.platform.isScheduled(instanceId))
    ) {
      // New tags get their baseline soon, so that the first real change is not lost.
      await this.platform.schedule(instanceId, Math.min(saved.intervalMinutes * 60_000, 60_000));
    }
    return saved;
  }

  /** The alarm path: one real poll, alerts stored and notified, next alarm armed. */
  async poll(instanceId: string): Promise<PollOutcome | undefined> {
    const current = this.running.get(instanceId);
    if (current) return current;
    const run = this.pollNow(instanceId).finally(() => this.running.delete(instanceId));
    this.running.set(instanceId, run);
    return run;
  }

  private async pollNow(instanceId: string): Promise<PollOutcome | undefined> {
    const instance = (await this.platform.loadInstances()).find((item) => item.id === instanceId);
    const settings = await loadWatchSettings(instanceId);
    if (!instance || settings.tags.length === 0) {
      await this.platform.unschedule(instanceId);
      return undefined;
    }
    const outcome = await this.runPoll(instance, settings, await loadWatchState(instanceId));
    await saveWatchState(instanceId, outcome.state);
    await this.platform.schedule(instanceId, outcome.nextDelayMs);
    const added = await this.alerts.add(instanceId, outcome.alerts, this.platform.now());
    for (const alert of added) await this.platform.notify(alert);
    if (added.length > 0) await this.refreshBadge();
    return outcome;
  }

  private async runPoll(
    instance: MispInstance,
    settings: WatchSettings,
    state: WatchState,
  ): Promise<PollOutcome> {
    const nowMs = this.platform.now();
    let client: WatchClient;
    try {
      client = await this.platform.createClient(instance);
    } catch (error) {
      // No key, bad URL: the poller turns the thrown error into a status line and backoff.
      client = {
        baseUrl: instance.url,
        eventUrl: () => instance.url,
        pollEvents: () => Promise.reject(error),
        pollAttributes: () => Promise.reject(error),
      };
    }
    return pollInstance({ instanceId: instance.id, client, settings, state, nowMs });
  }

  /** "Test": one poll with the current cursor, reporting what it would notify; nothing is stored. */
  async test(instanceId: string): Promise<TestReport> {
    const instance = (await this.platform.loadInstances()).find((item) => item.id === instanceId);
    if (!instance)
      return {
        baselineTags: [],
        absorbed: 0,
        wouldNotify: [],
        error: { kind: 'input', message: 'No such MISP instance.' },
      };
    const settings = await loadWatchSettings(instanceId);
    const outcome = await this.runPoll(instance, settings, await loadWatchState(instanceId));
    return {
      baselineTags: outcome.baselined,
      absorbed: outcome.absorbed,
      wouldNotify: outcome.alerts,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  }

  async list(): Promise<StoredAlert[]> {
    return this.alerts.list(MAX_ALERTS);
  }

  /** Notification click and the popup's "Open event in MISP": open the event, mark the alert read. */
  async open(alertId: string): Promise<boolean> {
    const alert = await this.alerts.get(alertId);
    if (!alert) return false;
    await this.platform.openUrl(alert.payload.url);
    await this.markRead([alertId]);
    return true;
  }

  async markRead(ids?: readonly string[]): Promise<void> {
    await this.alerts.markRead(ids);
    for (const id of ids ?? []) await this.platform.clearNotification(id);
    await this.refreshBadge();
  }

  async refreshBadge(): Promise<void> {
    await this.platform.setBadge(await this.alerts.unreadCount());
  }
}
