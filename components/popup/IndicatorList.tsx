import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { validChoice } from '../../lib/events/build';
import type { Draft, ItemChoice } from '../../lib/events/model';
import { countText } from '../../lib/format/count';
import { kindSpec, mispTypeChoice } from '../../lib/indicators';
import { noteHints, noteStatus, offeredForFiling } from '../../lib/indicators/notes';
import type { LookupInstanceView } from '../../lib/lookup/by-instance';
import type { ListedValue } from '../../lib/lookup/derived-rows';
import { statusText } from '../../lib/lookup/status-text';
import { choiceFor } from '../../lib/selection';

/** A listed value; a derived row (a URL's host, an e-mail's domain) names what it comes from. */
export type ListedItem = ListedValue;

export { statusText };

/** "4 of 156 shown, 0 selected" while a filter is typed; "156 indicators, 0 selected" otherwise. */
export function listCountText(shown: number, total: number, selected: number, filtering: boolean): string {
  return filtering
    ? `${shown.toLocaleString()} of ${total.toLocaleString()} shown, ${selected.toLocaleString()} selected`
    : `${countText(total, 'indicator')}, ${selected.toLocaleString()} selected`;
}

/** "Indicators on this page": grouped by type, one checkbox per value, options for the selected ones. */
export function IndicatorList({
  items,
  draft,
  onChange,
  instances = [],
  pasted = [],
  empty = 'No indicators found on this page yet.',
}: {
  items: ListedItem[];
  draft: Draft;
  onChange: (selected: Draft['selected']) => void;
  /** The lookup instances (names the instances in status lines when there are several). */
  instances?: readonly LookupInstanceView[];
  /** Values added from pasted text (not on the page): listed together, first, as "From pasted text". */
  pasted?: readonly string[];
  /** What to say when there is nothing to list (why the page has nothing). */
  empty?: ComponentChildren;
}) {
  const [filter, setFilter] = useState('');
  const term = filter.trim().toLowerCase();
  const visible = useMemo(
    () =>
      term
        ? items.filter(
            (item) => item.value.toLowerCase().includes(term) || item.original.toLowerCase().includes(term),
          )
        : items,
    [items, term],
  );
  const pastedSet = useMemo(() => new Set(pasted), [pasted]);
  const groups = useMemo(() => {
    const fromText: ListedItem[] = [];
    const byKind = new Map<ListedItem['type'], ListedItem[]>();
    for (const item of visible) {
      if (item.derivedFrom || item.note?.reference !== undefined) continue;
      if (pastedSet.has(item.value)) fromText.push(item);
      else byKind.set(item.type, [...(byKind.get(item.type) ?? []), item]);
    }
    const byType = [...byKind].map(([kind, group]) => ({ key: kind, title: kindSpec(kind).label, group }));
    return fromText.length > 0
      ? [{ key: 'pasted', title: 'From pasted text', group: fromText }, ...byType]
      : byType;
  }, [visible, pastedSet]);
  // The page's own site, publishers' and vendors' sites, contact addresses: listed apart.
  const references = useMemo(
    () => visible.filter((item) => !item.derivedFrom && item.note?.reference !== undefined),
    [visible],
  );
  // Derived values (a URL's host, an e-mail's domain) are listed under what they come from.
  const derivedOf = useMemo(() => {
    const byParent = new Map<string, ListedItem[]>();
    for (const item of visible) {
      if (item.derivedFrom)
        byParent.set(item.derivedFrom.value, [...(byParent.get(item.derivedFrom.value) ?? []), item]);
    }
    return byParent;
  }, [visible]);
  const selectedCount = items.filter((item) => draft.selected[item.value]).length;

  // Values just added from pasted text are brought into view, not left somewhere in a long list.
  const pastedGroup = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (pasted.length > 0) pastedGroup.current?.scrollIntoView?.({ block: 'nearest' });
  }, [pasted.length]);

  const toggle = (item: ListedItem, on: boolean) => {
    const next = { ...draft.selected };
    if (on) next[item.value] = next[item.value] ?? choiceFor(item);
    else delete next[item.value];
    onChange(next);
  };
  const update = (item: ListedItem, patch: Partial<ItemChoice>) => {
    const current = draft.selected[item.value] ?? choiceFor(item);
    onChange({ ...draft.selected, [item.value]: validChoice(item, { ...current, ...patch }) });
  };
  const selectAllNew = () => {
    const next = { ...draft.selected };
    for (const item of visible) {
      if (
        item.status.status === 'new' &&
        !item.derivedFrom &&
        offeredForFiling(item.note) &&
        !next[item.value]
      )
        next[item.value] = choiceFor(item);
    }
    onChange(next);
  };

  const row = (item: ListedItem) => {
    const choice = draft.selected[item.value];
    return (
      <li key={item.value} class="sl-item">
        <div class="sl-item-row">
          <input
            type="checkbox"
            id={`sel-${item.value}`}
            aria-label={item.value}
            checked={Boolean(choice)}
            onChange={(event) => toggle(item, event.currentTarget.checked)}
          />
          <span class="sl-value" title={item.original}>
            {item.value}
          </span>
          <span class={`sl-status sl-status-${item.status.status}`}>{itemStatusText(item, instances)}</span>
          {noteHints(item.note).map((hint) => (
            <span key={hint} class="hint">
              {hint}
            </span>
          ))}
          {item.count > 1 && <span class="hint">×{item.count}</span>}
        </div>
        {choice && <ItemOptions item={item} choice={choice} onChange={(p) => update(item, p)} />}
        {derivedOf.has(item.value) && (
          <ul class="sl-derived" aria-label={`Parts of ${item.value}`}>
            {derivedOf.get(item.value)!.map((part) => {
              const partChoice = draft.selected[part.value];
              return (
                <li key={part.value} class="sl-item">
                  <div class="sl-item-row">
                    <input
                      type="checkbox"
                      id={`sel-${part.value}`}
                      aria-label={part.value}
                      checked={Boolean(partChoice)}
                      onChange={(event) => toggle(part, event.currentTarget.checked)}
                    />
                    <span class="sl-value">{part.value}</span>
                    <span class={`sl-status sl-status-${part.status.status}`}>
                      {itemStatusText(part, instances)}
                    </span>
                    <span class="hint">{part.derivedFrom?.part === 'domain' ? 'domain' : 'host'}</span>
                  </div>
                  {partChoice && (
                    <ItemOptions item={part} choice={partChoice} onChange={(p) => update(part, p)} />
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </li>
    );
  };

  return (
    <section aria-labelledby="indicators-heading">
      <h2 id="indicators-heading">Indicators</h2>
      <div class="row">
        <input
          type="search"
          aria-label="Filter indicators"
          placeholder="Filter"
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
          style={{ flex: 1, width: 'auto' }}
        />
        <button type="button" onClick={selectAllNew}>
          Select all new
        </button>
        <button type="button" onClick={() => onChange({})} disabled={selectedCount === 0}>
          Clear selection
        </button>
      </div>
      <p class="hint" aria-live="polite">
        {listCountText(visible.length, items.length, selectedCount, term !== '')}
      </p>
      {items.length === 0 && empty !== null && <div class="hint sl-empty">{empty}</div>}
      <ul class="sl-indicators" aria-label="Indicators on this page">
        {groups.map(({ key, title, group }) => (
          <li
            key={key}
            class="sl-group"
            ref={key === 'pasted' ? pastedGroup : undefined}
            aria-label={key === 'pasted' ? title : undefined}
          >
            <h3 class="sl-group-title">
              {title} ({group.length})
            </h3>
            <ul class="sl-group-items">{group.map(row)}</ul>
          </li>
        ))}
      </ul>
      {references.length > 0 && (
        <fieldset aria-label="References" class="sl-group sl-references">
          <legend class="sl-group-title">References ({references.length})</legend>
          <ul class="sl-group-items">{references.map(row)}</ul>
        </fieldset>
      )}
    </section>
  );
}

/** A value MISP does not know that is a reference, or likely no indicator, is never called "New". */
function itemStatusText(item: ListedItem, instances: readonly LookupInstanceView[]): string {
  const unknown = item.status.status === 'new' || item.status.status === 'pending';
  return (unknown ? noteStatus(item.note) : null) ?? statusText(item.status, instances);
}

function ItemOptions({
  item,
  choice,
  onChange,
}: {
  item: ListedItem;
  choice: ItemChoice;
  onChange: (patch: Partial<ItemChoice>) => void;
}) {
  const options = mispTypeChoice(item.type, item.value).options;
  const current = options.find((option) => option.type === choice.type) ?? options[0];
  return (
    <div class="sl-item-options">
      <select
        aria-label={`MISP type for ${item.value}`}
        value={choice.type}
        onChange={(event) => {
          const type = event.currentTarget.value;
          const option = options.find((entry) => entry.type === type);
          if (option) onChange({ type, category: option.defaultCategory, toIds: option.toIds });
        }}
      >
        {options.map((option) => (
          <option key={option.type} value={option.type}>
            {option.type}
          </option>
        ))}
      </select>
      <select
        aria-label={`Category for ${item.value}`}
        value={choice.category}
        onChange={(event) => onChange({ category: event.currentTarget.value })}
      >
        {(current?.categories ?? []).map((category) => (
          <option key={category} value={category}>
            {category}
          </option>
        ))}
      </select>
      <label class="sl-inline">
        <input
          type="checkbox"
          checked={choice.toIds}
          aria-label={`IDS flag for ${item.value}`}
          onChange={(event) => onChange({ toIds: event.currentTarget.checked })}
        />{' '}
        IDS
      </label>
      <input
        type="text"
        aria-label={`Comment for ${item.value}`}
        placeholder="Comment"
        value={choice.comment}
        maxLength={2000}
        onInput={(event) => onChange({ comment: event.currentTarget.value })}
      />
    </div>
  );
}
