import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from './browser';
import { findByRole, readMarks, textRects } from './cdp';
import { useE2eEnvironment } from './fixture';
import { seedEvent, waitForKnownMarks } from './helpers';
import type { MispTarget } from './misp-target';
import type { PageServer } from './page-server';

const KNOWN = '45.133.217.10';
const UNKNOWN = '45.133.217.20';
const UNKNOWN2 = '45.133.217.30';

/** A page that plants indicators and records everything a page script can observe. */
function spyPage(first: string, second: string): string {
  return `<!doctype html><html><head><title>Planted</title><script>
  window.__records = [];
  new MutationObserver((records) => {
    for (const r of records) window.__records.push({ type: r.type, target: r.target.nodeName,
      added: [...r.addedNodes].map((n) => n.nodeName), removed: [...r.removedNodes].map((n) => n.nodeName),
      attribute: r.attributeName });
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  </script></head><body>
  <p id="a" style="font: 16px monospace">Planted: <span id="a-ioc">${first}</span> end</p>
  <p id="b" style="font: 16px monospace">Planted: <span id="b-ioc">${second}</span> end</p>
  </body></html>`;
}

/** What a page script can see of one planted indicator and of the document. */
async function observe(page: Page) {
  return page.evaluate(() => {
    const styleOf = (el: Element) => {
      const cs = getComputedStyle(el);
      return [...cs].map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    };
    const probe = (id: string) => {
      const el = document.getElementById(id)!;
      const rect = el.getBoundingClientRect();
      const x = rect.left + rect.width / 2;
      const y = rect.top + rect.height / 2;
      return {
        rect: [rect.width, rect.height],
        style: styleOf(el),
        parentStyle: styleOf(el.parentElement!),
        // Ids differ by design (a-ioc / b-ioc): compared as "id" and "parent".
        hit: document
          .elementsFromPoint(x, y)
          .map(
            (e) =>
              e.nodeName + (e === el ? '#id' : e === el.parentElement ? '#parent' : e.id ? `#${e.id}` : ''),
          ),
        attributes: [...el.attributes].map((a) => (a.name === 'id' ? 'id' : `${a.name}=${a.value}`)),
        html: el.outerHTML.replace(/\d+\.\d+\.\d+\.\d+/, 'IOC'),
      };
    };
    const host = document.documentElement.lastElementChild!;
    return {
      a: probe('a-ioc'),
      b: probe('b-ioc'),
      highlights: (CSS as unknown as { highlights?: { size: number } }).highlights?.size ?? 0,
      records: (window as unknown as { __records: unknown[] }).__records,
      html: document.documentElement.outerHTML.replace(/\d+\.\d+\.\d+\.\d+/g, 'IOC'),
      scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
      hostStyle: styleOf(host),
      hostRect: JSON.stringify(host.getBoundingClientRect()),
      hostShadow: String((host as HTMLElement).shadowRoot),
    };
  });
}

describe('a hostile page cannot tell known indicators from unknown ones', () => {
  let browser: ExtensionBrowser;
  let misp: MispTarget;
  let pages: PageServer;

  useE2eEnvironment({}, async (env) => {
    ({ browser, misp, pages } = env);
    await seedEvent(misp, 'leak suite', [{ type: 'ip-dst', value: KNOWN }]);
    pages.setPage('/planted.html', spyPage(KNOWN, UNKNOWN));
    pages.setPage('/control.html', spyPage(UNKNOWN2, UNKNOWN));
  });

  it('DOM, CSS.highlights, computed styles, hit-testing, layout and mutations look the same', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/planted.html`);
    // The mark is really there (seen through DevTools, which pages do not have).
    await waitForKnownMarks(page, 1);
    const planted = await observe(page);
    const control = await browser.context.newPage();
    await control.goto(`${pages.url}/control.html`);
    // Give the control page the same time to be scanned and looked up.
    await expect.poll(async () => (await readMarks(control)).length, { timeout: 10_000 }).toBe(0);
    await expect
      .poll(async () => (await observe(control)).records.length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const unplanted = await observe(control);
    // Within the page: the known and the unknown indicator are indistinguishable.
    const { html: htmlA, ...a } = planted.a;
    const { html: htmlB, ...b } = planted.b;
    expect(a).toEqual(b);
    expect(htmlA.replace('a-ioc', 'X')).toBe(htmlB.replace('b-ioc', 'X'));
    // Across pages: one with a known indicator looks exactly like one without.
    expect(planted.highlights).toBe(0);
    expect(planted.records).toEqual(unplanted.records);
    expect(planted.html).toBe(unplanted.html);
    expect(planted.scroll).toEqual(unplanted.scroll);
    expect(planted.hostStyle).toBe(unplanted.hostStyle);
    expect(planted.hostRect).toBe(unplanted.hostRect);
    expect(planted.hostShadow).toBe('null');
    expect(planted.a.hit[0]).toBe('SPAN#id');
    await control.close();
    await page.close();
  });

  it('synthetic events from the page open no card and write nothing to MISP', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.url}/planted.html`);
    await waitForKnownMarks(page, 1);
    const before = misp.sim?.requests.length ?? 0;
    const [target] = await textRects(page, [KNOWN]);
    await page.evaluate((box) => {
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      const el = document.getElementById('a-ioc')!;
      for (const type of ['mouseover', 'mouseenter', 'mousemove', 'pointermove']) {
        el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: y }));
        document.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: y }));
      }
      const selection = getSelection()!;
      selection.selectAllChildren(el);
      document.dispatchEvent(
        new KeyboardEvent('keydown', { bubbles: true, altKey: true, shiftKey: true, code: 'KeyM', key: 'M' }),
      );
      const host = document.documentElement.lastElementChild!;
      for (const type of ['click', 'mousedown', 'mouseup', 'keydown'])
        host.dispatchEvent(new Event(type, { bubbles: true }));
    }, target!.box);
    await page.waitForTimeout(1200);
    expect(await findByRole(page, 'dialog', `MISP matches for ${KNOWN}`)).toBeUndefined();
    if (misp.sim) {
      const writes = misp.sim.requests
        .slice(before)
        .filter((r) => /sightings|events\/add|attributes\/add/.test(r.path));
      expect(writes).toEqual([]);
    }
    // A real pointer resting on the mark does open the card (the test can fail).
    await page.mouse.move(target!.box.x + target!.box.width / 2, target!.box.y + target!.box.height / 2);
    await expect
      .poll(async () => Boolean(await findByRole(page, 'dialog', `MISP matches for ${KNOWN}`)), {
        timeout: 10_000,
      })
      .toBe(true);
    await page.close();
  });
});
