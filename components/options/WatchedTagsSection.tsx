import { useEffect, useState } from 'preact/hooks';
import { countText } from '../../lib/format/count';
import { sendToBackground } from '../../lib/runtime';
import { When } from '../When';
import { RuleEditor } from './watch/RuleEditor';
import { RuleList } from './watch/RuleList';
import { useWatchRules } from './watch/useWatchRules';

/**
 * Options section: watch rules (tags, any or all, threat level, organisations, published, new
 * attributes, instances), how often to check, each rule's "Test", and why notifications do not show
 * when they do not.
 */
export function WatchedTagsSection() {
  const { view, note, tests, saveRule, removeRule, saveInterval, test } = useWatchRules();
  const [adding, setAdding] = useState(false);
  const [interval, setIntervalText] = useState('');
  const [testNote, setTestNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [notificationProblem, setNotificationProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (view) setIntervalText(String(view.intervalMinutes));
  }, [view?.intervalMinutes]);

  if (view === null) return <section class="card" aria-busy="true" aria-label="Watched tags" />;
  const instances = view.instances.map(({ id, name }) => ({ id, name }));
  const showEditor = adding || view.rules.length === 0;

  async function onTestNotification() {
    const result = await sendToBackground('watch/test-notification', {});
    const problem = result.ok ? result.data.problem : result.error.message;
    setNotificationProblem(problem);
    setTestNote(
      problem
        ? { ok: false, text: 'The browser did not show it.' }
        : { ok: true, text: 'Sent: if no notification appeared, your system hides them for this browser.' },
    );
  }

  function onInterval() {
    if (!view) return;
    const minutes = Math.round(Number(interval));
    if (!Number.isFinite(minutes) || minutes < 1 || minutes > 1440) {
      setIntervalText(String(view.intervalMinutes));
      return;
    }
    if (minutes !== view.intervalMinutes) void saveInterval(minutes);
  }

  return (
    <section class="card" aria-labelledby="watch-heading">
      <h2 id="watch-heading">Watched tags</h2>
      <p class="hint">
        Sightline checks MISP for events carrying these tags (on the event or on one of its attributes) and
        notifies you when one appears or changes — counting from the moment you start watching.
      </p>
      {instances.length === 0 ? (
        <p>Add a MISP instance above first.</p>
      ) : (
        <>
          {view.rules.length > 0 && (
            <RuleList
              rules={view.rules}
              instances={instances}
              tests={tests}
              onTest={(rule) => void test(rule)}
              onSave={saveRule}
              onRemove={(rule) => void removeRule(rule)}
            />
          )}
          {showEditor ? (
            <RuleEditor
              instances={instances}
              onSave={async (rule) => {
                const saved = await saveRule(rule);
                if (saved) setAdding(false);
                return saved;
              }}
              {...(view.rules.length > 0 ? { onCancel: () => setAdding(false) } : {})}
            />
          ) : (
            <div class="row">
              <button type="button" onClick={() => setAdding(true)}>
                Add rule
              </button>
            </div>
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
              onChange={onInterval}
            />
            <span id="watch-interval-unit">minutes</span>
          </div>
          {note && (
            <p class={note.ok ? 'status-ok' : 'status-error'} aria-live="polite">
              {note.text}
            </p>
          )}
          <div role="note" aria-label="Watch status" aria-live="polite">
            {view.instances.map((instance) =>
              instance.status ? (
                <p key={instance.id} class="status-error">
                  {instances.length > 1 ? `${instance.name}: ` : ''}
                  {instance.status.message}
                </p>
              ) : instance.lastSuccessAt &&
                view.rules.some((rule) => rule.instanceIds.includes(instance.id)) ? (
                <p key={instance.id} class="hint">
                  {instances.length > 1 ? `${instance.name}: ` : ''}Last checked{' '}
                  <When ms={instance.lastSuccessAt} />
                  {' · '}
                  {countText(
                    view.rules.filter((rule) => rule.instanceIds.includes(instance.id)).length,
                    'rule',
                  )}
                </p>
              ) : null,
            )}
          </div>
          <div class="row">
            <button type="button" onClick={() => void onTestNotification()}>
              Send a test notification
            </button>
            {testNote && <span class={testNote.ok ? 'status-ok' : 'status-error'}>{testNote.text}</span>}
          </div>
          {(notificationProblem ?? view.notificationProblem) && (
            <p class="status-warn" role="alert">
              {notificationProblem ?? view.notificationProblem}
            </p>
          )}
        </>
      )}
    </section>
  );
}
