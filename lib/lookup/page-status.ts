import type { Annotation } from '../indicators/benign';
import type { IndicatorKind } from '../indicators/model';
import { LOOKUP_ATTRIBUTE_BUDGET } from '../misp/client';
import { lookupPlan, type PlannedValue } from './forms';
import { type Match, worstThreatLevel } from './matches';
import type { ListHit } from './records';
import type { LookupOutcome } from './service';
import type { PartStatus, ValueStatus } from './status';

/**
 * From a page's indicators to the values looked up, and from MISP's answers back to one status per
 * indicator. An indicator is known when MISP holds it in any of its forms, or holds one of its
 * derived values (the URL's host, the e-mail's domain); it is "new" only when every value asked for
 * it came back complete and empty; a warninglist only annotates.
 */

export interface Indicator {
  readonly type: IndicatorKind;
  readonly value: string;
}

/** The warninglist checks, injected (the list data lives in the background only). */
export interface Annotators {
  bundled(kind: IndicatorKind, value: string): Annotation;
  server(kind: IndicatorKind, value: string, hits: readonly ListHit[]): Annotation;
}

export interface PagePlan {
  /** Every value to send, once. */
  values: string[];
  plans: Map<string, PlannedValue[]>;
  /** The bundled annotation of each indicator and derived value, by value. */
  bundled: Map<string, Annotation>;
}

/**
 * What to look up for a page. With the analyst's opt-out ("look up likely benign indicators" off),
 * values a bundled list calls likely benign are not sent (a URL's forms go with the URL).
 */
export function planLookups(
  indicators: readonly Indicator[],
  annotators: Pick<Annotators, 'bundled'>,
  options: { lookupBenign: boolean },
): PagePlan {
  const values = new Set<string>();
  const plans = new Map<string, PlannedValue[]>();
  const bundled = new Map<string, Annotation>();
  const annotate = (kind: IndicatorKind, value: string) => {
    let annotation = bundled.get(value);
    if (annotation === undefined) {
      annotation = annotators.bundled(kind, value);
      bundled.set(value, annotation);
    }
    return annotation;
  };
  for (const indicator of indicators) {
    const plan = lookupPlan(indicator.type, indicator.value);
    plans.set(indicator.value, plan);
    const selfBenign = annotate(indicator.type, indicator.value).benign !== null;
    for (const planned of plan) {
      const benign =
        planned.role === 'self' || planned.role === 'form'
          ? selfBenign
          : annotate(planned.kind, planned.value).benign !== null;
      if (!benign || options.lookupBenign) values.add(planned.value);
    }
  }
  return { values: [...values], plans, bundled };
}

const isOwn = (planned: PlannedValue) => planned.role === 'self' || planned.role === 'form';

function matchesOf(outcome: LookupOutcome | undefined): Match[] {
  return outcome?.state === 'done' ? outcome.matches : [];
}

