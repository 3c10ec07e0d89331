import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicInstance } from '../../../lib/messages';
import { sendToBackground } from '../../../lib/runtime';

export type Policy = { lockInstances: boolean; locked: string[]; managedInstances: number };

/**
 * The options page's list of instances and unsaved editors ("drafts"). A saved draft keeps its editor
 * (same key), so its messages and pending saves stay on screen; a removed instance leaves the list at
 * once, before the background has answered.
 */
export function useInstances() {
  const [instances, setInstances] = useState<PublicInstance[] | null>(null);
  const [drafts, setDrafts] = useState<string[]>([]);
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());
  const [policy, setPolicy] = useState<Policy>({ lockInstances: false, locked: [], managedInstances: 0 });
  const [message, setMessage] = useState<string | null>(null);
  const editorKeys = useRef(new Map<string, string>());

  async function reload() {
    const [list, policyAnswer] = await Promise.all([
      sendToBackground('instances/list', {}),
      sendToBackground('policy/get', {}),
    ]);
    if (policyAnswer.ok) setPolicy(policyAnswer.data);
    const loaded = list.ok ? list.data : [];
    setInstances(loaded);
    // With no instance yet, show one empty editor straight away.
    setDrafts((current) => (loaded.length === 0 && current.length === 0 ? [crypto.randomUUID()] : current));
  }

  useEffect(() => {
    void reload();
  }, []);

  const shown = (instances ?? []).filter((instance) => !removing.has(instance.id));
  const savedDrafts = new Set(shown.flatMap((instance) => editorKeys.current.get(instance.id) ?? []));
  const openDrafts = drafts.filter((id) => !savedDrafts.has(id));

  return {
    loaded: instances !== null,
    instances: shown,
    openDrafts,
    policy,
    message,
    editorKey: (id: string) => editorKeys.current.get(id) ?? id,
    addDraft: () => setDrafts((current) => [...current, crypto.randomUUID()]),
    async onDraftSaved(draftId: string, saved: PublicInstance) {
      editorKeys.current.set(saved.id, draftId);
      await reload();
    },
    discardDraft: (draftId: string) => setDrafts((current) => current.filter((id) => id !== draftId)),
    onSaved: () => reload(),
    async remove(id: string, name: string) {
      setMessage(null);
      setRemoving((current) => new Set([...current, id]));
      const draft = editorKeys.current.get(id);
      if (draft) setDrafts((current) => current.filter((other) => other !== draft));
      const result = await sendToBackground('instances/remove', { id });
      if (result.ok) {
        setMessage(`Removed ${name} and its stored key.`);
        await reload();
      } else {
        setMessage(`${name} was not removed: ${result.error.message}`);
      }
      setRemoving((current) => new Set([...current].filter((other) => other !== id)));
    },
  };
}
