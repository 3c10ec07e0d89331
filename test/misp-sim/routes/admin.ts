import { randomInt } from 'node:crypto';
import {
  bodyObject,
  type HandlerContext,
  mispError,
  NO_PERMISSION,
  ok,
  type Route,
  type SimResponse,
  saveFail,
} from '../http';
import { parseFlag, resolveTime } from '../match';
import { authKeyAdded, roleColumns, userAdded } from '../render-admin';
import { asIntInRange, asString, isRecord } from '../store';

/** /roles/index, /admin/users/add, /auth_keys/add (transcripts 174-178). */

function rolesIndex({ store }: HandlerContext): SimResponse {
  const roles = [...store.roles.values()].sort((a, b) => a.id - b.id);
  return ok(roles.map((role) => ({ Role: { ...roleColumns(role), default: role.default_role } })));
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * UsersController::admin_add for a REST call: a site admin adds users to any org, an org admin
 * only to their own and never with a site-admin role. With advanced auth keys MISP creates the
 * user's first key by itself and returns it in clear as `User.authkey` (175, 176).
 */
function addUser({ req, user, role, store }: HandlerContext): SimResponse {
  const url = '/admin/users/add';
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  let data = bodyObject(req);
  if (isRecord(data.User)) data = data.User;
  const email = asString(data.email)?.trim() ?? '';
  const orgId = asIntInRange(data.org_id, 1, Number.MAX_SAFE_INTEGER) ?? user.orgId;
  const defaultRole = [...store.roles.values()].find((candidate) => candidate.default_role);
  const roleId = asIntInRange(data.role_id, 1, Number.MAX_SAFE_INTEGER) ?? defaultRole?.id ?? 0;
  const errors: Record<string, string[]> = {};
  if (email === '' || !EMAIL_RE.test(email)) errors.email = ['An email address is required.'];
  else if (store.userByEmail(email)) errors.email = ['An account with this email address already exists.'];
  if (typeof orgId !== 'number' || !store.orgs.has(orgId)) errors.org_id = ['Invalid organisation.'];
  const newRole = typeof roleId === 'number' ? store.roles.get(roleId) : undefined;
  if (!newRole) errors.role_id = ['Invalid role.'];
  if (Object.keys(errors).length > 0) return saveFail('Could not add User', url, errors);
  if (!role.perm_site_admin && (orgId !== user.orgId || newRole?.perm_site_admin)) {
    return mispError(403, NO_PERMISSION, url);
  }
  const now = store.now();
  const created = store.addUser({
    email,
    orgId: orgId as number,
    roleId: newRole?.id as number,
    invitedBy: user.id,
    changePw: true,
    termsAccepted: false,
    dateCreated: now,
    lastPwChange: now,
    nidsSid: randomInt(1_000_000, 10_000_000),
    gpgkey: '',
    externalAuthKey: '',
  });
  // AuthKey::createnewkey: a real key of the new user, without a comment.
  const key = store.addAuthKey(created.id);
  return ok(userAdded(created, key));
}

/**
 * AuthKeysController::add: a key for oneself, for a user of one's org (org admin) or for anyone
 * (site admin); the clear key is only in this answer (177, 178). `expiration` is a date or Unix time.
 */
function addAuthKey({ req, user, role, store }: HandlerContext): SimResponse {
  const ref = req.params[0] ?? String(user.id);
  const url = `/auth_keys/add/${ref}`;
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  const owner = ref === 'me' ? user : /^\d+$/.test(ref) ? store.users.get(Number(ref)) : undefined;
  const allowed =
    !!owner &&
    (owner.id === user.id || role.perm_site_admin || (role.perm_admin && owner.orgId === user.orgId));
  if (!owner || !allowed) {
    return mispError(
      405,
      'Invalid user or insufficient privileges to interact with an authkey for the given user.',
      url,
    );
  }
  let data = bodyObject(req);
  if (isRecord(data.AuthKey)) data = data.AuthKey;
  const expirationRaw = data.expiration;
  const expiration =
    expirationRaw === undefined || expirationRaw === null || expirationRaw === '' || expirationRaw === 0
      ? 0
      : resolveTime(expirationRaw, store.now());
  const key = store.addAuthKey(owner.id, {
    comment: asString(data.comment) ?? '',
    readOnly: parseFlag(data.read_only) ?? false,
    expiration,
  });
  return ok(authKeyAdded(key));
}

export const adminRoutes: Record<string, Route> = {
  'roles/index': { handler: rolesIndex },
  roles: { handler: rolesIndex },
  'admin/users/add': { handler: addUser, permission: 'perm_admin' },
  'auth_keys/add': { handler: addAuthKey },
};
