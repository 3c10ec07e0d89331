import type { MispType } from './misp-types';

/** The indicator kinds the scanner recognises (one module each under `kinds/`). */
export const INDICATOR_KINDS = [
  'ipv4',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'ssdeep',
  'cve',
  'btc',
] as const;

export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** How a value was written encoded in the text: percent-encoded inside another URL, base64 or hex. */
export type DecodedForm = 'percent' | 'base64' | 'hex';

/** What the scanner (or the page's context) says about a value beyond its kind; all optional. */
export interface IndicatorNote {
  /** The value was decoded from this form (the text shows the encoded characters). */
  readonly decoded?: DecodedForm;
  /** Written as a wildcard (`*.evil.com`): the value is the domain under it. */
  readonly wildcard?: true;
  /** Why this is likely not an indicator (a package name, a file name): offered unselected. */
  readonly unlikely?: string;
  /** Why this is a reference (the page's own site, a publisher, a contact address), not an indicator. */
  readonly reference?: string;
}

/** One indicator found in a text. Offsets index the text that was scanned (UTF-16 code units). */
export interface Occurrence {
  readonly type: IndicatorKind;
  /** Refanged, normalised value (what goes to MISP). */
  readonly value: string;
  /** The characters as they stand in the text, possibly defanged (`evil[.]com`). */
  readonly original: string;
  readonly start: number;
  readonly end: number;
  /** True when the original was written in a defanged form. */
  readonly defanged: boolean;
  readonly note?: IndicatorNote;
}

/** A piece of page text, one per DOM text node, in document order. */
export interface TextChunk {
  readonly text: string;
  /** True when a block boundary (block element, `<br>`, table cell…) separates it from the previous chunk. */
  readonly blockBreakBefore: boolean;
}

export interface ChunkPosition {
  readonly chunk: number;
  readonly offset: number;
}

/**
 * What a kind module provides: a shape check, validation and normalisation of a refanged candidate,
 * and the MISP attribute types it maps to.
 */
export interface IndicatorKindSpec {
  readonly kind: IndicatorKind;
  /** Human label for UI lists. */
  readonly label: string;
  /** MISP attribute types an analyst may file this kind as; the first is the usual one. */
  readonly mispTypes: readonly MispType[];
  /** The MISP type to preselect for a (normalised) value. */
  defaultMispType(value: string): MispType;
  /** Cheap shape test on a refanged candidate (the whole string). */
  detect(candidate: string): boolean;
  /** Full validity check on a refanged candidate. */
  validate(candidate: string): boolean;
  /** Canonical form of a valid refanged candidate (case, compression). */
  normalise(candidate: string): string;
}
