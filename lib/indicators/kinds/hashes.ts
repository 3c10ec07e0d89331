import type { MispType } from '../misp-types';
import type { IndicatorKind, IndicatorKindSpec } from '../model';

const HEX = /^[0-9A-Fa-f]+$/;
const DIGITS = /^\d+$/;

function hexKind(
  kind: IndicatorKind,
  label: string,
  length: number,
  mispTypes: readonly MispType[],
): IndicatorKindSpec {
  return {
    kind,
    label,
    mispTypes,
    defaultMispType: () => mispTypes[0]!,
    detect: (candidate) => candidate.length === length && HEX.test(candidate),
    // An all-digit run is a number, not a digest (the odds of a real digest having no a–f are ~1e-7 for MD5).
    validate: (candidate) => candidate.length === length && HEX.test(candidate) && !DIGITS.test(candidate),
    normalise: (candidate) => candidate.toLowerCase(),
  };
}

export const md5 = hexKind('md5', 'MD5', 32, ['md5', 'x509-fingerprint-md5']);
export const sha1 = hexKind('sha1', 'SHA-1', 40, ['sha1', 'x509-fingerprint-sha1']);
export const sha256 = hexKind('sha256', 'SHA-256', 64, ['sha256', 'x509-fingerprint-sha256']);
export const sha512 = hexKind('sha512', 'SHA-512', 128, ['sha512']);

/** The hex-digest kind for a run length, if any. */
export function hashKindForLength(length: number): IndicatorKindSpec | null {
  switch (length) {
    case 32:
      return md5;
    case 40:
      return sha1;
    case 64:
      return sha256;
    case 128:
      return sha512;
    default:
      return null;
  }
}
