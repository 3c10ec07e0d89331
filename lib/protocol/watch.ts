import { z } from 'zod';
import {
  AlertViewSchema,
  WatchInstanceViewSchema,
  WatchSettingsSchema,
  WatchTestReportSchema,
} from '../watch/model';
import { type MessageSpec, Result } from './result';

/** Watched tags and the popup's Alerts tab. */

export const watchMessages = {
  /** Watched tags (issue 7): settings and status per instance. */
  'watch/get': {
    from: 'ui',
    request: z.object({}),
    response: Result(z.array(WatchInstanceViewSchema)),
  },
  'watch/save': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200), settings: WatchSettingsSchema }),
    response: Result(WatchSettingsSchema),
  },
  /** Tag names for the "Watched tags" autocomplete (MISP's /tags/index, exact spelling). */
  'watch/tags': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200), search: z.string().max(255) }),
    response: Result(z.array(z.object({ name: z.string(), colour: z.string() }))),
  },
  /** "Test": one poll that reports what it would notify, without notifying or moving the cursor. */
  'watch/test': {
    from: 'ui',
    request: z.object({ instanceId: z.string().max(200) }),
    response: Result(WatchTestReportSchema),
  },
  /** The popup's "Alerts" tab: recent alerts, unread count and the watch status lines. */
  'alerts/list': {
    from: 'ui',
    request: z.object({}),
    response: Result(
      z.object({ alerts: z.array(AlertViewSchema), unread: z.number().int(), problems: z.array(z.string()) }),
    ),
  },
  /** Opens an alert's event in MISP (same path as clicking its notification) and marks it read. */
  'alerts/open': {
    from: 'ui',
    request: z.object({ id: z.string().max(500) }),
    response: Result(z.object({})),
  },
  /** Marks alerts read (all when `ids` is absent). */
  'alerts/mark-read': {
    from: 'ui',
    request: z.object({ ids: z.array(z.string().max(500)).max(1000).optional() }),
    response: Result(z.object({})),
  },
} as const satisfies Record<string, MessageSpec>;
