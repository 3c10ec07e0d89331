import { type IndicatorKind, type MispType, mispTypeChoice, mispTypeDefaults } from '../indicators';
import {
  type AttributeInput,
  type Draft,
  type EventSubmission,
  type ItemChoice,
  type ObjectInput,
  SHARING_GROUP_DISTRIBUTION,
} from './model';
import { type ObjectProposal, splitIntoObjects } from './objects';
import type { PageContent } from './page-content';
import { type ReportPage, reportMarkdown } from './report';
import { papTag, tlpTag } from './taxonomies';

/** An indicator the list shows (page scan or extra) as far as building needs it. */
export interface ListedIndicator {
  type: IndicatorKind;
  value: string;
}

/** The default filing choice for a value: the registry's MISP type, its category and to_ids. */
export function defaultChoice(indicator: ListedIndicator): ItemChoice {
  const choice = mispTypeChoice(indicator.type, indicator.value);
  const option = choice.options[0];
  return {
    type: choice.defaultType,
    category: option?.defaultCategory ?? mispTypeDefaults(choice.defaultType).defaultCategory,
    toIds: option?.toIds ?? true,
    comment: '',
  };
}

/** Keeps a choice valid for the value: a type it may take, a category that type allows. */
export function validChoice(indicator: ListedIndicator, choice: ItemChoice): ItemChoice {
  const options = mispTypeChoice(indicator.type, indicator.value).options;
  const option = options.find((entry) => entry.type === choice.type);
  if (!option) return { ...defaultChoice(indicator), comment: choice.comment };
  const category = (option.categories as readonly string[]).includes(choice.category)
    ? choice.category
    : option.defaultCategory;
  return { ...choice, category };
}

/** The selected indicators as attributes, in list order (values no longer listed are skipped). */
export function selectedAttributes(draft: Draft, listed: readonly ListedIndicator[]): AttributeInput[] {
  const seen = new Set<string>();
  const out: AttributeInput[] = [];
  for (const indicator of listed) {
    const choice = draft.selected[indicator.value];
    if (!choice || seen.has(indicator.value)) continue;
    seen.add(indicator.value);
    const valid = validChoice(indicator, choice);
    out.push({
      type: valid.type,
      value: indicator.value,
      category: valid.category,
      toIds: valid.toIds,
      comment: valid.comment.trim(),
    });
  }
  return out;
}

/** The page URL as a `link` attribute (http(s) pages only). */
export function linkAttribute(pageUrl: string): AttributeInput | undefined {
  if (!/^https?:\/\//i.test(pageUrl)) return undefined;
  const link: MispType = 'link';
  return {
    type: link,
    value: pageUrl,
    category: mispTypeDefaults(link).defaultCategory,
    toIds: false,
    comment: 'Source page',
  };
}

/** Event tags: TLP, PAP, the free tags and the galaxy clusters' tags, each once, exactly as spelled. */
export function eventTags(form: Draft['form']): string[] {
  const tags = [
    tlpTag(form.tlp),
    papTag(form.pap),
    ...form.tags.map((tag) => tag.trim()),
    ...form.clusters.map((cluster) => cluster.tag),
  ];
  return [...new Set(tags.filter((tag): tag is string => Boolean(tag)))];
}

export type BuildResult = { ok: true; submission: EventSubmission } | { ok: false; problems: string[] };

export const SHARING_GROUP_MISSING = 'Choose a sharing group: Distribution is "Sharing group".';

/** Checks a draft and turns it into the event submission the background files. */
export function buildSubmission(
  draft: Draft,
  listed: readonly ListedIndicator[],
  options: { canPublish: boolean; objects?: readonly ObjectProposal[] },
): BuildResult {
  const problems: string[] = [];
  const info = draft.form.info.trim();
  if (!info) problems.push('Enter the event info.');
  const chosen = selectedAttributes(draft, listed);
  if (chosen.length === 0) problems.push('Select at least one indicator.');
  const sharingGroup = draft.form.distribution === SHARING_GROUP_DISTRIBUTION;
  if (sharingGroup && !draft.form.sharingGroupId) problems.push(SHARING_GROUP_MISSING);
  const grouped =
    draft.form.groupObjects && options.objects
      ? splitIntoObjects(chosen, options.objects, new Set(draft.form.ungrouped))
      : { attributes: chosen, objects: [] };
  const link = draft.form.includeUrl ? linkAttribute(draft.url) : undefined;
  const attributes = link ? [...grouped.attributes, link] : grouped.attributes;
  const objects: ObjectInput[] = grouped.objects.map((object) => ({
    template: object.template,
    attributes: object.members,
  }));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    submission: {
      key: draft.key,
      tabId: draft.tabId,
      ...(draft.form.instanceId ? { instanceId: draft.form.instanceId } : {}),
      info,
      date: draft.form.date,
      distribution: draft.form.distribution,
      ...(sharingGroup && draft.form.sharingGroupId ? { sharingGroupId: draft.form.sharingGroupId } : {}),
      threatLevel: draft.form.threatLevel,
      analysis: draft.form.analysis,
      published: options.canPublish && draft.form.publish,
      tags: eventTags(draft.form),
      attributes,
      ...(objects.length > 0 ? { objects } : {}),
    },
  };
}

/**
 * The submission as it is filed: every attribute and object gets its client uuid, and the event
 * report (when asked for) is written with references to those uuids. Made once, at "Create event":
 * the outbox keeps it, so a retry sends the same uuids.
 */
export function readyToFile(
  submission: EventSubmission,
  options: { uuid: () => string; report?: { content: PageContent; page: ReportPage } },
): EventSubmission {
  const attributes = submission.attributes.map((attribute) => ({ ...attribute, uuid: options.uuid() }));
  const objects = submission.objects?.map((object) => ({
    ...object,
    uuid: options.uuid(),
    attributes: object.attributes.map((attribute) => ({ ...attribute, uuid: options.uuid() })),
  }));
  const references = new Map<string, string>();
  for (const attribute of [...attributes, ...(objects ?? []).flatMap((object) => object.attributes)])
    if (attribute.type !== 'link' && !references.has(attribute.value))
      references.set(attribute.value, attribute.uuid);
  const report = options.report
    ? {
        uuid: options.uuid(),
        name: submission.info.slice(0, 255),
        content: reportMarkdown(options.report.content, options.report.page, references),
      }
    : undefined;
  return {
    ...submission,
    attributes,
    ...(objects ? { objects } : {}),
    ...(report ? { report } : {}),
  };
}
