import { useEffect, useState } from 'preact/hooks';
import type { ClusterMatch } from '../../../lib/events/clusters';
import type { Draft } from '../../../lib/events/model';
import { contentText, type PageContent } from '../../../lib/events/page-content';
import type { ValueStatus } from '../../../lib/lookup/status';
import { sendToBackground } from '../../../lib/runtime';

/** Page text sent to find the galaxy clusters it names. */
const MENTION_TEXT = 300_000;

/** Statuses for indicators that came from pasted text or a selection. */
export function useExtraStatuses(draft: Draft | null) {
  const [statuses, setStatuses] = useState<Record<string, ValueStatus>>({});
  const extraKey = draft?.extras.map((extra) => extra.value).join('\n') ?? '';
  useEffect(() => {
    const missing = (draft?.extras ?? []).filter((extra) => !statuses[extra.value]);
    if (missing.length === 0) return;
    void sendToBackground('lookup/values', { indicators: missing }).then((result) => {
      if (result.ok) setStatuses((old) => ({ ...old, ...result.data.statuses }));
    });
  }, [extraKey]);
  // "Scan text" asks first (to leave likely benign values unticked) and hands its answers over.
  const add = (more: Record<string, ValueStatus>) => setStatuses((old) => ({ ...old, ...more }));
  return [statuses, add] as const;
}

/** The galaxy clusters the page names ("Mentioned on this page"), asked once per page and instance. */
export function useMentionedClusters(content: PageContent | null, instanceId: string | undefined) {
  const [mentioned, setMentioned] = useState<ClusterMatch[]>([]);
  useEffect(() => {
    if (!content || !instanceId) return;
    const text = contentText(content).slice(0, MENTION_TEXT);
    let live = true;
    void sendToBackground('events/clusters', { instanceId, search: '', mentionsIn: text }).then(
      (result) => live && result.ok && setMentioned(result.data.mentioned),
    );
    return () => {
      live = false;
    };
  }, [content, instanceId]);
  return mentioned;
}

/** The instance's sharing groups, asked when Distribution is "Sharing group". */
export function useSharingGroups(wanted: boolean, instanceId: string | undefined) {
  const [groups, setGroups] = useState<Array<{ id: string; name: string }>>();
  useEffect(() => {
    if (!wanted) return;
    setGroups(undefined);
    void sendToBackground('events/sharing-groups', instanceId ? { instanceId } : {}).then((result) =>
      setGroups(result.ok ? result.data : []),
    );
  }, [wanted, instanceId]);
  return groups;
}
