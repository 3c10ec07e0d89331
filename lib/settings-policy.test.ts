import { describe, expect, it } from 'vitest';
import { classifySender } from './background/router';
import { splitLongText } from './content/text-walker';
import {
  applyPolicyToInstances,
  applyPolicyToPreferences,
  type MispInstance,
  sanitizePolicy,
} from './settings';

const own: MispInstance = {
  id: 'mine',
  name: 'Mine',
  url: 'https://misp.mine.example',
  apiKey: 'k'.repeat(40),
  keyOrigin: 'https://misp.mine.example',
  useForLookups: true,
  defaultForEvents: true,
};

describe('managed policy', () => {
  it('ignores malformed fields and unknown locked keys', () => {
    const policy = sanitizePolicy({
      instances: [{ url: 'https://corp.example' }, { nope: 1 }],
      lockInstances: 'yes',
      preferences: { highlightMode: 'never', cacheTtlMinutes: -5 },
      locked: ['highlightMode', 'apiKey'],
    });
    expect(policy.instances).toHaveLength(1);
    expect(policy.lockInstances).toBe(false);
    expect(policy.preferences).toEqual({ highlightMode: 'never' });
    expect(policy.locked).toEqual(['highlightMode']);
  });

  it('puts preset instances first, keeps the analyst key for them, and drops own ones when locked', () => {
    const policy = sanitizePolicy({
      instances: [{ id: 'corp', url: 'https://corp.example/' }],
      lockInstances: false,
    });
    const withOwnKey = applyPolicyToInstances(
      [{ ...own, id: 'managed-corp', apiKey: 'a'.repeat(40), keyOrigin: 'https://corp.example' }, own],
      policy,
    );
    expect(withOwnKey.map((i) => i.id)).toEqual(['managed-corp', 'mine']);
    expect(withOwnKey[0]).toMatchObject({
      url: 'https://corp.example',
      apiKey: 'a'.repeat(40),
      managed: true,
    });
    expect(withOwnKey.filter((i) => i.defaultForEvents)).toHaveLength(1);
    // The policy moves the preset to another origin: the analyst's key for the old one stays behind.
    const moved = applyPolicyToInstances(
      [{ ...own, id: 'managed-corp', apiKey: 'a'.repeat(40), keyOrigin: 'https://corp.example' }],
      sanitizePolicy({ instances: [{ id: 'corp', url: 'https://corp.example:8443' }] }),
    );
    expect(moved[0]).toMatchObject({ url: 'https://corp.example:8443', apiKey: '' });
    // A policy URL is checked like a typed one: one that does not pass is left out.
    expect(
      applyPolicyToInstances(
        [],
        sanitizePolicy({ instances: [{ url: 'corp.example' }, { url: 'ftp://x' }] }),
      ),
    ).toEqual([]);
    const locked = applyPolicyToInstances([own], { ...policy, lockInstances: true });
    expect(locked.map((i) => i.id)).toEqual(['managed-corp']);
  });

  it('locked preferences win over the analyst; presets only fill what the analyst did not choose', () => {
    const policy = sanitizePolicy({
      preferences: { highlightMode: 'never', cacheTtlMinutes: 30 },
      locked: ['highlightMode'],
    });
    const prefs = applyPolicyToPreferences({ highlightMode: 'auto', showNewMarks: true }, policy);
    expect(prefs.highlightMode).toBe('never');
    expect(prefs.cacheTtlMinutes).toBe(30);
    expect(prefs.showNewMarks).toBe(true);
    expect(applyPolicyToPreferences({ cacheTtlMinutes: 90 }, policy).cacheTtlMinutes).toBe(90);
  });
});

describe('long text nodes', () => {
  it('are cut after whitespace so no indicator is split, and cover the text exactly', () => {
    const text = 'lorem 45.133.1.2 '.repeat(2000);
    const pieces = splitLongText(text, 1000);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    for (const piece of pieces) {
      expect(piece.text.length).toBeLessThanOrEqual(1000);
      expect(text.slice(piece.offset, piece.offset + piece.text.length)).toBe(piece.text);
    }
    expect(pieces.slice(0, -1).every((p) => /\s$/.test(p.text))).toBe(true);
    expect(splitLongText('x'.repeat(2500), 1000).map((p) => p.text.length)).toEqual([1000, 1000, 500]);
  });
});

describe('sender classification', () => {
  const policy = { extensionId: 'ext', extensionOrigin: 'chrome-extension://ext/' };
  it('tells extension pages, content scripts and everybody else apart', () => {
    expect(classifySender({ id: 'ext', url: 'chrome-extension://ext/options.html' }, policy)).toBe('ui');
    expect(
      classifySender({ id: 'ext', url: 'https://a.example/', tab: { id: 3 } as never, frameId: 0 }, policy),
    ).toBe('content');
    expect(classifySender({ id: 'other', url: 'chrome-extension://ext/options.html' }, policy)).toBe(
      'foreign',
    );
    expect(classifySender({ id: 'ext', url: 'https://a.example/', tab: { id: 3 } as never }, policy)).toBe(
      'foreign',
    );
    expect(
      classifySender({ id: 'ext', url: 'https://a.example/', tab: { id: -1 } as never, frameId: 0 }, policy),
    ).toBe('foreign');
    expect(
      classifySender({ id: 'ext', url: 'chrome://settings', tab: { id: 3 } as never, frameId: 0 }, policy),
    ).toBe('foreign');
  });
});
