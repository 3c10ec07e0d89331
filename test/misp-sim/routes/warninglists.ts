import {
  bodyObject,
  type HandlerContext,
  mispError,
  ok,
  type Route,
  type SimResponse,
  saveSuccess,
} from '../http';
import { likeToRegExp, parseFlag } from '../match';
import { type JsonObject, warninglistRow } from '../render';
import { checkWarninglists } from '../warninglists';

/** /warninglists/index, update, toggleEnable, checkValue (transcripts 083, 084, 095-099, 121-123, 186). */

function index({ store }: HandlerContext): SimResponse {
  const lists = [...store.warninglists.values()].sort((a, b) => b.id - a.id).map(warninglistRow);
  return ok({ Warninglists: lists });
}

function update({ req, store }: HandlerContext): SimResponse {
  if (req.method !== 'POST')
    return mispError(405, 'This method is only accessible via POST requests.', '/warninglists/update');
  const count = store.updateWarninglists();
  return saveSuccess(`Successfully updated ${count} warninglists.`, '/warninglists/update');
}

/**
 * WarninglistsController::toggleEnable (transcripts 097, 122): lists by `id` (one or a list), else by
 * `name` (one or a list; LOWER(name) LIKE, so case-insensitive and `%` works); `enabled` sets the
 * state, without it each list is flipped.
 */
function toggleEnable({ req, store }: HandlerContext): SimResponse {
  const url = '/warninglists/toggleEnable';
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  const body = bodyObject(req);
  const listOf = (raw: unknown): string[] =>
    (Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw]).map(String);
  const ids = listOf(body.id);
  const names = ids.length === 0 ? listOf(body.name) : [];
  const lists = [...store.warninglists.values()]
    .filter(
      (list) =>
        ids.includes(String(list.id)) || names.some((name) => likeToRegExp(name, true).test(list.name)),
    )
    .sort((a, b) => a.id - b.id);
  if (lists.length === 0) return ok({ saved: false, errors: 'Warninglist(s) not found.' });
  const wanted = parseFlag(body.enabled);
  for (const list of lists) list.enabled = wanted ?? !list.enabled;
  const done = wanted === null ? 'toggled' : wanted ? 'enabled' : 'disabled';
  return ok({ saved: true, success: `${lists.length} warninglist(s) ${done}` });
}

function checkValue({ req, store }: HandlerContext): SimResponse {
  const url = '/warninglists/checkValue';
  if (req.method !== 'POST') return mispError(405, 'This method is only accessible via POST requests.', url);
  let data: unknown = req.body;
  if (data && typeof data === 'object' && !Array.isArray(data) && 'Warninglist' in data) {
    data = (data as Record<string, unknown>).Warninglist;
  }
  const raw = Array.isArray(data) ? data : data && typeof data === 'object' ? Object.values(data) : [];
  const values = raw.flatMap((value) => (typeof value === 'string' ? [value.trim()] : []));
  if (values.length === 0) return mispError(404, 'No valid data received.', url);
  const lists = store.enabledWarninglists();
  const hits: JsonObject = {};
  for (const value of values) {
    const found = checkWarninglists(lists, value);
    if (found.length > 0) {
      hits[value] = found.map((hit) => ({
        id: String(hit.list.id),
        name: hit.list.name,
        matched: hit.match,
      }));
    }
  }
  // PHP serialises an empty associative array as [] (transcripts 083, 098).
  return ok(Object.keys(hits).length === 0 ? [] : hits);
}

export const warninglistRoutes: Record<string, Route> = {
  'warninglists/index': { handler: index },
  'warninglists/update': { handler: update, permission: 'perm_warninglist' },
  'warninglists/toggleEnable': { handler: toggleEnable, permission: 'perm_warninglist' },
  'warninglists/checkValue': { handler: checkValue },
  warninglists: { handler: index },
};
