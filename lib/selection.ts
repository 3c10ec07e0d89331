import { defaultChoice, type ListedIndicator } from './events/build';
import type { ItemChoice } from './events/model';
import type { ValueStatus } from './lookup/status';

/**
 * A value MISP does not hold that a warninglist calls benign (RFC 1918 and documentation ranges,
 * well-known domains): shown "Likely benign", never ticked for the analyst, never IDS by default.
 */
export function isLikelyBenign(status: ValueStatus): boolean {
  return status.status === 'benign' || (status.status !== 'known' && status.benignList !== undefined);
}

/** How a value is filed once ticked: MISP's default type and category; IDS off when likely benign. */
export function choiceFor(item: ListedIndicator & { status: ValueStatus }): ItemChoice {
  const choice = defaultChoice(item);
  return isLikelyBenign(item.status) ? { ...choice, toIds: false } : choice;
}
