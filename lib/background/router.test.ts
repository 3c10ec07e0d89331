import { describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { envelope } from '../messages';
import { MispError } from '../misp';
import { InstanceInputError } from './instances';
import { createMessageListener, type Handlers } from './router';

const policy = { extensionId: 'sightline-id', extensionOrigin: 'chrome-extension://sightline-id/' };
const fromPopup: Browser.runtime.MessageSender = {
  id: 'sightline-id',
  url: 'chrome-extension://sightline-id/popup.html',
};
const quiet = { warn: () => {} } as unknown as Console;

async function answerWhenThrowing(error: unknown) {
  const handlers: Handlers = {
    'events/recent': async () => {
      throw error;
    },
  };
  const listener = createMessageListener(handlers, policy, quiet);
  return listener(envelope('events/recent', { info: '' }), fromPopup);
}

describe('the router maps thrown errors once', () => {
  it("keeps MISP's kind, message and field errors (details)", async () => {
    const error = new MispError('validation', 'MISP rejected the data: Event.info: must not be empty', {
      fieldErrors: ['Event.info: must not be empty'],
    });
    expect(await answerWhenThrowing(error)).toEqual({
      ok: false,
      error: {
        kind: 'validation',
        message: 'MISP rejected the data: Event.info: must not be empty',
        details: ['Event.info: must not be empty'],
      },
    });
  });

  it('names a MISP error without field errors by its kind, with no details', async () => {
    const answer = await answerWhenThrowing(new MispError('key-rejected', 'API key rejected by MISP'));
    expect(answer).toEqual({
      ok: false,
      error: { kind: 'key-rejected', message: 'API key rejected by MISP' },
    });
  });

  it("says what the analyst typed wrong, and names the message of Sightline's own failures", async () => {
    expect(await answerWhenThrowing(new InstanceInputError('Not a URL'))).toEqual({
      ok: false,
      error: { kind: 'input', message: 'Not a URL' },
    });
    expect(await answerWhenThrowing(new Error('boom'))).toEqual({
      ok: false,
      error: { kind: 'internal', message: 'Sightline failed to handle events/recent: boom' },
    });
  });
});
