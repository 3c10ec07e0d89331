import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import type { SeenRecord } from '../db';
import { dayText } from '../format/time';
import type { Match } from '../lookup/matches';
import type { LookupOutcome } from '../lookup/service';
import type { AlertDraft } from '../watch/alerts';
import { type SeenPlace, type SeenStore, seenPlace } from './store';

/** Values per request to MISP (its restSearch takes value lists; the lookup service batches ≤ 500). */
export const CHECK_BATCH = 500;
/** Requests per check run: a large history is checked over several runs, the longest unasked first. */
export const MAX_BATCHES_PER_RUN = 20;
/** A batch slower than this makes the next run wait longer (MISP is busy). */
export const SLOW_BATCH_MS = 15_000;
export const MAX_BACKOFF_MS = 24 * 60 * 60_000;
/** A poll that saw new events asks for a check this soon, unless one ran less than a minute ago. */
export const HINT_DELAY_MS = 5_000;

export interface SeenSettings {
  remember: boolean;
  retentionDays: number;
  checkMinutes: number;
}

/** What the checker needs from the background (fakes in unit tests). */
export interface SeenPlatform {
  now(): number;
  settings(): Promise<SeenSettings>;
  /**
   * Whether Sightline may scan the page at `url` at all (never a site on "Sites never scanned", never
   * MISP's own pages): only such pages are recorded.
   */
  mayScan(url: string): Promise<boolean>;
  /** MISP's current answer for values (not a cached one), through the lookup machinery. */
  lookupFresh(values: readonly string[]): Promise<Map<string, LookupOutcome>>;
  /** The event's page in MISP. */
  eventUrl(instanceId: string, eventId: string): Promise<string>;
  /** Stores and notifies alerts (the watch's path: no notification storm). */
  raise(instanceId: string, drafts: AlertDraft[]): Promise<void>;
  /** (Re)arms the one check alarm `delayMs` from now. */
  schedule(delayMs: number): Promise<void>;
}

const CheckStateSchema = z.object({
  lastCheckAt: z.number().optional(),
  failures: z.number().int().nonnegative(),
  problem: z.string().optional(),
});
export type CheckState = z.infer<typeof CheckStateSchema>;

const checkStateItem = storage.defineItem<unknown>('local:seenCheck', { fallback: {} });

export async function loadCheckState(): Promise<CheckState> {
  const parsed = CheckStateSchema.safeParse(await checkStateItem.getValue());
  return parsed.success ? parsed.data : { failures: 0 };
}

/** The alert for a value that MISP knows now, naming where and when it was read. */
export function lateMatchAlert(record: SeenRecord, match: Match, eventUrl: string): AlertDraft {
  const info = match.event.info || `event ${match.event.id}`;
  return {
    id: `seen|${record.value}`,
    payload: {
      kind: 'seen',
      title: 'Seen before, known now',
      message: `${record.value}, which you read on ${record.host} on ${dayText(record.firstSeenAt)}, is now in MISP: ${info}`,
      url: eventUrl,
      value: record.value,
      eventId: match.event.id,
      eventInfo: info,
      host: record.host,
      pageTitle: record.title,
      pageUrl: record.pageUrl,
      readAt: record.firstSeenAt,
    },
  };
}

/**
 * Remembers what MISP did not know on the pages the analyst reads, and re-asks MISP about it
 * periodically (and when a watch poll saw events change): a value that became known raises one
 * alert, with the event and the page it was read on, and leaves the history.
 */
