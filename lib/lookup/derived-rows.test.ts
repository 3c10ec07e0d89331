import { describe, expect, it } from 'vitest';
import { withDerivedRows } from './derived-rows';

describe('withDerivedRows', () => {
  it("lists a URL's host and an e-mail's domain after the items, with their status and origin", () => {
    const rows = withDerivedRows([
      {
        type: 'url',
        value: 'https://cdn-update.site/gate.php',
        original: 'hxxps://cdn-update[.]site/gate.php',
        count: 2,
        status: {
          status: 'known',
          eventCount: 1,
          via: [{ part: 'host', value: 'cdn-update.site' }],
          parts: [
            {
              part: 'host',
              kind: 'domain',
              value: 'cdn-update.site',
              status: 'known',
              eventCount: 1,
              threatLevel: 1,
            },
          ],
        },
      },
      {
        type: 'email',
        value: 'ops@mail-drop.site',
        original: 'ops@mail-drop.site',
        count: 1,
        status: {
          status: 'new',
          parts: [{ part: 'domain', kind: 'domain', value: 'mail-drop.site', status: 'new' }],
        },
      },
    ]);
    expect(rows.slice(2)).toEqual([
      {
        type: 'domain',
        value: 'cdn-update.site',
        original: 'cdn-update.site',
        count: 1,
        status: { status: 'known', eventCount: 1, threatLevel: 1 },
        derivedFrom: { value: 'https://cdn-update.site/gate.php', part: 'host' },
      },
      {
        type: 'domain',
        value: 'mail-drop.site',
        original: 'mail-drop.site',
        count: 1,
        status: { status: 'new' },
        derivedFrom: { value: 'ops@mail-drop.site', part: 'domain' },
      },
    ]);
  });

  it("a derived value that is on the page itself is listed once, as the page's", () => {
    const rows = withDerivedRows([
      {
        type: 'domain',
        value: 'cdn-update.site',
        original: 'cdn-update.site',
        count: 1,
        status: { status: 'new' },
      },
      {
        type: 'url',
        value: 'https://cdn-update.site/a',
        original: 'https://cdn-update.site/a',
        count: 1,
        status: {
          status: 'new',
          parts: [{ part: 'host', kind: 'domain', value: 'cdn-update.site', status: 'new' }],
        },
      },
    ]);
    expect(rows).toHaveLength(2);
  });
});
