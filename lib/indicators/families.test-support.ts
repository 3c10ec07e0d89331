import type { DecodedForm, IndicatorKind } from './model';

/**
 * Our own cases for each family of forms the scanner handles (written for this project, in the
 * style of the reports and tickets analysts read). Used by families.test.ts (every case must pass)
 * and by the extraction bench (found / expected per family).
 *
 * `expect` lists every value the text must yield, in order; `note` what the popup is told about it.
 */
export interface FamilyCase {
  readonly text: string;
  readonly expect: ReadonlyArray<
    readonly [IndicatorKind, string, { decoded?: DecodedForm; wildcard?: true; unlikely?: string }?]
  >;
}

export interface Family {
  readonly id: string;
  readonly title: string;
  readonly cases: readonly FamilyCase[];
}

export const FAMILIES: readonly Family[] = [
  {
    id: 'loose-brackets',
    title: 'Unbalanced or doubled brackets',
    cases: [
      { text: 'Beacon goes to bad-host[.site every hour.', expect: [['domain', 'bad-host.site']] },
      { text: 'Second stage from 172.68.4.]]]19 over TLS', expect: [['ipv4', '172.68.4.19']] },
      { text: 'C2 45.77[.]]3.8 (port 443)', expect: [['ipv4', '45.77.3.8']] },
      {
        text: 'seen: mail].[bad-host.site and c2[[.]]bad-host.site',
        expect: [
          ['domain', 'mail.bad-host.site'],
          ['domain', 'c2.bad-host.site'],
        ],
      },
    ],
  },
  {
    id: 'bracket-styles',
    title: 'Every bracket style around a dot or slash',
    cases: [
      { text: 'Payload host: drop(.)site', expect: [['domain', 'drop.site']] },
      { text: 'Payload host: drop{.}site', expect: [['domain', 'drop.site']] },
      { text: 'hxxp://drop[.]site(/)k.php was the loader', expect: [['url', 'http://drop.site/k.php']] },
      { text: 'hxxp://drop[.]site[/]k.php was the loader', expect: [['url', 'http://drop.site/k.php']] },
      { text: 'exfil to 10.20.30.40[:]8443', expect: [['ipv4', '10.20.30.40']] },
    ],
  },
  {
    id: 'dot-words',
    title: 'Words for the dot',
    cases: [
      { text: 'resolves update[dot]drop-site[dot]com', expect: [['domain', 'update.drop-site.com']] },
      { text: 'resolves update(dot)drop-site(dot)com', expect: [['domain', 'update.drop-site.com']] },
      { text: 'resolves update DOT drop-site DOT com', expect: [['domain', 'update.drop-site.com']] },
      { text: 'Der Server update[punkt]drop-site[punkt]de', expect: [['domain', 'update.drop-site.de']] },
    ],
  },
  {
    id: 'insertions',
    title: '[-] and ^. insertions',
    cases: [
      { text: 'typosquat pay[-]pa1.com registered', expect: [['domain', 'pay-pa1.com']] },
      { text: 'typosquat paypa1[-].com registered', expect: [['domain', 'paypa1.com']] },
      { text: 'typosquat paypa1^.com registered', expect: [['domain', 'paypa1.com']] },
    ],
  },
  {
    id: 'schemes',
    title: 'Scheme forms',
    cases: [
      { text: 'Download: hxxp://drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
      { text: 'Download: hXXps://drop.site/a.bin', expect: [['url', 'https://drop.site/a.bin']] },
      { text: 'Download: hxxts://drop.site/a.bin', expect: [['url', 'https://drop.site/a.bin']] },
      { text: 'Download: h**p://drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
      { text: 'Download: http[:]//drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
      { text: 'Download: http__drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
      { text: 'Download: http:\\\\drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
      { text: 'Download: https:/drop.site/a.bin', expect: [['url', 'https://drop.site/a.bin']] },
      { text: 'Download: http:///drop.site/a.bin', expect: [['url', 'http://drop.site/a.bin']] },
    ],
  },
  {
    id: 'email-words',
    title: 'E-mail words ([at], (at), AT, [@], arroba, [ET], punkt)',
    cases: [
      { text: 'Sender: billing[at]invoice-mail.site', expect: [['email', 'billing@invoice-mail.site']] },
      { text: 'Sender: billing(at)invoice-mail.site', expect: [['email', 'billing@invoice-mail.site']] },
      { text: 'Sender: billing AT invoice-mail DOT site', expect: [['email', 'billing@invoice-mail.site']] },
      { text: 'Sender: billing[@]invoice-mail.site', expect: [['email', 'billing@invoice-mail.site']] },
      { text: 'Remitente: facturas(arroba)correo-falso.es', expect: [['email', 'facturas@correo-falso.es']] },
      { text: 'Expéditeur : factures[ET]faux-courrier.fr', expect: [['email', 'factures@faux-courrier.fr']] },
      {
        text: 'Absender: rechnung(at)falsche-post(punkt)de',
        expect: [['email', 'rechnung@falsche-post.de']],
      },
    ],
  },
  {
    id: 'spaced',
    title: 'Spaces around @ or the dot',
    cases: [
      { text: 'reply-to ops @ bad-host.site in the headers', expect: [['email', 'ops@bad-host.site']] },
      { text: 'the ticket lists bad-host . site as the C2', expect: [['domain', 'bad-host.site']] },
      { text: 'The end . Then we met @ the office.', expect: [] },
    ],
  },
  {
    id: 'glued',
    title: 'Glued to punctuation, symbols or markup',
    cases: [
      {
        text: 'hosts (evil-cdn.com) and <evil-cdn.net>',
        expect: [
          ['domain', 'evil-cdn.com'],
          ['domain', 'evil-cdn.net'],
        ],
      },
      {
        text: '"evil-cdn.com", "evil-cdn.org",',
        expect: [
          ['domain', 'evil-cdn.com'],
          ['domain', 'evil-cdn.org'],
        ],
      },
      { text: 'ALERT #!45.9.20.11!! blocked', expect: [['ipv4', '45.9.20.11']] },
      { text: '接続先＜evil-cdn.com＞を確認', expect: [['domain', 'evil-cdn.com']] },
      {
        text: 'See https://drop.site/k.php[see here] for the panel.',
        expect: [['url', 'https://drop.site/k.php']],
      },
      {
        text: 'Literal +https://drop.site/k.php+ in the AsciiDoc.',
        expect: [['url', 'https://drop.site/k.php']],
      },
      { text: 'Was it https://drop.site/k.php???', expect: [['url', 'https://drop.site/k.php']] },
      { text: '(payload at https://drop.site/k.php).', expect: [['url', 'https://drop.site/k.php']] },
      {
        text: 'scan range 10.1.1.1-10.1.1.9 done',
        expect: [
          ['ipv4', '10.1.1.1'],
          ['ipv4', '10.1.1.9'],
        ],
      },
      {
        text: 'sample_e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.bin',
        expect: [['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']],
      },
      {
        text: 'md5=9e107d9d372bb6826bd81d3542a419d6;',
        expect: [['md5', '9e107d9d372bb6826bd81d3542a419d6']],
      },
    ],
  },
  {
    id: 'encoded',
    title: 'Encoded URLs (percent-encoded in a query, base64, hex)',
    cases: [
      {
        text: 'Click https://mail-guard.example.com/r?u=https%3A%2F%2Fevil-drop.net%2Fa%3Fid%3D7&t=1 now',
        expect: [
          ['url', 'https://mail-guard.example.com/r?u=https%3A%2F%2Fevil-drop.net%2Fa%3Fid%3D7&t=1'],
          ['url', 'https://evil-drop.net/a?id=7', { decoded: 'percent' }],
        ],
      },
      {
        text: 'powershell -enc ... aHR0cHM6Ly9ldmlsLWRyb3AubmV0L3N0YWdlMi5wczE= ...',
        expect: [['url', 'https://evil-drop.net/stage2.ps1', { decoded: 'base64' }]],
      },
      {
        text: 'config blob 687474703a2f2f6576696c2d64726f702e6e65742f67617465 end',
        expect: [['url', 'http://evil-drop.net/gate', { decoded: 'hex' }]],
      },
    ],
  },
  {
    id: 'shapes',
    title: 'Pool addresses, wildcards, IPv6 forms, /32, CVE spellings, address literals',
    cases: [
      {
        text: 'miner uses stratum+tcp://pool.coin-mine.net:3333',
        expect: [['url', 'stratum+tcp://pool.coin-mine.net:3333']],
      },
      { text: 'fallback tcp://45.9.20.11:4444', expect: [['url', 'tcp://45.9.20.11:4444']] },
      { text: 'block *.evil-cdn.com at the proxy', expect: [['domain', 'evil-cdn.com', { wildcard: true }]] },
      { text: 'v6 C2 2001:0DB8:0000:0000:0000:ff00:0042:8329', expect: [['ipv6', '2001:db8::ff00:42:8329']] },
      { text: 'v6 C2 [2001:db8::ff00:42:8329]:443', expect: [['ipv6', '2001:db8::ff00:42:8329']] },
      {
        text: 'link-local fe80::1ff:fe23:4567:890a%eth0 seen',
        expect: [['ipv6', 'fe80::1ff:fe23:4567:890a']],
      },
      {
        text: 'deny 45.9.20.11/32 and 2001:db8::7/128',
        expect: [
          ['ipv4', '45.9.20.11'],
          ['ipv6', '2001:db8::7'],
        ],
      },
      {
        text: 'patched CVE 2021 44228 and CVE_2022_22965',
        expect: [
          ['cve', 'CVE-2021-44228'],
          ['cve', 'CVE-2022-22965'],
        ],
      },
      { text: 'mail from admin@[192.0.2.55] relayed', expect: [['email', 'admin@[192.0.2.55]']] },
    ],
  },
  {
    id: 'not-indicators',
    title: 'Package names, file names, versions, serials (offered unselected or not at all)',
    cases: [
      {
        text: 'The APK registers com.fastcleaner.app and org.mobile.tools.app as packages.',
        expect: [
          ['domain', 'com.fastcleaner.app', { unlikely: 'Java/Android package name' }],
          ['domain', 'org.mobile.tools.app', { unlikely: 'Java/Android package name' }],
        ],
      },
      {
        text: 'The dropper writes setup.info and reads app.properties and loader.py.',
        expect: [['domain', 'setup.info', { unlikely: 'file name' }]],
      },
      { text: 'Affected: version 2.1.0.7 and build 10.0.1.2', expect: [] },
      {
        text: 'Certificate serial number 0a1b2c3d4e5f60718293a4b5c6d7e8f9 (revoked)',
        expect: [['md5', '0a1b2c3d4e5f60718293a4b5c6d7e8f9', { unlikely: 'serial number' }]],
      },
      {
        text: 'CLSID 3f2504e04f8911d39a0c0305e82c3301 is registered',
        expect: [['md5', '3f2504e04f8911d39a0c0305e82c3301', { unlikely: 'GUID' }]],
      },
    ],
  },
];
