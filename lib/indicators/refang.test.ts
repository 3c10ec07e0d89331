import { describe, expect, it } from 'vitest';
import { originalEnd, originalStart, refang, refangValue, touchesEdit } from './refang';

describe('refangValue', () => {
  it.each([
    ['hxxp://evil.com', 'http://evil.com'],
    ['hXXp://evil.com', 'http://evil.com'],
    ['HXXPS://evil.com', 'https://evil.com'],
    ['hxxps://evil.com', 'https://evil.com'],
    ['fxp://evil.com', 'ftp://evil.com'],
    ['meow://evil.com', 'http://evil.com'],
    ['evil[.]com', 'evil.com'],
    ['evil(.)com', 'evil.com'],
    ['evil{.}com', 'evil.com'],
    ['evil[dot]com', 'evil.com'],
    ['evil[DOT]com', 'evil.com'],
    ['evil(dot)com', 'evil.com'],
    ['evil DOT com', 'evil.com'],
    ['evil [.] com', 'evil.com'],
    ['evil[ . ]com', 'evil.com'],
    ['evil [dot] com', 'evil.com'],
    ['http[:]//evil.com', 'http://evil.com'],
    ['hxxp[:]//evil.com', 'http://evil.com'],
    ['http[://]evil.com', 'http://evil.com'],
    ['hxxps[://]evil.com', 'https://evil.com'],
    ['http ://evil.com', 'http://evil.com'],
    ['user[at]evil.com', 'user@evil.com'],
    ['user(at)evil.com', 'user@evil.com'],
    ['user[@]evil.com', 'user@evil.com'],
    ['user [at] evil [dot] com', 'user@evil.com'],
    ['evil\\.com', 'evil.com'],
    ['1.2.3[.]4', '1.2.3.4'],
    ['1[.]2[.]3[.]4', '1.2.3.4'],
    ['hxxp://evil[.]com[/]gate.php', 'http://evil.com/gate.php'],
  ])('%s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    'The end. Then it starts.',
    'He was there (at) night',
    'a list (.) of things',
    'see [.]',
    'Use the US DOT rules.',
    'The HTTP :// thing',
    'xhttp ://a',
    'shttp://a',
  ])('leaves prose alone: %s', (text) => {
    const result = refang(text);
    // Any rewrite must not glue prose words into a dotted name.
    expect(result.text.replace(/\s/g, ' ')).not.toMatch(/\b(?:end\.then|there@night|list\.of|us\.rules)\b/i);
    if (text === 'The end. Then it starts.' || text === 'see [.]' || text === 'shttp://a')
      expect(result.text).toBe(text);
  });
});

describe('offset mapping', () => {
  it('maps refanged spans back to the original characters', () => {
    const text = 'go to hxxp://evil[.]com/x and user [at] evil [dot] org now';
    const { text: norm, edits } = refang(text);
    expect(norm).toBe('go to http://evil.com/x and user@evil.org now');
    const urlStart = norm.indexOf('http');
    const urlEnd = norm.indexOf(' and');
    expect(text.slice(originalStart(edits, urlStart), originalEnd(edits, urlEnd))).toBe(
      'hxxp://evil[.]com/x',
    );
    const mailStart = norm.indexOf('user');
    const mailEnd = norm.indexOf(' now');
    expect(text.slice(originalStart(edits, mailStart), originalEnd(edits, mailEnd))).toBe(
      'user [at] evil [dot] org',
    );
    expect(touchesEdit(edits, urlStart, urlEnd)).toBe(true);
    expect(touchesEdit(edits, 0, 5)).toBe(false);
  });

  it('is the identity when nothing is defanged', () => {
    const result = refang('plain evil.com text');
    expect(result.edits).toEqual([]);
    expect(originalStart(result.edits, 6)).toBe(6);
    expect(originalEnd(result.edits, 14)).toBe(14);
  });
});
