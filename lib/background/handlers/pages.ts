import { browser } from 'wxt/browser';
import { extractTexts } from '../../indicators/extract-texts';
import { forContentScript, isPlainNew } from '../../lookup/status';
import { loadInstances, loadPreferences } from '../../settings';
import { getTheme } from '../../theme';
import { updateBadge } from '../badge';
import { lookupInstances } from '../lookups';
import { pageScanDecision, type ScanDecision } from '../page-config';
import type { Handlers } from '../router';
import { fromContentScript, NOT_THIS_PAGE, RATE_LIMITED, senderFrame } from '../sender-scope';
import type { BackgroundServices } from '../services';

/**
 * Whether a frame's report is taken: never from MISP's own pages, sites never scanned or what is not a
 * web page (judged from the frame's own URL). "Highlighting is off" still takes a scan the analyst asked for.
 */
function mayReport(decision: ScanDecision): boolean {
  return decision.scan || decision.reason === 'highlighting is off';
}

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
    // The frame's own URL as the browser names it decides, never the URL a page-side script claims.
    'page/config': async (_request, sender) => ({ ok: true, data: await scanDecisionFor(sender.url ?? '') }),
    // References are judged against the frame's own address as the browser gives it, never the payload's.
    'page/extract': async ({ texts }, sender) => {
      // Extraction is the background's work for every tab: one tab gets a bounded share of it.
      const chars = texts.reduce((sum, text) => sum + text.length, 0);
      const { scope } = await services;
      if (!scope.allow('extractChars', senderFrame(sender).tabId, chars)) {
        return { ok: false, error: RATE_LIMITED };
      }
      return { ok: true, data: extractTexts(texts, sender.url === undefined ? {} : { pageUrl: sender.url }) };
    },
    'page/indicators': async ({ title, indicators }, sender) => {
      const tabId = sender.tab?.id ?? -1;
      const url = sender.url ?? '';
      if (!mayReport(await scanDecisionFor(url))) {
        return { ok: true, data: { statuses: {}, newValues: [] } };
      }
      const { lookups, tabs, scope } = await services;
      if (!scope.allow('reports', tabId)) return { ok: false, error: RATE_LIMITED };
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
      void rememberPageIndicators(services, { url, title }, indicators, statuses).catch(() => {});
      const others: typeof statuses = {};
      const newValues: string[] = [];
      for (const [value, status] of Object.entries(statuses)) {
        if (isPlainNew(status)) newValues.push(value);
        else others[value] = forContentScript(status);
      }
      return { ok: true, data: { statuses: others, newValues } };
    },
    'lookup/values': async ({ indicators }, sender) => {
      const { lookups, scope } = await services;
      if (fromContentScript(sender)) {
        // A selection on the page: counted per tab, and remembered as the frame's own values.
        const { tabId, frameId } = senderFrame(sender);
        if (!scope.allow('lookups', tabId)) return { ok: false, error: RATE_LIMITED };
        scope.noteAsked(
          tabId,
          frameId,
          indicators.map((indicator) => indicator.value),
        );
      }
      return { ok: true, data: { statuses: await lookups.statuses(sender.tab?.id ?? -1, indicators) } };
    },
    'card/matches': async ({ value }, sender) => {
      const { lookups, tabs, scope } = await services;
      const { tabId, frameId } = senderFrame(sender);
      // A card opens only for values its own frame found (or looked up): a page cannot probe others.
      // Sightline's own pages (the PDF reader) are trusted like the popup.
      if (fromContentScript(sender) && !(await scope.ownsValues(tabId, frameId, [value])))
        return { ok: false, error: NOT_THIS_PAGE };
      const [instances, theme, report] = await Promise.all([
        lookupInstances(),
        getTheme(),
        tabs.summary(tabId, []),
      ]);
      const reported = report.indicators.find((indicator) => indicator.value === value);
      const matches = await lookups.cardMatches(value, reported?.type);
      const notes = reported?.status.notes ?? [];
      scope.noteShown(
        tabId,
        matches.map((match) => ({ instanceId: match.instanceId, attributeId: match.attribute.id })),
      );
      // An instance's address goes to the card only when the card links into it (it has matches).
      const linked = new Set(matches.map((match) => match.instanceId));
      return {
        ok: true,
        data: {
          value,
          matches,
          instances: instances.map(({ id, name, url }) => ({ id, name, url: linked.has(id) ? url : '' })),
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
