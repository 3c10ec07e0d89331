import { browser } from 'wxt/browser';
import { extractTexts } from '../../indicators/extract-texts';
import { forContentScript, isPlainNew } from '../../lookup/status';
import { loadInstances, loadPreferences } from '../../settings';
import { getTheme } from '../../theme';
import { updateBadge } from '../badge';
import { lookupInstances } from '../lookups';
import { pageScanDecision } from '../page-config';
import type { Handlers } from '../router';
import type { BackgroundServices } from '../services';
import { rememberPageIndicators } from './watch';

/** Content scripts' reports and lookups, the hover card, and the popup's view of a tab. */
export function pageHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'page/config': async ({ url }) => {
      const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
      return { ok: true, data: pageScanDecision(url, preferences, instances) };
    },
    // References are judged against the frame's own address as the browser gives it, never the payload's.
    'page/extract': async ({ texts }, sender) => ({
      ok: true,
      data: extractTexts(texts, sender.url === undefined ? {} : { pageUrl: sender.url }),
    }),
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
      if (!summary.url) {
        const tab = await browser.tabs.get(tabId).catch(() => undefined);
        summary.url = tab?.url ?? '';
        summary.title = tab?.title ?? '';
      }
      return { ok: true, data: summary };
    },
    'tab/scan': async ({ tabId }) => {
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
