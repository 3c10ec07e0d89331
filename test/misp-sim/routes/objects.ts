import { randomUUID } from 'node:crypto';
import { defaultCategory } from '../describe-types';
import {
  bodyObject,
  filters,
  type HandlerContext,
  mispError,
  ok,
  phpJson,
  type Route,
  type SimResponse,
  saveFail,
} from '../http';
import { templateConformity } from '../object-templates';
import { attributeSaved, type JsonObject, objectHeader } from '../render';
import { asFlag, asIntInRange, asString, isRecord, UUID_RE } from '../store';
import type { ObjectTemplateRow } from '../types';

/**
 * /objectTemplates/index and view, /objects/add (transcripts 131-139), after MISP 2.5.1's
 * ObjectsController::add: the template comes as a uuid (or numeric id) in the path, or as
 * template_uuid + template_version in the body — a name matches no template. Attributes are
 * validated first on one reused model, so a category filled in for one attribute stays for the next.
 */

function templateColumns(template: ObjectTemplateRow): JsonObject {
  const requirements: JsonObject = {};
  if (template.required.length > 0) requirements.required = template.required;
  if (template.requiredOneOf.length > 0) requirements.requiredOneOf = template.requiredOneOf;
  return {
    id: String(template.id),
    user_id: '1',
    org_id: '1',
    uuid: template.uuid,
    name: template.name,
    'meta-category': template.metaCategory,
    description: template.description,
    version: String(template.version),
    // PHP encodes an empty requirements array as [] (transcript 131, abuseipdb).
    requirements: Object.keys(requirements).length > 0 ? requirements : [],
    fixed: true,
    active: true,
  };
}

/** The organisation that loaded the templates: the instance's first org (the admin's). */
function templateOrganisation(ctx: HandlerContext): JsonObject {
  const org = ctx.store.orgs.get(1);
  return org ? { id: String(org.id), name: org.name, uuid: org.uuid } : {};
}

function index(ctx: HandlerContext): SimResponse {
  const searchall = asString(filters(ctx.req).searchall)?.toLowerCase();
  const rows = ctx.store.templates
    .filter(
      (template) =>
        !searchall ||
        template.uuid.includes(searchall) ||
        template.name.toLowerCase().includes(searchall) ||
        template.metaCategory.toLowerCase().includes(searchall) ||
        template.description.toLowerCase().includes(searchall),
    )
    .map((template) => ({
      ObjectTemplate: templateColumns(template),
      Organisation: templateOrganisation(ctx),
    }));
  return ok(rows);
}

/** The newest template with that uuid (optionally of that version), or by numeric id. */
function findTemplate(ctx: HandlerContext, ref: string, version?: string): ObjectTemplateRow | undefined {
  if (UUID_RE.test(ref)) {
    return ctx.store.templates
      .filter((template) => template.uuid === ref.toLowerCase())
      .filter((template) => version === undefined || String(template.version) === version)
      .sort((a, b) => b.version - a.version)[0];
  }
  return /^\d+$/.test(ref) ? ctx.store.templates.find((template) => template.id === Number(ref)) : undefined;
}

/** ObjectTemplatesController::view for REST: the template with its elements (not in the transcripts). */
function view(ctx: HandlerContext): SimResponse {
  const ref = ctx.req.params[0] ?? '';
  const template = findTemplate(ctx, ref);
  if (!template) return mispError(404, 'Invalid object template', ctx.req.path);
  return ok({
    ObjectTemplate: templateColumns(template),
    Organisation: templateOrganisation(ctx),
    ObjectTemplateElement: template.elements.map((element) => ({
      id: String(element.id),
      object_template_id: String(template.id),
      object_relation: element.relation,
      type: element.type,
      'ui-priority': String(element.uiPriority),
      categories: element.categories,
      sane_default: element.saneDefault,
      values_list: element.valuesList,
      description: element.description,
      disable_correlation: element.disableCorrelation,
      multiple: element.multiple,
    })),
  });
}

