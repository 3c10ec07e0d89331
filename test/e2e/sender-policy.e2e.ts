import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { askBackground, type ExtensionBrowser, tabIdOf } from './browser';
import { useE2eEnvironment } from './fixture';
import { evaluateInContentWorld, seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

type Answer = {
  ok: boolean;
  data?: {
    matches?: Array<{ instanceId: string; attribute: { id: string } }>;
    instances?: Array<{ url: string }>;
  };
  error?: { kind: string; message: string };
};

/**
 * Issue 13.4: a content script (here: code run in its world, as a compromised one would) may act only
 * on its own frame's values and the attributes its cards were shown, at a bounded rate; it gets no
 * internal error text; the background takes the page's URL from the browser, not from the payload.
 */
describe('a content script asks only about its own page', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;
  const ON_PAGE = '45.133.219.31';
  /** Known to MISP, but on no page the content script runs in. */
  const ELSEWHERE = '45.133.219.77';

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'sender policy', [
      { type: 'ip-dst', value: ON_PAGE },
      { type: 'ip-dst', value: ELSEWHERE },
    ]);
    pages.setPage('/own.html', `<!doctype html><title>Own page</title><p>Seen: ${ON_PAGE}</p>`);
  });

  async function send(page: Page, type: string, payload: unknown): Promise<Answer> {
    return evaluateInContentWorld<Answer>(
      page,
      browser.extensionId,
      `chrome.runtime.sendMessage(${JSON.stringify({ channel: 'sightline', type, payload })})`,
    );
  }

  async function openOwnPage() {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/own.html`);
    await waitForKnownMarks(page, 1);
    return page;
  }

  it('matches and sightings only for its own values; history only for attributes it was shown', async () => {
    const page = await openOwnPage();
    const foreign = await send(page, 'card/matches', { value: ELSEWHERE });
    expect(foreign).toEqual({
      ok: false,
      error: { kind: 'input', message: 'Sightline did not find this value on this page.' },
    });
    const own = await send(page, 'card/matches', { value: ON_PAGE });
    expect(own.ok).toBe(true);
    const attributeId = own.data?.matches?.[0]?.attribute.id;
    expect(attributeId).toBeTruthy();
    const instanceId = own.data?.matches?.[0]?.instanceId ?? '';

    const before = misp.sim?.requests.filter((r) => r.path.startsWith('/sightings/add')).length ?? 0;
    const sighting = await send(page, 'sightings/record', { values: [ELSEWHERE], type: 0 });
    expect(sighting.ok).toBe(false);
    expect(misp.sim?.requests.filter((r) => r.path.startsWith('/sightings/add')).length ?? 0).toBe(before);

    const notShown = await send(page, 'sightings/history', { instanceId, attributeId: '999999' });
    expect(notShown.ok).toBe(false);
    const shown = await send(page, 'sightings/history', { instanceId, attributeId });
    expect(shown.ok).toBe(true);
    await page.close();
  });

  it('MISP failing: the content script gets a sentence, never the MISP address', async () => {
    const page = await openOwnPage();
    const own = await send(page, 'card/matches', { value: ON_PAGE });
    const match = own.data?.matches?.[0];
    misp.sim?.setFault({ kind: 'down', pathPrefix: '/sightings' });
    try {
      const failed = await send(page, 'sightings/history', {
        instanceId: match?.instanceId,
        attributeId: match?.attribute.id,
      });
      expect(failed.ok).toBe(false);
      expect(failed.error?.message).not.toContain(new URL(misp.url).host);
      expect(failed.error?.message).toBe('MISP could not be reached: try again later.');
    } finally {
      misp.sim?.setFault(null);
    }
    await page.close();
  });

  it('sightings from one tab are rate limited; other tabs keep their own budget', async () => {
    const flooding = await openOwnPage();
    const answers: Answer[] = [];
    for (let i = 0; i < 25; i++)
      answers.push(await send(flooding, 'sightings/record', { values: [ON_PAGE], type: 0 }));
    const limited = answers.filter((answer) => answer.error?.kind === 'rate-limited');
    expect(answers.filter((answer) => answer.ok)).toHaveLength(20);
    expect(limited).toHaveLength(5);
    const other = await openOwnPage();
    expect((await send(other, 'sightings/record', { values: [ON_PAGE], type: 0 })).ok).toBe(true);
    await Promise.all([flooding.close(), other.close()]);
  });

  it('the page URL the background keeps is the frame’s own, not the one in the payload', async () => {
    const page = await openOwnPage();
    await send(page, 'page/indicators', {
      url: 'https://spoofed.example/claimed',
      title: 'Spoofed',
      indicators: [{ type: 'ipv4', value: ON_PAGE, original: ON_PAGE, count: 1 }],
    });
    const options = await browser.openExtensionPage('options.html');
    const tabId = await tabIdOf(browser.worker, `${pages.url}/own.html`);
    const summary = await askBackground(options, 'tab/indicators', { tabId });
    expect(summary.ok && summary.data.url).toBe(`${pages.url}/own.html`);
    // A frame claiming MISP's own address is judged by its real URL too: its page is scanned.
    const config = await send(page, 'page/config', { url: `${misp.url}/events/index` });
    expect(config.ok && (config.data as unknown as { scan: boolean }).scan).toBe(true);
    await Promise.all([page.close(), options.close()]);
  });
});
