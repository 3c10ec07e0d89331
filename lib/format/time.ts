import { countText } from './count';

/**
 * One way to write time in Sightline's pages, popup and card: `Intl` in the browser's locale (its
 * own order, month names and clock), relative where that reads best ("3 min ago"), and the full
 * date and time for a tooltip beside it. `locale` is for tests; the product passes none.
 */

const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "now", "2 min ago", "yesterday", "3 days ago", "in 5 min" (the largest unit under its next one). */
export function relativeTime(thenMs: number, nowMs: number, locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  let value = (thenMs - nowMs) / 1000;
  for (const [unit, size] of STEPS) {
    // Round first so that 59.6 s reads "1 min ago", not "60 sec ago".
    if (Math.abs(Math.round(value)) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

/** The full date and time ("2 Dec 2026, 13:45"), for a `title` beside a relative time. */
export function fullTime(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A calendar day ("24 Nov"): the day a page was read, an event's date. */
export function dayText(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(ms);
}

/** A MISP day as MISP writes it ("2026-11-24", no time zone), in the browser's locale ("24 Nov 2026"). */
export function mispDateText(isoDay: string, locale?: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!match) return isoDay;
  const [, year, month, day] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  if (Number.isNaN(ms)) return isoDay;
  // The day itself, whatever the browser's time zone: formatted in UTC, where it was built.
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
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