/** Each attribute once (several forms or instances may return the same one). */
function distinct(matches: readonly Match[]): Match[] {
  const seen = new Set<string>();
  return matches.filter((match) => {
    const key = `${match.instanceId}:${match.attribute.id}:${match.viaCidr ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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

function eventCount(matches: readonly Match[]): number {
  return eventsByInstance(matches).reduce((sum, entry) => sum + entry.eventCount, 0);
}

/** Why no answer is complete, when one is not: an error, a refusal, or a request still waiting. */
function incomplete(outcomes: readonly (LookupOutcome | undefined)[]): ValueStatus | undefined {
  const failed = outcomes.find((o) => o?.state === 'error');
  if (failed?.state === 'error') return { status: 'error', error: failed.message, retry: true };
  const refused = outcomes.find((o) => o?.state === 'refused');
  if (refused?.state === 'refused') return { status: 'skipped', error: refused.message, retry: true };
  if (outcomes.some((o) => o?.state === 'cancelled')) return { status: 'pending' };
  return undefined;
}

/** The benign mark and notes of a value MISP does not hold: the server's lists first, the bundled ones as fallback. */
function listAnnotation(
  kind: IndicatorKind,
  value: string,
  outcome: LookupOutcome | undefined,
  bundled: Annotation,
  annotators: Pick<Annotators, 'server'>,
): { benignList?: string; notes: string[] } {
  const lists = outcome?.state === 'done' ? outcome.lists : undefined;
  const server = lists === undefined ? undefined : annotators.server(kind, value, lists);
  const benign = server?.benign ?? bundled.benign;
  const notes = [...new Set([...bundled.notes, ...(server?.notes ?? [])].map((note) => note.text))];
  return { ...(benign === null ? {} : { benignList: benign.listName }), notes };
}

function partStatus(
  planned: PlannedValue,
  outcome: LookupOutcome | undefined,
  bundled: Annotation,
  annotators: Pick<Annotators, 'server'>,
): PartStatus {
  const base = { part: planned.role as PartStatus['part'], kind: planned.kind, value: planned.value };
  const matches = matchesOf(outcome);
  if (matches.length > 0) {
    return {
      ...base,
      status: 'known',
      eventCount: eventCount(matches),
      threatLevel: worstThreatLevel(matches),
    };
  }
  const failure = incomplete([outcome]);
  if (failure !== undefined) return { ...base, status: failure.status };
  const { benignList } = listAnnotation(planned.kind, planned.value, outcome, bundled, annotators);
  return benignList === undefined ? { ...base, status: 'new' } : { ...base, status: 'benign', benignList };
}

const NO_ANNOTATION: Annotation = { benign: null, notes: [] };

/** One indicator's status from the outcomes of the values planned for it (absent: not looked up). */
export function indicatorStatus(
  indicator: Indicator,
  page: PagePlan,
  outcomes: ReadonlyMap<string, LookupOutcome>,
  annotators: Pick<Annotators, 'server'>,
): ValueStatus {
  const plan = page.plans.get(indicator.value) ?? [
    { value: indicator.value, role: 'self', kind: indicator.type },
  ];
  const bundledOf = (value: string) => page.bundled.get(value) ?? NO_ANNOTATION;
  const own = plan.filter(isOwn);
  const derived = plan.filter((planned) => !isOwn(planned));
  const parts = derived.map((planned) =>
    partStatus(planned, outcomes.get(planned.value), bundledOf(planned.value), annotators),
  );
  const withParts = (status: ValueStatus): ValueStatus => (parts.length > 0 ? { ...status, parts } : status);
  const selfOutcome = outcomes.get(indicator.value);
  const ownMatches = distinct(own.flatMap((planned) => matchesOf(outcomes.get(planned.value))));
  const via = derived.filter((planned) => matchesOf(outcomes.get(planned.value)).length > 0);
  const { benignList, notes } = listAnnotation(
    indicator.type,
    indicator.value,
    selfOutcome,
    bundledOf(indicator.value),
    annotators,
  );

  if (ownMatches.length > 0 || via.length > 0) {
    const matches =
      ownMatches.length > 0
        ? ownMatches
        : distinct(via.flatMap((planned) => matchesOf(outcomes.get(planned.value))));
    const instances = eventsByInstance(matches);
    const capped = own
      .map((planned) => outcomes.get(planned.value))
      .find((outcome) => outcome?.state === 'done' && outcome.capped);
    // Known whatever a warninglist says; the list is a note.
    const listNotes = benignList === undefined ? [] : [`on ${benignList}`];
    const allNotes = [...listNotes, ...notes];
    return withParts({
      status: 'known',
      threatLevel: worstThreatLevel(matches),
      eventCount: instances.reduce((sum, entry) => sum + entry.eventCount, 0),
      instances,
      ...(capped === undefined ? {} : { capped: LOOKUP_ATTRIBUTE_BUDGET }),
      ...(ownMatches.length === 0
        ? { via: via.map((planned) => ({ part: planned.role as PartStatus['part'], value: planned.value })) }
        : {}),
      ...(allNotes.length > 0 ? { notes: allNotes } : {}),
    });
  }

  const failure = incomplete(plan.map((planned) => outcomes.get(planned.value)));
  if (failure !== undefined) return withParts(failure);
  const rangesChecked = selfOutcome?.state === 'done' ? selfOutcome.rangesChecked : undefined;
  const allNotes = [
    ...notes,
    ...(rangesChecked === undefined
      ? []
      : [`checked against the first ${rangesChecked.toLocaleString('en')} of MISP's CIDR ranges`]),
  ];
  const extra = allNotes.length > 0 ? { notes: allNotes } : {};
  if (benignList !== undefined) return withParts({ status: 'benign', benignList, ...extra });
  return withParts({ status: 'new', ...extra });
}

/**
 * Statuses for a page's indicators: plans what to look up, asks `lookup` for all of it at once (one
 * set of ≤ 500-value batches), and reads each indicator's status from the answers.
 */
export async function pageStatuses(
  indicators: readonly Indicator[],
  lookup: (values: readonly string[]) => Promise<ReadonlyMap<string, LookupOutcome>>,
  annotators: Annotators,
  options: { lookupBenign: boolean },
): Promise<Record<string, ValueStatus>> {
  const plan = planLookups(indicators, annotators, options);
  const outcomes = await lookup(plan.values);
  const statuses: Record<string, ValueStatus> = {};
  for (const indicator of indicators) {
    statuses[indicator.value] = indicatorStatus(indicator, plan, outcomes, annotators);
  }
  return statuses;
}
