import { type HandlerContext, ok, type Route, type SimResponse } from '../http';
import { orgFull } from '../render';
import { INSTANCE_UUID } from '../seed-constants';

/** /servers/getVersion and /users/view/me (transcripts 001, 002). */

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
  const stamp = String(store.now());
  return ok({
    User: {
      id: String(user.id),
      password: '*****',
      org_id: String(user.orgId),
      email: user.email,
      autoalert: false,
      invited_by: '0',
      gpgkey: null,
      certif_public: '',
      nids_sid: String(4000000 + user.id - 1),
      termsaccepted: false,
      newsread: '0',
      role_id: String(role.id),
      change_pw: user.id === 1,
      contactalert: false,
      disabled: false,
      expiration: null,
      current_login: '0',
      last_login: '0',
      force_logout: false,
      date_created: null,
      date_modified: stamp,
      sub: null,
      external_auth_required: false,
      external_auth_key: null,
      last_api_access: stamp,
      notification_daily: false,
      notification_weekly: false,
      notification_monthly: false,
      totp: '*****',
      hotp_counter: null,
      last_pw_change: null,
      totp_is_set: '0',
    },
    Role: {
      id: String(role.id),
      name: role.name,
      created: '2026-11-22 08:32:18',
      modified: '2026-11-22 08:32:18',
      perm_add: role.perm_add,
      perm_modify: role.perm_modify,
      perm_modify_org: role.perm_modify_org,
      perm_publish: role.perm_publish,
      perm_delegate: role.perm_delegate,
      perm_sync: role.perm_sync,
      perm_admin: role.perm_admin,
      perm_audit: role.perm_audit,
      perm_auth: role.perm_auth,
      perm_site_admin: role.perm_site_admin,
      perm_regexp_access: role.perm_regexp_access,
      perm_tagger: role.perm_tagger,
      perm_template: role.perm_template,
      perm_sharing_group: role.perm_sharing_group,
      perm_tag_editor: role.perm_tag_editor,
      perm_sighting: role.perm_sighting,
      perm_object_template: role.perm_object_template,
      default_role: false,
      memory_limit: null,
      max_execution_time: null,
      restricted_to_site_admin: false,
      perm_publish_zmq: role.perm_site_admin,
      perm_publish_kafka: role.perm_site_admin,
      perm_decaying: role.perm_site_admin,
      enforce_rate_limit: false,
      rate_limit_count: '0',
      perm_galaxy_editor: role.perm_galaxy_editor,
      perm_warninglist: role.perm_warninglist,
      perm_view_feed_correlations: role.perm_site_admin,
      perm_analyst_data: role.perm_analyst_data,
      perm_skip_otp: false,
      permission: role.permission,
      permission_description: role.permission_description,
    },
    UserSetting: [],
    Organisation: orgFull(store.orgOf(user.orgId)),
  });
}

export const coreRoutes: Record<string, Route> = {
  'servers/getVersion': { handler: getVersion },
  'users/view': { handler: viewMe },
};
