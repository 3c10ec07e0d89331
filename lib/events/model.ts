import { z } from 'zod';
import { INDICATOR_KINDS } from '../indicators/model';

/**
 * The event draft of one tab: which indicators are selected (with the MISP type, category, to_ids and
 * comment chosen for each), indicators added from pasted text or the context menu, and the event
 * form. Kept in `storage.session` per tab so that it survives the popup closing; cleared after a
 * successful submission. `key` is the client-made uuid of the event this draft becomes: it is the
 * outbox id and the event's uuid, so a repeated submission of the same draft is one event.
 */

export const DISTRIBUTIONS = [
  { id: 0, label: 'Your organisation only' },
  { id: 1, label: 'This community only' },
  { id: 2, label: 'Connected communities' },
  { id: 3, label: 'All communities' },
  { id: 4, label: 'Sharing group' },
] as const;
/** The distribution that needs a sharing group. */
export const SHARING_GROUP_DISTRIBUTION = 4;
export const ANALYSIS_LEVELS = [
  { id: 0, label: 'Initial' },
  { id: 1, label: 'Ongoing' },
  { id: 2, label: 'Completed' },
] as const;

const MAX_VALUE = 2048;

export const ItemChoiceSchema = z.object({
  type: z.string().min(1).max(64),
  category: z.string().min(1).max(64),
  toIds: z.boolean(),
  comment: z.string().max(2000),
});
export type ItemChoice = z.infer<typeof ItemChoiceSchema>;

/** An indicator that did not come from the page scan (pasted text, context menu selection). */
export const ExtraIndicatorSchema = z.object({
  type: z.enum(INDICATOR_KINDS),
  value: z.string().min(1).max(MAX_VALUE),
  original: z.string().max(MAX_VALUE * 4),
  count: z.number().int().min(1),
});
export type ExtraIndicator = z.infer<typeof ExtraIndicatorSchema>;

/** A galaxy cluster chosen in "Galaxy clusters": attached through its tag (`misp-galaxy:…="…"`). */
export const ClusterChoiceSchema = z.object({
  tag: z.string().min(1).max(255),
  value: z.string().min(1).max(255),
  galaxy: z.string().max(255),
});
export type ClusterChoice = z.infer<typeof ClusterChoiceSchema>;

const MispNumericId = z.string().regex(/^[1-9][0-9]{0,18}$/);

export const EventFormSchema = z.object({
  info: z.string().max(65_535),
  /** YYYY-MM-DD */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  distribution: z.number().int().min(0).max(4),
  /** The sharing group (its MISP id) when Distribution is "Sharing group". */
  sharingGroupId: MispNumericId.optional(),
  threatLevel: z.number().int().min(1).max(4),
  analysis: z.number().int().min(0).max(2),
  /** TLP predicate (`amber`), or '' for none. */
  tlp: z.string().max(32),
  /** PAP predicate (`AMBER`), or '' for none. */
  pap: z.string().max(32),
  tags: z.array(z.string().min(1).max(255)).max(100),
  includeUrl: z.boolean(),
  publish: z.boolean(),
  /** The MISP instance chosen in the form (absent: the default for new events). */
  instanceId: z.string().max(200).optional(),
  /** "Attach page as event report" (absent: the default, on for pages with more than a few paragraphs). */
  attachReport: z.boolean().optional(),
  /** "Group into objects". */
  groupObjects: z.boolean().default(true),
  /** Objects the analyst undid (their keys): their values are filed as plain attributes. */
  ungrouped: z.array(z.string().max(20_000)).max(1000).default([]),
  clusters: z.array(ClusterChoiceSchema).max(50).default([]),
});
export type EventForm = z.infer<typeof EventFormSchema>;

export const DraftSchema = z.object({
  key: z.string().uuid(),
  tabId: z.number().int(),
  url: z.string(),
  /** Selected values (refanged) → how they are filed. */
  selected: z.record(z.string(), ItemChoiceSchema),
  extras: z.array(ExtraIndicatorSchema).max(5000),
  form: EventFormSchema,
  updatedAt: z.number(),
});
export type Draft = z.infer<typeof DraftSchema>;

export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function emptyDraft(tab: { id: number; url: string; title: string }, key: string): Draft {
  return {
    key,
    tabId: tab.id,
    url: tab.url,
    selected: {},
    extras: [],
    form: {
      info: tab.title.trim().slice(0, 65_535),
      date: today(),
      distribution: 0,
      threatLevel: 4,
      analysis: 0,
      tlp: 'amber',
      pap: '',
      tags: [],
      includeUrl: true,
      publish: false,
      groupObjects: true,
      ungrouped: [],
      clusters: [],
    },
    updatedAt: Date.now(),
  };
}