function add(ctx: HandlerContext): SimResponse {
  const { req, user, role, store } = ctx;
  if (!role.perm_modify) return mispError(403, "You don't have permissions to create objects.", req.path);
  let templateRef = req.params[1] ?? '';
  const version = req.params[2];
  if (templateRef !== '' && UUID_RE.test(templateRef)) {
    const found = findTemplate(ctx, templateRef, version);
    if (!found) return mispError(404, 'Invalid template.', req.path);
    templateRef = String(found.id);
  }
  const event = req.params[0] === undefined ? undefined : store.eventByIdOrUuid(req.params[0]);
  if (!event || !store.canSeeEvent(user, event)) return mispError(404, 'Invalid event.', req.path);
  if (!store.canModifyEvent(user, event))
    return mispError(403, 'You do not have permission to do that.', req.path);
  if (req.method !== 'POST')
    return mispError(405, 'This method is only accessible via POST requests.', req.path);
  const failed = (error: string): SimResponse =>
    saveFail(
      'Could not add object',
      `/objects/add/${event.id}/${templateRef}`,
      error,
      `${event.id}/${templateRef}`,
    );

  let template = templateRef === '' ? undefined : findTemplate(ctx, templateRef);
  let error = templateRef !== '' && !template ? 'No valid template found to edit the object.' : '';

  let body = bodyObject(req);
  if (isRecord(body.Object) && typeof body.Object.data === 'string') {
    try {
      body = JSON.parse(body.Object.data) as Record<string, unknown>;
    } catch {
      body = {};
    }
  }
  const object = isRecord(body.Object) ? body.Object : body;
  const inputs = (
    Array.isArray(body.Attribute) ? body.Attribute : Array.isArray(object.Attribute) ? object.Attribute : []
  )
    .filter(isRecord)
    .filter((attribute) => attribute.save === undefined || asFlag(attribute.save, true));
  if (inputs.length === 0) return failed('Could not save the object as no attributes were set.');

  // Pre-validation on one model whose data merges from attribute to attribute (Cake's Model::set):
  // a category that beforeValidate filled in is kept for the next attribute without one (132, 133).
  let carriedCategory: string | undefined;
  for (const input of inputs) {
    carriedCategory =
      asString(input.category)?.trim() || carriedCategory || defaultCategory(asString(input.type) ?? '');
    const checked = store.checkAttribute({ ...input, category: carriedCategory });
    if (!checked.ok) {
      const relation = asString(input.object_relation) ?? 'No object_relation';
      error = `Could not save object as at least one attribute has failed validation (${relation}). ${phpJson(checked.errors)}`;
    }
  }
  if (error !== '') return failed(error);

  if (!template) {
    const uuid = asString(object.template_uuid);
    const wantedVersion = asString(object.template_version);
    if (uuid && wantedVersion) template = findTemplate(ctx, uuid, wantedVersion);
  }
  const conformityFailed = (message: string): SimResponse =>
    saveFail('Could not add Object', '/objects/add', message);
  const relations = inputs.map((input) => asString(input.object_relation) ?? '');
  if (template) {
    const conformity = templateConformity(template, relations);
    if (conformity) return conformityFailed(conformity);
  } else {
    for (const field of ['name', 'meta-category', 'description', 'template_version', 'template_uuid']) {
      if (object[field] === undefined) {
        return conformityFailed(
          `Object could not be saved.\ntemplate: No valid template found and object lacking template information. (${field})`,
        );
      }
    }
  }

  const now = store.now();
  const objectUuid = asString(object.uuid)?.toLowerCase();
  const saved = store.insertObject({
    eventId: event.id,
    uuid: objectUuid && UUID_RE.test(objectUuid) ? objectUuid : randomUUID(),
    name: template?.name ?? asString(object.name) ?? '',
    metaCategory: template?.metaCategory ?? asString(object['meta-category']) ?? '',
    description: template?.description ?? asString(object.description) ?? null,
    templateUuid: template?.uuid ?? asString(object.template_uuid) ?? '',
    templateVersion: template ? String(template.version) : (asString(object.template_version) ?? ''),
    timestamp: now,
    distribution: asIntInRange(object.distribution, 0, 5) ?? 0,
    sharingGroupId: 0,
    comment: asString(object.comment) ?? '',
    deleted: false,
  });
  const attributes: JsonObject[] = [];
  for (const input of inputs) {
    // Saved after Model::create(), so a missing to_ids takes the column default, 1 (transcript 135).
    const checked = store.checkAttribute({ ...input, to_ids: input.to_ids ?? true });
    if (!checked.ok) continue;
    const attribute = store.insertAttribute({
      ...checked.row,
      eventId: event.id,
      timestamp: now,
      objectId: saved.id,
    });
    attributes.push(attributeSaved(attribute));
  }
  store.touchEvent(event, now);
  return ok({ Object: { ...objectHeader(saved), Attribute: attributes } });
}

export const objectRoutes: Record<string, Route> = {
  'objectTemplates/index': { handler: index },
  'objectTemplates/view': { handler: view },
  objectTemplates: { handler: index },
  'object_templates/index': { handler: index },
  'object_templates/view': { handler: view },
  'objects/add': { handler: add },
};
