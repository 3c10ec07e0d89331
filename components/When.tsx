import { fullTime, relativeTime } from '../lib/format/time';

/**
 * A moment, written the one way Sightline writes time: relative ("3 min ago") with the full date and
 * time on hover, and machine-readable for assistive tech (`<time datetime>`).
 */
export function When({ ms, now = Date.now() }: { ms: number; now?: number }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={fullTime(ms)}>
      {relativeTime(ms, now)}
    </time>
  );
}
