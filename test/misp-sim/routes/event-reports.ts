import { randomUUID } from 'node:crypto';
import { filters, type HandlerContext, mispError, ok, type Route, type SimResponse, saveFail } from '../http';
import { type JsonObject, reportRow } from '../render';
import { asIntInRange, asString, INSTANCE_DEFAULTS, isRecord, UUID_RE } from '../store';
import type { EventReportRow } from '../types';

/**
 * /eventReports/add, view, index (transcripts 125-130): markdown reports attached to an event,
 * stored verbatim; adding one unpublishes the event and bumps its timestamp (EventReport::addReport).
 */

/** The document add, view and index answer: the report, a short event, the sharing group or nulls. */
function reportDocument(ctx: HandlerContext, report: EventReportRow): JsonObject {
  const { store } = ctx;
  const event = store.events.get(report.eventId);
  const org = (id: number): JsonObject => ({ id: String(id), name: store.orgs.get(id)?.name ?? '' });
  const group = report.distribution === 4 ? store.sharingGroups.get(report.sharingGroupId) : undefined;
  return {
    EventReport: reportRow(report),
    Event: event
      ? {
          id: String(event.id),
          orgc_id: String(event.orgcId),
          org_id: String(event.orgId),
          info: event.info,
          user_id: String(event.userId),
          date: event.date,
          Org: org(event.orgId),
          Orgc: org(event.orgcId),
        }
      : {},
    SharingGroup: group
      ? { id: String(group.id), name: group.name, uuid: group.uuid }
      : { id: null, name: null, uuid: null },
  };
}

function visibleReport(ctx: HandlerContext, report: EventReportRow): boolean {
  const event = ctx.store.events.get(report.eventId);
  return !!event && ctx.store.canSeeEvent(ctx.user, event);
}

function add(ctx: HandlerContext): SimResponse {
  const { req, user, store } = ctx;
  const ref = req.params[0];
  if (ref === undefined) return mispError(405, 'No event ID set.', req.path);
  const event = store.eventByIdOrUuid(ref);
  if (!event || !store.canSeeEvent(user, event)) return mispError(404, 'Invalid event', req.path);
  if (!store.canModifyEvent(user, event))
    return mispError(403, 'You do not have permission to do that.', req.path);
  if (req.method !== 'POST' && req.method !== 'PUT') {
    return mispError(405, 'This method is only accessible via POST requests.', req.path);
  }
  let data = filters(req);
  if (isRecord(data.EventReport)) data = data.EventReport;
  const url = '/event_reports/add';
  // The errors are joined validation messages, naming no field (transcript 129).
  const errors: string[] = [];
  const name = asString(data.name)?.trim() ?? '';
  if (name === '') errors.push('This field cannot be left blank');
  const distribution = asIntInRange(data.distribution, 0, 5);
  if (distribution === null)
    errors.push(
      'Options: Your organisation only, This community only, Connected communities, All communities, Sharing group, Inherit event',
    );
  const uuidText = asString(data.uuid)?.trim().toLowerCase();
  if (uuidText && !UUID_RE.test(uuidText)) errors.push('Please provide a valid RFC 4122 UUID');
  else if (uuidText && [...store.reports.values()].some((report) => report.uuid === uuidText))
    errors.push('The UUID provided is not unique');
  const group = distribution === 4 ? store.usableSharingGroup(user, data.sharing_group_id) : undefined;
  if (distribution === 4 && !group) errors.push('Invalid Sharing Group or not authorised.');
  if (errors.length > 0) return saveFail('Could not add EventReport', url, errors.join(', '));
  const now = store.now();
  const report = store.insertReport({
    uuid: uuidText || randomUUID(),
    eventId: event.id,
    name,
    // A missing content is stored as null (transcript 130); markdown references stay verbatim (125).
    content: typeof data.content === 'string' ? data.content : null,
    distribution: distribution ?? INSTANCE_DEFAULTS.attributeDistribution,
    sharingGroupId: group?.id ?? 0,
    timestamp: now,
    deleted: false,
  });
  store.touchEvent(event, now);
  return ok(reportDocument(ctx, report));
}

function findReport(ctx: HandlerContext, ref: string | undefined): EventReportRow | undefined {
  if (ref === undefined) return undefined;
  const wanted = ref.toLowerCase();
  const report = /^\d+$/.test(ref)
    ? ctx.store.reports.get(Number(ref))
    : [...ctx.store.reports.values()].find((candidate) => candidate.uuid === wanted);
  return report && visibleReport(ctx, report) ? report : undefined;
}

function view(ctx: HandlerContext): SimResponse {
  const report = findReport(ctx, ctx.req.params[0]);
  if (!report) return mispError(404, 'Invalid report', ctx.req.path);
  return ok({ ...reportDocument(ctx, report), RelationshipInbound: [] });
}

/** EventReportsController::index for REST: a bare array, filtered by event_id, value and context (127). */
function index(ctx: HandlerContext): SimResponse {
  const f = filters(ctx.req);
  const eventId = asString(f.event_id);
  const needle = asString(f.value)?.toLowerCase() ?? '';
  const context = asString(f.context) ?? 'default';
  const rows = [...ctx.store.reports.values()]
    .filter((report) => visibleReport(ctx, report))
    .filter((report) => eventId === undefined || String(report.eventId) === eventId)
    .filter((report) => (context === 'deleted' ? report.deleted : context === 'all' ? true : !report.deleted))
    .filter(
      (report) =>
        needle === '' ||
        report.name.toLowerCase().includes(needle) ||
        (report.content ?? '').toLowerCase().includes(needle) ||
        String(report.id) === needle ||
        report.uuid === needle,
    )
    .sort((a, b) => a.id - b.id)
    .map((report) => ({ ...reportDocument(ctx, report), RelationshipInbound: [] }));
  return ok(rows);
}

export const eventReportRoutes: Record<string, Route> = {
  'eventReports/add': { handler: add, permission: 'perm_add' },
  'eventReports/view': { handler: view },
  'eventReports/index': { handler: index },
  // MISP routes event_reports/* to the same controller.
  'event_reports/add': { handler: add, permission: 'perm_add' },
  'event_reports/view': { handler: view },
  'event_reports/index': { handler: index },
};
