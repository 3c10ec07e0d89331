import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, type MispInstance } from '../settings';
import { pageScanDecision } from './page-config';

const MISP = { id: 'a', name: 'MISP', url: 'https://misp.example.org' } as MispInstance;
const decide = (url: string, patch: Partial<typeof DEFAULT_PREFERENCES> = {}) =>
  pageScanDecision(url, { ...DEFAULT_PREFERENCES, ...patch }, [MISP]);

describe('whether a page is scanned, and why not', () => {
  it('names the rule that said no', () => {
    expect(decide('https://misp.example.org/events/view/3')).toMatchObject({ scan: false, why: 'misp' });
    expect(decide('chrome://settings/')).toMatchObject({ scan: false, why: 'browser-page' });
    expect(decide('about:blank')).toMatchObject({ scan: false, why: 'browser-page' });
    expect(decide('chrome-extension://abc/options.html')).toMatchObject({
      scan: false,
      why: 'extension-page',
    });
    expect(decide('moz-extension://abc/popup.html')).toMatchObject({ scan: false, why: 'extension-page' });
    expect(decide('data:text/html,hi')).toMatchObject({ scan: false, why: 'not-web' });
    expect(decide('https://news.example.org/a', { highlightMode: 'never' })).toMatchObject({
      scan: false,
      why: 'off',
    });
  });

  it('says which "Sites never scanned" entry matched', () => {
    expect(
      decide('https://intranet.corp.example/x', { neverScan: ['wiki.example', 'corp.example'] }),
    ).toEqual({
      mode: 'auto',
      scan: false,
      reason: 'in "Sites never scanned"',
      why: 'excluded',
      pattern: 'corp.example',
    });
  });

  it('scans other web pages, automatically or when asked', () => {
    expect(decide('https://news.example.org/a')).toEqual({ mode: 'auto', scan: true });
    expect(decide('http://127.0.0.1:8080/a', { highlightMode: 'ask' })).toEqual({ mode: 'ask', scan: true });
  });
});
