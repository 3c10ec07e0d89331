import type { MispSim } from './index';

/** Test helper: one JSON API call to a stand-in, as Sightline's client makes them (node only). */
export function call(
  target: MispSim,
  path: string,
  init: { method?: string; key?: string; body?: unknown } = {},
): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Authorization: init.key ?? target.apiKey,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
}

/** The JSON answer of `call`, typed by the caller. */
export async function callJson<T>(
  target: MispSim,
  path: string,
  init: { method?: string; key?: string; body?: unknown } = {},
): Promise<T> {
  return (await (await call(target, path, init)).json()) as T;
}

export interface SearchedAttribute {
  id: string;
  event_id: string;
  type: string;
  value: string;
  object_id: string;
  object_relation: string | null;
  data?: string;
  Object?: { id: string };
  RelatedAttribute?: { id: string; event_id: string; value: string }[];
}

/** The attributes of an /attributes/restSearch answer. */
export async function searchAttributes(
  target: MispSim,
  body: Record<string, unknown>,
  key?: string,
): Promise<SearchedAttribute[]> {
  const answer = await callJson<{ response: { Attribute: SearchedAttribute[] } }>(
    target,
    '/attributes/restSearch',
    { body, key },
  );
  return answer.response.Attribute;
}
