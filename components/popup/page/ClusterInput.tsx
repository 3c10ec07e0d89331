import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClusterMatch } from '../../../lib/events/clusters';
import type { ClusterChoice } from '../../../lib/events/model';
import { sendToBackground } from '../../../lib/runtime';
import '../../tag-input.css';

const SHOWN = 12;

/**
 * "Galaxy clusters": type to search the instance's clusters by name, synonym or id (typing "Fancy
 * Bear" finds APT28); the clusters the page names come first, under "Mentioned on this page". Each
 * choice is a chip with its galaxy's name; it is attached on filing through its tag.
 */
export function ClusterInput({
  instanceId,
  clusters,
  mentioned,
  onChange,
}: {
  instanceId: string | undefined;
  clusters: readonly ClusterChoice[];
  /** Clusters the page names ("Mentioned on this page"), offered before any typing. */
  mentioned: readonly ClusterMatch[];
  onChange: (clusters: ClusterChoice[]) => void;
}) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<ClusterMatch[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const seq = useRef(0);
  const chosen = new Set(clusters.map((cluster) => cluster.tag));

  useEffect(() => {
    const term = text.trim();
    const mine = ++seq.current;
    if (term.length < 2) {
      setFound([]);
      return;
    }
    const timer = setTimeout(() => {
      void sendToBackground('events/clusters', { search: term, ...(instanceId ? { instanceId } : {}) }).then(
        (result) => {
          if (mine !== seq.current || !result.ok) return;
          setFound(result.data.matches);
          setActive(-1);
          setOpen(true);
        },
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [text, instanceId]);

  const typed = text.trim().length >= 2;
  const options = (typed ? found : mentioned).filter((match) => !chosen.has(match.tag)).slice(0, SHOWN);
  const expanded = open && options.length > 0;
  const add = (match: ClusterMatch) => {
    seq.current++;
    setText('');
    setFound([]);
    setOpen(false);
    if (!chosen.has(match.tag))
      onChange([...clusters, { tag: match.tag, value: match.value, galaxy: match.galaxy }]);
  };

  return (
    <div class="sl-tags">
      <label for="event-clusters">Galaxy clusters</label>
      {clusters.length > 0 && (
        <ul class="sl-chips" aria-label="Chosen galaxy clusters">
          {clusters.map((cluster) => (
            <li key={cluster.tag} class="sl-chip">
              <span>{cluster.value}</span>
              <span class="hint">{cluster.galaxy}</span>
              <button
                type="button"
                aria-label={`Remove cluster ${cluster.value}`}
                onClick={() => onChange(clusters.filter((other) => other.tag !== cluster.tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id="event-clusters"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="event-clusters-options"
        aria-activedescendant={expanded && active >= 0 ? `event-clusters-option-${active}` : undefined}
        autocomplete="off"
        spellcheck={false}
        placeholder="Threat actor, malware, technique…"
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && options.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => (index + 1) % options.length);
          } else if (event.key === 'ArrowUp' && options.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => (index <= 0 ? options.length - 1 : index - 1));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            const pick = options[active >= 0 ? active : 0];
            if (expanded && pick) add(pick);
          } else if (event.key === 'Escape' && expanded) {
            event.preventDefault();
            setOpen(false);
          }
        }}
      />
      <div
        id="event-clusters-options"
        role="listbox"
        aria-label={typed ? 'Galaxy clusters found' : 'Mentioned on this page'}
        class="sl-suggestions"
        hidden={!expanded}
      >
        {!typed && <div class="hint">Mentioned on this page</div>}
        {options.map((match, index) => (
          <div
            key={match.tag}
            id={`event-clusters-option-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            onMouseDown={(event) => {
              event.preventDefault();
              add(match);
            }}
          >
            {match.value} <span class="hint">{match.galaxy}</span>
            {match.matched && <span class="hint">{` (${match.matched})`}</span>}
          </div>
        ))}
      </div>
    </div>
  );
}
