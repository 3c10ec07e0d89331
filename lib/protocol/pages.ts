import { z } from 'zod';
import { NOT_SCANNED_WHY } from '../background/page-config';
import {
  ExtractionSchema,
  MAX_EXTRACT_CHARS,
  MAX_EXTRACT_TEXTS,
  MAX_PAGE_INDICATORS,
  MAX_VALUE_LENGTH,
  PageIndicatorSchema,
} from '../indicators/page-indicators';
import { MatchSchema } from '../lookup/matches';
import { ValueStatusSchema } from '../lookup/status';
import { HIGHLIGHT_MODES } from '../settings';
import { ThemeSchema } from '../theme';
import { type MessageSpec, Result } from './result';
import { PublicInstanceRefSchema } from './settings';

/** Content scripts' scans and lookups, the hover card's matches, and the popup's view of a tab. */

export const TabIndicatorsSchema = z.object({
  tabId: z.number().int(),
  url: z.string(),
  title: z.string(),
  indicators: z.array(PageIndicatorSchema.extend({ status: ValueStatusSchema })),
  /** Lookup problems per instance, shown once rather than per value. */
  problems: z.array(z.string()),
  /** The instances lookups go to, each with its current problem (if its last lookup failed). */
  instances: z
    .array(z.object({ id: z.string(), name: z.string(), problem: z.string().optional() }))
    .optional(),
  /** Whether Sightline scans the tab's page now, why not, and whether it has scanned it yet. */
  page: z
    .object({
      scan: z.boolean(),
      mode: z.enum(HIGHLIGHT_MODES),
      why: z.enum(NOT_SCANNED_WHY).optional(),
      /** For `excluded`: the "Sites never scanned" entry that matched. */
      pattern: z.string().optional(),
      host: z.string(),
      /** A content script reported the page (it was scanned, or is listening for "Scan this page"). */
      scanned: z.boolean(),
    })
    .optional(),
});
export type TabIndicators = z.infer<typeof TabIndicatorsSchema>;

export const pageMessages = {
  /** The content script asks whether (and how) to scan the page it runs in. */
  'page/config': {
    from: 'content',
    request: z.object({ url: z.string().max(10_000) }),
    response: Result(
      z.object({ mode: z.enum(HIGHLIGHT_MODES), scan: z.boolean(), reason: z.string().optional() }),
    ),
  },
  /** The content script sends its frame's text (joined slices) and gets the indicators in each back. */
  'page/extract': {
    from: 'content',
    request: z.object({
      texts: z
        .array(z.string())
        .max(MAX_EXTRACT_TEXTS)
        .refine((texts) => texts.reduce((sum, text) => sum + text.length, 0) <= MAX_EXTRACT_CHARS, {
          message: `At most ${MAX_EXTRACT_CHARS} characters a request`,
        }),
    }),
    response: Result(ExtractionSchema),
  },
  /** The content script reports the indicators of its frame and gets their status back. */
  'page/indicators': {
    from: 'content',
    request: z.object({
      url: z.string().max(10_000),
      title: z.string().max(2_000),
      indicators: z.array(PageIndicatorSchema).max(MAX_PAGE_INDICATORS),
    }),
    // Most of a page's values are new to MISP: those come as a plain list (cheap to check on the page's
    // main thread), every other status in `statuses`.
    response: Result(
      z.object({ statuses: z.record(z.string(), ValueStatusSchema), newValues: z.array(z.string()) }),
    ),
  },
  /** Statuses for values outside a page report (a selection, pasted text). */
  'lookup/values': {
    from: 'any',
    request: z.object({ indicators: z.array(PageIndicatorSchema).max(MAX_PAGE_INDICATORS) }),
    response: Result(z.object({ statuses: z.record(z.string(), ValueStatusSchema) })),
  },
  /** The hover card asks for the matches of one value (served from the lookup cache). */
  'card/matches': {
    // Also Sightline's reader (an extension page), which shows the same card on a PDF's text.
    from: 'any',
    request: z.object({ value: z.string().min(1).max(MAX_VALUE_LENGTH) }),
    response: Result(
      z.object({
        value: z.string(),
        matches: z.array(MatchSchema),
        instances: z.array(PublicInstanceRefSchema),
        /** The analyst's "Theme" choice: the card follows it like the popup and options do. */
        theme: ThemeSchema,
        /** Notes on the value: the warninglist naming it, "dynamic DNS", "user content on github.com". */
        notes: z.array(z.string().max(300)).max(8).optional(),
      }),
    ),
  },
  /** The popup asks what was found on a tab. */
  'tab/indicators': {
    from: 'ui',
    request: z.object({ tabId: z.number().int().nonnegative() }),
    response: Result(TabIndicatorsSchema),
  },
  /** The popup (or a shortcut, via the background) asks a tab to scan now ("Only when I ask"). */
  'tab/scan': {
    from: 'ui',
    request: z.object({ tabId: z.number().int().nonnegative() }),
    response: Result(z.object({})),
  },
} as const satisfies Record<string, MessageSpec>;
