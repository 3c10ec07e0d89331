import { countText } from '../format/count';
import type { MispErrorKind } from '../misp/errors';

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
