import { useEffect, useState } from 'preact/hooks';
import { countText } from '../../lib/format/count';
import type { WarninglistInfo } from '../../lib/protocol/lookups';
import { sendToBackground } from '../../lib/runtime';

/**
 * Options section: which warninglists mark values "likely benign". The instance's own enabled lists
 * come first (MISP is asked for every value it does not know); the bundled lists stand in when it
 * cannot be asked, and for values that are not looked up.
 */
export function WarninglistSection() {
  const [info, setInfo] = useState<WarninglistInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void sendToBackground('lookups/warninglists', {}).then((answer) => {
      if (answer.ok) setInfo(answer.data);
      else setProblem(answer.error.message);
    });
  }, []);

  return (
    <section
      class="card"
      aria-labelledby="warninglists-heading"
      aria-busy={info === null && problem === null}
    >
      <h2 id="warninglists-heading">Warninglists</h2>
      <p class="hint">
        A warninglist only annotates: every indicator is looked up, and one your MISP holds is shown as "In
        MISP" whatever a list says.
      </p>
      {problem && <p class="hint status-error">{problem}</p>}
      {info?.instances.map((instance) => (
        <div key={instance.id}>
          <h3>{`${instance.name}: its enabled warninglists`}</h3>
          {instance.problem !== undefined ? (
            <p class="hint status-error">{`Could not read them (${instance.problem}); the bundled lists are used.`}</p>
          ) : instance.lists?.length ? (
            <ul aria-label={`Warninglists of ${instance.name}`}>
              {instance.lists.map((list) => (
                <li key={list.name}>
                  {list.name} ({countText(list.entries, 'entry', 'entries')})
                </li>
              ))}
            </ul>
          ) : (
            <p class="hint">None enabled: the bundled lists are used.</p>
          )}
        </div>
      ))}
      {info && (
        <>
          <h3>Bundled with Sightline (used when MISP cannot be asked)</h3>
          <ul aria-label="Bundled warninglists">
            {info.bundled.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
          <h3>Notes instead of "likely benign"</h3>
          <ul aria-label="Platform lists">
            {info.platforms.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
