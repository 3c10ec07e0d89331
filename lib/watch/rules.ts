import { z } from 'zod';
import type { MispEvent } from '../misp/schemas';
import { threatLevelName } from '../threat-level';

/**
 * Watch rules: which MISP events are worth a notification. A rule names tags (any or all of them),
 * optionally a minimum threat level and creator organisations, "only published events", "only events
 * with new attributes", and the instances it watches. Pure data and pure checks: the poller applies
 * them, the options page edits them.
 */

export const MAX_RULES = 20;
export const MAX_WATCHED_TAGS = 50;
export const MAX_RULE_ORGS = 50;
export const DEFAULT_INTERVAL_MINUTES = 5;

const TagName = z.string().trim().min(1).max(255);

/** What the options page sends: the rule as the analyst wrote it. */
export const WatchRuleInputSchema = z.object({
  /** Absent for a new rule (the background gives it one). */
  id: z.string().min(1).max(100).optional(),
  /** Shown in the Alerts tab and on the rule's buttons; the tags when left empty. */
  name: z.string().trim().max(100),
  /** Exact MISP tag names (MISP tag filters are case-sensitive, obs 066). */
  tags: z.array(TagName).min(1).max(MAX_WATCHED_TAGS),
  tagMatch: z.enum(['any', 'all']),
  /** Only events at this threat level or more severe (1 High, 2 Medium, 3 Low); absent: any. */
  minThreatLevel: z.number().int().min(1).max(3).optional(),
  /** Creator organisations (`Orgc` name, case-insensitive); empty: any. */
  orgs: z.array(TagName).max(MAX_RULE_ORGS),
  /** Asks by publish time with `published: true` (a never-published event never matches). */
  publishedOnly: z.boolean(),
  /** Only events with attributes added since Sightline last saw them (how many, of which types). */
  newAttributesOnly: z.boolean(),
  instanceIds: z.array(z.string().min(1).max(200)).min(1).max(50),
});
export type WatchRuleInput = z.infer<typeof WatchRuleInputSchema>;

/**
 * A stored rule: the input plus when each part of the watch began — per instance and per tag, Unix
 * seconds of the analyst's clock. Events before that moment are the baseline; every later one counts,
 * whenever the first poll happens to run.
 */
export const WatchRuleSchema = WatchRuleInputSchema.extend({
  id: z.string().min(1).max(100),
  since: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
});
export type WatchRule = z.infer<typeof WatchRuleSchema>;

export const WatchConfigSchema = z.object({
  rules: z.array(WatchRuleSchema).max(MAX_RULES),
  /** How often each instance is polled. */
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export type WatchConfig = z.infer<typeof WatchConfigSchema>;

export const EMPTY_WATCH_CONFIG: WatchConfig = { rules: [], intervalMinutes: DEFAULT_INTERVAL_MINUTES };

/** Trimmed, no duplicates (exact: MISP tags are case-sensitive), order kept. */
export function uniqueTrimmed(items: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const item of items) {
    const trimmed = item.trim();
    if (trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
  }
  return out.slice(0, max);
}

export function ruleName(rule: Pick<WatchRuleInput, 'name' | 'tags' | 'tagMatch'>): string {
  if (rule.name.trim() !== '') return rule.name.trim();
  return rule.tags.join(rule.tagMatch === 'all' ? ' + ' : ', ');
}

/**
 * The rule to store after an edit, with its watch start times: a tag new to the rule, an instance new
 * to it, or a switch of "Only published events" (a different clock) begins at `nowS`; what did not
 * change keeps its start.
 */
export function withWatchStart(
  input: WatchRuleInput,
  previous: WatchRule | undefined,
  id: string,
  nowS: number,
): WatchRule {
  const tags = uniqueTrimmed(input.tags, MAX_WATCHED_TAGS);
  const instanceIds = [...new Set(input.instanceIds)];
  const clockChanged = previous !== undefined && previous.publishedOnly !== input.publishedOnly;
  const since: WatchRule['since'] = {};
  for (const instanceId of instanceIds) {
    const before = clockChanged ? undefined : previous?.since[instanceId];
    since[instanceId] = Object.fromEntries(tags.map((tag) => [tag, before?.[tag] ?? nowS]));
  }
  return WatchRuleSchema.parse({
    ...input,
    id,
    name: input.name.trim(),
    tags,
    orgs: uniqueTrimmed(input.orgs, MAX_RULE_ORGS),
    instanceIds,
    since,
  });
}

export function eventTime(event: MispEvent, field: 'timestamp' | 'publish_timestamp'): number {
  const value = Number((field === 'timestamp' ? event.timestamp : event.publish_timestamp) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/**
 * The watched tags an event carries for this rule (event tags plus those MISP found on its attributes),
 * or undefined when the rule's tags do not match ("all": every tag of the rule must be there).
 */
export function matchedTags(
  rule: Pick<WatchRule, 'tags' | 'tagMatch'>,
  event: MispEvent,
  attributeTags: ReadonlySet<string> = new Set(),
): string[] | undefined {
  const carried = new Set([...event.Tag.map((tag) => tag.name), ...attributeTags]);
  const matched = rule.tags.filter((tag) => carried.has(tag));
  if (rule.tagMatch === 'all' ? matched.length !== rule.tags.length : matched.length === 0) return undefined;
  return matched;
}

/** The rule's other conditions: threat level and creator organisation. */
export function passesFilters(rule: Pick<WatchRule, 'minThreatLevel' | 'orgs'>, event: MispEvent): boolean {
  if (rule.minThreatLevel !== undefined) {
    const level = Number(event.threat_level_id ?? 4);
    if (!(level >= 1 && level <= rule.minThreatLevel)) return false;
  }
  if (rule.orgs.length > 0) {
    const creator = (event.Orgc?.name ?? '').toLowerCase();
    if (!rule.orgs.some((org) => org.toLowerCase() === creator)) return false;
  }
  return true;
}

/**
 * When the watch began for an event with these matched tags, in the analyst's clock: for "any", the
 * earliest start among the tags it carries; for "all", the moment the last of the tags was added.
 */
export function watchStartFor(rule: WatchRule, instanceId: string, matched: readonly string[]): number {
  const since = rule.since[instanceId] ?? {};
  const starts = (rule.tagMatch === 'all' ? rule.tags : matched).map((tag) => since[tag] ?? 0);
  if (starts.length === 0) return 0;
  return rule.tagMatch === 'all' ? Math.max(...starts) : Math.min(...starts);
}

/** One line describing the rule's conditions, for the options page and the Alerts tab. */
export function ruleSummary(rule: WatchRuleInput, instanceNames: (id: string) => string): string {
  const parts = [
    rule.tags.length > 1
      ? `${rule.tagMatch === 'all' ? 'all of' : 'any of'} ${rule.tags.join(', ')}`
      : (rule.tags[0] ?? ''),
  ];
  if (rule.minThreatLevel !== undefined)
    parts.push(`threat level ${threatLevelName(rule.minThreatLevel)} or higher`);
  if (rule.orgs.length > 0) parts.push(`created by ${rule.orgs.join(' or ')}`);
  if (rule.publishedOnly) parts.push('published only');
  if (rule.newAttributesOnly) parts.push('only with new attributes');
  return `${parts.join(' · ')} on ${rule.instanceIds.map(instanceNames).join(', ')}`;
}
