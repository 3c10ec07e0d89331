/**
 * Comparator for the replay test: the stand-in's answer must have the recorded shape (same keys,
 * same JSON types, same array lengths) and the same values, except values that MISP generated and
 * that no re-run can reproduce. Every exemption is listed here with its reason.
 */

/** Timestamps depend on the wall clock of the run; they must still be Unix-second strings, and "0" (never) must stay "0". */
export const TIMESTAMP_KEYS = new Set([
  'timestamp',
  'publish_timestamp',
  'date_sighting',
  'sighting_timestamp',
  'date_modified',
  'last_api_access',
  'date_created',
  'last_pw_change',
  'created',
]);

/** The same wall-clock times written as "YYYY-MM-DD HH:MM:SS" (sharing groups, transcript 159). */
export const DATETIME_KEYS = new Set(['created', 'modified']);

/** MISP gives each new user a random 7-digit NIDS sid (User::beforeSave; transcripts 175, 176). */
export const RANDOM_NUMBER_KEYS = new Set(['nids_sid']);

/**
 * Uuids MISP generated at random (new attributes, sightings). They are checked through a consistent
 * one-to-one mapping: a recorded uuid must always come back as the same stand-in uuid, and uuids the
 * recording already knew (sent by the client or present before it started) must map to themselves.
 */
export const UUID_KEYS = new Set(['uuid', 'attribute_uuid', 'event_uuid', 'orgc_uuid']);

/**
 * Tags MISP created on the fly during the recording got random colours (transcripts 010, 057, 059),
 * so their `colour` is only checked to be a #rrggbb colour.
 */
export const RANDOM_COLOUR_TAGS = new Set([
  'source:browser-capture',
  'misp-lens:watched',
  'tlp:green',
  'TLP:GREEN',
  // Created by events/add (150) and, for the relation tags, by the galaxy import (143).
  'misp-galaxy:threat-actor="APT28"',
  'estimative-language:likelihood-probability="likely"',
  'estimative-language:likelihood-probability="very-likely"',
  'estimative-language:likelihood-probability="almost-certain"',
]);

/**
 * The recording replaced secrets by placeholders such as "<READ ONLY KEY>". In an answer, a placeholder
 * stands for the key the stand-in generated there (40 alphanumerics, bound on first sight); in later
 * requests the replay sends the bound key. `authkey_start`/`authkey_end` beside a redacted
 * `authkey_raw` are that key's first and last four characters.
 */
export class SecretBindings {
  private readonly bound = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [placeholder, value] of Object.entries(initial)) this.bound.set(placeholder, value);
  }

  static isPlaceholder(value: unknown): value is string {
    return typeof value === 'string' && /^<[A-Z][A-Z ]*>$/.test(value);
  }

  /** Replaces every bound placeholder in `text`. */
  substitute(text: string): string {
    let result = text;
    for (const [placeholder, value] of this.bound) result = result.split(placeholder).join(value);
    return result;
  }

  get(placeholder: string): string | undefined {
    return this.bound.get(placeholder);
  }

  check(placeholder: string, actual: unknown): string | null {
    if (typeof actual !== 'string' || !/^[A-Za-z0-9]{40}$/.test(actual))
      return `not an API key: ${String(actual)}`;
    const known = this.bound.get(placeholder);
    if (known === undefined) {
      this.bound.set(placeholder, actual);
      return null;
    }
    return known === actual ? null : `expected the key bound to ${placeholder}`;
  }
}

