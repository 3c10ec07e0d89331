import { insertAfter, type JsonObject } from './render';
import type { SimStore } from './store';
import type { AuthKeyRow, RoleRow, SharingGroupRow, UserRow } from './types';

/** Serialisers of roles, users, auth keys and sharing groups (transcripts 002, 158-161, 174-182). */

const s = (value: number): string => String(value);

function orgShort(store: SimStore, orgId: number): JsonObject {
  const org = store.orgs.get(orgId);
  return org ? { id: s(org.id), name: org.name, uuid: org.uuid } : { id: s(orgId), name: '', uuid: '' };
}

/** The columns of a role, as users/view/me and roles/index show them. */
export function roleColumns(role: RoleRow): JsonObject {
  return {
    id: s(role.id),
    name: role.name,
    created: role.created,
    modified: role.created,
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
    default_role: role.default_role,
    memory_limit: null,
    max_execution_time: null,
    restricted_to_site_admin: false,
    perm_publish_zmq: role.perm_publish_zmq,
    perm_publish_kafka: role.perm_publish_kafka,
    perm_decaying: role.perm_decaying,
    enforce_rate_limit: false,
    rate_limit_count: '0',
    perm_galaxy_editor: role.perm_galaxy_editor,
    perm_warninglist: role.perm_warninglist,
    perm_view_feed_correlations: role.perm_view_feed_correlations,
    perm_analyst_data: role.perm_analyst_data,
    perm_skip_otp: false,
    permission: role.permission,
    permission_description: role.permission_description,
  };
}

/** A user's columns; `masked` is what each answer puts in place of the password and TOTP secret. */
export function userColumns(
  user: UserRow,
  times: { dateModified: number; lastApiAccess: number },
  masked: { password: string; totp: string | null },
): JsonObject {
  const stamp = (value: number | null): string | null => (value === null ? null : s(value));
  return {
    id: s(user.id),
    password: masked.password,
    org_id: s(user.orgId),
    email: user.email,
    autoalert: false,
    invited_by: s(user.invitedBy),
    gpgkey: user.gpgkey,
    certif_public: '',
    nids_sid: s(user.nidsSid),
    termsaccepted: user.termsAccepted,
    newsread: '0',
    role_id: s(user.roleId),
    change_pw: user.changePw,
    contactalert: false,
    disabled: false,
    expiration: null,
    current_login: '0',
    last_login: '0',
    force_logout: false,
    date_created: stamp(user.dateCreated),
    date_modified: s(times.dateModified),
    sub: null,
    external_auth_required: false,
    external_auth_key: user.externalAuthKey,
    last_api_access: s(times.lastApiAccess),
    notification_daily: false,
    notification_weekly: false,
    notification_monthly: false,
    totp: masked.totp,
    hotp_counter: null,
    last_pw_change: stamp(user.lastPwChange),
    totp_is_set: '0',
  };
}

/** `/admin/users/add` answer: the new user with its first key in clear (transcripts 175, 176). */
export function userAdded(user: UserRow, key: AuthKeyRow): JsonObject {
  const columns = userColumns(
    user,
    { dateModified: user.dateCreated ?? 0, lastApiAccess: 0 },
    { password: '******', totp: null },
  );
  const withServer = insertAfter(columns, 'org_id', { server_id: '0' });
  return { User: insertAfter(withServer, 'autoalert', { authkey: key.key }) };
}

/** `/auth_keys/add` answer: the only time the clear key is shown (transcripts 177, 178). */
export function authKeyAdded(key: AuthKeyRow): JsonObject {
  return {
    AuthKey: {
      id: s(key.id),
      uuid: key.uuid,
      authkey_start: key.key.slice(0, 4),
      authkey_end: key.key.slice(-4),
      created: s(key.created),
      expiration: s(key.expiration),
      read_only: key.readOnly,
      user_id: s(key.userId),
      comment: key.comment,
      allowed_ips: key.allowedIps,
      unique_ips: [],
      authkey_raw: key.key,
    },
  };
}

function sharingGroupColumns(store: SimStore, group: SharingGroupRow): JsonObject {
  return {
    id: s(group.id),
    name: group.name,
    releasability: group.releasability,
    description: group.description,
    uuid: group.uuid,
    organisation_uuid: store.orgs.get(group.orgId)?.uuid ?? '',
    org_id: s(group.orgId),
    sync_user_id: s(group.syncUserId),
    active: group.active,
    created: group.created,
    modified: group.modified,
    local: group.local,
    roaming: group.roaming,
  };
}

function sharingGroupOrgs(store: SimStore, group: SharingGroupRow): JsonObject[] {
  return group.orgs.map((member) => ({
    id: s(member.id),
    sharing_group_id: s(group.id),
    org_id: s(member.orgId),
    extend: member.extend,
    Organisation: orgShort(store, member.orgId),
  }));
}

/** `/sharing_groups/add` answer (transcript 159): the creating org is not among SharingGroupOrg. */
export function sharingGroupAdded(store: SimStore, group: SharingGroupRow): JsonObject {
  return {
    SharingGroup: sharingGroupColumns(store, group),
    SharingGroupOrg: sharingGroupOrgs(store, group),
    SharingGroupServer: group.servers.map((server) => serverColumns(group, server)),
    Organisation: orgShort(store, group.orgId),
  };
}

function serverColumns(group: SharingGroupRow, server: SharingGroupRow['servers'][number]): JsonObject {
  return {
    id: s(server.id),
    sharing_group_id: s(group.id),
    server_id: s(server.serverId),
    all_orgs: server.allOrgs,
  };
}

/** One entry of `/sharing_groups/index` (transcript 160). */
export function sharingGroupIndexRow(store: SimStore, group: SharingGroupRow, editable: boolean): JsonObject {
  return {
    SharingGroup: {
      id: s(group.id),
      uuid: group.uuid,
      name: group.name,
      description: group.description,
      releasability: group.releasability,
      local: group.local,
      active: group.active,
      roaming: group.roaming,
      org_count: s(group.orgs.length),
    },
    Organisation: orgShort(store, group.orgId),
    SharingGroupOrg: sharingGroupOrgs(store, group),
    SharingGroupServer: group.servers.map((server) => ({
      all_orgs: server.allOrgs,
      server_id: s(server.serverId),
      sharing_group_id: s(group.id),
      Server: [],
    })),
    editable,
    deletable: editable,
  };
}

/** The full sharing group inside an event (transcript 161); server 0 is this instance. */
export function sharingGroupInEvent(store: SimStore, group: SharingGroupRow): JsonObject {
  return {
    ...sharingGroupColumns(store, group),
    Organisation: orgShort(store, group.orgId),
    SharingGroupOrg: sharingGroupOrgs(store, group),
    SharingGroupServer: group.servers.map((server) => ({
      ...serverColumns(group, server),
      Server: { id: s(server.serverId), url: store.baseUrl, name: store.baseUrl },
    })),
  };
}
