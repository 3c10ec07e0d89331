import { countText } from '../format/count';
import type { MispInstance } from '../settings';
import { type AlertDraft, type AlertStore, MAX_ALERTS, type StoredAlert } from './alerts';
import {
  type PollOutcome,
  pollInstance,
  type RuleReport,
  SUMMARY_THRESHOLD,
  type WatchClient,
} from './poller';
import { type WatchConfig, type WatchRule, type WatchRuleInput, withWatchStart } from './rules';
import {
  loadWatchConfig,
  loadWatchState,
  removeWatchInstances,
  rulesOn,
  saveWatchConfig,
  saveWatchState,
} from './settings';

export const WATCH_ALARM_PREFIX = 'sightline-watch:';
/** The notification that stands for several alerts at once; clicking it opens the Alerts tab. */
export const SUMMARY_NOTIFICATION_PREFIX = 'sightline-summary:';
export const TEST_NOTIFICATION_ID = 'sightline-test-notification';
/** Alerts whose notification is still owed are notified at start-up if they are this recent. */
export const OWED_NOTIFICATION_WINDOW_MS = 60 * 60_000;

export function watchAlarmName(instanceId: string): string {
  return `${WATCH_ALARM_PREFIX}${instanceId}`;
}

export function instanceIdOfAlarm(name: string): string | undefined {
  return name.startsWith(WATCH_ALARM_PREFIX) ? name.slice(WATCH_ALARM_PREFIX.length) : undefined;
}

export interface NotificationContent {
  id: string;
  title: string;
  message: string;
}

/** The browser side of watching, injected (fakes in unit tests). */
export interface WatchPlatform {
  now(): number;
  loadInstances(): Promise<MispInstance[]>;
  createClient(instance: MispInstance): Promise<WatchClient>;
  /** Shows a browser notification; rejects when the browser refuses it. */
  notify(notification: NotificationContent): Promise<void>;
  clearNotification(id: string): Promise<void>;
  /** Remembers why the last notification could not be shown (undefined: it was shown). */
  reportNotificationProblem(problem: string | undefined): Promise<void>;
  /** (Re)arms the instance's one-shot alarm `delayMs` from now. */
  schedule(instanceId: string, delayMs: number): Promise<void>;
  unschedule(instanceId: string): Promise<void>;
  /** The instances whose alarm exists. */
  scheduled(): Promise<string[]>;
  setBadge(unread: number): Promise<void>;
  openUrl(url: string): Promise<void>;
  /** The extension page that lists alerts (for a summary notification). */
  alertsPageUrl(): string;
  /** A poll saw events change in MISP: values read earlier may have become known. */
  onEventsChanged?(): void;
}

export interface TestReport {
  rule: WatchRule;
  instances: Array<{ instanceId: string; name: string; report?: RuleReport; error?: string }>;
}

/**
 * Watch rules on every configured instance: one alarm per instance that some rule watches, polls
 * serialised per instance, alerts stored and notified (never more than SUMMARY_THRESHOLD at once),
 * badge = unread alerts.
 */
export class WatchService {
  private readonly running = new Map<string, Promise<PollOutcome | undefined>>();

  constructor(
    private readonly alerts: AlertStore,
    private readonly platform: WatchPlatform,
  ) {}

  /**
   * At start-up and whenever instances change: every instance some rule watches has an alarm, the
   * watch of an instance that is gone goes (state, place in rules, alarm, alerts), and notifications
   * owed from a worker stopped mid-way are shown.
   */
  async ensureScheduled(): Promise<void> {
    const instances = await this.platform.loadInstances();
    await this.forgetInstancesExcept(instances.map((instance) => instance.id));
    const config = await loadWatchConfig();
    const scheduled = new Set(await this.platform.scheduled());
    for (const instance of instances) {
      if (rulesOn(config, instance.id).length === 0) {
        if (scheduled.has(instance.id)) await this.platform.unschedule(instance.id);
      } else if (!scheduled.has(instance.id)) {
        await this.platform.schedule(instance.id, 60_000);
      }
    }
    await this.deliver(
      await this.alerts.owedNotifications(this.platform.now() - OWED_NOTIFICATION_WINDOW_MS),
    );
    await this.refreshBadge();
  }

