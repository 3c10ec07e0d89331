/**
 * Why a message got no answer, for the analyst. The browser stops an idle background at any moment
 * (mid-request too): then the channel closes without an answer, and the outbox, not this caller,
 * finishes whatever was submitted. No imports: the page layer's eager script uses it too.
 */
export function backgroundFailureMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (/message channel closed|receiving end does not exist|message port closed/i.test(detail)) {
    return "Sightline's background was restarted before it answered. Anything you submitted is kept and sent by the outbox (see Submissions); try other actions again.";
  }
  return `Sightline's background did not answer (${detail}).`;
}
