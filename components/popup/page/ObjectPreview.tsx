import type { ObjectProposal } from '../../../lib/events/objects';

/** "Group into objects": the objects the selection makes, each with "Undo" (its values go back to plain attributes). */
export function ObjectPreview({
  objects,
  ungrouped,
  onUndo,
  onRedo,
}: {
  objects: readonly ObjectProposal[];
  ungrouped: readonly string[];
  onUndo: (key: string) => void;
  onRedo: (key: string) => void;
}) {
  if (objects.length === 0) return <p class="hint">No selected values stand together on the page.</p>;
  return (
    <ul class="sl-objects" aria-label="Objects">
      {objects.map((object) => {
        const undone = ungrouped.includes(object.key);
        const name = `${object.template} object: ${object.members.map((member) => member.value).join(', ')}`;
        return (
          <li key={object.key} class={undone ? 'sl-object-undone' : undefined} aria-label={name}>
            <span class="sl-object-name">{object.template}</span>
            <ul>
              {object.members.map((member) => (
                <li key={`${member.relation}=${member.value}`}>
                  <span class="hint">{member.relation}</span> <span class="sl-value">{member.value}</span>
                </li>
              ))}
            </ul>
            {undone ? (
              <button type="button" onClick={() => onRedo(object.key)} aria-label={`Group again: ${name}`}>
                Group again
              </button>
            ) : (
              <button type="button" onClick={() => onUndo(object.key)} aria-label={`Undo ${name}`}>
                Undo
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
