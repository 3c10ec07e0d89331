import { browser } from 'wxt/browser';
import type { SightlineDatabase } from '../db';
import type { IndicatorKind } from '../indicators/model';
import type { PageIndicator } from '../indicators/page-indicators';
import { INDICATOR_REGISTRY } from '../indicators/registry';
import { CidrRanges } from '../lookup/cidr-ranges';
import { lookupPlan } from '../lookup/forms';
import type { Match } from '../lookup/matches';
import { mispLookupSource } from '../lookup/misp-source';
import { type Annotators, type Indicator, pageStatuses } from '../lookup/page-status';
import { RetrySchedule, type RetryStore } from '../lookup/retry';
import { LookupService, type LookupSource } from '../lookup/service';
import type { ValueStatus } from '../lookup/status';
import { isMispError, MispError } from '../misp';
import { loadInstances, loadPreferences, type MispInstance } from '../settings';
import { originPattern } from '../url';

/** The instances lookups go to: enabled for lookups and with a key. */
export async function lookupInstances(): Promise<MispInstance[]> {
  return (await loadInstances()).filter(
    (instance) => instance.useForLookups && instance.apiKey && instance.url,
  );
}

/**
 * A lookup source that names the real cause when MISP cannot be reached because the browser has not
 * granted Sightline access to its origin (Firefox asks for it separately), instead of "unreachable".
 */
export function explainingMissingAccess(
  source: LookupSource,
  instance: MispInstance,
  hasAccess: (origin: string) => Promise<boolean> = (origin) =>
    browser.permissions.contains({ origins: [origin] }),
): LookupSource {
  return {
    instanceId: source.instanceId,
    async lookup(values) {
      try {
        return await source.lookup(values);
      } catch (error) {
        if (!isMispError(error) || error.kind !== 'unreachable') throw error;
        const origin = originPattern(instance.url);
        if (await hasAccess(origin).catch(() => true)) throw error;
        throw new MispError(
          'permission',
          `Sightline has no access to ${new URL(instance.url).origin} yet: open Sightline's options and click “Grant access”.`,
          { cause: error },
        );
      }
    },
  };
}

/** What the lookups need from the browser, injected (tests pass their own). */
export interface LookupsPlatform {
  /** The indicators a tab reported, with the statuses it was given. */
  tabIndicators(tabId: number): Promise<Array<PageIndicator & { status: ValueStatus }> | undefined>;
  /** Asks a tab's content script to look again (the `refresh` content command): its marks follow. */
  refreshTab(tabId: number): Promise<void>;
  /** Wakes the background at `when` (an alarm: the worker may be stopped meanwhile). */
  wakeAt(when: number): void;
  retryStore: RetryStore;
}

/** The kinds whose values have forms or derived values: a value's kind when the card asks without it. */
const KINDS_WITH_PARTS: readonly IndicatorKind[] = ['email', 'url'];

function guessKind(value: string): IndicatorKind | undefined {
  return KINDS_WITH_PARTS.find((kind) => {
    const spec = INDICATOR_REGISTRY[kind];
    return spec.detect(value) && spec.validate(value);
  });
}

/**
 * The background's lookup machinery: one LookupService over IndexedDB, statuses per page indicator
 * (forms and derived values included), per-instance problems remembered so the popup can say "MISP
 * unreachable" once instead of per value, failed lookups retried with backoff, and the tab told to
 * refresh its marks when an answer comes or changes.
 */
