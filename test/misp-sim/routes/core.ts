import { type HandlerContext, ok, type Route, type SimResponse } from '../http';
import { orgFull } from '../render';
import { roleColumns, userColumns } from '../render-admin';
import { INSTANCE_UUID } from '../seed-constants';

/** /servers/getVersion and /users/view/me (transcripts 001, 002, 179-182). */

function getVersion({ role }: HandlerContext): SimResponse {
  return ok({
    version: '2.5.1',
    pymisp_recommended_version: '2.5.1',
    perm_sync: role.perm_sync,
    perm_sighting: role.perm_sighting,
    perm_galaxy_editor: role.perm_galaxy_editor,
    perm_analyst_data: role.perm_analyst_data,
    // The instance uuid is only shown to sync users (ServersController::getVersion).
    uuid: role.perm_sync ? INSTANCE_UUID : '-',
    request_encoding: ['gzip'],
    filter_sightings: true,
  });
}

function viewMe({ user, role, store }: HandlerContext): SimResponse {
  const now = store.now();
  return ok({
    User: userColumns(user, { dateModified: now, lastApiAccess: now }, { password: '*****', totp: '*****' }),
    Role: roleColumns(role),
    UserSetting: [],
    Organisation: orgFull(store.orgOf(user.orgId)),
  });
}

export const coreRoutes: Record<string, Route> = {
  'servers/getVersion': { handler: getVersion },
  'users/view': { handler: viewMe },
};
