import { z } from 'zod';
import type { MispAttribute } from '../misp/schemas';
import { safeTagColour } from '../misp/tag-colour';
import { DERIVED_PARTS } from './status';

/**
 * A MISP match as Sightline stores, caches and shows it: one attribute with its event context,
 * tags and sighting counts. This is the shape the hover card and the popup render, so it carries
 * exactly what they show and nothing else (and it is re-validated wherever it is read).
 */

export const TagViewSchema = z.object({ name: z.string(), colour: z.string() });
export type TagView = z.infer<typeof TagViewSchema>;

export const SightingCountsSchema = z.object({
  sighting: z.number().int().nonnegative(),
  falsePositive: z.number().int().nonnegative(),
  expiration: z.number().int().nonnegative(),
  /** Unix seconds of the newest sighting of any type, or null. */
  lastSeen: z.number().nullable(),
});
export type SightingCounts = z.infer<typeof SightingCountsSchema>;

export const MatchSchema = z.object({
  instanceId: z.string(),
  attribute: z.object({
    id: z.string(),
    uuid: z.string(),
    type: z.string(),
    category: z.string(),
    value: z.string(),
    toIds: z.boolean(),
    comment: z.string(),
    timestamp: z.number(),
    tags: z.array(TagViewSchema),
  }),
  event: z.object({
    id: z.string(),
    uuid: z.string(),
    info: z.string(),
    orgName: z.string(),
    date: z.string(),
    /** 1 high, 2 medium, 3 low, 4 undefined. */
    threatLevel: z.number().int().min(1).max(4),
    /** 0 initial, 1 ongoing, 2 completed. */
    analysis: z.number().int().min(0).max(2),
    published: z.boolean(),
    tags: z.array(TagViewSchema),
  }),
  sightings: SightingCountsSchema,
  /** Set when the match came from a CIDR attribute that contains the looked-up IP. */
  viaCidr: z.string().optional(),
  /** Set when MISP holds a derived value of the indicator, not the indicator: which part, which value. */
  matchedPart: z.object({ part: z.enum(DERIVED_PARTS), value: z.string() }).optional(),
});
export type Match = z.infer<typeof MatchSchema>;

export const ANALYSIS_LEVELS = ['Initial', 'Ongoing', 'Completed'] as const;

function clampInt(value: string | undefined, min: number, max: number, fallback: number): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** TLP tags first (analysts read them first), then the rest in MISP's order. */
export function sortTags(tags: TagView[]): TagView[] {
  const isTlp = (tag: TagView) => /^tlp:/i.test(tag.name);
  return [...tags.filter(isTlp), ...tags.filter((tag) => !isTlp(tag))];
}

export function countSightings(rows: MispAttribute['Sighting']): SightingCounts {
  const counts: SightingCounts = { sighting: 0, falsePositive: 0, expiration: 0, lastSeen: null };
  for (const row of rows) {
    if (row.type === '1') counts.falsePositive++;
    else if (row.type === '2') counts.expiration++;
    else counts.sighting++;
    const at = Number(row.date_sighting);
    if (Number.isFinite(at) && (counts.lastSeen === null || at > counts.lastSeen)) counts.lastSeen = at;
  }
  return counts;
}

/**
 * Converts an attribute from `/attributes/restSearch` (with includeContext, includeEventTags and
 * includeSightings) into a Match. Event tags come from the context event; the attribute's own tags
 * are those without `inherited`.
 */
export function toMatch(instanceId: string, attribute: MispAttribute): Match {
  const event = attribute.Event;
  const tagView = (tag: { name: string; colour?: string }): TagView => ({
    name: tag.name,
    colour: safeTagColour(tag.colour),
  });
  const inheritedTags = attribute.Tag.filter((tag) => tag.inherited).map(tagView);
  const eventTags = event?.Tag?.length ? event.Tag.map(tagView) : inheritedTags;
  return {
    instanceId,
    attribute: {
      id: attribute.id,
      uuid: attribute.uuid,
      type: attribute.type,
      category: attribute.category,
      value: attribute.value,
      toIds: attribute.to_ids,
      comment: attribute.comment ?? '',
      timestamp: Number(attribute.timestamp) || 0,
      tags: sortTags(attribute.Tag.filter((tag) => !tag.inherited).map(tagView)),
    },
    event: {
      id: event?.id ?? attribute.event_id,
      uuid: event?.uuid ?? '',
      info: event?.info ?? '',
      orgName: event?.Orgc?.name ?? event?.Org?.name ?? '',
      date: event?.date ?? '',
      threatLevel: clampInt(event?.threat_level_id, 1, 4, 4),
      analysis: clampInt(event?.analysis, 0, 2, 0),
      published: event?.published ?? false,
      tags: sortTags(eventTags),
    },
    sightings: countSightings(attribute.Sighting),
  };
}

/** The most severe threat level among matches (1 = high); 4 when none is set. */
export function worstThreatLevel(matches: readonly Match[]): number {
  return matches.reduce((worst, match) => Math.min(worst, match.event.threatLevel), 4);
}
