import { z } from 'zod';
import { WatchRuleInputSchema, WatchRuleSchema } from './rules';
import { WatchStatusSchema } from './settings';

/** What extension pages see of watch rules and alerts (message payloads, see lib/protocol/watch.ts). */

export const RuleViewSchema = WatchRuleSchema.omit({ since: true }).extend({
  /** Client time (ms) the watch began (its earliest tag on any instance). */
  startedAt: z.number(),
});
export type RuleView = z.infer<typeof RuleViewSchema>;

export const WatchInstanceStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Set while polling fails ("Watching paused: API key rejected"). */
  status: WatchStatusSchema.optional(),
  /** Client time (ms) of the last successful check. */
  lastSuccessAt: z.number().optional(),
});

export const WatchViewSchema = z.object({
  rules: z.array(RuleViewSchema),
  intervalMinutes: z.number().int(),
  instances: z.array(WatchInstanceStateSchema),
  /** Why browser notifications are not shown, when they are not (alerts still reach the Alerts tab). */
  notificationProblem: z.string().optional(),
});
export type WatchView = z.infer<typeof WatchViewSchema>;

export const AlertViewSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  createdAt: z.number(),
  read: z.boolean(),
  kind: z.enum(['event', 'summary', 'seen']),
  /** The group it is listed under: the watch rule's name, or "Seen before, known now". */
  group: z.string(),
  title: z.string(),
  message: z.string(),
  /** The event (or events) in MISP. */
  url: z.string(),
  /** Seen-before alerts: the value and the page it was read on. */
  value: z.string().optional(),
  page: z.object({ host: z.string(), title: z.string(), url: z.string(), readAt: z.number() }).optional(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const AlertsListSchema = z.object({
  alerts: z.array(AlertViewSchema),
  unread: z.number().int(),
  problems: z.array(z.string()),
  /** What is watched ("tlp:red on MISP A"), one line per rule. */
  watching: z.array(z.string()),
  /** Client time (ms) of the newest successful check of any watched instance. */
  lastCheckedAt: z.number().optional(),
  /** Whether "Remember indicators I read" is on (the seen-before group explains itself). */
  remembering: z.boolean(),
  /** Why alerts do not come as browser notifications (the browser refused or blocks them). */
  notificationProblem: z.string().optional(),
});
export type AlertsList = z.infer<typeof AlertsListSchema>;

export const WatchTestReportSchema = z.object({
  ruleName: z.string(),
  instances: z.array(
    z.object({
      name: z.string(),
      baselined: z.array(z.string()),
      absorbed: z.number().int(),
      wouldNotify: z.array(z.object({ title: z.string(), message: z.string() })),
      error: z.string().optional(),
    }),
  ),
});
export type WatchTestReport = z.infer<typeof WatchTestReportSchema>;

export { WatchRuleInputSchema };
