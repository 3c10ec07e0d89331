// Renders public/icon/sightline.svg to the PNG sizes the stores and browsers ask for
// (16, 32, 48, 96, 128 px) with the Chromium the end-to-end tests use. Run after editing the SVG:
//   node scripts/render-icons.mjs
// The PNGs are committed, so builds never need a browser.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ICON_DIR = resolve(import.meta.dirname, '../public/icon');
const SIZES = [16, 32, 48, 96, 128];
const svg = readFileSync(resolve(ICON_DIR, 'sightline.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace('width="128" height="128"', `width="${size}" height="${size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    writeFileSync(resolve(ICON_DIR, `${size}.png`), png);
    console.log(`public/icon/${size}.png`);
  }
} finally {
  await browser.close();
}
