import { browser } from 'wxt/browser';
import { extractTexts } from '../../indicators/extract-texts';
import { forContentScript, isPlainNew } from '../../lookup/status';
import { loadInstances, loadPreferences } from '../../settings';
import { getTheme } from '../../theme';
import { updateBadge } from '../badge';
import { lookupInstances } from '../lookups';
import { pageScanDecision, type ScanDecision } from '../page-config';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { rememberPageIndicators } from './watch';

async function scanDecisionFor(url: string): Promise<ScanDecision> {
  const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
  return pageScanDecision(url, preferences, instances);
}

/** The URL of one of Sightline's own pages open in `tabId` (the browser hides other pages' URLs). */
async function ownPageUrl(tabId: number): Promise<string | undefined> {
  const runtime = browser.runtime as unknown as {
    getContexts?(filter: { tabIds: number[] }): Promise<Array<{ documentUrl?: string }>>;
  };
  const contexts = await runtime.getContexts?.({ tabIds: [tabId] }).catch(() => []);
  return contexts?.find((context) => context.documentUrl)?.documentUrl;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Content scripts' reports and lookups, the hover card, and the popup's view of a tab. */
export function pageHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'page/config': async ({ url }) => ({ ok: true, data: await scanDecisionFor(url) }),
    'page/extract': async ({ texts }) => ({ ok: true, data: extractTexts(texts) }),
    'page/indicators': async ({ url, title, indicators }, sender) => {
      const tabId = sender.tab?.id ?? -1;
      const { lookups, tabs } = await services;
      const statuses = await lookups.statuses(tabId, indicators);
      await tabs.setFrame(tabId, sender.frameId ?? 0, {
        url,
        title,
        indicators: indicators.map((indicator) => ({
          ...indicator,
          status: statuses[indicator.value] ?? { status: 'pending' },
        })),
        updatedAt: Date.now(),
      });
      await updateBadge(tabId, await tabs.badge(tabId));
      // "Seen before, known now": judged from the frame's own URL, never the payload's.
      void rememberPageIndicators(services, { url: sender.url ?? '', title }, indicators, statuses).catch(
        () => {},
      );
      const others: typeof statuses = {};
      const newValues: string[] = [];
      for (const [value, status] of Object.entries(statuses)) {
        if (isPlainNew(status)) newValues.push(value);
        else others[value] = forContentScript(status);
      }
      return { ok: true, data: { statuses: others, newValues } };
    },
    'lookup/values': async ({ indicators }, sender) => {
      const { lookups } = await services;
      return { ok: true, data: { statuses: await lookups.statuses(sender.tab?.id ?? -1, indicators) } };
    },
    'card/matches': async ({ value }, sender) => {
      const { lookups, tabs } = await services;
      const [instances, theme, report] = await Promise.all([
        lookupInstances(),
        getTheme(),
        sender.tab?.id === undefined ? undefined : tabs.summary(sender.tab.id, []),
      ]);
      const reported = report?.indicators.find((indicator) => indicator.value === value);
      const matches = await lookups.cardMatches(value, reported?.type);
      const notes = reported?.status.notes ?? [];
      return {
        ok: true,
        data: {
          value,
          matches,
          instances: instances.map(({ id, name, url }) => ({ id, name, url })),
          theme,
          ...(notes.length > 0 ? { notes } : {}),
        },
      };
    },
    'tab/indicators': async ({ tabId }) => {
      const { lookups, tabs } = await services;
      const instances = await lookupInstances();
      const summary = await tabs.summary(tabId, lookups.problemList(instances));
      summary.instances = lookups.instanceViews(instances);
      const scanned = summary.url !== '';
      const tab = await browser.tabs.get(tabId).catch(() => undefined);
      if (!summary.url) {
        summary.url = tab?.url ?? '';
        summary.title = tab?.title ?? '';
      }
      // Judged now, from the tab's own URL: a site excluded or highlighting turned off since the scan
      // means its indicators are no longer shown as if current.
      const url = tab?.url ?? (await ownPageUrl(tabId)) ?? summary.url;
      const decision = url
        ? await scanDecisionFor(url)
        : // A URL the browser does not show Sightline: a browser page (or another extension's).
          { ...(await scanDecisionFor('')), why: 'browser-page' as const };
      summary.page = { ...decision, host: hostOf(url), scanned };
      if (!decision.scan) {
        summary.indicators = [];
        summary.problems = [];
      }
      return { ok: true, data: summary };
    },
    'tab/scan': async ({ tabId }) => {
      // "Scan this page" never scans what Sightline must not: MISP's pages, excluded sites.
      // (Where the browser hides the tab's URL, the content script's own decision stands.)
      const url = (await browser.tabs.get(tabId).catch(() => undefined))?.url ?? (await ownPageUrl(tabId));
      const decision = url ? await scanDecisionFor(url) : undefined;
      if (decision && !decision.scan) {
        return {
          ok: false,
          error: { kind: 'tab', message: `Sightline does not scan this page (${decision.reason}).` },
        };
      }
      try {
        await browser.tabs.sendMessage(tabId, { channel: 'sightline', command: 'scan' });
        return { ok: true, data: {} };
      } catch {
        return {
          ok: false,
          error: { kind: 'tab', message: 'Sightline cannot scan this tab (reload the page first).' },
        };
      }
    },
  };
}
