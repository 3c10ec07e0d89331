import { describe, expect, it } from 'vitest';
import { checkMispUrl, mispOrigin, normalizeMispUrl } from './url';

describe('MISP URL normalisation (one rule for the form, import, policy, key store and client)', () => {
  it.each([
    ['https://misp.corp.test/', 'https://misp.corp.test', 'https://misp.corp.test'],
    ['  HTTPS://Misp.Corp.test:443/misp///  ', 'https://misp.corp.test/misp', 'https://misp.corp.test'],
    ['https://misp.corp.test:8443/users/login', 'https://misp.corp.test:8443', 'https://misp.corp.test:8443'],
    ['http://[::1]:8080/events/index', 'http://[::1]:8080', 'http://[::1]:8080'],
  ])('%j → %s (origin %s)', (input, url, origin) => {
    const result = normalizeMispUrl(input);
    expect(result).toMatchObject({ ok: true, url, origin, insecure: false });
  });

  it('says "Not a URL" for text that cannot be an address, and asks for the scheme when it could', () => {
    expect(checkMispUrl('not a url')).toEqual({ error: 'Not a URL' });
    expect(checkMispUrl('misp.corp.test')).toEqual({ error: 'Add the scheme: https://misp.corp.test' });
    expect(checkMispUrl('https://exa mple.test').error).toBe('Not a URL');
  });

  it('refuses other schemes, credentials, and (when typed) a query or fragment', () => {
    expect(normalizeMispUrl('ftp://misp.corp.test').ok).toBe(false);
    expect(normalizeMispUrl('https://me:pw@misp.corp.test').ok).toBe(false);
    expect(normalizeMispUrl('https://misp.corp.test/?a=1').ok).toBe(false);
    expect(normalizeMispUrl('https://misp.corp.test/?a=1#x', { lenient: true })).toMatchObject({
      ok: true,
      url: 'https://misp.corp.test',
    });
    expect(normalizeMispUrl('misp.corp.test', { lenient: true })).toMatchObject({
      url: 'https://misp.corp.test',
    });
  });

  it('marks http:// to another machine as insecure, never loopback', () => {
    expect(normalizeMispUrl('http://misp.corp.test')).toMatchObject({ ok: true, insecure: true });
    expect(checkMispUrl('http://misp.corp.test').warning).toMatch(/unencrypted/);
    for (const local of ['http://localhost:8080', 'http://127.0.0.1:9', 'http://[::1]']) {
      expect(normalizeMispUrl(local)).toMatchObject({ ok: true, insecure: false });
    }
  });

  it('gives the origin a key is bound to: scheme, host and port all count', () => {
    expect(mispOrigin('https://misp.company.test/misp')).toBe('https://misp.company.test');
    expect(mispOrigin('https://misp.co')).toBe('https://misp.co');
    expect(mispOrigin('http://misp.company.test')).not.toBe(mispOrigin('https://misp.company.test'));
    expect(mispOrigin('https://misp.company.test:8443')).not.toBe(mispOrigin('https://misp.company.test'));
    expect(mispOrigin('not a url')).toBeUndefined();
  });
});
