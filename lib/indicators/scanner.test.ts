import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndicatorKind } from './model';
import { CANDIDATE, candidateStretches, DIGEST_TOKEN, scanText } from './scanner';

function found(text: string): Array<[IndicatorKind, string]> {
  return scanText(text).map((o) => [o.type, o.value]);
}

describe('scanText: positions and originals', () => {
  it('returns the original characters and their offsets', () => {
    const text = 'C2: hxxps://evil[.]com/gate.php?id=1, fallback 45.77.55[.]145:443.';
    const occurrences = scanText(text);
    expect(occurrences.map((o) => [o.type, o.value, o.original, o.defanged])).toEqual([
      ['url', 'https://evil.com/gate.php?id=1', 'hxxps://evil[.]com/gate.php?id=1', true],
      ['ipv4', '45.77.55.145', '45.77.55[.]145', true],
    ]);
    for (const o of occurrences) expect(text.slice(o.start, o.end)).toBe(o.original);
  });

  it('counts offsets in UTF-16 code units of the scanned text', () => {
    const text = 'ünïcödé → evil[.]com 🙂 1.2.3.4';
    for (const o of scanText(text)) expect(text.slice(o.start, o.end)).toBe(o.original);
    expect(found(text)).toEqual([
      ['domain', 'evil.com'],
      ['ipv4', '1.2.3.4'],
    ]);
  });
});

