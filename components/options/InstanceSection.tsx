import { InstanceEditor } from './instance/InstanceEditor';
import { useInstances } from './instance/useInstances';

/** Options section: the MISP instances Sightline talks to, one editor each. */
export function InstanceSection() {
  const list = useInstances();
  if (!list.loaded) return <section class="card" aria-busy="true" aria-label="MISP instances" />;
  const { instances, openDrafts, policy } = list;
  const count = instances.length + openDrafts.length;

  return (
    <section class="card" aria-labelledby="instances-heading">
      <h2 id="instances-heading">MISP instances</h2>
      {policy.managedInstances > 0 && (
        <p class="hint">
          🔒 Your organisation presets {policy.managedInstances === 1 ? 'a MISP instance' : 'MISP instances'}
          {policy.lockInstances ? ' and locks the list' : ''}: their address cannot be changed here.
        </p>
      )}
      {[
        ...instances.map((instance) => (
          <InstanceEditor
            key={list.editorKey(instance.id)}
            instance={instance}
            count={count}
            onSaved={list.onSaved}
            onRemove={() => list.remove(instance.id, instance.name)}
          />
        )),
        ...openDrafts.map((draftId) => (
          <InstanceEditor
            key={draftId}
            count={count}
            isFirst={instances.length === 0}
            onSaved={(saved) => list.onDraftSaved(draftId, saved)}
            onRemove={(saved) => (saved ? list.remove(saved.id, saved.name) : list.discardDraft(draftId))}
          />
        )),
      ]}
      {list.message && (
        // A note, not a status region: the connection test's line stays the page's one status region.
        <p class="hint" aria-live="polite">
          {list.message}
        </p>
      )}
      {!policy.lockInstances && (
        <div class="row">
          <button type="button" onClick={list.addDraft}>
            Add MISP instance
          </button>
        </div>
      )}
    </section>
  );
}
