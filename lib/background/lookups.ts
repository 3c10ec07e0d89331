import { browser } from 'wxt/browser';
import type { SightlineDatabase } from '../db';
import type { PageIndicator } from '../indicators/page-indicators';
import { type Match, worstThreatLevel } from '../lookup/matches';
import { CidrCache, mispLookupSource } from '../lookup/misp-source';
import { type LookupOutcome, LookupService, type LookupSource } from '../lookup/service';
import type { ValueStatus } from '../lookup/status';
import { isMispError, MispError } from '../misp';
import { loadInstances, loadPreferences, type MispInstance } from '../settings';
import { originPattern } from '../url';

/** Decides whether a value is "likely benign", and by which warninglist (null: not benign). */
export type BenignCheck = (indicator: Pick<PageIndicator, 'type' | 'value'>) => string | null;

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

/**
 * The background's lookup machinery: one LookupService over IndexedDB, with per-instance problems
 * remembered so the popup can say "MISP unreachable" once instead of per value.
 */
export class Lookups {
  readonly service: LookupService;
  readonly problems = new Map<string, string>();
  private readonly cidr = new CidrCache();

  constructor(
    db: SightlineDatabase,
    private readonly isBenign: BenignCheck,
  ) {
    this.service = new LookupService({
      db,
      sources: async () => {
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
      },
      ttlMs: async () => (await loadPreferences()).cacheTtlMinutes * 60_000,
      onError: (instanceId, error) => {
        this.problems.set(
          instanceId,
          isMispError(error) || error instanceof Error ? error.message : String(error),
        );
      },
      onSuccess: (instanceId) => this.problems.delete(instanceId),
    });
  }

  /** Statuses for a frame's indicators: benign ones are not sent to MISP unless the analyst asked. */
  async statuses(tabId: number, indicators: readonly PageIndicator[]): Promise<Record<string, ValueStatus>> {
    const [preferences, instances] = await Promise.all([loadPreferences(), lookupInstances()]);
    const statuses: Record<string, ValueStatus> = {};
    const toLookUp: string[] = [];
    for (const indicator of indicators) {
      const list = this.isBenign(indicator);
      if (list !== null) statuses[indicator.value] = { status: 'benign', benignList: list };
      if (list === null || preferences.lookupBenign) toLookUp.push(indicator.value);
    }
    if (instances.length === 0) {
      for (const value of toLookUp) {
        statuses[value] ??= { status: 'skipped', error: 'Sightline is not connected to a MISP yet.' };
      }
      return statuses;
    }
    const outcomes = await this.service.lookup(tabId, toLookUp);
    for (const [value, outcome] of outcomes) {
      const status = outcomeStatus(outcome);
      // A benign value that MISP knows is shown as known; otherwise the benign mark stays.
      if (status.status === 'known' || !statuses[value]) statuses[value] = status;
    }
    return statuses;
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

  clearCidrCache(): void {
    this.cidr.clear();
  }
}

/** Distinct events per instance among a value's matches, in the order the instances first appear. */
export function eventsByInstance(
  matches: readonly Match[],
): Array<{ instanceId: string; eventCount: number }> {
  const events = new Map<string, Set<string>>();
  for (const match of matches) {
    const set = events.get(match.instanceId) ?? new Set<string>();
    set.add(match.event.id);
    events.set(match.instanceId, set);
  }
  return [...events].map(([instanceId, ids]) => ({ instanceId, eventCount: ids.size }));
}

export function outcomeStatus(outcome: LookupOutcome): ValueStatus {
  switch (outcome.state) {
    case 'done': {
      if (outcome.matches.length === 0) return { status: 'new' };
      const instances = eventsByInstance(outcome.matches);
      return {
        status: 'known',
        threatLevel: worstThreatLevel(outcome.matches),
        eventCount: instances.reduce((sum, entry) => sum + entry.eventCount, 0),
        instances,
      };
    }
    case 'error':
      return { status: 'error', error: outcome.message };
    case 'cancelled':
      return { status: 'pending' };
  }
}
