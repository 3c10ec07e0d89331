/**
 * Counted nouns ("1 event", "12 events"). Sightline's texts are English, so the plural form follows
 * English rules (`Intl.PluralRules('en')`); the number itself is written in the browser's locale.
 */
const plurals = new Intl.PluralRules('en');

/** "1 event", "12 events", "1,204 values" (`plural` for irregular nouns: "1 match", "2 matches"). */
export function countText(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString()} ${nounFor(count, singular, plural)}`;
}

/** Only the noun of a count: "event" for 1, "events" otherwise (for sentences that place the number). */
export function nounFor(count: number, singular: string, plural = `${singular}s`): string {
  return plurals.select(count) === 'one' ? singular : plural;
}
