import type { IndicatorKind, Occurrence } from './model';

/** One distinct indicator of a text, with how often it occurs. */
export interface IndicatorSummary {
  readonly type: IndicatorKind;
  readonly value: string;
  /** The first occurrence as written. */
  readonly original: string;
  readonly count: number;
  /** Offset of the first occurrence. */
  readonly firstStart: number;
}

/** Collapses occurrences to distinct (type, value) pairs in order of first appearance. */
export function summariseOccurrences(occurrences: readonly Occurrence[]): IndicatorSummary[] {
  const byKey = new Map<
    string,
    { type: IndicatorKind; value: string; original: string; count: number; firstStart: number }
  >();
  for (const o of occurrences) {
    const key = `${o.type}\u0000${o.value}`;
    const seen = byKey.get(key);
    if (seen === undefined)
      byKey.set(key, { type: o.type, value: o.value, original: o.original, count: 1, firstStart: o.start });
    else seen.count++;
  }
  return [...byKey.values()];
}
