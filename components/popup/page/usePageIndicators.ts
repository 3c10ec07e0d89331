import { useCallback, useEffect, useState } from 'preact/hooks';
import type { LookupInstanceView } from '../../../lib/lookup/by-instance';
import { withDerivedRows } from '../../../lib/lookup/derived-rows';
import { sendToBackground } from '../../../lib/runtime';
import type { ListedItem } from '../IndicatorList';
import type { PageScanView } from '../PageState';
import type { PopupTab } from '../PopupApp';

export interface PageIndicators {
  url: string;
  title: string;
  items: ListedItem[];
  problems: string[];
  instances: LookupInstanceView[];
  /** Whether and why the tab is (not) scanned, judged now from its own URL. */
  scan?: PageScanView;
}

const FOLLOW_MS = 2000;

/**
 * The tab's indicators as the background has them (`tab/indicators`), followed every 2 s while some
 * are still being looked up (checking, or failed and asked again).
 */
export function usePageIndicators(tab: PopupTab) {
  const [page, setPage] = useState<PageIndicators>();

  const load = useCallback(async () => {
    const result = await sendToBackground('tab/indicators', { tabId: tab.id });
    const url = result.ok && result.data.url ? result.data.url : tab.url;
    const title = result.ok && result.data.title ? result.data.title : tab.title;
    setPage({
      url,
      title,
      items: result.ok ? withDerivedRows(result.data.indicators) : [],
      problems: result.ok ? result.data.problems : [result.error.message],
      instances: result.ok ? (result.data.instances ?? []) : [],
      ...(result.ok && result.data.page ? { scan: result.data.page } : {}),
    });
    return { url, title };
  }, [tab.id]);

  const waiting = page?.items.some((item) => item.status.status === 'pending' || item.status.retry) ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void load(), FOLLOW_MS);
    return () => clearInterval(timer);
  }, [waiting, load]);

  return { page, load };
}