export class Lookups {
  readonly service: LookupService;
  readonly problems = new Map<string, string>();
  readonly cidr: CidrRanges;
  private readonly retries: RetrySchedule;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly refreshTimers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    db: SightlineDatabase,
    private readonly annotators: Annotators,
    private readonly platform: LookupsPlatform,
    options: { now?: () => number; sources?: () => Promise<LookupSource[]> } = {},
  ) {
    this.cidr = new CidrRanges(db, { now: options.now });
    this.retries = new RetrySchedule(platform.retryStore, options.now);
    this.service = new LookupService({
      db,
      ...(options.now ? { now: options.now } : {}),
      sources:
        options.sources ??
        (async () => {
          const [instances, preferences] = await Promise.all([lookupInstances(), loadPreferences()]);
          return instances.map((instance) =>
            explainingMissingAccess(
              mispLookupSource(instance, {
                timeoutMs: preferences.requestTimeoutMs,
                ttlMs: preferences.cacheTtlMinutes * 60_000,
                cidr: this.cidr,
              }),
              instance,
            ),
          );
        }),
      ttlMs: async () => (await loadPreferences()).cacheTtlMinutes * 60_000,
      onError: (instanceId, error) => {
        this.problems.set(
          instanceId,
          isMispError(error) || error instanceof Error ? error.message : String(error),
        );
      },
      onSuccess: (instanceId) => this.problems.delete(instanceId),
      onChanged: (tabIds) => {
        for (const tabId of tabIds) this.refreshSoon(tabId);
      },
    });
  }

  /**
   * Statuses for a frame's indicators. Every indicator is looked up in all its forms, with its derived
   * values, benign-marked ones too unless the analyst opted out; what failed is asked again later.
   */
  async statuses(
    tabId: number,
    indicators: readonly Indicator[],
    options: { retrying?: boolean } = {},
  ): Promise<Record<string, ValueStatus>> {
    const [preferences, instances] = await Promise.all([loadPreferences(), lookupInstances()]);
    if (instances.length === 0) {
      const statuses: Record<string, ValueStatus> = {};
      for (const indicator of indicators) {
        const benign = this.annotators.bundled(indicator.type, indicator.value).benign;
        statuses[indicator.value] = benign
          ? { status: 'benign', benignList: benign.listName }
          : { status: 'skipped', error: 'Sightline is not connected to a MISP yet.' };
      }
      return statuses;
    }
    const statuses = await pageStatuses(
      indicators,
      (values) => this.service.lookup(tabId, values),
      this.annotators,
      { lookupBenign: preferences.lookupBenign },
    );
    if (!options.retrying && Object.values(statuses).some((status) => status.retry)) {
      void this.scheduleRetry(tabId);
    }
    return statuses;
  }

  /**
   * The hover card's matches for a value: its own (any form), then those of its derived values, each
   * saying which part matched ("Host cdn-update.site is in MISP"). From the cache only.
   */
  async cardMatches(value: string, kind: IndicatorKind | undefined = guessKind(value)): Promise<Match[]> {
    const plan = kind === undefined ? [{ value, role: 'self' as const }] : lookupPlan(kind, value);
    const answers = await this.service.cachedAnswers(plan.map((planned) => planned.value));
    const seen = new Set<string>();
    const out: Match[] = [];
    for (const planned of plan) {
      for (const match of answers.get(planned.value)?.matches ?? []) {
        const key = `${match.instanceId}:${match.attribute.id}:${match.viaCidr ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(
          planned.role === 'self' || planned.role === 'form'
            ? match
            : { ...match, matchedPart: { part: planned.role, value: planned.value } },
        );
      }
    }
    return out;
  }

  /**
   * The values a sighting on `value` goes to: the value itself when MISP holds it (any form), else the
   * derived values MISP holds (a URL known through its host: the host is sighted).
   */
  async sightingValues(value: string, kind: IndicatorKind | undefined = guessKind(value)): Promise<string[]> {
    const matches = await this.cardMatches(value, kind);
    const own = matches.filter((match) => match.matchedPart === undefined && !match.viaCidr);
    if (own.length > 0 || matches.length === 0) return [value];
    return [...new Set(matches.flatMap((match) => (match.matchedPart ? [match.matchedPart.value] : [])))];
  }

  /** Runs the retries that are due (the retry timer or alarm fired). */
  async retryDue(): Promise<void> {
    const { tabs, next } = await this.retries.due();
    for (const tabId of tabs) {
      const reported = await this.platform.tabIndicators(tabId);
      const waiting = (reported ?? []).filter((indicator) => indicator.status.retry);
      if (waiting.length === 0) {
        await this.retries.done(tabId);
        continue;
      }
      const statuses = await this.statuses(tabId, waiting, { retrying: true });
      const answered = waiting.some((indicator) => !statuses[indicator.value]?.retry);
      if (Object.values(statuses).some((status) => status.retry)) {
        const dueAt = await this.retries.failed(tabId);
        if (dueAt !== null) this.wake(dueAt);
      } else {
        await this.retries.done(tabId);
      }
      // The page asks again and draws what came back (its report updates the popup too).
      if (answered) await this.platform.refreshTab(tabId).catch(() => undefined);
    }
    if (next !== null) this.wake(next);
  }

  /** The tab closed or navigated: no more retries for it. */
  async forgetTab(tabId: number): Promise<void> {
    this.service.cancelTab(tabId);
    await this.retries.done(tabId);
  }

  private async scheduleRetry(tabId: number): Promise<void> {
    const dueAt = await this.retries.schedule(tabId);
    if (dueAt !== null) this.wake(dueAt);
  }

  /** A timer while the worker runs, and an alarm in case the browser stops it meanwhile. */
  private wake(when: number): void {
    this.platform.wakeAt(when);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.retryDue();
      },
      Math.max(0, when - Date.now()),
    );
  }

  /** Tells a tab to redraw, once for a burst of changed answers. */
  private refreshSoon(tabId: number): void {
    if (tabId < 0 || this.refreshTimers.has(tabId)) return;
    this.refreshTimers.set(
      tabId,
      setTimeout(() => {
        this.refreshTimers.delete(tabId);
        void this.platform.refreshTab(tabId).catch(() => undefined);
      }, 1000),
    );
  }

  problemList(instances: readonly MispInstance[]): string[] {
    return [...this.problems].map(([id, message]) => {
      const name = instances.find((instance) => instance.id === id)?.name ?? 'MISP';
      return `${name}: ${message}`;
    });
  }

  /** The lookup instances as the popup shows them: id, name and the problem of the last lookup, if any. */
  instanceViews(instances: readonly MispInstance[]): Array<{ id: string; name: string; problem?: string }> {
    return instances.map(({ id, name }) => {
      const problem = this.problems.get(id);
      return problem === undefined ? { id, name } : { id, name, problem };
    });
  }

  clearCidrCache(): Promise<void> {
    return this.cidr.clear();
  }
}
