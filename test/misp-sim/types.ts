/**
 * Row types of the MISP stand-in's in-memory store. Field names follow MISP's database columns;
 * ids and timestamps are kept as numbers here and rendered as JSON strings (as MISP does) in render.ts.
 */

export interface OrgRow {
  id: number;
  name: string;
  uuid: string;
  local: boolean;
  description: string;
  type: string;
  dateCreated: string;
}

export interface RoleRow {
  id: number;
  name: string;
  perm_add: boolean;
  perm_modify: boolean;
  perm_modify_org: boolean;
  perm_publish: boolean;
  perm_delegate: boolean;
  perm_sync: boolean;
  perm_admin: boolean;
  perm_audit: boolean;
  perm_auth: boolean;
  perm_site_admin: boolean;
  perm_regexp_access: boolean;
  perm_tagger: boolean;
  perm_template: boolean;
  perm_sharing_group: boolean;
  perm_tag_editor: boolean;
  perm_sighting: boolean;
  perm_object_template: boolean;
  perm_galaxy_editor: boolean;
  perm_warninglist: boolean;
  perm_analyst_data: boolean;
  permission: string;
  permission_description: string;
}

export interface UserRow {
  id: number;
  email: string;
  orgId: number;
  roleId: number;
  apiKey: string;
}

export interface TagRow {
  id: number;
  name: string;
  colour: string;
  exportable: boolean;
  orgId: number;
  userId: number;
  hideTag: boolean;
  isGalaxy: boolean;
  localOnly: boolean;
}

export interface TagLink {
  id: number;
  tagId: number;
  local: boolean;
}

export interface EventRow {
  id: number;
  uuid: string;
  orgcId: number;
  orgId: number;
  date: string;
  threatLevelId: number;
  info: string;
  published: boolean;
  analysis: number;
  timestamp: number;
  distribution: number;
  publishTimestamp: number;
  sightingTimestamp: number;
  locked: boolean;
  creatorEmail: string;
  tags: TagLink[];
}

export interface AttributeRow {
  id: number;
  eventId: number;
  uuid: string;
  type: string;
  category: string;
  value1: string;
  value2: string;
  toIds: boolean;
  timestamp: number;
  distribution: number;
  comment: string;
  deleted: boolean;
  disableCorrelation: boolean;
  tags: TagLink[];
}

export interface SightingRow {
  id: number;
  attributeId: number;
  eventId: number;
  orgId: number;
  dateSighting: number;
  uuid: string;
  source: string;
  type: 0 | 1 | 2;
}

export type WarninglistType = 'cidr' | 'hostname' | 'string' | 'substring' | 'regex';

export interface WarninglistFile {
  /** File name without `.json`, as in test/fixtures/misp/warninglists. */
  file: string;
  name: string;
  type: WarninglistType;
  description: string;
  version: number;
  category: string;
  matchingAttributes: string[];
  entries: string[];
}

export interface WarninglistRow extends WarninglistFile {
  id: number;
  enabled: boolean;
}

/** The value of an attribute as MISP shows it: composite types join value1 and value2 with `|`. */
export function attributeValue(attribute: AttributeRow): string {
  return attribute.value2 === '' ? attribute.value1 : `${attribute.value1}|${attribute.value2}`;
}
