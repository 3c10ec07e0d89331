import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { contextComments } from '../../../lib/events/context';
import { type PageContent, PageContentSchema, readPageContent } from '../../../lib/events/page-content';
import { pageUnits } from '../../../lib/events/page-units';

/**
 * The page's readable text, read once in the tab (`scripting.executeScript`, the tab's main frame),
 * and what comes of it: where values stand together, and each value's comment from its context.
 * Null when the tab cannot be read (a browser page, a PDF, no host access).
 */
export function usePageContent(tabId: number) {
  const [content, setContent] = useState<PageContent | null>(null);
  useEffect(() => {
    let live = true;
    void readTab(tabId).then((read) => live && setContent(read));
    return () => {
      live = false;
    };
  }, [tabId]);
  const units = useMemo(() => (content ? pageUnits(content) : []), [content]);
  const comments = useMemo(() => contextComments(units), [units]);
  return { content, units, comments };
}

async function readTab(tabId: number): Promise<PageContent | null> {
  try {
    const [frame] = await browser.scripting.executeScript({ target: { tabId }, func: readPageContent });
    const parsed = PageContentSchema.safeParse(frame?.result);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
