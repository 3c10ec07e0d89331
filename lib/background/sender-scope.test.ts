import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';
import { createMessageListener } from './router';
import { CONTENT_RATE_LIMITS, errorForContentScript, SenderScope } from './sender-scope';

const report = (values: string[]) => ({
  frames: {
    '0': {
      url: 'https://blog.test/post',
      title: 'Post',
      indicators: values.map((value) => ({
        type: 'ipv4' as const,
        value,
        original: value,
        count: 1,
        status: { status: 'new' as const },
      })),
      updatedAt: 0,
    },
  },
});

describe('rate limits per key', () => {
  it('allows `limit` uses in any window, then none until the window has passed', () => {
    let now = 0;
    const limit = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3, 4].map(() => limit.take('7:'))).toEqual([true, true, true, false]);
    expect(limit.take('8:')).toBe(true);
    now = 59_999;
    expect(limit.take('7:')).toBe(false);
    now = 60_000;
    expect(limit.take('7:')).toBe(true);
    limit.forget('7:');
    expect([1, 2, 3].every(() => limit.take('7:'))).toBe(true);
  });

  it('keeps at most maxKeys keys, so a flood of keys cannot grow it', () => {
    const limit = new RateLimiter(1, 60_000, () => 0, 10);
    for (let i = 0; i < 100; i++) limit.take(`${i}:`);
    // The oldest keys were dropped: their budget starts afresh.
    expect(limit.take('0:')).toBe(true);
    expect(limit.take('99:')).toBe(false);
  });
});

describe('what a content script may ask about', () => {
  it('its own frame’s reported values and the values it looked up, nothing else', async () => {
    const scope = new SenderScope({ get: async (tabId) => (tabId === 1 ? report(['45.1.1.1']) : undefined) });
    expect(await scope.ownsValues(1, 0, ['45.1.1.1'])).toBe(true);
    expect(await scope.ownsValues(1, 0, ['45.9.9.9'])).toBe(false);
    expect(await scope.ownsValues(1, 3, ['45.1.1.1'])).toBe(false);
    expect(await scope.ownsValues(2, 0, ['45.1.1.1'])).toBe(false);
    scope.noteAsked(1, 3, ['selected.test']);
    expect(await scope.ownsValues(1, 3, ['selected.test'])).toBe(true);
    expect(await scope.ownsValues(1, 0, ['selected.test'])).toBe(false);
    for (let i = 0; i < 150; i++) scope.noteAsked(1, 3, [`v${i}.test`]);
    expect(await scope.ownsValues(1, 3, ['selected.test'])).toBe(false);
  });

  it('attribute ids its own tab’s cards were shown', () => {
    const scope = new SenderScope({ get: async () => undefined });
    scope.noteShown(1, [{ instanceId: 'a', attributeId: '42' }]);
    expect(scope.wasShown(1, 'a', '42')).toBe(true);
    expect(scope.wasShown(1, 'b', '42')).toBe(false);
    expect(scope.wasShown(2, 'a', '42')).toBe(false);
    scope.forgetTab(1);
    expect(scope.wasShown(1, 'a', '42')).toBe(false);
  });

  it('at a bounded rate per tab', () => {
    const scope = new SenderScope({ get: async () => undefined }, () => 0);
    const allowed = Array.from({ length: 30 }, () => scope.allow('sightings', 5)).filter(Boolean);
    expect(allowed).toHaveLength(CONTENT_RATE_LIMITS.sightings);
    expect(scope.allow('sightings', 6)).toBe(true);
  });
});

describe('budgets per tab', () => {
  it('counts characters to extract: four full-size requests a minute, then none', () => {
    const scope = new SenderScope({ get: async () => undefined }, () => 0);
    const size = CONTENT_RATE_LIMITS.extractChars / 4;
    expect([1, 2, 3, 4, 5].map(() => scope.allow('extractChars', 1, size))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(scope.allow('extractChars', 2, size)).toBe(true);
  });

  it('a tab over its message budget is dropped by the router, another tab is not', async () => {
    let admitted = 0;
    const listener = createMessageListener(
      { 'preferences/get': async () => ({ ok: false, error: { kind: 'input', message: 'x' } }) } as never,
      { extensionId: 'ext', extensionOrigin: 'chrome-extension://ext/' },
      { warn() {} } as unknown as Console,
      {
        admit: (sender) => sender.tab?.id !== 1 || admitted++ < 2,
        error: errorForContentScript,
      },
    );
    const message = { channel: 'sightline', type: 'preferences/get', payload: {} };
    const from = (tab: number) => ({
      id: 'ext',
      url: 'https://blog.test/',
      tab: { id: tab } as never,
      frameId: 0,
    });
    expect(await listener(message, from(1))).toBeDefined();
    expect(await listener(message, from(1))).toBeDefined();
    expect(listener(message, from(1))).toBeUndefined();
    expect(await listener(message, from(2))).toBeDefined();
  });
});

describe('errors a content script sees', () => {
  it('never carry internal detail: the MISP address, an e-mail, a stack', () => {
    const leaks = [
      { kind: 'unreachable', message: 'Could not reach MISP at https://misp.corp.test/sightings/add' },
      { kind: 'permission', message: 'Your MISP key (ana@corp.test, role User) may not record sightings' },
      { kind: 'internal', message: 'TypeError: x is undefined at lib/background/handlers.ts:12' },
    ];
    for (const error of leaks) {
      const shown = errorForContentScript(error);
      expect(shown.kind).toBe(error.kind);
      expect(shown.message).not.toMatch(/misp\.corp|ana@|TypeError|handlers/);
    }
    expect(errorForContentScript({ kind: 'input', message: 'MISP does not know this value.' }).message).toBe(
      'MISP does not know this value.',
    );
  });

  it('the router applies it to every failed answer to a content script, and only to those', async () => {
    const policy = { extensionId: 'ext', extensionOrigin: 'chrome-extension://ext/' };
    const listener = createMessageListener(
      {
        'sightings/permission': async () => {
          throw new Error('secret detail https://misp.corp.test');
        },
      },
      policy,
      { warn() {} } as unknown as Console,
      { admit: () => true, error: errorForContentScript },
    );
    const message = { channel: 'sightline', type: 'sightings/permission', payload: {} };
    const content = await listener(message, {
      id: 'ext',
      url: 'https://blog.test/',
      tab: { id: 3 } as never,
      frameId: 0,
    });
    expect(JSON.stringify(content)).not.toContain('misp.corp.test');
    expect(content).toEqual({
      ok: false,
      error: { kind: 'internal', message: 'Sightline could not do that just now.' },
    });
    const page = await listener(message, { id: 'ext', url: 'chrome-extension://ext/popup.html' });
    expect(JSON.stringify(page)).toContain('secret detail');
  });
});
