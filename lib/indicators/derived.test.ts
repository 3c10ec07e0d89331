import { describe, expect, it } from 'vitest';
import { derivedValues, hostOf } from './derived';

describe('derivedValues', () => {
  it('a URL contributes its host', () => {
    expect(derivedValues('url', 'https://cdn-update.site/gate.php')).toEqual([
      { part: 'host', kind: 'domain', value: 'cdn-update.site' },
    ]);
    expect(derivedValues('url', 'cdn-update.site/gate.php')).toEqual([
      { part: 'host', kind: 'domain', value: 'cdn-update.site' },
    ]);
  });

  it('an IP host is an IP, and a port adds host:port', () => {
    expect(derivedValues('url', 'http://203.0.113.200:8443/a')).toEqual([
      { part: 'host', kind: 'ipv4', value: '203.0.113.200' },
      { part: 'host-port', kind: 'url', value: '203.0.113.200:8443' },
    ]);
    expect(derivedValues('url', 'http://[2001:DB8:0::1]:8080/x')).toEqual([
      { part: 'host', kind: 'ipv6', value: '2001:db8::1' },
      { part: 'host-port', kind: 'url', value: '[2001:db8::1]:8080' },
    ]);
  });

  it('keeps user info out of the host', () => {
    expect(derivedValues('url', 'ftp://user:pw@files.bad-host.site/x')).toEqual([
      { part: 'host', kind: 'domain', value: 'files.bad-host.site' },
    ]);
  });

  it('an e-mail address contributes its domain (or address literal)', () => {
    expect(derivedValues('email', 'bad@mail-drop.site')).toEqual([
      { part: 'domain', kind: 'domain', value: 'mail-drop.site' },
    ]);
    expect(derivedValues('email', 'ops@[192.0.2.1]')).toEqual([
      { part: 'domain', kind: 'ipv4', value: '192.0.2.1' },
    ]);
  });

  it('other kinds and values that do not parse derive nothing', () => {
    expect(derivedValues('domain', 'sub.evil.example')).toEqual([]);
    expect(derivedValues('ipv4', '198.51.100.7')).toEqual([]);
    expect(derivedValues('url', 'gopher://x.example/a')).toEqual([]);
    expect(derivedValues('email', 'nobody')).toEqual([]);
  });
});

describe('hostOf', () => {
  it('names the host of domains, URLs and e-mail addresses', () => {
    expect(hostOf('domain', 'Evil.Example')).toBe('evil.example');
    expect(hostOf('url', 'https://raw.githubusercontent.com/x/y/z.ps1')).toBe('raw.githubusercontent.com');
    expect(hostOf('email', 'a@Mail.Example')).toBe('mail.example');
    expect(hostOf('md5', 'd41d8cd98f00b204e9800998ecf8427e')).toBeNull();
  });
});
