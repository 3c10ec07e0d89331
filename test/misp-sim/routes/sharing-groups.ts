import { randomUUID } from 'node:crypto';
import {
  bodyObject,
  type HandlerContext,
  mispError,
  ok,
  type Route,
  type SimResponse,
  saveFail,
} from '../http';
import { parseFlag } from '../match';
import { sharingGroupAdded, sharingGroupIndexRow } from '../render-admin';
import { asString, dateTime, isRecord, UUID_RE } from '../store';

/**
 * /sharing_groups/index and add (transcripts 158-160), after SharingGroupsController and
 * SharingGroup::captureSG: the creating org owns the group without being listed in SharingGroupOrg;
 * a group that does not roam gets this instance (server 0) as its server.
 */

function index({ user, store }: HandlerContext): SimResponse {
  const rows = [...store.sharingGroups.values()]
    .filter((group) => store.canUseSharingGroup(user, group))
    .sort((a, b) => a.id - b.id)
    .map((group) =>
      sharingGroupIndexRow(store, group, store.isSiteAdmin(user) || group.orgId === user.orgId),
    );
  // Wrapped in "response", unlike most index endpoints (158).
  return ok({ response: rows });
}

/** Member orgs from `SharingGroupOrg: [{org_id, extend}]` or `Organisation: [{id | uuid, extend}]`. */
function memberOrgs(
  ctx: HandlerContext,
  data: Record<string, unknown>,
): { orgId: number; extend: boolean }[] {
  const entries = [
    ...(Array.isArray(data.SharingGroupOrg) ? data.SharingGroupOrg : []),
    ...(Array.isArray(data.Organisation) ? data.Organisation : []),
  ].filter(isRecord);
  const members: { orgId: number; extend: boolean }[] = [];
  for (const entry of entries) {
    const ref = isRecord(entry.Organisation) ? entry.Organisation : entry;
    const uuid = asString(ref.uuid)?.toLowerCase();
    const id = asString(entry.org_id ?? ref.id);
    const org = [...ctx.store.orgs.values()].find((candidate) =>
      uuid ? candidate.uuid === uuid : id !== undefined && String(candidate.id) === id,
    );
    if (org && org.id !== ctx.user.orgId && !members.some((member) => member.orgId === org.id)) {
      members.push({ orgId: org.id, extend: parseFlag(entry.extend) ?? false });
    }
  }
  return members;
}

function add(ctx: HandlerContext): SimResponse {
  const { req, user, role, store } = ctx;
  const url = '/sharing_groups/add';
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  let data = bodyObject(req);
  if (isRecord(data.SharingGroup)) data = { ...data, ...data.SharingGroup };
  const name = asString(data.name)?.trim() ?? '';
  const uuid = asString(data.uuid)?.toLowerCase();
  const taken = uuid !== undefined && [...store.sharingGroups.values()].some((group) => group.uuid === uuid);
  if (name === '' || !role.perm_sharing_group || taken || (uuid !== undefined && !UUID_RE.test(uuid))) {
    return saveFail('Could not add SharingGroup', url, 'Could not save sharing group.');
  }
  const now = dateTime(store.now());
  const roaming = parseFlag(data.roaming) ?? false;
  const group = store.insertSharingGroup({
    uuid: uuid ?? randomUUID(),
    name,
    releasability: asString(data.releasability) ?? '',
    description: asString(data.description) ?? '',
    orgId: user.orgId,
    syncUserId: user.id,
    active: parseFlag(data.active) ?? true,
    roaming,
    local: false,
    created: now,
    modified: now,
    orgs: memberOrgs(ctx, data).map((member) => ({ id: store.allocate('sharingGroupOrg'), ...member })),
    servers: roaming ? [] : [{ id: store.allocate('sharingGroupServer'), serverId: 0, allOrgs: false }],
  });
  return ok(sharingGroupAdded(store, group));
}

export const sharingGroupRoutes: Record<string, Route> = {
  'sharing_groups/index': { handler: index },
  'sharing_groups/add': { handler: add },
  sharing_groups: { handler: index },
  'sharingGroups/index': { handler: index },
  'sharingGroups/add': { handler: add },
};
