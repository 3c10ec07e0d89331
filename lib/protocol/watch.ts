import { z } from 'zod';
import {
  AlertsListSchema,
  RuleViewSchema,
  WatchRuleInputSchema,
  WatchTestReportSchema,
  WatchViewSchema,
} from '../watch/model';
import { type MessageSpec, Result } from './result';

/** Watch rules (options) and the popup's Alerts tab. */

const AlertId = z.string().max(500);

export const watchMessages = {
  /** The rules, the polling interval, each instance's watch status and the notification problem. */
  'watch/get': {
    from: 'ui',
    request: z.object({}),
    response: Result(WatchViewSchema),
  },
  /** Adds (no id) or edits a rule; a tag or instance new to it begins its watch now. */
  'watch/save-rule': {
    from: 'ui',
    request: z.object({ rule: WatchRuleInputSchema }),
    response: Result(RuleViewSchema),
  },
  'watch/remove-rule': {
    from: 'ui',
    request: z.object({ id: z.string().max(100) }),
    response: Result(z.object({})),
  },
  'watch/interval': {
    from: 'ui',
    request: z.object({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
    response: Result(z.object({})),
  },
  /** A rule's "Test": one poll per instance reporting what it would notify, nothing stored or notified. */
  'watch/test': {
    from: 'ui',
    request: z.object({ ruleId: z.string().max(100) }),
    response: Result(WatchTestReportSchema),
  },
  /** "Send a test notification": shown the way alerts are; `problem` says why the browser refused it. */
  'watch/test-notification': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.object({ problem: z.string().optional() })),
  },
  /** The popup's "Alerts" tab: recent alerts, unread count, what is watched and the status lines. */
  'alerts/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(AlertsListSchema),
  },
  /**
   * Opens an alert's event in MISP (same path as clicking its notification), or for a seen-before
   * alert the page it was read on, and marks it read.
   */
  'alerts/open': {
    from: 'ui',
    request: z.object({ id: AlertId, target: z.enum(['event', 'page']).optional() }),
    response: Result(z.object({})),
  },
  /** Marks alerts read (all when `ids` is absent), or unread with `read: false`. */
  'alerts/mark-read': {
    from: 'ui',
    request: z.object({ ids: z.array(AlertId).max(1000).optional(), read: z.boolean().optional() }),
    response: Result(z.object({})),
  },
  /** "Record sighting" on a seen-before alert: the value, with the page it was read on as the source. */
  'alerts/record-sighting': {
    from: 'ui',
    request: z.object({ id: AlertId }),
    response: Result(z.object({ message: z.string() })),
  },
} as const satisfies Record<string, MessageSpec>;
