/** The MISP client for the background service worker (see client.ts). */
export { CIDR_ATTRIBUTE_TYPES, CidrIndex, parseAddress, parseCidrValue } from './cidr';
export type {
  AttributeAddOutcome,
  AttributeDraft,
  CidrRange,
  ConnectionTest,
  CreatedEvent,
  EventDraft,
  EventPage,
  LookupOptions,
  LookupResult,
  MispClientOptions,
  PollEventsOptions,
  SightingInput,
} from './client';
export { MispClient } from './client';
export { isMispError, MISP_ERROR_KINDS, MispError, type MispErrorKind } from './errors';
export { DEFAULT_TIMEOUT_MS, type FetchLike, normalizeBaseUrl } from './http';
export {
  attributeMatchKeys,
  groupAttributesByValue,
  matchKey,
  partitionLookupValues,
  type RefusedValue,
  unsafeValueReason,
} from './normalize';
export type {
  MispAttribute,
  MispEvent,
  MispSighting,
  MispTag,
  MispTagListItem,
  WarninglistHit,
} from './schemas';
