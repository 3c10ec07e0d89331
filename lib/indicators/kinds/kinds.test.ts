import { describe, expect, it } from 'vitest';
import type { IndicatorKind } from '../model';
import { INDICATOR_REGISTRY } from '../registry';

/** [kind, candidate, valid, normalised (when valid)] */
const CASES: Array<[IndicatorKind, string, boolean, string?]> = [
  ['ipv4', '8.8.8.8', true, '8.8.8.8'],
  ['ipv4', '010.001.000.001', true, '10.1.0.1'],
  ['ipv4', '256.0.0.1', false],
  ['ipv4', '1.2.3', false],
  ['ipv6', '2001:0DB8:0000:0000:0000:0000:0000:0001', true, '2001:db8::1'],
  ['ipv6', '2001:db8:0:0:1:0:0:1', true, '2001:db8::1:0:0:1'],
  ['ipv6', '::ffff:1.2.3.4', true, '::ffff:1.2.3.4'],
  ['ipv6', '1:2:3:4:5:6:7:8', true, '1:2:3:4:5:6:7:8'],
  ['ipv6', '1::2::3', false],
  ['ipv6', '1:2:3:4:5:6:7:8:9', false],
  ['ipv6', '12345::1', false],
  ['ipv6', 'dead::beef', false],
  ['cidr', '192.168.0.0/16', true, '192.168.0.0/16'],
  ['cidr', '2001:DB8::/32', true, '2001:db8::/32'],
  ['cidr', '1.2.3.4/33', false],
  ['cidr', '2001:db8::/129', false],
  ['domain', 'Evil.COM', true, 'evil.com'],
  ['domain', 'a-b.evil.co.uk', true, 'a-b.evil.co.uk'],
  ['domain', '_dmarc.evil.com', true, '_dmarc.evil.com'],
  ['domain', 'evil_host.com', false],
  ['domain', '-evil.com', false],
  ['domain', 'evil.notatld', false],
  ['domain', 'co.uk', false],
  ['domain', 'xyz.onion', true, 'xyz.onion'],
  ['domain', `${'a'.repeat(64)}.com`, false],
  ['url', 'http://evil.com', true, 'http://evil.com'],
  ['url', 'HTTPS://User:Pw@Evil.Com:8443/A?b=C#d', true, 'https://User:Pw@evil.com:8443/A?b=C#d'],
  ['url', 'evil.com/gate.php', true, 'evil.com/gate.php'],
  ['url', 'http://evil.com:99999/', false],
  ['url', 'http://[fe80::1]/', true, 'http://[fe80::1]/'],
  ['url', 'gopher://evil.com/', false],
  ['email', 'A.B+c@Evil.com', true, 'a.b+c@evil.com'],
  ['email', 'a..b@evil.com', false],
  ['email', 'a@b@evil.com', false],
  ['email', 'a@localhost', false],
  ['md5', 'D41D8CD98F00B204E9800998ECF8427E', true, 'd41d8cd98f00b204e9800998ecf8427e'],
  ['md5', '12345678901234567890123456789012', false],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427', false],
  ['sha1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', true, 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha256', 'g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', false],
  ['ssdeep', '3:abcdefgh:ijkl', true, '3:abcdefgh:ijkl'],
  ['ssdeep', '5:abcdefgh:ijkl', false],
  ['ssdeep', '12:30:45', false],
  ['cve', 'cve-2021-44228', true, 'CVE-2021-44228'],
  ['cve', 'CVE-2021-1234567', true, 'CVE-2021-1234567'],
  ['cve', 'CVE-1998-0001', false],
  ['cve', 'CVE-2021-01234', false],
  ['btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true, '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
  ['btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', false],
  ['btc', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', true, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
  ['btc', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr', false],
  ['btc', 'Bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', false],
];

describe.each(CASES)('%s %s', (kind, candidate, valid, normalised) => {
  const spec = INDICATOR_REGISTRY[kind];
  it(valid ? `is valid → ${normalised}` : 'is invalid', () => {
    expect(spec.validate(candidate)).toBe(valid);
    if (valid) {
      expect(spec.detect(candidate)).toBe(true);
      expect(spec.normalise(candidate)).toBe(normalised);
      // Normalising is idempotent.
      expect(spec.normalise(spec.normalise(candidate))).toBe(normalised);
    }
  });
});

describe('registry', () => {
  it('names each kind after its key and offers at least one MISP type', () => {
    for (const [kind, spec] of Object.entries(INDICATOR_REGISTRY)) {
      expect(spec.kind).toBe(kind);
      expect(spec.mispTypes.length).toBeGreaterThan(0);
    }
  });
});
