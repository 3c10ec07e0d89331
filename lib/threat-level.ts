/**
 * MISP's threat levels, written once: `threat_level_id` 1 High, 2 Medium, 3 Low, 4 Undefined, with the
 * colour Sightline gives each on marks, the card, the toolbar badge and the event form.
 */

export const THREAT_LEVEL_IDS = [1, 2, 3, 4] as const;
export type ThreatLevelId = (typeof THREAT_LEVEL_IDS)[number];

interface ThreatLevel {
  id: ThreatLevelId;
  /** MISP's own name for it. */
  label: string;
  /** The mark kind drawn on pages (a CSS class of the overlay). */
  mark: 'high' | 'medium' | 'low' | 'undefined';
  /** Red, orange, amber, blue: as `[r, g, b]`, for solid and translucent uses. */
  rgb: readonly [number, number, number];
}

export const THREAT_LEVELS: readonly ThreatLevel[] = [
  { id: 1, label: 'High', mark: 'high', rgb: [229, 57, 53] },
  { id: 2, label: 'Medium', mark: 'medium', rgb: [251, 140, 0] },
  { id: 3, label: 'Low', mark: 'low', rgb: [249, 168, 37] },
  { id: 4, label: 'Undefined', mark: 'undefined', rgb: [30, 136, 229] },
];

const UNDEFINED = THREAT_LEVELS[3]!;

/** The level for MISP's `threat_level_id` (a number or MISP's string); anything else is Undefined. */
export function threatLevel(id: string | number | undefined | null): ThreatLevel {
  const n = typeof id === 'number' ? id : Number.parseInt(String(id ?? ''), 10);
  return THREAT_LEVELS.find((level) => level.id === n) ?? UNDEFINED;
}

/** "High", "Medium", "Low", "Undefined". */
export function threatLevelName(id: string | number | undefined | null): string {
  return threatLevel(id).label;
}

/** The level's colour: `#e53935`, or `rgba(229, 57, 53, 0.22)` with an `alpha`. */
export function threatLevelColour(id: string | number | undefined | null, alpha?: number): string {
  const [r, g, b] = threatLevel(id).rgb;
  if (alpha !== undefined) return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  return `#${[r, g, b].map((part) => part.toString(16).padStart(2, '0')).join('')}`;
}

/** The choices of a "Threat level" form field, most severe first. */
export const THREAT_LEVEL_CHOICES = THREAT_LEVELS.map(({ id, label }) => ({ id, label }));

/** A watch rule's "Minimum threat level": "Low or higher" … "High" (Undefined is never a minimum). */
export function minimumThreatLevelLabel(id: ThreatLevelId): string {
  return id === 1 ? threatLevelName(id) : `${threatLevelName(id)} or higher`;
}
