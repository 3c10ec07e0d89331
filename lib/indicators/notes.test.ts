import { describe, expect, it } from 'vitest';
import { noteHints, noteStatus, offeredForFiling } from './notes';

describe('how the popup speaks of a note', () => {
  it('calls a reference and a likely non-indicator by their reason, never "New"', () => {
    expect(noteStatus({ reference: 'this page’s site' })).toBe('Reference: this page’s site');
    expect(noteStatus({ unlikely: 'file name' })).toBe('Likely not an indicator: file name');
    expect(noteStatus({ decoded: 'base64' })).toBeNull();
    expect(noteStatus(undefined)).toBeNull();
  });

  it('says how a value was written', () => {
    expect(noteHints({ decoded: 'percent' })).toEqual(['decoded from a percent-encoded URL']);
    expect(noteHints({ decoded: 'hex', wildcard: true })).toEqual(['decoded from hex', 'wildcard']);
    expect(noteHints(undefined)).toEqual([]);
  });

  it('offers for filing only what is neither a reference nor likely no indicator', () => {
    expect(offeredForFiling(undefined)).toBe(true);
    expect(offeredForFiling({ decoded: 'base64' })).toBe(true);
    expect(offeredForFiling({ reference: 'x' })).toBe(false);
    expect(offeredForFiling({ unlikely: 'x' })).toBe(false);
  });
});
