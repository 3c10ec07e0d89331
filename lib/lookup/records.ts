import { z } from 'zod';
import { type LookupRecord, lookupKey } from '../db';
import { type Match, MatchSchema } from './matches';

/** What the cache keeps of one MISP answer for one value, and how it is read back (re-validated). */

/** A warninglist of the analyst's MISP that hits a value (`/warninglists/checkValue`, or an attribute's `warnings`). */
export const ListHitSchema = z.object({ name: z.string(), matched: z.string().optional() });
export type ListHit = z.infer<typeof ListHitSchema>;

/** One instance's answer for one value. */
export interface SourceAnswer {
  matches: Match[];
  /** MISP holds more attributes for the value than were read (asked on its own; see MispClient.lookupValues). */
  capped?: boolean;
  /** The instance's warninglists that hit it; undefined when they were not (or could not be) asked. */
  lists?: ListHit[];
  /** An IP checked against only the first this-many of the instance's CIDR ranges (the index is full). */
  rangesChecked?: number;
}

/** Matches kept per value (newest events first): the card shows a few, and the cache stays small. */
export const MAX_MATCHES_PER_VALUE = 50;

export function newestFirst(matches: readonly Match[]): Match[] {
  return [...matches]
    .sort((a, b) => b.event.date.localeCompare(a.event.date) || b.attribute.timestamp - a.attribute.timestamp)
    .slice(0, MAX_MATCHES_PER_VALUE);
}

export function toRecord(instanceId: string, value: string, answer: SourceAnswer, now: number): LookupRecord {
  const matches = newestFirst(answer.matches);
  const lists = answer.lists?.slice(0, 20);
  return {
    key: lookupKey(instanceId, value),
    instanceId,
    value,
    fetchedAt: now,
    usedAt: now,
    matches,
    ...(answer.capped ? { capped: true } : {}),
    ...(lists === undefined ? {} : { lists }),
    ...(answer.rangesChecked === undefined ? {} : { rangesChecked: answer.rangesChecked }),
    bytes:
      120 +
      value.length +
      JSON.stringify(matches).length +
      (lists === undefined ? 0 : JSON.stringify(lists).length),
  };
}

const StoredAnswerSchema = z.object({
  fetchedAt: z.number(),
  usedAt: z.number().optional(),
  matches: z.array(MatchSchema),
  capped: z.boolean().optional(),
  lists: z.array(ListHitSchema).optional(),
  rangesChecked: z.number().int().positive().optional(),
});
export type StoredAnswer = SourceAnswer & { fetchedAt: number; usedAt: number };

/** A stored record, or undefined when it does not parse (written by another version, or damaged). */
export function fromRecord(record: LookupRecord | undefined): StoredAnswer | undefined {
  if (record === undefined) return undefined;
  const parsed = StoredAnswerSchema.safeParse(record);
  if (!parsed.success) return undefined;
  const { fetchedAt, usedAt, matches, capped, lists, rangesChecked } = parsed.data;
  return {
    fetchedAt,
    usedAt: usedAt ?? fetchedAt,
    matches,
    ...(capped ? { capped } : {}),
    ...(lists === undefined ? {} : { lists }),
    ...(rangesChecked === undefined ? {} : { rangesChecked }),
  };
}
