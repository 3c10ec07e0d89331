/**
 * Fixed identities of the stand-in instance. Values that the recording shows (instance uuid, the
 * admin org and its uuid, event 1, tlp:amber's colour, the first sighting) are copied from the
 * transcripts; the API keys are the stand-in's own (40 alphanumerics, as MISP requires).
 */

/** MISP's instance uuid (transcript 001). */
export const INSTANCE_UUID = '3fbe51b8-dec1-4564-9eac-5bb8e79de656';

export const ADMIN_ORG = { id: 1, name: 'ORGNAME', uuid: 'b284460d-60f0-4431-9ffe-aa7770d0dc1b' } as const;
export const ANALYST_ORG = {
  id: 2,
  name: 'Partner CERT',
  uuid: '7c0f6a55-3b1e-4d8f-9a2c-5e4b3d2c1a09',
} as const;

export const API_KEYS = {
  admin: 'SimAdminKey00000000000000000000000000001',
  readOnly: 'SimReadOnlyKey00000000000000000000000002',
  analyst: 'SimAnalystKey000000000000000000000000003',
} as const;

/** Event 1 "test" existed before the recording started (transcripts/README.md; 008, 030). */
export const REPLAY_EVENT_1 = {
  uuid: 'd6f416a3-7252-4600-a727-c86cc17b98a4',
  timestamp: 1795336379,
  attributes: [
    { id: 1, uuid: '29f2f7f8-2e59-41b4-97f7-53fb4b6e4f33', type: 'ip-dst', value: '203.0.113.5' },
    { id: 2, uuid: 'b44b6625-6a6e-42fd-97aa-6612813c092e', type: 'domain', value: 'evil.example' },
  ],
  /** The sighting of 203.0.113.5 made while setting the server up (transcript 030). */
  sighting: { id: 1, uuid: '233b0469-250e-44a5-8cd2-35d84bc42a52', source: 'test', dateSighting: 1795336381 },
} as const;

/** tlp:amber existed (id 1) and was on event 1; its colour is the one the recording shows. */
export const REPLAY_TLP_AMBER = { id: 1, name: 'tlp:amber', colour: '#b1eacd' } as const;

/** Unix time of the recording's first request (transcript 002's last_api_access). */
export const RECORDING_START = 1795336376;

/**
 * The later server of transcripts 108-186 (transcripts/README.md): installed on 2026-12-02, its admin
 * org has another uuid (108), its default roles and admin org were created at install (174, 180).
 */
export const LATER_ADMIN_ORG = {
  uuid: '1ec9e621-6718-40d9-b219-015298b03560',
  dateCreated: '2026-12-02 02:49:12',
} as const;
export const LATER_ROLES_CREATED = '2026-12-02 02:49:09';
export const FIRST_ROLES_CREATED = '2026-11-22 08:32:18';

/** Unix time of the later recording's first request (transcript 108's event timestamp). */
export const LATER_RECORDING_START = 1796180173;