  /** Removes everything watching kept for instances not in `keep`. */
  async forgetInstancesExcept(keep: readonly string[]): Promise<void> {
    const dropped = new Set(await removeWatchInstances(keep));
    for (const id of await this.platform.scheduled()) if (!keep.includes(id)) dropped.add(id);
    for (const id of dropped) {
      await this.platform.unschedule(id);
      await this.alerts.removeInstance(id);
    }
    if (dropped.size > 0) await this.refreshBadge();
  }

  async config(): Promise<WatchConfig> {
    return loadWatchConfig();
  }

  /** Adds or edits a rule; a tag or instance new to it begins its watch now. */
  async saveRule(input: WatchRuleInput): Promise<WatchRule> {
    const known = new Set((await this.platform.loadInstances()).map((instance) => instance.id));
    const unknown = input.instanceIds.find((id) => !known.has(id));
    if (unknown !== undefined) throw new WatchInputError('No such MISP instance.');
    const config = await loadWatchConfig();
    const previous = input.id === undefined ? undefined : config.rules.find((rule) => rule.id === input.id);
    if (input.id !== undefined && !previous) throw new WatchInputError('This rule was removed meanwhile.');
    if (!previous && config.rules.length >= 20) throw new WatchInputError('At most 20 rules.');
    const nowS = Math.floor(this.platform.now() / 1000);
    const rule = withWatchStart(input, previous, previous?.id ?? crypto.randomUUID(), nowS);
    const rules = previous ? config.rules.map((r) => (r.id === rule.id ? rule : r)) : [...config.rules, rule];
    await saveWatchConfig({ ...config, rules });
    // The first poll comes soon: a tag watched from now on reports its first event within a minute.
    for (const id of rule.instanceIds) {
      await this.platform.schedule(id, Math.min(config.intervalMinutes * 60_000, 60_000));
    }
    await this.forgetInstancesExcept([...known]);
    return rule;
  }

  async removeRule(ruleId: string): Promise<void> {
    const config = await loadWatchConfig();
    await saveWatchConfig({ ...config, rules: config.rules.filter((rule) => rule.id !== ruleId) });
    await this.ensureScheduled();
  }

  async saveInterval(intervalMinutes: number): Promise<WatchConfig> {
    const config = await saveWatchConfig({ ...(await loadWatchConfig()), intervalMinutes });
    for (const instance of await this.platform.loadInstances()) {
      if (rulesOn(config, instance.id).length > 0)
        await this.platform.schedule(instance.id, intervalMinutes * 60_000);
    }
    return config;
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
    const config = await loadWatchConfig();
    const rules = rulesOn(config, instanceId);
    if (!instance || rules.length === 0) {
      await this.platform.unschedule(instanceId);
      return undefined;
    }
    const outcome = await this.runPoll(instance, rules, config.intervalMinutes);
    await saveWatchState(instanceId, outcome.state);
    await this.platform.schedule(instanceId, outcome.nextDelayMs);
    await this.raise(instanceId, outcome.alerts);
    if (outcome.sawChanges) this.platform.onEventsChanged?.();
    return outcome;
  }

  private async runPoll(
    instance: MispInstance,
    rules: WatchRule[],
    intervalMinutes: number,
  ): Promise<PollOutcome> {
    let client: WatchClient;
    try {
      client = await this.platform.createClient(instance);
    } catch (error) {
      // No key, bad URL: the poller turns the thrown error into a status line and backoff.
      const fail = () => Promise.reject(error);
      client = {
        baseUrl: instance.url,
        eventUrl: () => instance.url,
        pollEvents: fail,
        pollAttributes: fail,
        attributesAddedSince: fail,
      };
    }
    return pollInstance({
      instanceId: instance.id,
      client,
      rules,
      state: await loadWatchState(instance.id),
      intervalMinutes,
      nowMs: this.platform.now(),
    });
  }

  /** Stores new alerts and notifies them (the same path for watch rules and seen indicators). */
  async raise(instanceId: string, drafts: readonly AlertDraft[]): Promise<StoredAlert[]> {
    const added = await this.alerts.add(instanceId, drafts, this.platform.now());
    if (added.length > 0) await this.refreshBadge();
    // What is new, and what the browser refused before (tried again at every poll, not only at the next
    // start): an alert in the Alerts tab gets its notification as soon as the browser takes it.
    await this.deliver(
      await this.alerts.owedNotifications(this.platform.now() - OWED_NOTIFICATION_WINDOW_MS),
    );
    return added;
  }

