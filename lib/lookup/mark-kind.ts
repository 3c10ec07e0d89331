import type { Preferences } from '../settings';
import { threatLevel } from '../threat-level';
import type { ValueStatus } from './status';

/** How a value's mark looks: by threat level when MISP knows it, muted for new and benign values. */
export type MarkKind = 'high' | 'medium' | 'low' | 'undefined' | 'new' | 'benign';

/** A value's mark, or none (new and benign values are marked only when the analyst asked for it). */
export function markKind(
  status: ValueStatus | undefined,
  preferences: Pick<Preferences, 'showNewMarks' | 'showBenignMarks'>,
): MarkKind | undefined {
  if (!status) return undefined;
  if (status.status === 'known') return threatLevel(status.threatLevel).mark;
  if (status.status === 'new' && preferences.showNewMarks) return 'new';
  if (status.status === 'benign' && preferences.showBenignMarks) return 'benign';
  return undefined;
}
