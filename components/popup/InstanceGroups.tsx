import { countText } from '../../lib/format/count';
import { eventCountText, groupByInstance, type LookupInstanceView } from '../../lib/lookup/by-instance';
import type { ValueStatus } from '../../lib/lookup/status';

/**
 * "Matches by MISP instance" (several lookup instances): one group per instance with its name, how
 * many of the page's values it knows, its problem line if its lookups failed, and the values it knows.
 */
export function InstanceGroups({
  items,
  instances,
}: {
  items: ReadonlyArray<{ value: string; status: ValueStatus }>;
  instances: readonly LookupInstanceView[];
}) {
  const groups = groupByInstance(items, instances);
  return (
    <section aria-labelledby="by-instance-heading" class="sl-by-instance">
      <h2 id="by-instance-heading">Matches by MISP instance</h2>
      {groups.map((group) => {
        const headingId = `instance-${group.id}`;
        const n = group.known.length;
        return (
          <section key={group.id} aria-labelledby={headingId} class="sl-instance-group">
            <h3 id={headingId}>{group.name}</h3>
            <p class="hint">{`Knows ${n} of the ${countText(items.length, 'value')} on this page`}</p>
            {group.problem && <p class="status-error">{`${group.name}: ${group.problem}`}</p>}
            {n > 0 && (
              <ul aria-label={`Known in ${group.name}`} class="sl-instance-known">
                {group.known.map((entry) => (
                  <li key={entry.value}>
                    <span class="sl-value">{entry.value}</span>{' '}
                    <span class="hint">{eventCountText(entry.eventCount)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </section>
  );
}
