import { browser } from 'wxt/browser';
import { openDatabase } from '../db';
import type { ConnectionInfo, ErrorInfo } from '../messages';
import { MispClient, MispError } from '../misp';
import { loadInstances, loadPreferences, saveInstances, savePreferences } from '../settings';
import { checkMispUrl } from '../url';
import { updateBadge } from './badge';
import { InstanceInputError, saveInstanceInput, toPublic } from './instances';
import { type BenignCheck, Lookups, lookupInstances } from './lookups';
import { registerMenusAndCommands } from './menus';
import { pageScanDecision } from './page-config';
import { createMessageListener, type Handlers } from './router';
import { TabReports } from './tabs';

/** Turns anything thrown into the error shape extension pages show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof MispError) return { kind: error.kind, message: error.message };
  if (error instanceof InstanceInputError) return { kind: 'input', message: error.message };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

async function testConnection(url: string, apiKey: string): Promise<ConnectionInfo> {
  const { requestTimeoutMs } = await loadPreferences();
  const info = await new MispClient({ url, apiKey, timeoutMs: requestTimeoutMs }).testConnection();
  const { siteAdmin: _siteAdmin, ...permissions } = info.permissions;
  return {
    version: info.version,
    userEmail: info.user.email,
    orgName: info.org.name,
    roleName: info.role.name,
    permissions,
  };
}

export interface BackgroundServices {
  lookups: Lookups;
  tabs: TabReports;
}

export function createHandlers(services: Promise<BackgroundServices>): Handlers {
  return {
    'instances/list': async () => ({ ok: true, data: (await loadInstances()).map(toPublic) }),
    'instances/save': async ({ instance }) => {
      try {
        const saved = toPublic(await saveInstanceInput(instance));
        (await services).lookups.clearCidrCache();
        return { ok: true, data: saved };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'instances/remove': async ({ id }) => {
      await saveInstances((await loadInstances()).filter((instance) => instance.id !== id));
      return { ok: true, data: {} };
    },
    'connection/test': async ({ id, url, apiKey }) => {
      const checked = checkMispUrl(url);
      if (checked.error || !checked.normalized) {
        return { ok: false, error: { kind: 'input', message: checked.error ?? 'Invalid URL.' } };
      }
      const stored = id ? (await loadInstances()).find((instance) => instance.id === id) : undefined;
      const key = apiKey?.trim() || stored?.apiKey || '';
      if (!key) return { ok: false, error: { kind: 'input', message: 'Enter the API key first.' } };
      try {
        return { ok: true, data: await testConnection(checked.normalized, key) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
    'preferences/get': async () => ({ ok: true, data: await loadPreferences() }),
    'preferences/save': async ({ patch }) => ({ ok: true, data: await savePreferences(patch) }),
    'page/config': async ({ url }) => {
      const [preferences, instances] = await Promise.all([loadPreferences(), loadInstances()]);
      return { ok: true, data: pageScanDecision(url, preferences, instances) };
    },
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
      return { ok: true, data: { statuses } };
    },
    'lookup/values': async ({ indicators }, sender) => {
      const { lookups } = await services;
      return { ok: true, data: { statuses: await lookups.statuses(sender.tab?.id ?? -1, indicators) } };
    },
    'card/matches': async ({ value }) => {
      const { lookups } = await services;
      const instances = await lookupInstances();
      const matches = (await lookups.service.cached([value])).get(value) ?? [];
      return {
        ok: true,
        data: { value, matches, instances: instances.map(({ id, name, url }) => ({ id, name, url })) },
      };
    },
    'tab/indicators': async ({ tabId }) => {
      const { lookups, tabs } = await services;
      const instances = await lookupInstances();
      const summary = await tabs.summary(tabId, lookups.problemList(instances));
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

/**
 * Wires the background. Listeners are registered synchronously at start-up (an MV3 service worker
 * that registers late misses the event that woke it); the services they use open asynchronously.
 */
export function startBackground(options: { isBenign: BenignCheck }): void {
  const services: Promise<BackgroundServices> = openDatabase().then((db) => {
    const lookups = new Lookups(db, options.isBenign);
    void lookups.service.prune();
    return { lookups, tabs: new TabReports(browser.storage.session) };
  });
  const listener = createMessageListener(createHandlers(services), {
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
  });
  browser.runtime.onMessage.addListener(listener);
  browser.tabs.onRemoved.addListener((tabId) => {
    void services.then(({ lookups, tabs }) => {
      lookups.service.cancelTab(tabId);
      return tabs.forget(tabId);
    });
  });
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A navigation: the old page's indicators no longer apply.
    if (change.status === 'loading' && change.url) {
      void services.then(async ({ lookups, tabs }) => {
        lookups.service.cancelTab(tabId);
        await tabs.forget(tabId);
        await updateBadge(tabId, { known: 0, threatLevel: 4 });
      });
    }
  });
  registerMenusAndCommands();
}
