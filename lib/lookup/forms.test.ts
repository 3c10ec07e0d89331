import { describe, expect, it } from 'vitest';
import { lookupPlan, urlForms } from './forms';

describe('urlForms', () => {
  it('with and without the scheme, with and without one trailing slash, as written first', () => {
    expect(urlForms('http://x.example.com/a/')).toEqual([
      'http://x.example.com/a/',
      'http://x.example.com/a',
      'x.example.com/a/',
      'x.example.com/a',
    ]);
    expect(urlForms('https://www.evil.site/gate.php')).toEqual([
      'https://www.evil.site/gate.php',
      'https://www.evil.site/gate.php/',
      'www.evil.site/gate.php',
      'www.evil.site/gate.php/',
    ]);
  });

  it('a URL written without a scheme is also tried with http:// and https://', () => {
    expect(urlForms('evil.site/x.php')).toEqual([
      'evil.site/x.php',
      'evil.site/x.php/',
      'http://evil.site/x.php',
      'http://evil.site/x.php/',
      'https://evil.site/x.php',
      'https://evil.site/x.php/',
    ]);
  });

  it('keeps the end of a URL with a query or fragment, and www. as written', () => {
    expect(urlForms('https://www.evil.site/a?id=1')).toEqual([
      'https://www.evil.site/a?id=1',
      'www.evil.site/a?id=1',
    ]);
    expect(urlForms('https://www.evil.site/a#x').every((form) => form.includes('www.'))).toBe(true);
  });
});

describe('lookupPlan', () => {
  it('a URL: its forms and its host, each once; the bare host counts as the host', () => {
    expect(lookupPlan('url', 'http://cdn-update.site/')).toEqual([
      { value: 'http://cdn-update.site/', role: 'self', kind: 'url' },
      { value: 'http://cdn-update.site', role: 'form', kind: 'url' },
      { value: 'cdn-update.site/', role: 'form', kind: 'url' },
      { value: 'cdn-update.site', role: 'host', kind: 'domain' },
    ]);
  });

  it('a URL with a port adds host:port', () => {
    expect(lookupPlan('url', 'http://203.0.113.200:8443/a').map((p) => `${p.role} ${p.value}`)).toEqual([
      'self http://203.0.113.200:8443/a',
      'form http://203.0.113.200:8443/a/',
      'form 203.0.113.200:8443/a',
      'form 203.0.113.200:8443/a/',
      'host 203.0.113.200',
      'host-port 203.0.113.200:8443',
    ]);
  });

  it('an e-mail address: itself and its domain; other kinds: themselves', () => {
    expect(lookupPlan('email', 'bad@mail-drop.site')).toEqual([
      { value: 'bad@mail-drop.site', role: 'self', kind: 'email' },
      { value: 'mail-drop.site', role: 'domain', kind: 'domain' },
    ]);
    expect(lookupPlan('domain', 'sub.evil.site')).toEqual([
      { value: 'sub.evil.site', role: 'self', kind: 'domain' },
    ]);
  });
});