export interface CompareOptions {
  secrets?: SecretBindings;
  /** The server URL of the recording and of the stand-in: recorded values name the first, ours the second. */
  baseUrl?: { recorded: string; actual: string };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UuidMapping {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  constructor(private readonly fixed: ReadonlySet<string>) {}

  check(expected: string, actual: string): string | null {
    if (!UUID_RE.test(actual)) return `not a uuid: ${actual}`;
    if (this.fixed.has(expected) && actual !== expected)
      return `expected the known uuid ${expected}, got ${actual}`;
    const mapped = this.forward.get(expected);
    if (mapped !== undefined && mapped !== actual)
      return `uuid ${expected} came back as ${actual}, earlier as ${mapped}`;
    const reverse = this.backward.get(actual);
    if (reverse !== undefined && reverse !== expected)
      return `uuid ${actual} stands for both ${reverse} and ${expected}`;
    this.forward.set(expected, actual);
    this.backward.set(actual, expected);
    return null;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function compareJson(
  expected: unknown,
  actual: unknown,
  uuids: UuidMapping,
  options: CompareOptions = {},
): string[] {
  const problems: string[] = [];
  const secrets = options.secrets ?? new SecretBindings();
  const walk = (
    exp: unknown,
    act: unknown,
    at: string,
    key: string | null,
    parent: Record<string, unknown> | null,
  ): void => {
    if (SecretBindings.isPlaceholder(exp)) {
      const problem = secrets.check(exp, act);
      if (problem) problems.push(`${at}: ${problem}`);
      return;
    }
    if (kindOf(exp) !== kindOf(act)) {
      problems.push(
        `${at}: expected ${kindOf(exp)} ${JSON.stringify(exp)?.slice(0, 80)}, got ${kindOf(act)} ${JSON.stringify(act)?.slice(0, 80)}`,
      );
      return;
    }
    if (Array.isArray(exp) && Array.isArray(act)) {
      if (exp.length !== act.length)
        problems.push(`${at}: expected ${exp.length} elements, got ${act.length}`);
      for (let i = 0; i < Math.min(exp.length, act.length); i++)
        walk(exp[i], act[i], `${at}[${i}]`, null, null);
      return;
    }
    if (exp !== null && typeof exp === 'object') {
      const e = exp as Record<string, unknown>;
      const a = act as Record<string, unknown>;
      const missing = Object.keys(e).filter((k) => !(k in a));
      const extra = Object.keys(a).filter((k) => !(k in e));
      if (missing.length > 0) problems.push(`${at}: missing keys ${missing.join(', ')}`);
      if (extra.length > 0) problems.push(`${at}: unexpected keys ${extra.join(', ')}`);
      for (const k of Object.keys(e)) {
        if (!(k in a)) continue;
        if ((k === 'authkey_start' || k === 'authkey_end') && SecretBindings.isPlaceholder(e.authkey_raw)) {
          const raw = typeof a.authkey_raw === 'string' ? a.authkey_raw : '';
          const want = k === 'authkey_start' ? raw.slice(0, 4) : raw.slice(-4);
          if (a[k] !== want)
            problems.push(`${at}.${k}: expected ${want} (from authkey_raw), got ${String(a[k])}`);
          continue;
        }
        walk(e[k], a[k], `${at}.${k}`, k, e);
      }
      return;
    }
    if (
      key !== null &&
      TIMESTAMP_KEYS.has(key) &&
      typeof exp === 'string' &&
      /^\d+$/.test(exp) &&
      typeof act === 'string'
    ) {
      const ok = exp === '0' ? act === '0' : /^[1-9]\d{8,}$/.test(act);
      if (!ok) problems.push(`${at}: expected a timestamp like ${exp}, got ${act}`);
      return;
    }
    if (
      key !== null &&
      DATETIME_KEYS.has(key) &&
      typeof exp === 'string' &&
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(exp)
    ) {
      if (typeof act !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(act))
        problems.push(`${at}: expected a date and time like ${exp}, got ${String(act)}`);
      return;
    }
    if (key !== null && RANDOM_NUMBER_KEYS.has(key) && typeof exp === 'string' && /^\d+$/.test(exp)) {
      if (typeof act !== 'string' || !/^\d+$/.test(act) || act.length !== exp.length)
        problems.push(`${at}: expected a ${exp.length}-digit number, got ${String(act)}`);
      return;
    }
    if (key !== null && UUID_KEYS.has(key) && typeof exp === 'string' && UUID_RE.test(exp)) {
      const problem = typeof act === 'string' ? uuids.check(exp, act) : `not a uuid: ${String(act)}`;
      if (problem) problems.push(`${at}: ${problem}`);
      return;
    }
    if (key === 'colour' && typeof parent?.name === 'string' && RANDOM_COLOUR_TAGS.has(parent.name)) {
      if (typeof act !== 'string' || !/^#[0-9a-f]{6}$/i.test(act))
        problems.push(`${at}: not a colour: ${String(act)}`);
      return;
    }
    const want =
      typeof exp === 'string' && options.baseUrl
        ? exp.split(options.baseUrl.recorded).join(options.baseUrl.actual)
        : exp;
    if (want !== act) problems.push(`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(act)}`);
  };
  walk(expected, actual, '$', null, null);
  return problems;
}
