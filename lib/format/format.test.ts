import { describe, expect, it } from 'vitest';
import { countText, nounFor } from './count';
import { dayText, fullTime, mispDateText, relativeTime, sincePhrase } from './time';

const NOW = Date.UTC(2026, 11, 2, 13, 45, 0);

describe('counted nouns (Intl.PluralRules)', () => {
  it('writes one and many by English rules, irregular plurals given', () => {
    expect(countText(1, 'event')).toBe('1 event');
    expect(countText(0, 'event')).toBe('0 events');
    expect(countText(2, 'match', 'matches')).toBe('2 matches');
    expect(nounFor(1, 'it', 'them')).toBe('it');
    expect(nounFor(3, 'it', 'them')).toBe('them');
  });

  it('writes large numbers with the locale’s grouping', () => {
    expect(countText(1204, 'value')).toBe(`${(1204).toLocaleString()} values`);
  });
});

describe('one way to write time (Intl)', () => {
  it('says how long ago, in the largest unit that fits', () => {
    expect(relativeTime(NOW - 3 * 60_000, NOW, 'en')).toBe('3 min. ago');
    expect(relativeTime(NOW - 2 * 3_600_000, NOW, 'en')).toBe('2 hr. ago');
    expect(relativeTime(NOW - 24 * 3_600_000, NOW, 'en')).toBe('yesterday');
    expect(relativeTime(NOW - 3 * 86_400_000, NOW, 'en')).toBe('3 days ago');
    expect(relativeTime(NOW, NOW, 'en')).toBe('now');
  });

  it('rounds before choosing the unit: 59.6 seconds is a minute, not "60 sec."', () => {
    expect(relativeTime(NOW - 59_600, NOW, 'en')).toBe('1 min. ago');
  });

  it('follows the locale given (the browser’s, when none is)', () => {
    expect(relativeTime(NOW - 3 * 60_000, NOW, 'de')).toBe('vor 3 Min.');
    expect(relativeTime(NOW - 3 * 60_000, NOW)).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' }).format(-3, 'minute'),
    );
  });

  it('writes the full date and time for the tooltip, and days, in the locale', () => {
    const full = fullTime(NOW, 'en-GB');
    expect(full).toContain('2026');
    expect(full).toContain('Dec');
    expect(dayText(NOW, 'en-GB')).toBe('2 Dec');
    expect(dayText(NOW, 'de')).toBe('2. Dez.');
  });

  it('writes a MISP day as that day in any time zone, and leaves what is not a day alone', () => {
    expect(mispDateText('2026-11-24', 'en-GB')).toBe('24 Nov 2026');
    expect(mispDateText('2026-11-24', 'en-US')).toBe('Nov 24, 2026');
    expect(mispDateText('yesterday', 'en-GB')).toBe('yesterday');
  });

  it('ends a sentence with how long ago a moment was', () => {
    expect(sincePhrase(NOW - 25 * 60_000, NOW)).toBe('in the last 25 minutes');
    expect(sincePhrase(NOW - 60_000, NOW)).toBe('in the last 1 minute');
    const lastWeek = NOW - 6 * 86_400_000;
    expect(sincePhrase(lastWeek, NOW, 'en-GB')).toBe(
      `since ${new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' }).format(lastWeek)}`,
    );
  });
});
