import { useEffect, useRef, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';
import '../tag-input.css';

export type TagState = 'known' | 'unknown' | 'checking' | 'error';

type Suggestion = { name: string; colour: string };

const SUGGESTIONS_SHOWN = 12;

/**
 * The tag combobox, the same in the popup ("Tags") and the options ("Watched tags"): suggestions from
 * the instance's /tags/index as the analyst types (`tags/search`); Enter or a suggestion adds the tag,
 * in MISP's own spelling when the typed text differs only in case (MISP tags are case-sensitive). Each
 * added tag is checked against the server, so that one MISP does not know is flagged. The chips carry
 * the tag's colour only as the background has checked it (a hex colour, never a `url()`).
 *
 * `states`/`onState` let a form read the checks (the popup warns before filing unknown tags); without
 * them the component keeps them itself.
 */
export function TagInput({
  instanceId,
  tags,
  onChange,
  states: outerStates,
  onState: outerOnState,
  label = 'Tags',
  id = 'tag-input',
  chipsLabel = 'Event tags',
  hint,
  placeholder = 'Type a tag, Enter to add',
}: {
  /** The instance whose tags are suggested and checked (absent: the default for events). */
  instanceId?: string | undefined;
  tags: string[];
  onChange: (tags: string[]) => void;
  states?: Record<string, TagState>;
  onState?: (name: string, state: TagState) => void;
  /** The combobox's accessible name. */
  label?: string;
  id?: string;
  /** The chip list's accessible name. */
  chipsLabel?: string;
  hint?: string;
  placeholder?: string;
}) {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [colours, setColours] = useState<Record<string, string>>({});
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [ownStates, setOwnStates] = useState<Record<string, TagState>>({});
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const seq = useRef(0);
  const states = outerStates ?? ownStates;
  const onState =
    outerOnState ?? ((name: string, state: TagState) => setOwnStates((old) => ({ ...old, [name]: state })));

  const search = (term: string) =>
    sendToBackground('tags/search', { search: term, ...(instanceId ? { instanceId } : {}) });

  const learn = (found: readonly Suggestion[]) => {
    setColours((old) => ({ ...old, ...Object.fromEntries(found.map((tag) => [tag.name, tag.colour])) }));
    for (const tag of found) if (states[tag.name] !== 'known') onState(tag.name, 'known');
  };

  useEffect(() => {
    clearTimeout(timer.current);
    const term = text.trim();
    if (term.length < 2) {
      setSuggestions([]);
      setOpen(false);
      return;
    }
    const mine = ++seq.current;
    timer.current = setTimeout(() => {
      void search(term).then((result) => {
        if (mine !== seq.current || !result.ok) return;
        const fresh = result.data.filter((tag) => !tags.includes(tag.name)).slice(0, SUGGESTIONS_SHOWN);
        setSuggestions(fresh);
        learn(result.data.slice(0, SUGGESTIONS_SHOWN));
        setActive(-1);
        setOpen(fresh.length > 0);
      });
    }, 200);
    return () => clearTimeout(timer.current);
  }, [text, instanceId]);

  const add = (typed: string) => {
    const raw = typed.trim();
    const spelled =
      suggestions.find((tag) => tag.name === raw) ??
      suggestions.find((tag) => tag.name.toLowerCase() === raw.toLowerCase());
    const tag = spelled?.name ?? raw;
    seq.current++;
    setText('');
    setSuggestions([]);
    setOpen(false);
    if (!tag || tags.includes(tag)) return;
    onChange([...tags, tag]);
    if (states[tag] === 'known') return;
    onState(tag, 'checking');
    void search(tag).then((result) => {
      if (!result.ok) return onState(tag, 'error');
      // Exact, case-sensitive: "TLP:AMBER" is not "tlp:amber" to MISP.
      const known = result.data.find((candidate) => candidate.name === tag);
      if (known) learn([known]);
      else onState(tag, 'unknown');
    });
  };

  const listId = `${id}-suggestions`;
  const hintId = hint ? `${id}-hint` : undefined;
  const expanded = open && suggestions.length > 0;
  return (
    <div class="sl-tags">
      <label for={id}>{label}</label>
      <TagChips
        tags={tags}
        label={chipsLabel}
        colours={colours}
        states={states}
        onRemove={(tag) => onChange(tags.filter((other) => other !== tag))}
      />
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${id}-option-${active}` : undefined}
        aria-describedby={hintId}
        autocomplete="off"
        spellcheck={false}
        placeholder={placeholder}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && suggestions.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => (index + 1) % suggestions.length);
          } else if (event.key === 'ArrowUp' && suggestions.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => (index <= 0 ? suggestions.length - 1 : index - 1));
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
      {hint && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
      <div id={listId} role="listbox" aria-label="Tag suggestions" class="sl-suggestions" hidden={!expanded}>
        {suggestions.map((tag, index) => (
          <div
            key={tag.name}
            id={`${id}-option-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            onMouseDown={(event) => {
              event.preventDefault();
              add(tag.name);
            }}
          >
            <span class="sl-swatch" aria-hidden="true" style={{ background: tag.colour }} />
            {tag.name}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Tags as chips (the popup's event tags, the options' watched tags): colour swatch, name, remove button. */
export function TagChips({
  tags,
  label,
  colours = {},
  states = {},
  onRemove,
}: {
  tags: readonly string[];
  /** The list's accessible name. */
  label: string;
  /** Colours the background checked (`tags/search`); a tag without one shows none. */
  colours?: Readonly<Record<string, string>>;
  states?: Readonly<Record<string, TagState>>;
  onRemove?: (tag: string) => void;
}) {
  if (tags.length === 0) return null;
  return (
    <ul class="sl-chips" aria-label={label}>
      {tags.map((tag) => (
        <li
          key={tag}
          class={`sl-chip${states[tag] === 'unknown' ? ' sl-chip-unknown' : ''}`}
          title={states[tag] === 'unknown' ? 'MISP has no tag with this exact name yet' : undefined}
        >
          <span class="sl-swatch" aria-hidden="true" style={{ background: colours[tag] ?? 'transparent' }} />
          <span>{tag}</span>
          {onRemove && (
            <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
