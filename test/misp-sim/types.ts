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
  /** "YYYY-MM-DD HH:MM:SS", when the instance created its default roles. */
  created: string;
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
  perm_publish_zmq: boolean;
  perm_publish_kafka: boolean;
  perm_decaying: boolean;
  perm_view_feed_correlations: boolean;
  default_role: boolean;
  permission: string;
  permission_description: string;
}

export interface UserRow {
  id: number;
  email: string;
  orgId: number;
  roleId: number;
  /** Id of the admin who created the account (0 for the instance's first admin). */
  invitedBy: number;
  changePw: boolean;
  termsAccepted: boolean;
  /** Unix seconds; null for the first admin, which the installer created. */
  dateCreated: number | null;
  lastPwChange: number | null;
  nidsSid: number;
  /** The installer leaves these null, /admin/users/add stores "" (transcripts 002, 175). */
  gpgkey: string | null;
  externalAuthKey: string | null;
}

/** An advanced auth key (MISP `auth_keys`): the clear key is only ever shown once. */
export interface AuthKeyRow {
  id: number;
  uuid: string;
  userId: number;
  key: string;
  created: number;
  /** Unix seconds, 0 = never. */
  expiration: number;
  readOnly: boolean;
  comment: string;
  allowedIps: string[] | null;
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
  /** The user who created the event (event reports show it as Event.user_id). */
  userId: number;
  /** 0 unless distribution is 4 (sharing group). */
  sharingGroupId: number;
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
  /** 0 for a plain attribute, else the object it belongs to. */
  objectId: number;
  objectRelation: string | null;
  sharingGroupId: number;
  /** Base64 file content of attachment / malware-sample attributes (never echoed unless asked). */
  data?: string;
}

/** Fields a new attribute row may leave out. */
export type AttributeInsert = Omit<AttributeRow, 'id' | 'objectId' | 'objectRelation' | 'sharingGroupId'> &
  Partial<Pick<AttributeRow, 'id' | 'objectId' | 'objectRelation' | 'sharingGroupId'>>;

export interface ObjectRow {
  id: number;
  eventId: number;
  uuid: string;
  name: string;
  metaCategory: string;
  /** The template's description for /objects/add; null for objects that came inside /events/add (124). */
  description: string | null;
  templateUuid: string;
  templateVersion: string;
  timestamp: number;
  distribution: number;
  sharingGroupId: number;
  comment: string;
  deleted: boolean;
}

export interface ObjectTemplateElement {
  id: number;
  relation: string;
  type: string;
  categories: string[];
  multiple: boolean;
  uiPriority: number;
  description: string;
  disableCorrelation: boolean;
  saneDefault: string[];
  valuesList: string[];
}

export interface ObjectTemplateRow {
  id: number;
  uuid: string;
  name: string;
  metaCategory: string;
  description: string;
  version: number;
  required: string[];
  requiredOneOf: string[];
  elements: ObjectTemplateElement[];
}

export interface EventReportRow {
  id: number;
  uuid: string;
  eventId: number;
  name: string;
  content: string | null;
  distribution: number;
  sharingGroupId: number;
  timestamp: number;
  deleted: boolean;
}

export interface SharingGroupRow {
  id: number;
  uuid: string;
  name: string;
  releasability: string;
  description: string;
  /** The owning (creating) organisation; it is not listed among `orgs` (transcript 159). */
  orgId: number;
  syncUserId: number;
  active: boolean;
  roaming: boolean;
  local: boolean;
  /** "YYYY-MM-DD HH:MM:SS". */
  created: string;
  modified: string;
  orgs: { id: number; orgId: number; extend: boolean }[];
  servers: { id: number; serverId: number; allOrgs: boolean }[];
}

export interface GalaxyRow {
  id: number;
  uuid: string;
  name: string;
  type: string;
  description: string;
  version: string;
  icon: string;
  namespace: string;
  enabled: boolean;
  localOnly: boolean;
  killChainOrder?: Record<string, string[]>;
}

export interface GalaxyElementRow {
  id: number;
  key: string;
  value: string;
}

export interface GalaxyClusterRelationRow {
  id: number;
  referencedUuid: string;
  type: string;
  tagIds: number[];
}

export interface GalaxyClusterRow {
  id: number;
  uuid: string;
  collectionUuid: string;
  type: string;
  value: string;
  tagName: string;
  description: string;
  galaxyId: number;
  source: string;
  authors: string[];
  version: string;
  elements: GalaxyElementRow[];
  relations: GalaxyClusterRelationRow[];
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
