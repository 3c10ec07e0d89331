import type { MispErrorKind } from '../misp/errors';

/** Sightline's texts are English: plural forms by English rules, dates in the browser's locale. */
const plurals = new Intl.PluralRules('en');

/** "1 event", "12 events" (`plural` for irregular ones). */
export function countText(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${plurals.select(count) === 'one' ? singular : plural}`;
}

/** "tlp:red", "tlp:red, apt28" (or "a watched tag" when MISP did not say which one matched). */
export function tagsText(tags: readonly string[]): string {
  return tags.length === 0 ? 'a watched tag' : tags.join(', ');
}

/** "3 new attributes: 2 ip-dst, 1 domain" (most frequent type first). */
export function attributeCountsText(types: ReadonlyMap<string, number>): string {
  const total = [...types.values()].reduce((sum, n) => sum + n, 0);
  const ranked = [...types.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return `${countText(total, 'new attribute')}: ${ranked.map(([type, n]) => `${n} ${type}`).join(', ')}`;
}

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** "24 Nov" (the browser's locale, its own order and month names). */
export function dayText(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(ms);
}

/**
 * How long ago `sinceMs` was, as the end of a sentence: "in the last 25 minutes", "since 08:30",
 * "since yesterday", "since Mon, 3 Jun".
 */
export function sincePhrase(sinceMs: number, nowMs: number, locale?: string): string {
  const minutes = Math.max(1, Math.round((nowMs - sinceMs) / 60_000));
  if (minutes < 60) return `in the last ${countText(minutes, 'minute')}`;
  const today = startOfDay(nowMs);
  if (sinceMs >= today) {
    return `since ${new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(sinceMs)}`;
  }
  const yesterday = startOfDay(today - 12 * 3_600_000);
  if (sinceMs >= yesterday) return 'since yesterday';
  return `since ${new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' }).format(sinceMs)}`;
}

/** "12 events tagged tlp:red since yesterday". */
export function summaryText(count: number, tagCounts: ReadonlyMap<string, number>, since: string): string {
  const ranked = [...tagCounts.entries()].sort((a, b) => b[1] - a[1]).map(([tag]) => tag);
  const first = ranked[0];
  const tags =
    first === undefined
      ? 'a watched tag'
      : ranked.length === 1
        ? first
        : `${first} or ${countText(ranked.length - 1, 'other watched tag')}`;
  return `${countText(count, 'event')} tagged ${tags} ${since}`;
}

/** "2 min ago", "yesterday", "3 days ago" (the browser's locale). */
export function relativeTime(thenMs: number, nowMs: number, locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const seconds = Math.round((thenMs - nowMs) / 1000);
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 7],
    ['week', 4.35],
    ['month', 12],
    ['year', Number.POSITIVE_INFINITY],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

/** The full date and time, for a `title` beside a relative time. */
export function fullTime(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** The one status line shown while polling fails. */
export function pausedMessage(kind: MispErrorKind | 'internal', detail: string): string {
  switch (kind) {
    case 'key-rejected':
      return 'Watching paused: API key rejected';
    case 'unreachable':
    case 'timeout':
      return 'Watching paused: MISP unreachable';
    case 'login-redirect':
      return 'Watching paused: MISP answered with a login page';
    case 'permission':
      return 'Watching paused: this API key may not search events';
    case 'rate-limited':
      return 'Watching paused: MISP rate limit reached';
    case 'config':
      return 'Watching paused: no API key';
    default:
      return `Watching paused: ${detail}`;
  }
}
