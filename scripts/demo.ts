/**
 * `npm run demo`: Sightline's main job on an embedded default. Builds the extension, starts the MISP
 * stand-in on 127.0.0.1 seeded with real Citizen Lab events, starts Chromium with the extension loaded and
 * connected to it, and opens a sample threat report. With `--headless` it prints what it found and what
 * MISP knows, writes a screenshot with a hover card open, and exits.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { countText } from '../lib/format/count';
import type { TabIndicators } from '../lib/messages';
import { askBackground, configureInstance, launchExtensionBrowser, tabIdOf } from '../test/e2e/browser';
import { findByRole } from '../test/e2e/cdp';
import { startPageServer } from '../test/e2e/page-server';
import { startMispSim } from '../test/misp-sim/index';
import { demoReportPage } from './demo/report';
import { ensureBrowsers } from './ensure-browsers.mjs';

const args = new Set(process.argv.slice(2));
const headless = args.has('--headless') || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const screenshotPath = resolve(process.cwd(), 'demo-screenshot.png');

type TabIndicator = TabIndicators['indicators'][number];

/** Asks the background what it found on a tab, from an extension page, as the popup does. */
async function tabIndicators(popup: Page, tabId: number): Promise<TabIndicator[]> {
  const answer = await askBackground(popup, 'tab/indicators', { tabId });
  return answer.ok ? answer.data.indicators : [];
}

async function main() {
  if (!args.has('--no-build')) {
    console.log('Building the extension…');
    execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  ensureBrowsers();
  const sim = await startMispSim({ seed: 'citizenlab' });
  const pages = await startPageServer();
  pages.setPage('/keyboy.html', demoReportPage());
  console.log(
    `MISP stand-in: ${sim.url} (key ${sim.apiKey}), seeded with ${sim.store.events.size} real events`,
  );
  if (!args.has('--headless') && headless) console.log('No display found: running headless.');
  const browser = await launchExtensionBrowser({ headless });
  await configureInstance(browser.context, { url: sim.url, apiKey: sim.apiKey, name: 'MISP stand-in' });
  const page = await browser.context.newPage();
  await page.goto(`${pages.url}/keyboy.html`);
  console.log(`Report page: ${pages.url}/keyboy.html`);

  const tabId = await tabIdOf(browser.worker, `${pages.url}/keyboy.html`);
  const popup = await browser.openExtensionPage(`popup.html?tab=${tabId}`);
  let indicators: TabIndicator[] = [];
  for (let i = 0; i < 100; i++) {
    indicators = await tabIndicators(popup, tabId);
    if (indicators.length > 0 && indicators.every((indicator) => indicator.status.status !== 'pending'))
      break;
    await new Promise((done) => setTimeout(done, 200));
  }
  const known = indicators.filter((indicator) => indicator.status.status === 'known');
  const benign = indicators.filter((indicator) => indicator.status.status === 'benign');
  console.log(
    `\nFound ${indicators.length} indicators on the page; MISP knows ${known.length}, ${benign.length} are likely benign.`,
  );
  for (const indicator of known) {
    console.log(
      `  known   ${indicator.type.padEnd(7)} ${indicator.value}  (${countText(indicator.status.eventCount ?? 0, 'event')})`,
    );
  }
  for (const indicator of indicators.filter((i) => i.status.status === 'new')) {
    console.log(`  new     ${indicator.type.padEnd(7)} ${indicator.value}`);
  }
  for (const indicator of benign) {
    console.log(`  benign  ${indicator.type.padEnd(7)} ${indicator.value}  (${indicator.status.benignList})`);
  }
  await popup.close();

  if (!headless) {
    console.log('\nChromium is open on the report: hover a highlighted indicator. Ctrl+C to stop.');
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
  } else {
    // Open the hover card on the first known C2 address for the screenshot.
    await page.bringToFront();
    const rect = await page.evaluate(() => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const at = node.data.indexOf('45.125.12[.]147');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 15);
        const box = range.getBoundingClientRect();
        return { x: box.x, y: box.y, height: box.height };
      }
      return null;
    });
    if (rect) {
      await page.mouse.move(rect.x + 4, rect.y + rect.height / 2);
      for (let i = 0; i < 50 && !(await findByRole(page, 'dialog', /^MISP matches for/)); i++)
        await page.waitForTimeout(100);
      await page.waitForTimeout(300);
    }
    await page.screenshot({ path: screenshotPath });
    console.log(`\nScreenshot: ${screenshotPath}`);
  }
  await browser.close();
  await pages.close();
  await sim.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
