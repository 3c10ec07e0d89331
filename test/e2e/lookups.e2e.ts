import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { askBackground, tabIdOf } from './browser';
import { hoverUntilCard, overlaps, textOf, textRects } from './cdp';
import { useE2eEnvironment } from './fixture';
import { clickInCard, knownMarks } from './helpers';
import { reportPage } from './report-pages';

/**
 * What the analyst's MISP knows, shown (issue 14): URL hosts and URL forms, warninglists that
 * annotate, the instance's own lists, nothing cut short called "New", failed lookups retried.
 * Every value is unique to the run; the stand-in-only cases (faults, its request log, a list enabled
 * on it, 2,500 attributes) are skipped against a real MISP.
 */

/** Whether the page text `original` carries a mark of a known value. */
async function isMarked(page: Page, original: string): Promise<boolean> {
  const [target] = await textRects(page, [original]);
  if (!target) throw new Error(`"${original}" is not on the page`);
  return (await knownMarks(page)).some((mark) => overlaps(mark.box, target.box));
}

describe('lookups: derived values, URL forms, warninglists, complete answers', () => {
  const env = useE2eEnvironment({}, async ({ misp }) => {
    run = misp.runId.toLowerCase();
  });
  let run: string;
  let pageCounter = 0;

  async function seed(info: string, attributes: Array<{ type: string; value: string; comment?: string }>) {
    const created = await env.misp.client.createEvent({
      info: `${env.misp.namePrefix} ${info}`,
      distribution: 0,
      threatLevel: 1,
      analysis: 1,
      attributes,
    });
    env.misp.trackEvent(created.id);
    return created;
  }

  async function open(title: string, body: string): Promise<{ page: Page; url: string; tabId: number }> {
    const path = `/lookups-${++pageCounter}.html`;
    env.pages.setPage(path, reportPage(title, body));
    const page = await env.browser.context.newPage();
    const url = `${env.pages.url}${path}`;
    await page.goto(url);
    return { page, url, tabId: await tabIdOf(env.browser.worker, url) };
  }

  /** The status line the popup shows for a value (a page indicator or a derived row). */
  async function popupStatus(popup: Page, value: string): Promise<string | undefined> {
    const row = popup
      .getByRole('list', { name: 'Indicators on this page' })
      .locator('.sl-item-row', { has: popup.getByRole('checkbox', { name: value, exact: true }) });
    if ((await row.count()) === 0) return undefined;
    return (await row.locator('.sl-status').textContent())?.trim();
  }

  async function statusInPopup(tabId: number, value: string, expected: string | RegExp): Promise<Page> {
    const popup = await env.browser.openExtensionPage(`popup.html?tab=${tabId}`);
    await expect
      .poll(
        async () => {
          const status = await popupStatus(popup, value);
          if (status === undefined) await popup.reload();
          return status ?? '';
        },
        { timeout: 20_000 },
      )
      .toMatch(expected);
    return popup;
  }

  it('a URL whose host MISP holds is highlighted, the card names the host, the popup lists the host under it', async () => {
    const host = `cdn-update-${run}.com`;
    const created = await seed('known host', [{ type: 'domain', value: host, comment: 'update server' }]);
    const url = `https://${host}/gate.php`;
    const written = `hxxps://cdn-update-${run}[.]com/gate.php`;
    const { page, tabId } = await open('Host report', `<p>The loader fetched ${written} at start-up.</p>`);
    await expect.poll(() => isMarked(page, written), { timeout: 20_000 }).toBe(true);
    const card = await hoverUntilCard(page, written, url);
    await expect.poll(() => textOf(page, card.backendNodeId)).toContain(`Host ${host} is in MISP`);
    expect(await textOf(page, card.backendNodeId)).toContain('known host');
    // "Record sighting" on the URL's card sights what MISP holds: the host.
    await clickInCard(page, 'Record sighting');
    await expect
      .poll(() => textOf(page, card.backendNodeId), { timeout: 10_000 })
      .toContain('Recorded sighting in MISP');
    expect(await env.misp.client.sightingsForAttribute(created.attributes[0]!.id)).toHaveLength(1);

    const popup = await statusInPopup(tabId, url, `In MISP (1 event): host ${host}`);
    // The host is listed beneath the URL, with its own status, and can be selected on its own.
    expect(await popupStatus(popup, host)).toBe('In MISP (1 event)');
    const parts = popup.getByRole('list', { name: `Parts of ${url}` });
    const hostBox = parts.getByRole('checkbox', { name: host, exact: true });
    await hostBox.check();
    await expect
      .poll(() => popup.getByRole('combobox', { name: `MISP type for ${host}` }).inputValue())
      .toBe('domain');
    await popup.close();
    await page.close();
  });

  it('a URL MISP holds without scheme or slash is found from the page URL with both', async () => {
    const stored = `stage-${run}.net/panel/login`;
    await seed('scheme-less url', [{ type: 'url', value: stored }]);
    const written = `http://stage-${run}[.]net/panel/login/`;
    const { page, tabId } = await open('Forms report', `<p>Operators log in at ${written} daily.</p>`);
    await expect.poll(() => isMarked(page, written), { timeout: 20_000 }).toBe(true);
    const popup = await statusInPopup(tabId, `http://stage-${run}.net/panel/login/`, /^In MISP \(1 event\)$/);
    await popup.close();
    await page.close();
  });

  it('a dynamic-DNS host and a raw.githubusercontent.com URL that MISP holds are highlighted with the defaults untouched', async () => {
    const dyn = `upd-${run}.sytes.net`;
    const raw = `https://raw.githubusercontent.com/${run}/tools/main/stage.ps1`;
    await seed('platforms', [
      { type: 'hostname', value: dyn },
      { type: 'url', value: raw },
    ]);
    const dynWritten = `upd-${run}[.]sytes[.]net`;
    const rawWritten = `hxxps://raw.githubusercontent[.]com/${run}/tools/main/stage.ps1`;
    const { page, tabId } = await open(
      'Platforms report',
      `<p>C2 at ${dynWritten}; the second stage came from ${rawWritten} and the new one from upd2-${run}[.]sytes[.]net.</p>`,
    );
    await expect.poll(() => isMarked(page, dynWritten), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => isMarked(page, rawWritten), { timeout: 20_000 }).toBe(true);
    const popup = await statusInPopup(tabId, dyn, /^In MISP \(1 event\)/);
    // One MISP does not hold: looked up, not muted as likely benign, and noted.
    expect(await popupStatus(popup, `upd2-${run}.sytes.net`)).toBe('New · dynamic DNS');
    await popup.close();
    await page.close();
  });

  it("a value on a warninglist the instance enabled, which no bundled list has, shows that list's name", async () => {
    if (!env.misp.sim) return expect(env.misp.kind).toBe('real');
    const store = env.misp.sim.store;
    if (!store.availableWarninglists.includes('public-dns-v4'))
      store.availableWarninglists.push('public-dns-v4');
    store.updateWarninglists();
    for (const list of store.warninglists.values()) {
      if (list.name === 'List of known IPv4 public DNS resolvers') list.enabled = true;
    }
    const { page, tabId } = await open(
      'Resolver report',
      '<p>The implant resolved through 9.9.9[.]9 only.</p>',
    );
    const popup = await statusInPopup(
      tabId,
      '9.9.9.9',
      'Likely benign (List of known IPv4 public DNS resolvers)',
    );
    await popup.close();
    // The options page says which lists are used.
    const options = await env.browser.openExtensionPage('options.html');
    const lists = options.getByRole('list', { name: 'Warninglists of Stand-in MISP' });
    await expect
      .poll(() => lists.textContent(), { timeout: 15_000 })
      .toContain('List of known IPv4 public DNS resolvers');
    expect(await options.getByRole('list', { name: 'Bundled warninglists' }).textContent()).toContain(
      'Top 10K most-used sites from Tranco',
    );
    await options.close();
    await page.close();
  });

  it('a chunk whose attribute budget runs out leaves no value cached as a miss', async () => {
    if (!env.misp.sim) return expect(env.misp.kind).toBe('real');
    const sim = env.misp.sim;
    // 2,500 attributes of one value come first in MISP's answer and fill a chunk's 4 pages…
    const popular = `185.${(pageCounter % 200) + 20}.25.9`;
    const common = await seed('very common value', [{ type: 'ip-dst', value: popular }]);
    const template = sim.store.attributesOf(Number(common.id))[0]!;
    for (let i = 0; i < 2500; i++)
      sim.store.insertAttribute({ ...template, id: undefined, uuid: crypto.randomUUID() });
    // …and a value stored after them would be beyond the budget.
    const later = `late-${run}.org`;
    await seed('stored later', [{ type: 'domain', value: later }]);
    const others = Array.from({ length: 20 }, (_, i) => `other-${i}-${run}[.]org`);
    sim.clearRequests();
    const { page, tabId } = await open(
      'Planted report',
      `<p>Scanner ${popular.replace('.', '[.]')} again; ${others.join(', ')}; and late-${run}[.]org.</p>`,
    );
    await expect.poll(() => isMarked(page, `late-${run}[.]org`), { timeout: 30_000 }).toBe(true);
    const popup = await statusInPopup(tabId, popular, 'In MISP (2,000+ attributes)');
    expect(await popupStatus(popup, later)).toBe('In MISP (1 event)');
    expect(await popupStatus(popup, `other-3-${run}.org`)).toBe('New');
    await popup.close();
    const valueSearches = () =>
      sim.requests.filter(
        (request) =>
          request.path.startsWith('/attributes/restSearch') &&
          Array.isArray((request.body as { value?: unknown }).value),
      );
    // The chunk (4 pages), the popular value alone (4 pages, capped) and the rest (1 page).
    const asked = valueSearches().map((request) => (request.body as { value: string[] }).value.length);
    expect(asked.filter((n) => n === 1)).toHaveLength(4);
    // Every answer was complete and cached: a revisit asks MISP nothing.
    sim.clearRequests();
    await page.reload();
    await expect.poll(() => isMarked(page, `late-${run}[.]org`), { timeout: 20_000 }).toBe(true);
    expect(valueSearches()).toHaveLength(0);
    await page.close();
  });

  it('a lookup that failed is asked again in the background, and the page and the popup update without a reload', async () => {
    if (!env.misp.sim) return expect(env.misp.kind).toBe('real');
    const value = `retry-${run}.info`;
    await seed('asked again', [{ type: 'domain', value }]);
    env.misp.sim.setFault({ kind: 'down', pathPrefix: '/attributes/restSearch' });
    const written = `retry-${run}[.]info`;
    const { page, tabId } = await open('Retry report', `<p>Beacon to ${written} every minute.</p>`);
    const popup = await statusInPopup(tabId, value, /^Lookup failed: .*\(asking again\)$/);
    expect(await isMarked(page, written)).toBe(false);
    env.misp.sim.setFault(null);
    await expect.poll(() => isMarked(page, written), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => popupStatus(popup, value), { timeout: 15_000 }).toBe('In MISP (1 event)');
    const answer = await askBackground(popup, 'tab/indicators', { tabId });
    expect(answer.ok && answer.data.problems).toEqual([]);
    await popup.close();
    await page.close();
  });
});
