import { sha256 } from '@noble/hashes/sha2.js';
import type { IndicatorKindSpec } from '../model';

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_SHAPE = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/;
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_SHAPE = /^bc1[02-9ac-hj-np-z]{11,71}$/;

function base58Decode(text: string): Uint8Array | null {
  const bytes: number[] = [0];
  for (const ch of text) {
    let carry = BASE58_ALPHABET.indexOf(ch);
    if (carry < 0) return null;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const ch of text) {
    if (ch !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/** Legacy (P2PKH `1…`) and script (P2SH `3…`) addresses: 25 bytes with a double-SHA-256 checksum. */
function validBase58Check(text: string): boolean {
  const bytes = base58Decode(text);
  if (bytes === null || bytes.length !== 25) return false;
  const payload = bytes.subarray(0, 21);
  const check = sha256(sha256(payload));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return false;
  return bytes[0] === 0x00 || bytes[0] === 0x05;
}

function bech32Polymod(values: readonly number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) checksum ^= generators[i]!;
  }
  return checksum >>> 0;
}

/** SegWit addresses (`bc1…`): BIP 173 bech32 for v0, BIP 350 bech32m for v1+. */
function validBech32(text: string): boolean {
  const data: number[] = [];
  for (const ch of text.slice(3)) data.push(BECH32_ALPHABET.indexOf(ch));
  const hrp = [3, 3, 0, 2, 3]; // "bc" expanded: high bits, 0, low bits
  const check = bech32Polymod([...hrp, ...data]);
  const version = data[0] ?? -1;
  if (version === 0) return check === 1 && (text.length === 42 || text.length === 62);
  return version >= 1 && version <= 16 && check === 0x2bc830a3;
}

export const btc: IndicatorKindSpec = {
  kind: 'btc',
  label: 'Bitcoin address',
  mispTypes: ['btc'],
  defaultMispType: () => 'btc',
  detect: (candidate) => BASE58_SHAPE.test(candidate) || BECH32_SHAPE.test(candidate.toLowerCase()),
  validate: (candidate) => {
    if (BASE58_SHAPE.test(candidate)) return validBase58Check(candidate);
    // bech32 is all-lower or all-upper case, never mixed.
    const lower = candidate.toLowerCase();
    if (candidate !== lower && candidate !== candidate.toUpperCase()) return false;
    return BECH32_SHAPE.test(lower) && validBech32(lower);
  },
  normalise: (candidate) => (BASE58_SHAPE.test(candidate) ? candidate : candidate.toLowerCase()),
};
