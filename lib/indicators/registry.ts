import { btc } from './kinds/btc';
import { cidr } from './kinds/cidr';
import { cve } from './kinds/cve';
import { domain } from './kinds/domain';
import { email } from './kinds/email';
import { ipv4 } from './kinds/ipv4';
import { ipv6 } from './kinds/ipv6';
import { md5 } from './kinds/md5';
import { sha1 } from './kinds/sha1';
import { sha256 } from './kinds/sha256';
import { sha512 } from './kinds/sha512';
import { ssdeep } from './kinds/ssdeep';
import { url } from './kinds/url';
import { type MispCategory, type MispType, mispTypeDefaults } from './misp-types';
import type { IndicatorKind, IndicatorKindSpec } from './model';

/** Every indicator kind, keyed by name. */
export const INDICATOR_REGISTRY: Readonly<Record<IndicatorKind, IndicatorKindSpec>> = {
  ipv4,
  ipv6,
  cidr,
  domain,
  url,
  email,
  md5,
  sha1,
  sha256,
  sha512,
  ssdeep,
  cve,
  btc,
};

export function kindSpec(kind: IndicatorKind): IndicatorKindSpec {
  return INDICATOR_REGISTRY[kind];
}

export interface MispTypeOption {
  readonly type: MispType;
  readonly defaultCategory: MispCategory;
  readonly toIds: boolean;
  readonly categories: readonly MispCategory[];
}

export interface MispTypeChoice {
  /** The type to preselect for this value. */
  readonly defaultType: MispType;
  /** Every MISP type the analyst may pick for this value, the default first. */
  readonly options: readonly MispTypeOption[];
}

/** What the popup offers when filing a value: valid MISP types, the default, and each one's category and to_ids. */
export function mispTypeChoice(kind: IndicatorKind, value: string): MispTypeChoice {
  const spec = INDICATOR_REGISTRY[kind];
  const defaultType = spec.defaultMispType(value);
  const ordered = [defaultType, ...spec.mispTypes.filter((t) => t !== defaultType)];
  return {
    defaultType,
    options: ordered.map((type) => ({ type, ...mispTypeDefaults(type) })),
  };
}
