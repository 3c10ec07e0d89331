/**
 * MISP attribute types the indicator registry can emit, with their defaults.
 *
 * Generated once from `GET /attributes/describeTypes` of a MISP 2.5.1 server
 * (test/fixtures/misp/transcripts/082-attributes-describeTypes.json): `sane_defaults` gives the
 * default category and to_ids, `category_type_mappings` the categories each type may take.
 * `misp-types.test.ts` checks this table against that transcript, so a drift is caught.
 */

export type MispCategory =
  | 'Internal reference'
  | 'Antivirus detection'
  | 'Payload delivery'
  | 'Artifacts dropped'
  | 'Payload installation'
  | 'Network activity'
  | 'External analysis'
  | 'Attribution'
  | 'Social network'
  | 'Person'
  | 'Financial fraud'
  | 'Support Tool';

export interface MispTypeDefaults {
  readonly defaultCategory: MispCategory;
  readonly toIds: boolean;
  /** Categories MISP accepts for this type, in MISP's own category order. */
  readonly categories: readonly MispCategory[];
}

const NETWORK: readonly MispCategory[] = ['Payload delivery', 'Network activity', 'External analysis'];
const HASH: readonly MispCategory[] = [
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
  'External analysis',
];
const HASH_NO_EXTERNAL: readonly MispCategory[] = [
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
];
const X509: readonly MispCategory[] = [
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
  'Network activity',
  'Attribution',
  'External analysis',
];

export const MISP_TYPES = {
  'ip-dst': { defaultCategory: 'Network activity', toIds: true, categories: NETWORK },
  'ip-src': { defaultCategory: 'Network activity', toIds: true, categories: NETWORK },
  domain: { defaultCategory: 'Network activity', toIds: true, categories: NETWORK },
  hostname: { defaultCategory: 'Network activity', toIds: true, categories: NETWORK },
  url: { defaultCategory: 'Network activity', toIds: true, categories: NETWORK },
  link: {
    defaultCategory: 'External analysis',
    toIds: false,
    categories: [
      'Internal reference',
      'Antivirus detection',
      'Payload delivery',
      'External analysis',
      'Support Tool',
    ],
  },
  email: {
    defaultCategory: 'Social network',
    toIds: true,
    categories: ['Payload delivery', 'Network activity', 'Attribution', 'Social network', 'Person'],
  },
  'email-src': {
    defaultCategory: 'Payload delivery',
    toIds: true,
    categories: ['Payload delivery', 'Network activity', 'Social network'],
  },
  'email-dst': {
    defaultCategory: 'Network activity',
    toIds: true,
    categories: ['Payload delivery', 'Network activity', 'Social network'],
  },
  md5: { defaultCategory: 'Payload delivery', toIds: true, categories: HASH },
  sha1: { defaultCategory: 'Payload delivery', toIds: true, categories: HASH },
  sha256: { defaultCategory: 'Payload delivery', toIds: true, categories: HASH },
  sha512: { defaultCategory: 'Payload delivery', toIds: true, categories: HASH_NO_EXTERNAL },
  ssdeep: { defaultCategory: 'Payload delivery', toIds: true, categories: HASH_NO_EXTERNAL },
  'x509-fingerprint-md5': { defaultCategory: 'Network activity', toIds: true, categories: X509 },
  'x509-fingerprint-sha1': { defaultCategory: 'Network activity', toIds: true, categories: X509 },
  'x509-fingerprint-sha256': { defaultCategory: 'Network activity', toIds: true, categories: X509 },
  vulnerability: {
    defaultCategory: 'External analysis',
    toIds: false,
    categories: ['Payload delivery', 'Payload installation', 'External analysis'],
  },
  btc: { defaultCategory: 'Financial fraud', toIds: true, categories: ['Financial fraud'] },
} as const satisfies Record<string, MispTypeDefaults>;

export type MispType = keyof typeof MISP_TYPES;

export function mispTypeDefaults(type: MispType): MispTypeDefaults {
  return MISP_TYPES[type];
}
