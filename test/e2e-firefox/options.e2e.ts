import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MispTarget, startMispTarget } from '../e2e/misp-target';
import { type PageServer, startPageServer } from '../e2e/page-server';
import { reportPage } from '../e2e/report-pages';
import {
  countColour,
  type ExtensionGlobal,
  type FirefoxExtensionBrowser,
  launchFirefoxWithExtension,
  textBox,
} from './firefox';

/** A seeded value and how the report writes it (defanged). */
const SEEDED = { type: 'ip-dst', value: '200.234.195.91', original: '200[.]234.195.91' };
/** The border colour of a high-threat mark (lib/content/overlay.ts). */
const HIGH_THREAT_RED: [number, number, number] = [229, 57, 53];

/** A control found by role and accessible name, as a screen-reader user finds it. */
function control(page: Page, role: string, name: string): Promise<ElementHandle<Element> | null> {
  return page.waitForSelector(`::-p-aria([name="${name}"][role="${role}"])`, { timeout: 15_000 });
}

/** The page's visible text (what the analyst reads). */
function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** The text of the `status` region under "Test connection". */
function connectionStatus(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('[role="status"]')?.textContent ?? '');
}

/** Whether the report page shows a high-threat mark on `text` (read from a screenshot). */
async function markedRed(page: Page, text: string): Promise<number> {
  const box = await textBox(page, text);
  return box ? countColour(page, box, HIGH_THREAT_RED) : 0;
}

async function seed(misp: MispTarget, label: string): Promise<void> {
  const created = await misp.client.createEvent({
    info: `${misp.namePrefix} ${label}`,
    distribution: 0,
    threatLevel: 1,
    analysis: 2,
    tags: ['tlp:amber'],
    attributes: [{ type: SEEDED.type, value: SEEDED.value }],
  });
  misp.trackEvent(created.id);
}

describe('Firefox: "Grant access" from the options page, starting with no host access', () => {
  let firefox: FirefoxExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  beforeAll(async () => {
    [firefox, misp, pages] = await Promise.all([
      // As after the analyst turned host access off in about:addons (or an install that never had it).
      launchFirefoxWithExtension({ hostAccessAtInstall: false }),
      startMispTarget(),
      startPageServer(),
    ]);
    await seed(misp, 'Grant access (Firefox)');
    pages.setPage(
      '/report.html',
      reportPage('Loader report', `<p>The loader beacons to ${SEEDED.original} every hour.</p>`),
    );
  });
  afterAll(async () => {
    await Promise.all([firefox?.close(), misp?.close(), pages?.close()]);
  });

  it('says access is missing, explains "Test connection", grants only the MISP origin, then works', async () => {
    const origin = new URL(misp.url).origin;
    const page = await firefox.openExtensionPage('options.html');
    const permissions = () =>
      page.evaluate(() => (globalThis as unknown as ExtensionGlobal).browser.permissions.getAll());
    expect((await permissions()).origins ?? []).toEqual([]);

    // With no instance yet the page shows one empty editor: fill it in as the analyst does.
    expect(await control(page, 'button', 'Add MISP instance')).not.toBeNull();
    await (await control(page, 'textbox', 'Name'))!.type('Team MISP');
    await (await control(page, 'textbox', 'MISP URL'))!.type(misp.url);
    await (await control(page, 'textbox', 'API key'))!.type(misp.apiKey);
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const stored = await (globalThis as unknown as ExtensionGlobal).browser.storage.local.get([
              'instances',
            ]);
            return Array.isArray(stored.instances) ? stored.instances.length : 0;
          }),
        { timeout: 10_000 },
      )
      .toBe(1);

    await expect
      .poll(() => visibleText(page), { timeout: 10_000 })
      .toContain(`Access missing: Sightline has no access to ${origin} yet`);
    const before = misp.sim?.requests.length ?? 0;
    await (await control(page, 'button', 'Test connection'))!.click();
    await expect
      .poll(() => connectionStatus(page), { timeout: 10_000 })
      .toBe(`Sightline has no access to ${origin} yet: click “Grant access”, then test again.`);
    // The test said so without trying MISP (the browser would have blocked the request anyway).
    if (misp.sim) expect(misp.sim.requests.length).toBe(before);

    // A real click: Firefox asks, and `extensions.webextOptionalPermissionPrompts=false` answers "Allow".
    await (await control(page, 'button', 'Grant access'))!.click();
    await expect
      .poll(() => visibleText(page), { timeout: 10_000 })
      .toContain(`✓ Access granted: Sightline may reach ${origin}.`);
    expect(await visibleText(page)).not.toContain('Access missing');
    expect(await page.$('::-p-aria([name="Grant access"][role="button"])')).toBeNull();
    // Only that MISP's host, never every site.
    const granted = await permissions();
    expect(granted.origins).toEqual([`${new URL(misp.url).protocol}//${new URL(misp.url).hostname}/*`]);
    expect(granted.origins).not.toContain('<all_urls>');

    await (await control(page, 'button', 'Test connection'))!.click();
    await expect
      .poll(() => connectionStatus(page), { timeout: 20_000 })
      .toContain(
        `Connected to MISP ${misp.expected.version} as ${misp.expected.userEmail} (${misp.expected.orgName}`,
      );
    await page.close();

    // The report is served from the same host (127.0.0.1), so the grant covers the page too.
    const report = await firefox.browser.newPage();
    await report.goto(`${pages.url}/report.html`);
    await expect
      .poll(() => markedRed(report, SEEDED.original), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(10);
    await report.close();
  });
});

