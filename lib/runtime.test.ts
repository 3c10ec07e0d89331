import { describe, expect, it } from 'vitest';
import { backgroundFailureMessage } from './runtime';

describe('backgroundFailureMessage', () => {
  it('explains a background stopped mid-request, in the words Chromium and Firefox use', () => {
    for (const detail of [
      'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
      'Could not establish connection. Receiving end does not exist.',
      'The message port closed before a response was received.',
    ]) {
      expect(backgroundFailureMessage(new Error(detail))).toMatch(
        /restarted before it answered.*kept and sent/,
      );
    }
  });

  it('passes any other failure through with its detail', () => {
    expect(backgroundFailureMessage(new Error('Extension context invalidated.'))).toBe(
      "Sightline's background did not answer (Extension context invalidated.).",
    );
  });
});
