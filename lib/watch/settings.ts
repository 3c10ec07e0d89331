import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import {
  DEFAULT_INTERVAL_MINUTES,
  EMPTY_WATCH_CONFIG,
  MAX_RULES,
  MAX_WATCHED_TAGS,
  uniqueTrimmed,
  type WatchConfig,
  WatchConfigSchema,
  type WatchRule,
} from './rules';

/**
 * Watch rules (one `local:` item for all instances) and the poller's state per instance (cursor,
 * dedup memory, backoff, status, in a second item so that it survives browser restarts). Both are
 * versioned: version 1 kept one tag list per instance, version 2 keeps rules; the migrations turn
 * each instance's tag list into one rule and carry its cursor over, so nothing is notified twice or
 * lost across the upgrade. Both are zod-parsed on every read.
 */

export const WatchStatusSchema = z.object({
  /** `MispError` kind (or `internal`). */
  kind: z.string(),
  /** One line for the popup and the options page ("Watching paused: API key rejected"). */
  message: z.string(),
  since: z.number(),
});
export type WatchStatus = z.infer<typeof WatchStatusSchema>;

export const RuleStateSchema = z.object({
  /** Unix seconds (server clock) sent as MISP's `timestamp` (or `publish_timestamp`) filter (`>=`). */
  cursor: z.number().int().nonnegative().optional(),
  /** Which time field the cursor is about; a switch starts the watch again. */
  cursorField: z.enum(['timestamp', 'publish_timestamp']).optional(),
  /** Tags whose first poll is done (their baseline is settled). */
  polledTags: z.array(z.string()),
  /** Event uuid → the newest event time already notified (or absorbed by the baseline). */
  seen: z.record(z.string(), z.number()),
});
export type RuleState = z.infer<typeof RuleStateSchema>;

export const EMPTY_RULE_STATE: RuleState = { polledTags: [], seen: {} };

