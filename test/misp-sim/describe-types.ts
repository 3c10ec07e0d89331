import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The describeTypes answer of the recorded MISP 2.5.1 server (transcript 082), served as-is by
 * GET /attributes/describeTypes and used for sane defaults and category checks. Loaded lazily.
 */
const describeTypesSchema = z.object({
  response: z.object({
    body: z.object({
      result: z.object({
        sane_defaults: z.record(z.string(), z.object({ default_category: z.string(), to_ids: z.number() })),
        types: z.array(z.string()),
        categories: z.array(z.string()),
        category_type_mappings: z.record(z.string(), z.array(z.string())),
      }),
    }),
  }),
});

export type DescribeTypes = z.infer<typeof describeTypesSchema>['response']['body']['result'];

const TRANSCRIPT_URL = new URL(
  '../fixtures/misp/transcripts/082-attributes-describeTypes.json',
  import.meta.url,
);

let cached: DescribeTypes | undefined;

export function describeTypes(): DescribeTypes {
  if (!cached) {
    cached = describeTypesSchema.parse(JSON.parse(readFileSync(TRANSCRIPT_URL, 'utf8'))).response.body.result;
  }
  return cached;
}

export function isKnownType(type: string): boolean {
  return Object.hasOwn(describeTypes().sane_defaults, type);
}

export function defaultCategory(type: string): string | undefined {
  return describeTypes().sane_defaults[type]?.default_category;
}

export function defaultToIds(type: string): boolean {
  return describeTypes().sane_defaults[type]?.to_ids === 1;
}

export function categoryAllows(category: string, type: string): boolean {
  return describeTypes().category_type_mappings[category]?.includes(type) ?? false;
}

export function isKnownCategory(category: string): boolean {
  return Object.hasOwn(describeTypes().category_type_mappings, category);
}