  /**
   * Browser notifications for stored alerts: one each, or one summary for more than
   * SUMMARY_THRESHOLD. An alert is marked notified only once the browser took the notification; one
   * the browser refused stays owed (shown at the next start) and the reason is reported to the options.
   */
  private async deliver(alerts: readonly StoredAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const notifications: Array<{ content: NotificationContent; ids: string[] }> =
      alerts.length > SUMMARY_THRESHOLD
        ? [
            {
              content: {
                id: `${SUMMARY_NOTIFICATION_PREFIX}${this.platform.now()}`,
                title: `Sightline: ${countText(alerts.length, 'new alert')}`,
                message: alerts
                  .slice(0, 3)
                  .map((alert) => alert.payload.title)
                  .join('\n'),
              },
              ids: alerts.map((alert) => alert.id),
            },
          ]
        : alerts.map((alert) => ({
            content: { id: alert.id, title: alert.payload.title, message: alert.payload.message },
            ids: [alert.id],
          }));
    let problem: string | undefined;
    for (const { content, ids } of notifications) {
      try {
        await this.platform.notify(content);
        await this.alerts.markNotified(ids, this.platform.now());
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    }
    await this.platform.reportNotificationProblem(problem);
  }

  /**
   * "Send a test notification": the same path as an alert's, so the analyst sees whether the browser
   * and the system show Sightline's notifications. Returns why not, when the browser refused it.
   */
  async testNotification(): Promise<string | undefined> {
    let problem: string | undefined;
    try {
      await this.platform.notify({
        id: TEST_NOTIFICATION_ID,
        title: 'Sightline',
        message: 'Notifications work: watch rules and seen-before matches will appear like this.',
      });
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    await this.platform.reportNotificationProblem(problem);
    return problem;
  }

  /** "Test": each instance of the rule polled once, reporting what it would notify; nothing is stored. */
  async test(ruleId: string): Promise<TestReport | undefined> {
    const config = await loadWatchConfig();
    const rule = config.rules.find((item) => item.id === ruleId);
    if (!rule) return undefined;
    const instances = await this.platform.loadInstances();
    const out: TestReport['instances'] = [];
    for (const id of rule.instanceIds) {
      const instance = instances.find((item) => item.id === id);
      if (!instance) continue;
      const outcome = await this.runPoll(instance, [rule], config.intervalMinutes);
      out.push({
        instanceId: id,
        name: instance.name,
        ...(outcome.rules[0] ? { report: outcome.rules[0] } : {}),
        ...(outcome.error ? { error: outcome.error.message } : {}),
      });
    }
    return { rule, instances: out };
  }

  async list(): Promise<StoredAlert[]> {
    return this.alerts.list(MAX_ALERTS);
  }

  /**
   * A notification click and the Alerts tab's links: open the event (or, for a seen-before alert, the
   * page it was read on), mark the alert read. A summary notification opens the Alerts tab.
   */
  async open(id: string, target: 'event' | 'page' = 'event'): Promise<boolean> {
    if (id === TEST_NOTIFICATION_ID) {
      await this.platform.clearNotification(id);
      return true;
    }
    if (id.startsWith(SUMMARY_NOTIFICATION_PREFIX)) {
      await this.platform.openUrl(this.platform.alertsPageUrl());
      await this.platform.clearNotification(id);
      return true;
    }
    const alert = await this.alerts.get(id);
    if (!alert) return false;
    const url =
      target === 'page' && alert.payload.kind === 'seen' ? alert.payload.pageUrl : alert.payload.url;
    await this.platform.openUrl(url);
    await this.markRead([id]);
    return true;
  }

  async markRead(ids?: readonly string[], read = true): Promise<void> {
    await this.alerts.markRead(ids, read);
    if (read) for (const id of ids ?? []) await this.platform.clearNotification(id);
    await this.refreshBadge();
  }

  async refreshBadge(): Promise<void> {
    await this.platform.setBadge(await this.alerts.unreadCount());
  }
}

export class WatchInputError extends Error {}
