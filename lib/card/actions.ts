import type { ask } from '../content/messaging';
import { defang } from '../events/export';
import { countText } from '../format/count';
import type { Match } from '../lookup/matches';
import { SIGHTING_TYPE_LABELS, type SightingType } from '../sightings/model';

/**
 * The hover card's actions, as data: one entry per action. The card renders the entries (one button
 * each, or one per instance section), refuses guarded ones unless the card was visible and unobscured
 * long enough, applies the optimistic update, runs the action and offers its undo. Each entry sends
 * one protocol message, handled by one background handler; adding an action touches this table and
 * that handler only.
 */

export interface CardActionInput {
  value: string;
  /** The indicator's kind as the page layer found it (for defanging). */
  kind?: string;
  matches: Match[];
  /** The instance section the button sits in; absent: every instance that knows the value. */
  instanceId?: string;
}

export interface CardActionOutcome {
  message: { kind: 'ok' | 'info' | 'error'; text: string };
  /** What Undo takes back (an action without undo leaves it empty). */
  undoKeys?: string[];
  /** Read MISP's matches again (the counts changed there). */
  reload: boolean;
}

export interface CardActionDeps {
  ask: typeof ask;
  copy(text: string): Promise<void>;
}

export type CardPermission = 'sighting';

export interface CardAction {
  id: string;
  label: string;
  /** What the key's role must allow; the card hides the action where it does not. */
  permission?: CardPermission;
  /** Needs MISP to know the value (a sighting is recorded on attributes). */
  needsMatches: boolean;
  /** With several instances: one button per instance section ("Record sighting in CIRCL"). */
  perInstance: boolean;
  /** Writes to MISP: refused unless the card was fully visible and unobscured for the arming delay. */
  guarded: boolean;
  /** Shown while it runs. */
  pending: string;
  /** The card's matches right after the click, before MISP confirms. */
  optimistic?(matches: Match[], instanceId: string | undefined, nowSeconds: number): Match[];
  run(input: CardActionInput, deps: CardActionDeps): Promise<CardActionOutcome>;
  undo?(keys: string[], deps: CardActionDeps): Promise<CardActionOutcome>;
}

/** The counts right after the analyst acted (CIDR matches are ranges: their counts are not the value's). */
export function withOptimisticCount(
  matches: Match[],
  type: SightingType,
  nowSeconds: number,
  instanceId?: string,
): Match[] {
  return matches.map((match) => {
    if (match.viaCidr || (instanceId !== undefined && match.instanceId !== instanceId)) return match;
    const counts = { ...match.sightings, lastSeen: nowSeconds };
    if (type === 0) counts.sighting++;
    else if (type === 1) counts.falsePositive++;
    else counts.expiration++;
    return { ...match, sightings: counts };
  });
}

async function recordSighting(type: SightingType, input: CardActionInput, deps: CardActionDeps) {
  const label = SIGHTING_TYPE_LABELS[type];
  const answer = await deps.ask('sightings/record', {
    values: [input.value],
    type,
    ...(input.instanceId === undefined ? {} : { instanceId: input.instanceId }),
  });
  if (!answer.ok) return { message: { kind: 'error', text: answer.error.message }, reload: true } as const;
  const records = answer.data.records;
  const failed = records.find((record) => record.state === 'failed');
  if (failed)
    return {
      message: { kind: 'error', text: failed.lastError ?? `MISP recorded no ${label}.` },
      reload: true,
    } as const;
  const undoKeys = records.map((record) => record.key);
  if (records.some((record) => record.state === 'queued' || record.state === 'sending'))
    return {
      message: {
        kind: 'info',
        text: `MISP is unreachable: the ${label} is queued and will be sent when it is back.`,
      },
      undoKeys,
      reload: false,
    } as const;
  const count = records.reduce((sum, record) => sum + (record.result?.sightingIds.length ?? 0), 0);
  return {
    message: {
      kind: 'ok',
      text: `Recorded ${label} in MISP${count > 1 ? ` (${countText(count, 'attribute')})` : ''}.`,
    },
    undoKeys,
    reload: true,
  } as const;
}

async function undoSightings(keys: string[], deps: CardActionDeps): Promise<CardActionOutcome> {
  const answers = await Promise.all(keys.map((key) => deps.ask('sightings/undo', { key })));
  const failure = answers.find((answer) => !answer.ok);
  return {
    message:
      failure && !failure.ok
        ? { kind: 'error', text: failure.error.message }
        : { kind: 'ok', text: answers.map((answer) => (answer.ok ? answer.data.message : '')).join(' ') },
    reload: true,
  };
}

function sightingAction(id: string, type: SightingType, label: string): CardAction {
  return {
    id,
    label,
    permission: 'sighting',
    needsMatches: true,
    perInstance: true,
    guarded: true,
    pending: `Recording ${SIGHTING_TYPE_LABELS[type]}…`,
    optimistic: (matches, instanceId, now) => withOptimisticCount(matches, type, now, instanceId),
    run: (input, deps) => recordSighting(type, input, deps),
    undo: undoSightings,
  };
}

export const CARD_ACTIONS: readonly CardAction[] = [
  sightingAction('record-sighting', 0, 'Record sighting'),
  sightingAction('mark-false-positive', 1, 'Mark false positive'),
  sightingAction('mark-expired', 2, 'Mark expired'),
  {
    id: 'add-to-draft',
    label: 'Add to event draft',
    needsMatches: false,
    perInstance: false,
    // Local to the tab's draft (the popup files it): nothing reaches MISP from this click.
    guarded: false,
    pending: 'Adding to the event draft…',
    async run({ value }, deps) {
      const answer = await deps.ask('card/add-to-draft', { value });
      if (!answer.ok) return { message: { kind: 'error', text: answer.error.message }, reload: false };
      return {
        message: {
          kind: 'ok',
          text:
            answer.data.added > 0
              ? 'Added to the event draft (see the popup).'
              : 'Already in the event draft.',
        },
        reload: false,
      };
    },
  },
  {
    id: 'copy-defanged',
    label: 'Copy defanged',
    needsMatches: false,
    perInstance: false,
    guarded: false,
    pending: 'Copying…',
    async run({ value, kind, matches }, deps) {
      const text = defang(kind ?? matches[0]?.attribute.type ?? '', value);
      try {
        await deps.copy(text);
        return { message: { kind: 'ok', text: `Copied ${text}` }, reload: false };
      } catch {
        return { message: { kind: 'error', text: 'The browser did not allow copying here.' }, reload: false };
      }
    },
  },
];

/** Whether the key's role allows an action on an instance (unknown: allowed, the background checks again). */
export function allowedFor(
  action: CardAction,
  permissions: Readonly<Record<string, boolean>> | undefined,
  instanceId: string | undefined,
): boolean {
  if (!action.permission || !permissions) return true;
  if (instanceId !== undefined) return permissions[instanceId] !== false;
  return Object.values(permissions).some(Boolean);
}