/** One attribute as submitted (what the background files). */
export const AttributeInputSchema = z.object({
  type: z.string().min(1).max(64),
  value: z
    .string()
    .min(1)
    .max(MAX_VALUE * 4),
  category: z.string().min(1).max(64),
  toIds: z.boolean(),
  comment: z.string().max(2000),
  /** Client uuid (given at filing): the report references the attribute by it. */
  uuid: z.string().uuid().optional(),
});
export type AttributeInput = z.infer<typeof AttributeInputSchema>;

/** A MISP object as submitted: a template Sightline builds, and its attributes with their relations. */
export const ObjectInputSchema = z.object({
  template: z.enum(['file', 'domain-ip', 'url']),
  uuid: z.string().uuid().optional(),
  attributes: z
    .array(AttributeInputSchema.extend({ relation: z.string().min(1).max(64) }))
    .min(1)
    .max(50),
});
export type ObjectInput = z.infer<typeof ObjectInputSchema>;

/** The event report, sent after the event (its own client uuid: a retry finds it attached). */
export const ReportInputSchema = z.object({
  uuid: z.string().uuid(),
  name: z.string().min(1).max(255),
  content: z.string().max(4_000_000),
});
export type ReportInput = z.infer<typeof ReportInputSchema>;

/** A new event as the popup submits it (built from a draft by `buildSubmission`). */
/** A report file filed as a MISP `attachment` attribute: its name and its bytes in base64. */
export const MAX_REPORT_FILE_BYTES = 20 * 1024 * 1024;
export const ReportFileSchema = z.object({
  name: z.string().min(1).max(255),
  data: z
    .string()
    .max(Math.ceil(MAX_REPORT_FILE_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

export const EventSubmissionSchema = z.object({
  /** Client uuid: outbox id and the event's uuid. */
  key: z.string().uuid(),
  tabId: z.number().int(),
  /** The MISP instance to file to (absent: the default for new events). */
  instanceId: z.string().max(200).optional(),
  info: z.string().min(1).max(65_535),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  distribution: z.number().int().min(0).max(4),
  sharingGroupId: MispNumericId.optional(),
  threatLevel: z.number().int().min(1).max(4),
  analysis: z.number().int().min(0).max(2),
  published: z.boolean(),
  /** Free, TLP/PAP and galaxy-cluster tags. */
  tags: z.array(z.string().min(1).max(255)).max(200),
  attributes: z.array(AttributeInputSchema).max(5000),
  objects: z.array(ObjectInputSchema).max(2000).optional(),
  report: ReportInputSchema.optional(),
  /** "Attach report file": the background adds the tab's PDF as an `attachment` (lib/pdf/attachment.ts). */
  attachReportFile: z.boolean().optional(),
  /** The report file itself, once the background has read it (what the outbox keeps and sends). */
  attachment: ReportFileSchema.optional(),
});
export type EventSubmission = z.infer<typeof EventSubmissionSchema>;

/** Attributes for an existing event. */
export const AttributesSubmissionSchema = z.object({
  key: z.string().uuid(),
  tabId: z.number().int(),
  /** The MISP instance holding the event (absent: the default for new events). */
  instanceId: z.string().max(200).optional(),
  eventId: z.string().regex(/^[1-9][0-9]{0,18}$/),
  eventInfo: z.string().max(65_535),
  attributes: z.array(AttributeInputSchema).min(1).max(5000),
});
export type AttributesSubmission = z.infer<typeof AttributesSubmissionSchema>;

/** What a filed event reports back (outbox record `result` for kind `event`). */
export const EventFiledSchema = z.object({
  eventId: z.string(),
  uuid: z.string(),
  url: z.string(),
  stored: z.number().int(),
  alreadyExisted: z.boolean(),
  dropped: z.array(z.object({ type: z.string(), value: z.string(), reason: z.string() })),
  /** The event report: attached, or why not. */
  report: z.object({ attached: z.boolean(), problem: z.string().optional() }).optional(),
  /** How many objects MISP stored. */
  objects: z.number().int().optional(),
  /** The galaxy clusters MISP attached ("Threat Actor: APT28"). */
  clusters: z.array(z.string()).optional(),
});
export type EventFiled = z.infer<typeof EventFiledSchema>;

/** What an attributes submission reports back (outbox record `result` for kind `attributes`). */
export const AttributesAddedSchema = z.object({
  eventId: z.string(),
  url: z.string(),
  added: z.array(z.string()),
  duplicates: z.array(z.string()),
  invalid: z.array(z.object({ value: z.string(), reason: z.string() })),
});
export type AttributesAdded = z.infer<typeof AttributesAddedSchema>;

export const SubmissionViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['event', 'attributes']),
  tabId: z.number().int().optional(),
  title: z.string(),
  state: z.enum(['queued', 'sending', 'sent', 'failed']),
  attempts: z.number().int(),
  createdAt: z.number(),
  nextAttemptAt: z.number(),
  lastError: z.string().optional(),
  event: EventFiledSchema.optional(),
  attributes: AttributesAddedSchema.optional(),
});
export type SubmissionView = z.infer<typeof SubmissionViewSchema>;