export class SeenChecker {
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: SeenStore,
    private readonly platform: SeenPlatform,
  ) {}

  /**
   * A scanned page's lookups came back (the `page/indicators` path): values MISP does not know are
   * remembered; values remembered earlier that MISP knows now are late matches. A page Sightline may not
   * scan (an excluded site, MISP's own pages) or that is not http(s) is never recorded.
   */
  async recordPage(
    page: { url: string; title: string },
    indicators: ReadonlyArray<{ value: string; type: string }>,
    statuses: Readonly<Record<string, { status: string }>>,
  ): Promise<void> {
    const settings = await this.platform.settings();
    if (!settings.remember) return;
    const place: SeenPlace | undefined = seenPlace(page.url, page.title);
    if (!place || !(await this.platform.mayScan(page.url))) return;
    const unknown = indicators.filter((indicator) => statuses[indicator.value]?.status === 'new');
    if (unknown.length > 0) await this.store.remember(place, unknown, this.platform.now());
    const known = indicators.filter((indicator) => statuses[indicator.value]?.status === 'known');
    if (known.length === 0) return;
    const remembered = await this.store.get(known.map((indicator) => indicator.value));
    if (remembered.size === 0) return;
    const answers = await this.platform.lookupFresh([...remembered.keys()]);
    await this.settle([...remembered.values()], answers);
  }

  /** The alarm: one bounded run over the history (see `run`), then the next alarm. */
  check(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A watch poll saw events change: check soon, unless a check ran in the last minute. */
  async hint(): Promise<void> {
    const state = await loadCheckState();
    if (state.failures > 0) return;
    if (state.lastCheckAt !== undefined && this.platform.now() - state.lastCheckAt < 60_000) return;
    await this.platform.schedule(HINT_DELAY_MS);
  }

  /** At start-up: an alarm exists (an earlier worker may have stopped before arming it). */
  async ensureScheduled(isScheduled: boolean): Promise<void> {
    if (isScheduled) return;
    const settings = await this.platform.settings();
    await this.platform.schedule(settings.checkMinutes * 60_000);
  }

  async forget(): Promise<void> {
    await this.store.clear();
  }

  private async run(): Promise<void> {
    const settings = await this.platform.settings();
    const state = await loadCheckState();
    const started = this.platform.now();
    await this.store.prune(started, settings.retentionDays);
    if (!settings.remember) {
      await this.platform.schedule(settings.checkMinutes * 60_000);
      return;
    }
    let failures = 0;
    let problem: string | undefined;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const due = await this.store.due(CHECK_BATCH, started);
      if (due.length === 0) break;
      const before = this.platform.now();
      const answers = await this.platform.lookupFresh(due.map((record) => record.value));
      const failed = [...answers.values()].find((outcome) => outcome.state === 'error');
      await this.settle(due, answers);
      if (failed?.state === 'error') {
        failures = state.failures + 1;
        problem = `The last check failed (${failed.message}); Sightline asks again less often until MISP answers.`;
        break;
      }
      if (this.platform.now() - before > SLOW_BATCH_MS) {
        failures = state.failures + 1;
        problem = 'MISP answered slowly; Sightline checks less often until it is quick again.';
        break;
      }
    }
    const interval = settings.checkMinutes * 60_000;
    const delay =
      failures === 0 ? interval : Math.min(interval * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
    await checkStateItem.setValue({
      lastCheckAt: started,
      failures,
      ...(problem === undefined ? {} : { problem }),
    } satisfies CheckState);
    await this.platform.schedule(Math.max(delay, interval));
  }

  /** Known now: one alert each, out of the history. Not known: checked. Failed: left for the next run. */
  private async settle(
    records: readonly SeenRecord[],
    answers: ReadonlyMap<string, LookupOutcome>,
  ): Promise<void> {
    const now = this.platform.now();
    const checked: string[] = [];
    const matched: string[] = [];
    const alerts = new Map<string, AlertDraft[]>();
    for (const record of records) {
      const outcome = answers.get(record.value);
      if (outcome?.state !== 'done') continue;
      const match = outcome.matches.find((candidate) => !candidate.viaCidr) ?? outcome.matches[0];
      if (!match) {
        checked.push(record.value);
        continue;
      }
      matched.push(record.value);
      const url = await this.platform.eventUrl(match.instanceId, match.event.id);
      const list = alerts.get(match.instanceId) ?? [];
      list.push(lateMatchAlert(record, match, url));
      alerts.set(match.instanceId, list);
    }
    await this.store.markChecked(checked, now);
    await this.store.remove(matched);
    for (const [instanceId, drafts] of alerts) await this.platform.raise(instanceId, drafts);
  }
}
