import { z } from 'zod';
import { WatchSettingsSchema, WatchStatusSchema } from './settings';

/** What extension pages see of watched tags and alerts (message payloads, see lib/messages.ts). */

export const WatchInstanceViewSchema = z.object({
  instance: z.object({ id: z.string(), name: z.string(), url: z.string() }),
  settings: WatchSettingsSchema,
  /** Set while polling fails ("Watching paused: API key rejected"). */
  status: WatchStatusSchema.optional(),
  /** Client time (ms) of the last successful check. */
  lastSuccessAt: z.number().optional(),
});
export type WatchInstanceView = z.infer<typeof WatchInstanceViewSchema>;

export const AlertViewSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  createdAt: z.number(),
  read: z.boolean(),
  kind: z.enum(['event', 'summary']),
  title: z.string(),
  message: z.string(),
  url: z.string(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const WatchTestReportSchema = z.object({
  baselineTags: z.array(z.string()),
  absorbed: z.number().int(),
  wouldNotify: z.array(z.object({ title: z.string(), message: z.string() })),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
});
export type WatchTestReport = z.infer<typeof WatchTestReportSchema>;

export { WatchSettingsSchema };
