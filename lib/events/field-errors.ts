/**
 * MISP's field errors ("Event.info: must not be empty", from `details`) placed next to the event
 * form's fields; what names no field of the form stays with the general error.
 */

export type FormField =
  | 'info'
  | 'date'
  | 'distribution'
  | 'sharingGroup'
  | 'threatLevel'
  | 'analysis'
  | 'tags';

/** MISP's field names (events/add) → the form's. */
const MISP_FIELDS: Record<string, FormField> = {
  info: 'info',
  date: 'date',
  distribution: 'distribution',
  sharing_group_id: 'sharingGroup',
  threat_level_id: 'threatLevel',
  analysis: 'analysis',
  Tag: 'tags',
  EventTag: 'tags',
};

export interface PlacedErrors {
  fields: Partial<Record<FormField, string[]>>;
  other: string[];
}

export function placeFieldErrors(details: readonly string[] = []): PlacedErrors {
  const placed: PlacedErrors = { fields: {}, other: [] };
  for (const detail of details) {
    const match = /^(?:Event\.)?([A-Za-z_]+)(?:\.\d+)*: (.+)$/s.exec(detail);
    const field = match ? MISP_FIELDS[match[1] ?? ''] : undefined;
    const text = match?.[2];
    if (field && text) placed.fields[field] = [...(placed.fields[field] ?? []), text];
    else placed.other.push(detail);
  }
  return placed;
}
