import { parse } from 'tldts';
import type { IndicatorKindSpec } from '../model';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const TLDTS_OPTIONS = {
  allowPrivateDomains: true,
  detectIp: false,
  extractHostname: false,
  validateHostname: false,
  mixedInputs: false,
} as const;

export interface HostInfo {
  /** Lower-cased host name. */
  readonly host: string;
  /** The registrable domain (public suffix + one label), e.g. `evil.co.uk`. */
  readonly registrable: string;
  /** The last label (`com`, `zip`, `onion`). */
  readonly tld: string;
}

/**
 * Checks a host name against the public suffix list (ICANN and private sections, so that
 * `x.blogspot.com` counts as registered): it must end in a known suffix and have a label before it.
 * Underscores are allowed in sub-domain labels (`_spf.example.com`) but not in the registrable part,
 * which registries never allow — this also rejects code such as `self.config_file.name`.
 */
export function hostInfo(candidate: string): HostInfo | null {
  let info = answers.get(candidate);
  if (info === undefined) {
    info = computeHostInfo(candidate);
    if (answers.size < MAX_ANSWERS) answers.set(candidate, info);
  }
  return info;
}

/**
 * Answers kept for one text: a report names its hosts again and again (prose, IOC table, URLs on
 * them), and the public-suffix lookup is the costliest step of validation. Bounded; the scanner
 * forgets them before each text (forgetHostAnswers).
 */
const answers = new Map<string, HostInfo | null>();
const MAX_ANSWERS = 4096;

export function forgetHostAnswers(): void {
  answers.clear();
}

function computeHostInfo(candidate: string): HostInfo | null {
  if (candidate.length > 253 || candidate.length < 3) return null;
  const host = candidate.toLowerCase();
  const labels = host.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) if (!LABEL.test(label)) return null;
  let parsed = parse(host, TLDTS_OPTIONS);
  // A host that is itself a private suffix (`s3.amazonaws.com`) is still a host under its ICANN domain.
  if (parsed.domain === null && parsed.isPrivate)
    parsed = parse(host, { ...TLDTS_OPTIONS, allowPrivateDomains: false });
  if (parsed.domain === null || parsed.publicSuffix === null) return null;
  if (!parsed.isIcann && !parsed.isPrivate) return null;
  if (parsed.domain.includes('_')) return null;
  return { host, registrable: parsed.domain, tld: labels[labels.length - 1]! };
}

export const domain: IndicatorKindSpec = {
  kind: 'domain',
  label: 'Domain',
  mispTypes: ['domain', 'hostname'],
  // MISP's `domain` is a registered domain, `hostname` any longer name under it.
  defaultMispType: (value) => (hostInfo(value)?.registrable === value.toLowerCase() ? 'domain' : 'hostname'),
  detect: (candidate) => candidate.includes('.'),
  validate: (candidate) => hostInfo(candidate) !== null,
  normalise: (candidate) => candidate.toLowerCase(),
};
