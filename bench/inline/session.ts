/**
 * One measured visit of the generated report in Chromium with the built extension: a trace from
 * navigation until the marks are drawn, the JS heap afterwards, the MISP requests it caused.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../test/e2e/browser';
import { analyseTrace, startTrace, type TaskSummary } from './trace';

interface DescribedNode {
  localName?: string;
  attributes?: string[];
  childNodeCount?: number;
  children?: DescribedNode[];
  shadowRoots?: DescribedNode[];
}

/** How many mark elements the overlay's closed shadow root holds (-1: no overlay on the page). */
export async function markCount(session: CDPSession): Promise<number> {
  const { result } = (await session.send('Runtime.evaluate', {
    expression: "document.querySelector('sightline-overlay')",
  })) as { result: { objectId?: string } };
  if (!result.objectId) return -1;
  try {
    const { node } = (await session.send('DOM.describeNode', {
      objectId: result.objectId,
      depth: 2,
      pierce: true,
    })) as { node: DescribedNode };
    const layer = node.shadowRoots?.[0]?.children?.find((child) => {
      const attrs = child.attributes ?? [];
      return attrs[attrs.indexOf('class') + 1] === 'layer';
    });
    return layer?.childNodeCount ?? 0;
  } finally {
    await session.send('Runtime.releaseObject', { objectId: result.objectId });
  }
}

export interface VisitResult {
  tasks: TaskSummary;
  marks: number;
  /** JS heap of the page's renderer after a forced GC (bytes), Performance.getMetrics JSHeapUsedSize. */
  heapUsed: number;
  /** Runtime.getHeapUsage usedSize after the same GC (bytes). */
  runtimeHeapUsed: number;
  /** Wall time from navigation until the marks were stable (ms). */
  settledMs: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Opens a new tab, traces a navigation to `url` and waits until the marks have been drawn and stayed
 * unchanged for `quietMs` (or, with `expectMarks: false`, until load plus `quietMs`).
 */
export async function measureVisit(
  browser: ExtensionBrowser,
  url: string,
  options: { expectMarks: boolean; quietMs?: number; timeoutMs?: number },
): Promise<VisitResult & { page: Page }> {
  const quietMs = options.quietMs ?? 1500;
  const page = await browser.context.newPage();
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const stop = await startTrace(session);
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  let settledAt = Date.now();
  if (options.expectMarks) {
    let last = -2;
    let lastChange = Date.now();
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const count = await markCount(session);
      if (count !== last) {
        last = count;
        lastChange = Date.now();
      } else if (count > 0 && Date.now() - lastChange >= quietMs) break;
      if (Date.now() > deadline)
        throw new Error(`No stable marks after ${options.timeoutMs ?? 60_000} ms (last count ${count}).`);
      await sleep(50);
    }
    settledAt = lastChange;
  } else {
    await sleep(quietMs);
  }
  const events = await stop();
  if (process.env.BENCH_INLINE_HOT) {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    process.stderr.write(
      `trace events: ${[...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([n, c]) => `${n}=${c}`)
        .join(' ')}\n`,
    );
  }
  const contentScriptUrl = `chrome-extension://${browser.extensionId}/content-scripts/content.js`;
  const tasks = analyseTrace(events, {
    contentScriptUrl,
    extensionOrigin: `chrome-extension://${browser.extensionId}/`,
    pageUrl: url,
  });
  await session.send('HeapProfiler.collectGarbage');
  const { metrics } = (await session.send('Performance.getMetrics')) as {
    metrics: Array<{ name: string; value: number }>;
  };
  const { usedSize } = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
  const marks = await markCount(session);
  await session.detach();
  return {
    page,
    tasks,
    marks,
    heapUsed: metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0,
    runtimeHeapUsed: usedSize,
    settledMs: settledAt - started,
  };
}
