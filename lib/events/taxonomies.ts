import { z } from 'zod';
import papJson from './data/pap.json';
import tlpJson from './data/tlp.json';

/**
 * TLP and PAP choices for the event form, read from MISP's own taxonomies (lib/events/data, copied
 * from misp-taxonomies). A tag is `<namespace>:<value>` exactly as MISP spells it (tags are
 * case-sensitive: `tlp:amber`, `PAP:AMBER`).
 */

const TaxonomySchema = z.object({
  namespace: z.string(),
  predicates: z.array(z.object({ value: z.string(), expanded: z.string().optional() })),
});

export interface TaxonomyChoice {
  /** The predicate value (`amber+strict`). */
  value: string;
  /** The machine tag sent to MISP (`tlp:amber+strict`). */
  tag: string;
  /** MISP's description. */
  description: string;
}

function choices(raw: unknown, wanted: readonly string[]): TaxonomyChoice[] {
  const taxonomy = TaxonomySchema.parse(raw);
  return wanted.flatMap((value) => {
    const predicate = taxonomy.predicates.find((entry) => entry.value === value);
    return predicate
      ? [{ value, tag: `${taxonomy.namespace}:${value}`, description: predicate.expanded ?? value }]
      : [];
  });
}

/** TLP 2.0 levels, least to most restrictive (the deprecated `white` and the jokes are left out). */
export const TLP_CHOICES: readonly TaxonomyChoice[] = choices(tlpJson, [
  'clear',
  'green',
  'amber',
  'amber+strict',
  'red',
]);

/** PAP levels, least to most restrictive. */
export const PAP_CHOICES: readonly TaxonomyChoice[] = choices(papJson, ['CLEAR', 'GREEN', 'AMBER', 'RED']);

export function tlpTag(value: string): string | undefined {
  return TLP_CHOICES.find((choice) => choice.value === value)?.tag;
}

export function papTag(value: string): string | undefined {
  return PAP_CHOICES.find((choice) => choice.value === value)?.tag;
}