describe('Firefox: an organisation policy through storage.managed', () => {
  let firefox: FirefoxExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  beforeAll(async () => {
    [misp, pages] = await Promise.all([startMispTarget(), startPageServer()]);
    firefox = await launchFirefoxWithExtension({
      managedStorage: {
        instances: [{ id: 'corp', name: 'Corp MISP', url: misp.url, apiKey: misp.apiKey }],
        lockInstances: true,
        preferences: {
          highlightMode: 'auto',
          neverScan: ['intranet.corp.example'],
          cacheTtlMinutes: 30,
          showNewMarks: true,
          sightingSource: { kind: 'fixed', text: 'Corp SOC' },
        },
        locked: ['highlightMode', 'neverScan', 'cacheTtlMinutes', 'showNewMarks', 'sightingSource'],
      },
    });
    await seed(misp, 'Managed policy (Firefox)');
    pages.setPage(
      '/policy-report.html',
      reportPage('Policy report', `<p>Seen in the wild: ${SEEDED.original} (C2).</p>`),
    );
  });
  afterAll(async () => {
    await Promise.all([firefox?.close(), misp?.close(), pages?.close()]);
  });

  it('shows the preset instance locked, the key never, and no way to add instances', async () => {
    const page = await firefox.openExtensionPage('options.html');
    const managed = await page.evaluate(() =>
      (globalThis as unknown as ExtensionGlobal).browser.storage.managed.get(null),
    );
    expect(managed.lockInstances).toBe(true);

    const name = await control(page, 'textbox', 'Name');
    await expect.poll(() => name!.evaluate((node) => (node as HTMLInputElement).value)).toBe('Corp MISP');
    const url = (await control(page, 'textbox', 'MISP URL'))!;
    const key = (await control(page, 'textbox', 'API key'))!;
    const field = (handle: ElementHandle<Element>) =>
      handle.evaluate((node) => {
        const input = node as HTMLInputElement;
        const described = (input.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
        return { value: input.value, disabled: input.disabled, described, placeholder: input.placeholder };
      });
    expect(await field(name!)).toMatchObject({ disabled: true, described: expect.stringMatching(/Locked/) });
    expect(await field(url)).toMatchObject({
      value: misp.url,
      disabled: true,
      described: expect.stringContaining('🔒 Locked by your organisation'),
    });
    expect(await field(key)).toMatchObject({
      value: '',
      disabled: true,
      placeholder: 'Set by your organisation',
      described: 'Your organisation supplies the key.',
    });
    const text = await visibleText(page);
    expect(text).toContain('Your organisation presets a MISP instance and locks the list');
    expect(text).toContain('Corp MISP 🔒');
    expect(await page.$('::-p-aria([name="Add MISP instance"][role="button"])')).toBeNull();
    expect(await page.$('::-p-aria([name="Remove"][role="button"])')).toBeNull();
    expect(await page.content()).not.toContain(misp.apiKey);

    // The preset key works: "Test connection" names the key's user.
    await (await control(page, 'button', 'Test connection'))!.click();
    await expect
      .poll(() => connectionStatus(page), { timeout: 20_000 })
      .toContain(`Connected to MISP ${misp.expected.version} as ${misp.expected.userEmail}`);
    await page.close();
  });

  it('locked preferences show the policy value, are disabled with an explanation, and cannot be saved', async () => {
    const page = await firefox.openExtensionPage('options.html');
    const automatically = (await control(page, 'radio', 'Automatically'))!;
    const never = (await control(page, 'radio', 'Never'))!;
    const state = (handle: ElementHandle<Element>) =>
      handle.evaluate((node) => ({
        checked: (node as HTMLInputElement).checked,
        disabled: (node as HTMLInputElement).disabled,
      }));
    await expect.poll(() => state(automatically)).toEqual({ checked: true, disabled: true });
    expect(await state(never)).toEqual({ checked: false, disabled: true });
    await never.click();
    expect(await state(never)).toEqual({ checked: false, disabled: true });

    const sites = (await control(page, 'textbox', 'Sites never scanned'))!;
    expect(
      await sites.evaluate((node) => ({
        value: (node as HTMLTextAreaElement).value,
        disabled: (node as HTMLTextAreaElement).disabled,
        described: document.getElementById(node.getAttribute('aria-describedby') ?? '')?.textContent,
      })),
    ).toEqual({
      value: 'intranet.corp.example',
      disabled: true,
      described: '🔒 Locked by your organisation.',
    });
    // Every other locked control: the policy's value, disabled, and described as locked.
    const lockedControl = async (role: string, name: string) =>
      (await control(page, role, name))!.evaluate((node) => {
        const input = node as HTMLInputElement;
        const described = (input.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
        return {
          value: input.type === 'checkbox' || input.type === 'radio' ? input.checked : input.value,
          disabled: input.disabled,
          locked: described.includes('🔒 Locked by your organisation.'),
        };
      });
    expect(await lockedControl('checkbox', 'Mark indicators MISP does not know')).toEqual({
      value: true,
      disabled: true,
      locked: true,
    });
    expect(await lockedControl('spinbutton', 'Keep MISP answers for (minutes)')).toEqual({
      value: '30',
      disabled: true,
      locked: true,
    });
    expect(await lockedControl('textbox', 'Source text')).toMatchObject({
      value: 'Corp SOC',
      disabled: true,
    });
    expect(await lockedControl('radio', 'Fixed text')).toMatchObject({ value: true, disabled: true });
    expect((await lockedControl('radiogroup', 'Sighting source')).locked).toBe(true);
    // Not locked: still the analyst's choice.
    expect(await lockedControl('checkbox', 'Mark likely benign indicators')).toEqual({
      value: true,
      disabled: false,
      locked: false,
    });

    // Past the disabled controls, the background refuses too (a crafted message from an extension page).
    const answer = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).browser;
      return api.runtime.sendMessage({
        channel: 'sightline',
        type: 'preferences/save',
        payload: { patch: { highlightMode: 'never' } },
      });
    });
    expect(answer).toMatchObject({ ok: false, error: { message: expect.stringContaining('policy locks') } });
    await page.close();
    const reopened = await firefox.openExtensionPage('options.html');
    const again = (await control(reopened, 'radio', 'Automatically'))!;
    await expect.poll(() => state(again)).toEqual({ checked: true, disabled: true });
    await reopened.close();
  });

  it('looks values up in the preset MISP: a report page gets its mark', async () => {
    const report = await firefox.browser.newPage();
    await report.goto(`${pages.url}/policy-report.html`);
    await expect
      .poll(() => markedRed(report, SEEDED.original), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(10);
    await report.close();
  });
});
