import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ObjectTemplateRow } from './types';

/**
 * MISP object templates: the 354 misp-objects definitions that MISP 2.5.1 ships
 * (test/fixtures/misp/object-templates/<name>/definition.json). MISP numbers them in the order of
 * their directory names (transcript 131: domain-ip is 70, file is 89).
 */

const TEMPLATE_DIR = new URL('../fixtures/misp/object-templates/', import.meta.url);

const definitionSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  version: z.number(),
  description: z.string().default(''),
  'meta-category': z.string(),
  required: z.array(z.string()).optional(),
  requiredOneOf: z.array(z.string()).optional(),
  attributes: z.record(
    z.string(),
    z.object({
      'misp-attribute': z.string(),
      categories: z.array(z.string()).optional(),
      multiple: z.boolean().optional(),
      'ui-priority': z.number().optional(),
      description: z.string().optional(),
      disable_correlation: z.boolean().optional(),
      sane_default: z.array(z.string()).optional(),
      values_list: z.array(z.string()).optional(),
    }),
  ),
});

let cached: ObjectTemplateRow[] | undefined;

/** All templates, parsed once per process, with their MISP ids. */
export function objectTemplates(): ObjectTemplateRow[] {
  if (cached) return cached;
  const names = readdirSync(TEMPLATE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  let elementId = 0;
  cached = names.map((name, index) => {
    const definition = definitionSchema.parse(
      JSON.parse(readFileSync(new URL(`${name}/definition.json`, TEMPLATE_DIR), 'utf8')),
    );
    return {
      id: index + 1,
      uuid: definition.uuid.toLowerCase(),
      name: definition.name,
      metaCategory: definition['meta-category'],
      description: definition.description,
      version: definition.version,
      required: definition.required ?? [],
      requiredOneOf: definition.requiredOneOf ?? [],
      elements: Object.entries(definition.attributes).map(([relation, element]) => ({
        id: ++elementId,
        relation,
        type: element['misp-attribute'],
        categories: element.categories ?? [],
        multiple: element.multiple ?? false,
        uiPriority: element['ui-priority'] ?? 0,
        description: element.description ?? '',
        disableCorrelation: element.disable_correlation ?? false,
        saneDefault: element.sane_default ?? [],
        valuesList: element.values_list ?? [],
      })),
    };
  });
  return cached;
}

/**
 * ObjectTemplate::checkTemplateConformity: every `required` relation present, one of
 * `requiredOneOf`, and a relation without `multiple` used once. The message, or null when it conforms.
 */
export function templateConformity(template: ObjectTemplateRow, relations: string[]): string | null {
  for (const required of template.required) {
    if (!relations.includes(required))
      return `Could not save the object as a required attribute is not set (${required})`;
  }
  if (
    template.requiredOneOf.length > 0 &&
    !template.requiredOneOf.some((relation) => relations.includes(relation))
  ) {
    return `Could not save the object as it requires at least one of the following attributes to be set: ${template.requiredOneOf.join(', ')}`;
  }
  for (const element of template.elements) {
    if (!element.multiple && relations.filter((relation) => relation === element.relation).length > 1) {
      return 'Could not save the object as a unique relationship within the object was assigned to more than one attribute. This is only allowed if the multiple flag is set in the object template.';
    }
  }
  return null;
}
