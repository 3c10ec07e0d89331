/**
 * The client key of a sighting the analyst asked for, made where they clicked (card or popup). It is
 * made anew only once the background has answered: the same click repeated after "background
 * restarted" (no answer) carries the same key, so the outbox recognises it and MISP gets one sighting.
 */
export class SightingIntent {
  private pending: { what: string; key: string } | undefined;

  /** The key for this request (`what`: its values, type and instance, as one string). */
  keyFor(what: string): string {
    if (this.pending?.what !== what) this.pending = { what, key: crypto.randomUUID() };
    return this.pending.key;
  }

  /** The background answered (anything but "no answer"): the next click is a new sighting. */
  answered(answer: { ok: boolean; error?: { kind: string } }): void {
    if (answer.ok || answer.error?.kind !== 'extension') this.pending = undefined;
  }
}
