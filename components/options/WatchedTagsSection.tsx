import { useEffect, useRef, useState } from 'preact/hooks';
import { sendToBackground } from '../../lib/runtime';
import type { WatchInstanceView, WatchTestReport } from '../../lib/watch/model';
import type { WatchSettings } from '../../lib/watch/settings';

type Suggestion = { name: string; colour: string };

/** Options section: tags to watch on each MISP instance, how often, and a dry-run "Test". */
export function WatchedTagsSection() {
  const [views, setViews] = useState<WatchInstanceView[] | null>(null);
  const [instanceId, setInstanceId] = useState<string>('');
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [interval, setIntervalText] = useState('5');
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<WatchTestReport | null>(null);
  const searchSeq = useRef(0);

  async function reload(keep?: string) {
    const result = await sendToBackground('watch/get', {});
    if (!result.ok) return;
    setViews(result.data);
    const chosen = result.data.find((view) => view.instance.id === keep) ?? result.data[0];
    if (chosen) {
      setInstanceId(chosen.instance.id);
      setIntervalText(String(chosen.settings.intervalMinutes));
    }
  }
  useEffect(() => {
    void reload();
  }, []);

  const view = views?.find((item) => item.instance.id === instanceId);

  useEffect(() => {
    const term = text.trim();
    if (!view || term === '') {
      setSuggestions([]);
      return;
    }
    const seq = ++searchSeq.current;
    const timer = setTimeout(() => {
      void sendToBackground('watch/tags', { instanceId: view.instance.id, search: term }).then((result) => {
        if (seq !== searchSeq.current) return;
        setSuggestions(result.ok ? result.data : []);
        setActive(-1);
        setOpen(result.ok && result.data.length > 0);
      });
    }, 200);
    return () => clearTimeout(timer);
  }, [text, view?.instance.id]);

  if (views === null) return null;

  async function save(settings: WatchSettings, message: string) {
    if (!view) return;
    const result = await sendToBackground('watch/save', { instanceId: view.instance.id, settings });
    if (result.ok) {
      setNote({ ok: true, text: message });
      await reload(view.instance.id);
    } else {
      setNote({ ok: false, text: result.error.message });
    }
  }

  function addTag(raw: string) {
    if (!view) return;
    const typed = raw.trim();
    if (typed === '') return;
    // MISP tag filters are case-sensitive (obs 066): prefer the server's exact spelling.
    const exact = suggestions.find((tag) => tag.name === typed);
    const folded = suggestions.find((tag) => tag.name.toLowerCase() === typed.toLowerCase());
    const name = exact?.name ?? folded?.name ?? typed;
    setText('');
    setSuggestions([]);
    setOpen(false);
    if (view.settings.tags.includes(name)) {
      setNote({ ok: true, text: `Already watching ${name}.` });
      return;
    }
    const remark =
      exact || folded
        ? folded && !exact
          ? ` (MISP spells it ${name}; tag names are case-sensitive)`
          : ''
        : ' (no tag with this exact name on MISP yet)';
    void save({ ...view.settings, tags: [...view.settings.tags, name] }, `Watching ${name}${remark}.`);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown' && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((active + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp' && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive(active <= 0 ? suggestions.length - 1 : active - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = open && active >= 0 ? suggestions[active] : undefined;
      addTag(chosen?.name ?? text);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  }

  async function onTest() {
    if (!view) return;
    setTesting(true);
    setReport(null);
    const result = await sendToBackground('watch/test', { instanceId: view.instance.id });
    setTesting(false);
    setReport(
      result.ok
        ? result.data
        : {
            baselineTags: [],
            absorbed: 0,
            wouldNotify: [],
            error: { kind: 'error', message: result.error.message },
          },
    );
  }

  return (
    <section class="card" aria-labelledby="watch-heading">
      <h2 id="watch-heading">Watched tags</h2>
      <p class="hint">
        Sightline checks MISP for events carrying these tags (on the event or on one of its attributes) and
        notifies you when one appears or changes.
      </p>
      {views.length === 0 && <p>Add a MISP instance above first.</p>}
      {views.length > 1 && (
        <>
          <label for="watch-instance">Watch on</label>
          <select
            id="watch-instance"
            value={instanceId}
            onChange={(e) => {
              const id = e.currentTarget.value;
              setInstanceId(id);
              const next = views.find((item) => item.instance.id === id);
              if (next) setIntervalText(String(next.settings.intervalMinutes));
              setReport(null);
            }}
          >
            {views.map((item) => (
              <option key={item.instance.id} value={item.instance.id}>
                {item.instance.name}
              </option>
            ))}
          </select>
        </>
      )}
      {view && (
        <>
          <label for="watch-tags">Watched tags</label>
          <div class="combobox">
            <input
              id="watch-tags"
              type="text"
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={open}
              aria-controls="watch-tags-options"
              aria-activedescendant={open && active >= 0 ? `watch-tag-option-${active}` : undefined}
              aria-describedby="watch-tags-hint"
              autocomplete="off"
              spellcheck={false}
              value={text}
              placeholder="tlp:red"
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={onKeyDown}
              onBlur={() => setTimeout(() => setOpen(false), 150)}
            />
            <div
              id="watch-tags-options"
              role="listbox"
              aria-label="Tag suggestions"
              hidden={!open}
              style={{
                margin: '0.2em 0 0',
                padding: '0.2em 0',
                border: '1px solid var(--border)',
                borderRadius: '6px',
                background: 'var(--bg)',
                maxHeight: '12em',
                overflowY: 'auto',
              }}
            >
              {suggestions.map((tag, index) => (
                <div
                  key={tag.name}
                  tabIndex={-1}
                  id={`watch-tag-option-${index}`}
                  role="option"
                  aria-selected={index === active}
                  style={{
                    padding: '0.2em 0.5em',
                    cursor: 'pointer',
                    background: index === active ? 'var(--field)' : undefined,
                    outline: index === active ? '2px solid var(--focus)' : undefined,
                  }}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    addTag(tag.name);
                  }}
                >
                  <span
                    aria-hidden="true"
                    style={{
                      display: 'inline-block',
                      width: '0.8em',
                      height: '0.8em',
                      borderRadius: '2px',
                      marginRight: '0.4em',
                      border: '1px solid var(--border)',
                      background: tag.colour,
                    }}
                  />
                  {tag.name}
                </div>
              ))}
            </div>
          </div>
          <p id="watch-tags-hint" class="hint">
            Exact MISP tag names (case-sensitive). Press Enter to add.
          </p>
          {view.settings.tags.length > 0 ? (
            <ul aria-label="Tags being watched" class="watch-tag-list">
              {view.settings.tags.map((tag) => (
                <li key={tag}>
                  <span>{tag}</span>{' '}
                  <button
                    type="button"
                    aria-label={`Stop watching ${tag}`}
                    onClick={() =>
                      void save(
                        { ...view.settings, tags: view.settings.tags.filter((item) => item !== tag) },
                        `Stopped watching ${tag}.`,
                      )
                    }
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="hint">No tags watched on {view.instance.name}.</p>
          )}
          <label for="watch-interval">Check every</label>
          <div class="row">
            <input
              id="watch-interval"
              type="number"
              min={1}
              max={1440}
              step={1}
              style={{ width: '6em' }}
              value={interval}
              aria-describedby="watch-interval-unit"
              onInput={(e) => setIntervalText(e.currentTarget.value)}
              onChange={(e) => {
                const minutes = Math.round(Number(e.currentTarget.value));
                if (!Number.isFinite(minutes) || minutes < 1) {
                  setNote({ ok: false, text: 'Check at most once a minute.' });
                  setIntervalText(String(view.settings.intervalMinutes));
                  return;
                }
                const clamped = Math.min(minutes, 1440);
                setIntervalText(String(clamped));
                void save(
                  { ...view.settings, intervalMinutes: clamped },
                  `Checking every ${clamped} minute${clamped === 1 ? '' : 's'}.`,
                );
              }}
            />
            <span id="watch-interval-unit">minutes</span>
          </div>
          <div class="row">
            <input
              id="watch-published"
              type="checkbox"
              role="switch"
              aria-checked={view.settings.publishedOnly}
              checked={view.settings.publishedOnly}
              onChange={(e) =>
                void save(
                  { ...view.settings, publishedOnly: e.currentTarget.checked },
                  e.currentTarget.checked
                    ? 'Only published events will be notified.'
                    : 'All events will be notified.',
                )
              }
            />
            <label for="watch-published" style={{ display: 'inline', margin: 0 }}>
              Only published events
            </label>
          </div>
          <div class="row">
            <button type="button" onClick={onTest} disabled={testing || view.settings.tags.length === 0}>
              Test
            </button>
            {note && (
              <span class={note.ok ? 'status-ok' : 'status-error'} aria-live="polite">
                {note.text}
              </span>
            )}
          </div>
          {view.status && (
            <p class="status-error" aria-live="polite">
              {view.status.message}
            </p>
          )}
          <div aria-live="polite" class="watch-test">
            {testing && <p>Checking MISP…</p>}
            {report && <TestReportView report={report} />}
          </div>
        </>
      )}
    </section>
  );
}

function TestReportView({ report }: { report: WatchTestReport }) {
  if (report.error) return <p class="status-error">{report.error.message}</p>;
  return (
    <>
      {report.baselineTags.length > 0 && (
        <p>
          First check for {report.baselineTags.join(', ')}: sets the baseline ({report.absorbed} event
          {report.absorbed === 1 ? '' : 's'} already tagged will not be notified).
        </p>
      )}
      {report.wouldNotify.length === 0 ? (
        <p>Nothing new to notify.</p>
      ) : (
        <>
          <p>
            Would notify {report.wouldNotify.length} alert{report.wouldNotify.length === 1 ? '' : 's'}:
          </p>
          <ul aria-label="Would notify">
            {report.wouldNotify.map((alert, index) => (
              <li key={`${alert.title}-${index}`}>
                <strong>{alert.title}</strong> — {alert.message.replace('\n', ' — ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
