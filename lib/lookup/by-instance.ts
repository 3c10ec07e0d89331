import { countText } from '../format/count';
import type { ValueStatus } from './status';

/**
 * The popup's view of lookups across several MISP instances: per value, which instances know it (and
 * in how many events); per instance, which of the page's values it knows and its current problem.
 */

export interface LookupInstanceView {
  id: string;
  name: string;
  problem?: string;
}

export interface InstanceGroup {
  id: string;
  name: string;
  problem?: string;
  /** The page's values this instance knows, in list order, with its event count for each. */
  known: Array<{ value: string; eventCount: number }>;
}

/** "1 event", "2 events". */
export const eventCountText = (n: number) => countText(n, 'event');

/**
 * The status line of a known value. With several lookup instances it names them:
 * "In MISP: CIRCL (2 events), Team (1 event)"; with one, "In MISP (2 events)".
 */
export function knownStatusText(status: ValueStatus, instances: readonly LookupInstanceView[]): string {
  const perInstance = status.instances ?? [];
  if (instances.length > 1 && perInstance.length > 0) {
    const parts = perInstance.map((entry) => {
      const name = instances.find((instance) => instance.id === entry.instanceId)?.name ?? 'MISP';
      return `${name} (${eventCountText(entry.eventCount)})`;
    });
    return `In MISP: ${parts.join(', ')}`;
  }
  return `In MISP (${eventCountText(status.eventCount ?? 0)})`;
}

/** One group per lookup instance (in the configured order), with the values it knows. */
export function groupByInstance(
  items: ReadonlyArray<{ value: string; status: ValueStatus }>,
  instances: readonly LookupInstanceView[],
): InstanceGroup[] {
  return instances.map((instance) => ({
    id: instance.id,
    name: instance.name,
    ...(instance.problem === undefined ? {} : { problem: instance.problem }),
    known: items.flatMap((item) => {
      if (item.status.status !== 'known') return [];
      const entry = item.status.instances?.find((candidate) => candidate.instanceId === instance.id);
      return entry ? [{ value: item.value, eventCount: entry.eventCount }] : [];
    }),
  }));
}
