import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

/**
 * Watched tags, per MISP instance (keyed by instance id), in their own `local:` item. The poller's
 * state (cursor, baseline, dedup memory, backoff, status) lives in a second item so that it survives
 * browser restarts; both are zod-parsed on every read.
 */

export const DEFAULT_INTERVAL_MINUTES = 5;
export const MAX_WATCHED_TAGS = 50;

export const WatchSettingsSchema = z.object({
  /** Exact MISP tag names (MISP tag filters are case-sensitive). */
  tags: z.array(z.string().trim().min(1).max(255)).max(MAX_WATCHED_TAGS),
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  publishedOnly: z.boolean(),
});
export type WatchSettings = z.infer<typeof WatchSettingsSchema>;

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  tags: [],
  intervalMinutes: DEFAULT_INTERVAL_MINUTES,
  publishedOnly: false,
};

export const WatchStatusSchema = z.object({
  /** `MispError` kind (or `internal`). */
  kind: z.string(),
  /** One line for the popup and the options page ("Watching paused: API key rejected"). */
  message: z.string(),
  since: z.number(),
});
export type WatchStatus = z.infer<typeof WatchStatusSchema>;

export const WatchStateSchema = z.object({
  /** Unix seconds sent as MISP's `timestamp` (or `publish_timestamp`) filter (`>=`). */
  cursor: z.number().int().nonnegative().optional(),
  /** Which time field the cursor is about; a switch resets the baseline. */
  cursorField: z.enum(['timestamp', 'publish_timestamp']).optional(),
  /** Tags whose first poll (the baseline) is done. */
  baselined: z.array(z.string()),
  /** Event uuid → the newest event time already notified (or absorbed by a baseline). */
  seen: z.record(z.string(), z.number()),
  /** Client time (ms) of the last successful poll. */
  lastSuccessAt: z.number().optional(),
  /** Consecutive failed polls. */
  failures: z.number().int().nonnegative(),
  status: WatchStatusSchema.optional(),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

export const EMPTY_WATCH_STATE: WatchState = { baselined: [], seen: {}, failures: 0 };

const settingsItem = storage.defineItem<Record<string, unknown>>('local:watchSettings', {
  fallback: {},
  version: 1,
});
const stateItem = storage.defineItem<Record<string, unknown>>('local:watchState', {
  fallback: {},
  version: 1,
});

function parseRecord<T>(raw: unknown, schema: z.ZodType<T>): Record<string, T> {
  const out: Record<string, T> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = schema.safeParse(value);
    if (parsed.success) out[id] = parsed.data;
  }
  return out;
}

/** Normalises what a user typed: trimmed, no duplicates (exact, case-sensitive), order kept. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const trimmed = tag.trim();
    if (trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
  }
  return out.slice(0, MAX_WATCHED_TAGS);
}

export async function loadAllWatchSettings(): Promise<Record<string, WatchSettings>> {
  return parseRecord(await settingsItem.getValue(), WatchSettingsSchema);
}

export async function loadWatchSettings(instanceId: string): Promise<WatchSettings> {
  return (await loadAllWatchSettings())[instanceId] ?? DEFAULT_WATCH_SETTINGS;
}

export async function saveWatchSettings(instanceId: string, settings: WatchSettings): Promise<WatchSettings> {
  const next = WatchSettingsSchema.parse({ ...settings, tags: normalizeTags(settings.tags) });
  const all = await loadAllWatchSettings();
  all[instanceId] = next;
  await settingsItem.setValue(all);
  return next;
}

export async function removeWatchInstances(keep: readonly string[]): Promise<void> {
  const all = await loadAllWatchSettings();
  const states = await loadAllWatchStates();
  for (const id of Object.keys(all)) if (!keep.includes(id)) delete all[id];
  for (const id of Object.keys(states)) if (!keep.includes(id)) delete states[id];
  await settingsItem.setValue(all);
  await stateItem.setValue(states);
}

export async function loadAllWatchStates(): Promise<Record<string, WatchState>> {
  return parseRecord(await stateItem.getValue(), WatchStateSchema);
}

export async function loadWatchState(instanceId: string): Promise<WatchState> {
  return (await loadAllWatchStates())[instanceId] ?? EMPTY_WATCH_STATE;
}

export async function saveWatchState(instanceId: string, state: WatchState): Promise<void> {
  const all = await loadAllWatchStates();
  all[instanceId] = WatchStateSchema.parse(state);
  await stateItem.setValue(all);
}
