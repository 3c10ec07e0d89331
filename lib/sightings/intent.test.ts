import { describe, expect, it } from 'vitest';
import { SightingIntent } from './intent';

describe('a sighting’s client key, made where the analyst clicked', () => {
  it('is the same for a click repeated after the background gave no answer, new after an answer', () => {
    const intent = new SightingIntent();
    const first = intent.keyFor('["45.1.1.1",0]');
    intent.answered({ ok: false, error: { kind: 'extension' } });
    expect(intent.keyFor('["45.1.1.1",0]')).toBe(first);
    intent.answered({ ok: true });
    const next = intent.keyFor('["45.1.1.1",0]');
    expect(next).not.toBe(first);
    expect(intent.keyFor('["45.1.1.1",1]')).not.toBe(next);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
  });
});
