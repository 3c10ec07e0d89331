import { browser } from 'wxt/browser';
import type { PageIndicator } from '../../indicators/page-indicators';
import { PDF_LIMITS } from '../../pdf/extract';
import { fetchPdf, looksLikePdfUrl } from '../../pdf/fetch';
import { documentIndicators } from '../../pdf/indicators';
import { getPdf, putPdf, tabPdfKey } from '../../pdf/store';
import { readPdfText } from '../../pdf/text-host';
import { loadInstances, loadPreferences } from '../../settings';
import { updateBadge } from '../badge';
import { pageScanDecision } from '../page-config';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { PDF_FRAME_ID } from '../tabs';

/** Whether the tab shows a PDF under another name: the server says so (a HEAD, no body). */
async function servedAsPdf(url: string): Promise<boolean> {
  if (!/^https?:/i.test(url)) return false;
  try {
    const response = await fetch(url, { method: 'HEAD', credentials: 'include' });
    return /^application\/(pdf|x-pdf)\b/i.test(response.headers.get('content-type') ?? '');
  } catch {
    return false;
  }
}

/**
 * The PDF's indicators with their current statuses, as the tab's report (and badge). True while
 * some lookups are still under way (checking, or failed and asked again).
 */
async function reportPdf(
  { lookups, tabs }: BackgroundServices,
  tabId: number,
  page: { url: string; title: string; indicators: readonly PageIndicator[] },
): Promise<boolean> {
  const indicators = page.indicators.map(({ type, value, original, count }) => ({
    type,
    value,
    original,
    count,
  }));
  const statuses = await lookups.statuses(tabId, indicators);
  const reported = indicators.map((indicator) => ({
    ...indicator,
    status: statuses[indicator.value] ?? { status: 'pending' as const },
  }));
  await tabs.setFrame(tabId, PDF_FRAME_ID, {
    url: page.url,
    title: page.title,
    indicators: reported,
    updatedAt: Date.now(),
  });
  await updateBadge(tabId, await tabs.badge(tabId));
  return reported.some(({ status }) => status.status === 'pending' || status.retry === true);
}

/** A tab that shows a PDF: read in the background and reported as the tab's page. */
export function pdfHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'pdf/tab': async ({ tabId }) => {
      const tab = await browser.tabs.get(tabId).catch(() => undefined);
      const url = tab?.url ?? '';
      const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
      const decision = pageScanDecision(url, preferences, instances);
      // Excluded sites and MISP's own pages are never read; "Never highlight" still lets the popup ask.
      if (!decision.scan && decision.reason !== 'highlighting is off')
        return { ok: true, data: { isPdf: false } };
      const ready = await services;
      const { db, tabs } = ready;
      const key = tabPdfKey(tabId);
      const report = await tabs.get(tabId);
      // Read before (the popup opened again, or follows lookups under way): the report stands, with
      // the statuses as they are now (no content script reports a PDF again after a retried lookup).
      const earlier = report?.frames[String(PDF_FRAME_ID)];
      if (earlier?.url === url) {
        const stored = await getPdf(db, key);
        if (stored?.url === url) {
          const waiting = await reportPdf(ready, tabId, earlier);
          return { ok: true, data: { isPdf: true, name: stored.name, pages: stored.pages, waiting } };
        }
      }
      // A web page whose content script found indicators is no PDF (Chrome's PDF viewer page reports none).
      const own = report?.frames['0'];
      if (own?.url === url && own.indicators.length > 0) return { ok: true, data: { isPdf: false } };
      if (!looksLikePdfUrl(url) && !(await servedAsPdf(url))) return { ok: true, data: { isPdf: false } };
      const fetched = await fetchPdf(url, PDF_LIMITS);
      if (!fetched.ok) {
        if (fetched.problem === 'not-pdf') return { ok: true, data: { isPdf: false } };
        return { ok: true, data: { isPdf: true, problem: fetched.message } };
      }
      const record = { key, url, name: fetched.name, bytes: fetched.bytes, storedAt: Date.now() };
      await putPdf(db, record);
      const text = await readPdfText(key);
      if (!text.ok) return { ok: true, data: { isPdf: true, name: fetched.name, problem: text.message } };
      await putPdf(db, { ...record, pages: text.texts.length });
      const waiting = await reportPdf(ready, tabId, {
        url,
        title: text.title || fetched.name,
        indicators: documentIndicators(text.texts),
      });
      return { ok: true, data: { isPdf: true, name: fetched.name, pages: text.texts.length, waiting } };
    },
  };
}