export const WatchStateSchema = z.object({
  rules: z.record(z.string(), RuleStateSchema),
  /** Client time (ms) of the last successful poll. */
  lastSuccessAt: z.number().optional(),
  /** Consecutive failed polls. */
  failures: z.number().int().nonnegative(),
  status: WatchStatusSchema.optional(),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

export const EMPTY_WATCH_STATE: WatchState = { rules: {}, failures: 0 };

// --- version 1 → 2 -------------------------------------------------------------------------------

const V1SettingsSchema = z.object({
  tags: z.array(z.string()),
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  publishedOnly: z.boolean(),
});
const V1StateSchema = z.object({
  cursor: z.number().int().nonnegative().optional(),
  cursorField: z.enum(['timestamp', 'publish_timestamp']).optional(),
  baselined: z.array(z.string()),
  seen: z.record(z.string(), z.number()),
  lastSuccessAt: z.number().optional(),
  failures: z.number().int().nonnegative(),
  status: WatchStatusSchema.optional(),
});

/** The rule id a version-1 tag list becomes (the state migration finds it by the same name). */
export function migratedRuleId(instanceId: string): string {
  return `tags-${instanceId}`;
}

function entries(raw: unknown): Array<[string, unknown]> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : [];
}

/**
 * Version 1 (`{[instanceId]: {tags, intervalMinutes, publishedOnly}}`) → one rule per instance with
 * tags ("any" of them, as before). The tags' watch began before the upgrade (`since` 0): the state
 * migration keeps their cursor, so the poller goes on where it was.
 */
export function migrateWatchSettingsV1(raw: unknown): WatchConfig {
  const rules: WatchRule[] = [];
  const intervals: number[] = [];
  for (const [instanceId, value] of entries(raw)) {
    const v1 = V1SettingsSchema.safeParse(value);
    if (!v1.success) continue;
    const tags = uniqueTrimmed(v1.data.tags, MAX_WATCHED_TAGS);
    if (tags.length === 0) continue;
    intervals.push(v1.data.intervalMinutes);
    rules.push({
      id: migratedRuleId(instanceId),
      name: '',
      tags,
      tagMatch: 'any',
      orgs: [],
      publishedOnly: v1.data.publishedOnly,
      newAttributesOnly: false,
      instanceIds: [instanceId],
      since: { [instanceId]: Object.fromEntries(tags.map((tag) => [tag, 0])) },
    });
  }
  return WatchConfigSchema.parse({
    rules: rules.slice(0, MAX_RULES),
    intervalMinutes: intervals.length > 0 ? Math.min(...intervals) : DEFAULT_INTERVAL_MINUTES,
  });
}

/**
 * Version-1 state per instance → the same per instance, the cursor and dedup memory now the migrated
 * rule's. A tag list whose first poll had not run yet starts at `nowS` (the upgrade), like a new watch.
 */
export function migrateWatchStateV1(raw: unknown): Record<string, WatchState> {
  const out: Record<string, WatchState> = {};
  for (const [instanceId, value] of entries(raw)) {
    const v1 = V1StateSchema.safeParse(value);
    if (!v1.success) continue;
    const { cursor, cursorField, baselined, seen, lastSuccessAt, failures, status } = v1.data;
    out[instanceId] = WatchStateSchema.parse({
      rules: {
        [migratedRuleId(instanceId)]: {
          ...(cursor === undefined ? {} : { cursor }),
          ...(cursorField === undefined ? {} : { cursorField }),
          polledTags: cursor === undefined ? [] : baselined,
          seen,
        },
      },
      ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
      failures,
      ...(status === undefined ? {} : { status }),
    });
  }
  return out;
}

export const watchConfigItem = storage.defineItem<unknown>('local:watchSettings', {
  fallback: EMPTY_WATCH_CONFIG,
  version: 2,
  migrations: { 2: migrateWatchSettingsV1 },
});
export const watchStateItem = storage.defineItem<unknown>('local:watchState', {
  fallback: {},
  version: 2,
  migrations: { 2: migrateWatchStateV1 },
});

// --- reads and writes ----------------------------------------------------------------------------

export async function loadWatchConfig(): Promise<WatchConfig> {
  const parsed = WatchConfigSchema.safeParse(await watchConfigItem.getValue());
  return parsed.success ? parsed.data : EMPTY_WATCH_CONFIG;
}

export async function saveWatchConfig(config: WatchConfig): Promise<WatchConfig> {
  const next = WatchConfigSchema.parse(config);
  await watchConfigItem.setValue(next);
  return next;
}

/** The rules that watch this instance. */
export function rulesOn(config: WatchConfig, instanceId: string): WatchRule[] {
  return config.rules.filter((rule) => rule.instanceIds.includes(instanceId));
}

export async function loadAllWatchStates(): Promise<Record<string, WatchState>> {
  const out: Record<string, WatchState> = {};
  for (const [id, value] of entries(await watchStateItem.getValue())) {
    const parsed = WatchStateSchema.safeParse(value);
    if (parsed.success) out[id] = parsed.data;
  }
  return out;
}

export async function loadWatchState(instanceId: string): Promise<WatchState> {
  return (await loadAllWatchStates())[instanceId] ?? EMPTY_WATCH_STATE;
}

export async function saveWatchState(instanceId: string, state: WatchState): Promise<void> {
  const all = await loadAllWatchStates();
  all[instanceId] = WatchStateSchema.parse(state);
  await watchStateItem.setValue(all);
}

/**
 * Instances that are gone take their watch with them: their state, their place in every rule (a rule
 * left with no instance is removed). Returns the ids that were dropped.
 */
export async function removeWatchInstances(keep: readonly string[]): Promise<string[]> {
  const config = await loadWatchConfig();
  const states = await loadAllWatchStates();
  const dropped = new Set<string>();
  const rules: WatchRule[] = [];
  for (const rule of config.rules) {
    const instanceIds = rule.instanceIds.filter((id) => {
      if (keep.includes(id)) return true;
      dropped.add(id);
      return false;
    });
    if (instanceIds.length === 0) continue;
    const since = Object.fromEntries(Object.entries(rule.since).filter(([id]) => instanceIds.includes(id)));
    rules.push({ ...rule, instanceIds, since });
  }
  for (const id of Object.keys(states)) {
    if (keep.includes(id)) continue;
    dropped.add(id);
    delete states[id];
  }
  await saveWatchConfig({ ...config, rules });
  await watchStateItem.setValue(states);
  return [...dropped];
}