describe('scanText: each kind', () => {
  it.each<[string, IndicatorKind, string]>([
    ['8.8.8.8', 'ipv4', '8.8.8.8'],
    ['1.2.3[.]4', 'ipv4', '1.2.3.4'],
    ['1[.]2[.]3[.]4', 'ipv4', '1.2.3.4'],
    ['2001:DB8:0:0::1', 'ipv6', '2001:db8::1'],
    ['fe80::1ff:fe23:4567:890a', 'ipv6', 'fe80::1ff:fe23:4567:890a'],
    ['::ffff:192.0.2.128', 'ipv6', '::ffff:192.0.2.128'],
    ['10.0.0.0/8', 'cidr', '10.0.0.0/8'],
    ['2001:db8::/32', 'cidr', '2001:db8::/32'],
    ['evil.com', 'domain', 'evil.com'],
    ['EVIL.COM', 'domain', 'evil.com'],
    ['evil[.]co[.]uk', 'domain', 'evil.co.uk'],
    ['_spf.microsoft[.]com', 'domain', '_spf.microsoft.com'],
    ['my_host.evil.com', 'domain', 'my_host.evil.com'],
    [
      '2qepteituvpy42gggxxqaaeozppjagsu5xz2zdsbugt3425t2mbjvbad.onion',
      'domain',
      '2qepteituvpy42gggxxqaaeozppjagsu5xz2zdsbugt3425t2mbjvbad.onion',
    ],
    ['xn--80ak6aa92e.com', 'domain', 'xn--80ak6aa92e.com'],
    ['http://evil.com', 'url', 'http://evil.com'],
    ['HTTP://EVIL.COM/Path', 'url', 'http://evil.com/Path'],
    ['hxxp://evil[.]com/a', 'url', 'http://evil.com/a'],
    ['hXXp://evil.com/a', 'url', 'http://evil.com/a'],
    ['hxxps[:]//evil.com/a', 'url', 'https://evil.com/a'],
    ['http[://]evil.com/a', 'url', 'http://evil.com/a'],
    ['http ://evil.com/a', 'url', 'http://evil.com/a'],
    ['fxp://evil.com/a', 'url', 'ftp://evil.com/a'],
    ['meow://evil.com/a', 'url', 'http://evil.com/a'],
    ['http://[2001:db8::1]:8080/x', 'url', 'http://[2001:db8::1]:8080/x'],
    ['http://1.2.3.4/x.exe', 'url', 'http://1.2.3.4/x.exe'],
    ['is[.]gd/EnjN1x?V=31', 'url', 'is.gd/EnjN1x?V=31'],
    ['cdn[.]discordapp.com/attachments/1/2/a.iso', 'url', 'cdn.discordapp.com/attachments/1/2/a.iso'],
    ['s3.amazonaws[.]com/directcdn/j6.js', 'url', 's3.amazonaws.com/directcdn/j6.js'],
    ['1.2.3[.]4/x/y.sh', 'url', '1.2.3.4/x/y.sh'],
    ['user@evil.com', 'email', 'user@evil.com'],
    ['First.Last@Evil.com', 'email', 'first.last@evil.com'],
    ['user[at]evil[.]com', 'email', 'user@evil.com'],
    ['user(at)evil.com', 'email', 'user@evil.com'],
    ['user[@]evil.com', 'email', 'user@evil.com'],
    ['user [at] evil [dot] com', 'email', 'user@evil.com'],
    ['D41D8CD98F00B204E9800998ECF8427E', 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'sha256',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ],
    [
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
      'sha512',
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    ],
    [
      '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhal8EbPL8NrcMSx',
      'ssdeep',
      '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhal8EbPL8NrcMSx',
    ],
    ['cve-2021-44228', 'cve', 'CVE-2021-44228'],
    ['CVE-2014-0160', 'cve', 'CVE-2014-0160'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'btc', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'btc', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'btc', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    [
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
      'btc',
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
    ],
  ])('finds %s as %s %s, alone and inside a sentence', (text, kind, value) => {
    expect(found(text)).toEqual([[kind, value]]);
    const sentence = `Seen (${text}), then more.`;
    expect(found(sentence)).toEqual([[kind, value]]);
    const occurrence = scanText(sentence)[0]!;
    expect(occurrence.original).toBe(text);
    expect(sentence.slice(occurrence.start, occurrence.end)).toBe(text);
  });
});

describe('scanText: boundaries and trailing punctuation', () => {
  it.each<[string, string]>([
    ['Visit http://evil.com/a.', 'http://evil.com/a'],
    ['Visit http://evil.com/a, then', 'http://evil.com/a'],
    ['(see http://evil.com/a)', 'http://evil.com/a'],
    ['(see http://en.wikipedia.org/wiki/Foo_(bar))', 'http://en.wikipedia.org/wiki/Foo_(bar)'],
    ['[link](http://evil.com/a)', 'http://evil.com/a'],
    ['"http://evil.com/a"', 'http://evil.com/a'],
    ['<a href=x>http://evil.com/a</a>', 'http://evil.com/a'],
    ['url=http://evil.com/a&quot;', 'http://evil.com/a'],
    ['Did you see http://evil.com/a?', 'http://evil.com/a'],
    ['is it hxxp://evil[.]com/x?!', 'http://evil.com/x'],
  ])('%s → %s', (text, value) => {
    expect(found(text).filter(([k]) => k === 'url')).toEqual([['url', value]]);
  });

  it('keeps a trailing ? when the URL stands alone on its line (IOC lists)', () => {
    expect(found('IOCs:\napoiodesign[.]com/language/overrides/p.php?\nnext')).toEqual([
      ['url', 'apoiodesign.com/language/overrides/p.php?'],
    ]);
  });

  it('takes an IP with a port, without the port', () => {
    const [o] = scanText('beacon to 45.77.55.145:8443 every hour');
    expect(o).toMatchObject({ type: 'ipv4', value: '45.77.55.145', original: '45.77.55.145' });
  });

  it('takes an IP after a word that merely ends like a version word', () => {
    expect(found('C2 server 91.169.187.153 and hosts 10.1.2.3 answered')).toEqual([
      ['ipv4', '91.169.187.153'],
      ['ipv4', '10.1.2.3'],
    ]);
  });

  it('takes a domain with a port, without the port', () => {
    expect(found('web.microlynconline[.]com:8000')).toEqual([['domain', 'web.microlynconline.com']]);
  });
});

describe('scanText: negatives', () => {
  it.each([
    ['dates and long dotted numbers', 'at 2018.12.15.14.05.43 and 1.2.3.4.5'],
    ['version strings', 'version 1.2.3.4 and v2.0.0.1 and Chrome 10.0.1.2'],
    ['octets over 255', '256.1.1.1 and 1.2.3.999'],
    ['hashes cut from longer hex runs', `${'a'.repeat(33)} ${'b1'.repeat(21)} ${'c'.repeat(65)}`],
    ['all-digit runs of hash length', '12345678901234567890123456789012'],
    ['file names with an extension that is a TLD', 'dropped setup.zip, cache.py, run.sh and libc.so'],
    [
      'detection names',
      'detected as Win32/Exploit.Agent.LT and Trojan.Win32.Agent.BZ and HEUR:Trojan.Script.Generic',
    ],
    [
      'code',
      'document.location.host and window.top.name and self.config_file.name and obj.getElementById(x)',
    ],
    ['prose around a full stop', 'The end. Then it starts.Next time'],
    ['unknown TLDs', 'foo.notatld and config.local and host.internal'],
    ['bare public suffixes', 'co.uk and com.au'],
    ['clock times', 'at 12:30:45 and 10:15'],
    ['C++ scopes', 'std::string and a::b'],
    ['MAC addresses', '00:1a:2b:3c:4d:5e'],
    ['bad CVE ids', 'CVE-1990-1234 and CVE-2021-123'],
    ['bitcoin-shaped strings with a bad checksum', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb'],
    ['CIDR with a bad prefix', '10.0.0.0/33'],
    ['a URL without a valid host', 'http://localhost/x and http://foo/bar'],
  ])('%s', (_label, text) => {
    expect(found(text)).toEqual([]);
  });

  it('reads a scheme it does not know as no URL (the host is still a domain)', () => {
    expect(found('javascript://evil.com')).toEqual([['domain', 'evil.com']]);
  });

  it('keeps a file-extension TLD when it was defanged or is a URL host', () => {
    expect(found('setup[.]zip')).toEqual([['domain', 'setup.zip']]);
    expect(found('http://setup.zip/x')).toEqual([['url', 'http://setup.zip/x']]);
  });

  it('keeps a detection-like name when its author defanged it', () => {
    expect(found('Exploit.Agent[.]LT')).toEqual([['domain', 'exploit.agent.lt']]);
  });
});

describe('hostile input completes and stays correct', () => {
  it.each([
    ['a 5 MB single line of letters', 'a'.repeat(5 * 1024 * 1024), 0],
    ['1 MB of [.] runs', '[.]'.repeat(350_000), 0],
    ['1 MB of a[.] runs', 'a[.]'.repeat(262_144), 0],
    ['1 MB of a- runs', 'a-'.repeat(524_288), 0],
    ['1 MB of digits and dots', '1.'.repeat(524_288), 0],
    ['1 MB of colons', 'a:'.repeat(524_288), 0],
    ['1 MB of opening parentheses after a URL', `http://evil.com/${'('.repeat(1024 * 1024)}`, 1],
  ])('%s', (_label, text, count) => {
    expect(scanText(text)).toHaveLength(count);
  });
});

describe('candidateStretches: where the candidate regex is run', () => {
  /** Every match the candidate regex finds when run over the whole text, and whether it is a hex run. */
  function everyCandidate(text: string): Array<[number, number, boolean]> {
    const pattern = new RegExp(CANDIDATE.source, CANDIDATE.flags);
    return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length, m[4] !== undefined]);
  }

  /** Inside a regex stretch, or exactly a digest token the regex would read as a hex run. */
  function covered(stretches: number[], [start, end, hex]: [number, number, boolean]): boolean {
    for (let i = 0; i < stretches.length; i += 3) {
      if (stretches[i + 2] === DIGEST_TOKEN) {
        if (stretches[i] === start && stretches[i + 1] === end && hex) return true;
      } else if (stretches[i]! <= start && end <= stretches[i + 1]!) return true;
    }
    return false;
  }

  it('skips plain prose and keeps each kind of candidate', () => {
    expect(candidateStretches('just some words without any marks at all')).toEqual([]);
    for (const text of [
      'evil.com',
      'user@host',
      'fe80::1',
      'http://x',
      'see CVE-2024-1234 now',
      'd41d8cd98f00b204e9800998ecf8427e',
      'bc1qar0srrr7xfkv',
    ]) {
      expect(candidateStretches(`plain words ${text} and more`).length, text).toBe(3);
    }
  });

  it('gives up on an indicator list and lets the regex read all of it', () => {
    const list = Array.from({ length: 400 }, (_, i) => `10.0.${i % 250}.1 evil${i}.com`).join('\n');
    expect(candidateStretches(list)).toEqual([0, list.length, 0]);
    const prose = `${'an ordinary sentence of words '.repeat(400)} see evil.com`;
    expect(candidateStretches(prose)).toHaveLength(3);
    expect(candidateStretches(prose)[0]).toBeGreaterThan(10_000);
  });

  it('gives whole digests between separators as digest tokens, the regex does the rest', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const text = `${md5}\n${md5.toUpperCase()} evil.com\nsample_${md5}`;
    expect(candidateStretches(text)).toEqual([0, 32, DIGEST_TOKEN, 33, 65, DIGEST_TOKEN, 66, text.length, 0]);
  });

  it('covers every match of the candidate regex, on random text and on every corpus report', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = 'abcdefABCDEF0123456789.:@-/_[]()cvexhtp \n\t\u00a0%+#?=&;,\'"<>';
    const corpus = join(import.meta.dirname, '../../test/fixtures/corpus/avast');
    const texts: string[] = readdirSync(corpus, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((unit) => readFileSync(join(corpus, unit.name, 'README.md'), 'utf8'));
    for (let k = 0; k < 2000; k++) {
      let text = '';
      const length = Math.floor(random() * 200);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      texts.push(text);
    }
    let candidates = 0;
    for (const text of texts) {
      const stretches = candidateStretches(text);
      for (const match of everyCandidate(text)) {
        candidates++;
        expect(covered(stretches, match), JSON.stringify([text, match])).toBe(true);
      }
    }
    // The texts do produce candidates (else this test would prove nothing).
    expect(candidates).toBeGreaterThan(3000);
  });
});
