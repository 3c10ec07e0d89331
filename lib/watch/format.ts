import type { MispErrorKind } from '../misp/errors';

const THREAT_LEVELS: Record<string, string> = { '1': 'High', '2': 'Medium', '3': 'Low', '4': 'Undefined' };

export function threatLevelName(id: string | undefined): string {
  return THREAT_LEVELS[id ?? ''] ?? 'Undefined';
}

/** "tlp:red", "tlp:red, apt28" (or "a watched tag" when MISP did not say which one matched). */
export function tagsText(tags: readonly string[]): string {
  return tags.length === 0 ? 'a watched tag' : tags.join(', ');
}

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/**
 * How long ago `sinceMs` was, as the end of a sentence: "in the last 25 minutes", "since 08:30",
 * "since yesterday", "since Mon 3 Jun".
 */
export function sincePhrase(sinceMs: number, nowMs: number): string {
  const minutes = Math.max(1, Math.round((nowMs - sinceMs) / 60_000));
  if (minutes < 60) return `in the last ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const today = startOfDay(nowMs);
  if (sinceMs >= today) {
    const time = new Date(sinceMs);
    return `since ${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
  }
  const yesterday = startOfDay(today - 12 * 3_600_000);
  if (sinceMs >= yesterday) return 'since yesterday';
  const date = new Date(sinceMs);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `since ${days[date.getDay()]} ${date.getDate()} ${months[date.getMonth()]}`;
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
        : `${first} or ${ranked.length - 1} other watched tag${ranked.length === 2 ? '' : 's'}`;
  return `${count} event${count === 1 ? '' : 's'} tagged ${tags} ${since}`;
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
