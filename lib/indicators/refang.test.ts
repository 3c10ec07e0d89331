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

describe('refangValue: uneven and unusual defangs, family by family', () => {
  it.each([
    ['bad-host[.site', 'bad-host.site'],
    ['bad-host.]site', 'bad-host.site'],
    ['172.68.4.]]]19', '172.68.4.19'],
    ['45.77[.]]3.8', '45.77.3.8'],
    ['c2[[.]]bad-host.site', 'c2.bad-host.site'],
    ['mail].[bad-host.site', 'mail.bad-host.site'],
  ])('unbalanced or doubled brackets: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['drop(.)site', 'drop.site'],
    ['drop{.}site', 'drop.site'],
    ['drop[.]site', 'drop.site'],
    ['drop.site(/)k.php', 'drop.site/k.php'],
    ['drop.site[/]k.php', 'drop.site/k.php'],
    ['drop.site{/}k.php', 'drop.site/k.php'],
    ['10.9.8.7[:]8443', '10.9.8.7:8443'],
  ])('bracket styles around a dot, slash or colon: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['drop[dot]site', 'drop.site'],
    ['drop(dot)site', 'drop.site'],
    ['drop {dot} site', 'drop.site'],
    ['drop DOT site', 'drop.site'],
    ['drop[punkt]site', 'drop.site'],
    ['drop(punkt)site', 'drop.site'],
    ['drop[punto]site', 'drop.site'],
  ])('words for the dot: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['bad[-]host.site', 'bad-host.site'],
    ['bad-host[-].site', 'bad-host.site'],
    ['bad-host^.site', 'bad-host.site'],
    ['bad-host\\.site', 'bad-host.site'],
  ])('inserted characters: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['hxxp://drop.site/a', 'http://drop.site/a'],
    ['HXXPS://drop.site/a', 'https://drop.site/a'],
    ['hxxts://drop.site/a', 'https://drop.site/a'],
    ['h**p://drop.site/a', 'http://drop.site/a'],
    ['h**ps://drop.site/a', 'https://drop.site/a'],
    ['http[:]//drop.site/a', 'http://drop.site/a'],
    ['https[://]drop.site/a', 'https://drop.site/a'],
    ['http(:)//drop.site/a', 'http://drop.site/a'],
    ['http__drop.site/a', 'http://drop.site/a'],
    ['http:\\\\drop.site/a', 'http://drop.site/a'],
    ['https:/drop.site/a', 'https://drop.site/a'],
    ['http:///drop.site/a', 'http://drop.site/a'],
    ['hxxp ://drop.site/a', 'http://drop.site/a'],
    ['fxp://drop.site/a', 'ftp://drop.site/a'],
  ])('scheme forms: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['ops[at]bad-host.site', 'ops@bad-host.site'],
    ['ops(at)bad-host.site', 'ops@bad-host.site'],
    ['ops[@]bad-host.site', 'ops@bad-host.site'],
    ['ops AT bad-host.site', 'ops@bad-host.site'],
    ['ops(arroba)bad-host.site', 'ops@bad-host.site'],
    ['ops [arroba] bad-host [punto] site', 'ops@bad-host.site'],
    ['ops[ET]bad-host.site', 'ops@bad-host.site'],
    ['ops(at)bad-host(punkt)site', 'ops@bad-host.site'],
  ])('e-mail words: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    ['ops @ bad-host.site', 'ops@bad-host.site'],
    ['ops@ bad-host.site', 'ops@bad-host.site'],
    ['ops @bad-host.site', 'ops@bad-host.site'],
    ['bad-host . site', 'bad-host.site'],
    ['mail.bad-host . com', 'mail.bad-host.com'],
  ])('spaces around the at or the dot: %s → %s', (defanged, refanged) => {
    expect(refangValue(defanged)).toBe(refanged);
  });

  it.each([
    'The end . Then it starts.',
    'It costs 5 . 99 today',
    'a dot on the map at night',
    'Points (point) taken',
    'see C:/Windows and a__b and file:/x',
    'x := y and a:\\\\b',
    'array[i].length',
    'Write to me @ the office',
  ])('leaves the look-alikes alone: %s', (text) => {
    expect(refangValue(text)).toBe(text);
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
