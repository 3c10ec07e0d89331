import { useEffect, useRef, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';

export type TagState = 'known' | 'unknown' | 'checking' | 'error';

/**
 * The "Tags" combobox: suggestions from the server's /tags/index as the analyst types; Enter (or a
 * suggestion) adds the tag exactly as spelled. Each added tag is checked against the server (tags are
 * case-sensitive) so that a tag MISP does not know is flagged before submitting.
 */
export function TagInput({
  instanceId,
  tags,
  onChange,
  states,
  onState,
}: {
  /** The instance the event goes to (its tags are the ones suggested and checked). */
  instanceId?: string | undefined;
  tags: string[];
  onChange: (tags: string[]) => void;
  states: Record<string, TagState>;
  onState: (name: string, state: TagState) => void;
}) {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Array<{ name: string; colour: string }>>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    clearTimeout(timer.current);
    const term = text.trim();
    if (term.length < 2) {
      setSuggestions([]);
      return;
    }
    timer.current = setTimeout(() => {
      void sendToBackground('events/tags', { search: term, ...(instanceId ? { instanceId } : {}) }).then(
        (result) => {
          if (!result.ok) return;
          setSuggestions(result.data.filter((tag) => !tags.includes(tag.name)).slice(0, 12));
          for (const tag of result.data) onState(tag.name, 'known');
          setActive(-1);
          setOpen(true);
        },
      );
    }, 200);
    return () => clearTimeout(timer.current);
  }, [text, instanceId]);

  const add = (name: string) => {
    const tag = name.trim();
    setText('');
    setSuggestions([]);
    setOpen(false);
    if (!tag || tags.includes(tag)) return;
    onChange([...tags, tag]);
    if (states[tag] === 'known') return;
    onState(tag, 'checking');
    void sendToBackground('events/tags', { search: tag, ...(instanceId ? { instanceId } : {}) }).then(
      (result) => {
        if (!result.ok) onState(tag, 'error');
        // Exact, case-sensitive: "TLP:AMBER" is not "tlp:amber" to MISP.
        else onState(tag, result.data.some((known) => known.name === tag) ? 'known' : 'unknown');
      },
    );
  };

  const listId = 'tag-suggestions';
  const expanded = open && suggestions.length > 0;
  return (
    <div class="sl-tags">
      <label for="tag-input">Tags</label>
      {tags.length > 0 && (
        <ul class="sl-chips" aria-label="Event tags">
          {tags.map((tag) => (
            <li key={tag} class={`sl-chip${states[tag] === 'unknown' ? ' sl-chip-unknown' : ''}`}>
              <span>{tag}</span>
              <button
                type="button"
                aria-label={`Remove tag ${tag}`}
                onClick={() => onChange(tags.filter((other) => other !== tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id="tag-input"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `tag-option-${active}` : undefined}
        placeholder="Type a tag, Enter to add"
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && suggestions.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => Math.min(index + 1, suggestions.length - 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((index) => Math.max(index - 1, 0));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            const chosen = expanded && active >= 0 ? suggestions[active]?.name : undefined;
            add(chosen ?? text);
          } else if (event.key === 'Escape' && expanded) {
            event.preventDefault();
            setOpen(false);
          }
        }}
      />
      <div id={listId} role="listbox" aria-label="Tag suggestions" class="sl-suggestions" hidden={!expanded}>
        {suggestions.map((tag, index) => (
          <div
            key={tag.name}
            id={`tag-option-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            onMouseDown={(event) => {
              event.preventDefault();
              add(tag.name);
            }}
          >
            <span
              class="sl-swatch"
              style={{ background: /^#[0-9a-f]{3,8}$/i.test(tag.colour) ? tag.colour : 'transparent' }}
            />
            {tag.name}
          </div>
        ))}
      </div>
    </div>
  );
}
