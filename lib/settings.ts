import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

/**
 * Sightline's stored configuration. Two items, both in `storage.local` (never `sync`):
 * - `instances`: the MISP servers, including their API keys. Only the background reads this item.
 * - `preferences`: everything else. Safe to show in any extension page.
 * Every read is zod-parsed: stored data may be old, hand-edited or written by a buggy build.
 */

export const HIGHLIGHT_MODES = ['auto', 'ask', 'never'] as const;
export type HighlightMode = (typeof HIGHLIGHT_MODES)[number];

export const MispInstanceSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  url: z.string(),
  apiKey: z.string(),
  useForLookups: z.boolean(),
  defaultForEvents: z.boolean(),
});
export type MispInstance = z.infer<typeof MispInstanceSchema>;

export const InstancesSchema = z.array(MispInstanceSchema);

export const SightingSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host') }),
  z.object({ kind: z.literal('url') }),
  z.object({ kind: z.literal('fixed'), text: z.string() }),
]);
export type SightingSource = z.infer<typeof SightingSourceSchema>;

export const PreferencesSchema = z.object({
  highlightMode: z.enum(HIGHLIGHT_MODES),
  /** Host patterns (`example.com`, `*.corp.example`) whose pages are never scanned. */
  neverScan: z.array(z.string()),
  cacheTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  showNewMarks: z.boolean(),
  showBenignMarks: z.boolean(),
  /** Send warninglisted ("likely benign") values to MISP too. */
  lookupBenign: z.boolean(),
  sightingSource: SightingSourceSchema,
  requestTimeoutMs: z.number().int().min(1000).max(120_000),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = {
  highlightMode: 'auto',
  neverScan: [],
  cacheTtlMinutes: 60,
  showNewMarks: false,
  showBenignMarks: true,
  lookupBenign: false,
  sightingSource: { kind: 'host' },
  requestTimeoutMs: 15_000,
};

/** Fills missing fields with defaults and drops anything that does not parse, field by field. */
export function sanitizePreferences(raw: unknown): Preferences {
  const input = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...DEFAULT_PREFERENCES };
  for (const [key, schema] of Object.entries(PreferencesSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(input[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return PreferencesSchema.parse(out);
}

export function sanitizeInstances(raw: unknown): MispInstance[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const parsed = MispInstanceSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

export const instancesItem = storage.defineItem<MispInstance[]>('local:instances', {
  fallback: [],
  version: 1,
});

export const preferencesItem = storage.defineItem<Preferences>('local:preferences', {
  fallback: DEFAULT_PREFERENCES,
  version: 1,
});

export async function loadInstances(): Promise<MispInstance[]> {
  return sanitizeInstances(await instancesItem.getValue());
}

export async function saveInstances(instances: MispInstance[]): Promise<void> {
  await instancesItem.setValue(InstancesSchema.parse(instances));
}

export async function loadPreferences(): Promise<Preferences> {
  return sanitizePreferences(await preferencesItem.getValue());
}

export async function savePreferences(patch: Partial<Preferences>): Promise<Preferences> {
  const next = PreferencesSchema.parse({ ...(await loadPreferences()), ...patch });
  await preferencesItem.setValue(next);
  return next;
}

/** The key as the UI may show it: never more than its last four characters. */
export function maskKey(key: string): string {
  if (!key) return '';
  return `••••${key.slice(-4)}`;
}

/** MISP's key format (API-NOTES §1): 40 alphanumerics after trimming. */
export function isValidKeyShape(key: string): boolean {
  return /^[A-Za-z0-9]{40}$/.test(key.trim());
}
