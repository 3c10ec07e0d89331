import { useCallback, useEffect, useState } from 'preact/hooks';
import type { SubmissionView } from '../../../lib/events/model';
import { sendToBackground } from '../../../lib/runtime';

/** The outbox's event submissions, followed every 2 s while one is queued or being sent. */
export function useSubmissions() {
  const [submissions, setSubmissions] = useState<SubmissionView[]>([]);
  const refresh = useCallback(async () => {
    const result = await sendToBackground('events/submissions', {});
    if (result.ok) setSubmissions(result.data);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const pending = submissions.some((item) => item.state === 'queued' || item.state === 'sending');
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [pending, refresh]);
  return {
    submissions,
    refresh,
    retry: (id: string) => void sendToBackground('events/retry', { id }).then(refresh),
    discard: (id: string) => void sendToBackground('events/discard', { id }).then(refresh),
  };
}
