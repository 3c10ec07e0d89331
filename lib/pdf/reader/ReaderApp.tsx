import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { openDatabase } from '../../db';
import { extractTexts } from '../../indicators/extract-texts';
import type { Extraction } from '../../indicators/page-indicators';
import { markKind } from '../../lookup/mark-kind';
import type { ValueStatus } from '../../lookup/status';
import { statusText } from '../../lookup/status-text';
import { sendToBackground } from '../../runtime';
import { PDF_LIMITS, problemMessage } from '../extract';
import { findAll } from '../marks';
import { browserPdfJs } from '../pdfjs-browser';
import { getPdf } from '../store';
import { boxesOf, drawBoxes, markClass, type ReaderPage, renderPage } from './document-view';
import { ReaderCard } from './ReaderCard';

const HOVER_DELAY_MS = 250;
const CLOSE_DELAY_MS = 300;

/** `reader.html?pdf=<stored key>&tab=<tab id>`: which stored PDF, and the tab sightings name as source. */
export function readerParams(search: string): { key: string; tabId?: number; problem?: string } {
  const params = new URLSearchParams(search);
  const tab = Number.parseInt(params.get('tab') ?? '', 10);
  const problem = params.get('problem')?.slice(0, 300);
  return {
    key: params.get('pdf') ?? '',
    ...(Number.isInteger(tab) && tab >= 0 ? { tabId: tab } : {}),
    // Why the background could not fetch a linked PDF (shown as text).
    ...(problem ? { problem } : {}),
  };
}

interface Indicator {
  value: string;
  type: string;
  count: number;
}

/**
 * Sightline's reader: the PDF drawn by pdf.js (canvas and text layer) with Sightline's marks and hover
 * card on its text, a page list, find in document, and the document's indicators beside it.
 */
export function ReaderApp() {
  const { key, tabId, problem: fetchProblem } = useMemo(() => readerParams(location.search), []);
  const pagesRef = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | undefined>(fetchProblem);
  const [name, setName] = useState('');
  const [pages, setPages] = useState<ReaderPage[]>([]);
  const [rendered, setRendered] = useState(false);
  const [extraction, setExtraction] = useState<Extraction>();
  const [statuses, setStatuses] = useState<Record<string, ValueStatus>>({});
  const [card, setCard] = useState<{ value: string; x: number; y: number; focus?: boolean }>();
  const [query, setQuery] = useState('');
  const [findIndex, setFindIndex] = useState(0);
  const closeTimer = useRef<ReturnType<typeof setTimeout>>();
  const hoverTimer = useRef<ReturnType<typeof setTimeout>>();
  const cardRef = useRef<HTMLDivElement | null>(null);

  // Open the stored PDF and draw its pages one after the other.
  useEffect(() => {
    let document: PDFDocumentProxy | undefined;
    let observer: IntersectionObserver | undefined;
    let live = true;
    void (async () => {
      if (fetchProblem) return;
      const db = await openDatabase();
      const stored = await getPdf(db, key).finally(() => db.close());
      if (!stored) {
        setProblem('This PDF is no longer at hand: open Sightline reader again from the popup.');
        return;
      }
      setName(stored.name);
      window.document.title = `${stored.name} · Sightline reader`;
      const pdfjs = browserPdfJs();
      try {
        document = await pdfjs.getDocument({ data: stored.bytes.slice(), isEvalSupported: false }).promise;
      } catch (error) {
        const encrypted = (error as { name?: string } | null)?.name === 'PasswordException';
        setProblem(problemMessage(encrypted ? 'encrypted' : 'unreadable'));
        return;
      }
      if (document.numPages > PDF_LIMITS.maxPages) {
        setProblem(problemMessage('too-many-pages', PDF_LIMITS, document.numPages));
        return;
      }
      const done: ReaderPage[] = [];
      // Pages are painted while near the viewport and released when far from it.
      observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            const page = done.find((candidate) => candidate.element === entry.target);
            if (entry.isIntersecting) void page?.paint();
            else page?.release();
          }
        },
        { root: pagesRef.current?.parentElement, rootMargin: '1500px 0px' },
      );
      for (let n = 1; n <= document.numPages && live; n++) {
        const page = await renderPage(document, n, pagesRef.current!);
        done.push(page);
        observer.observe(page.element);
        setPages([...done]);
      }
      setRendered(true);
      const found = extractTexts(done.map((page) => page.assembled.text));
      setExtraction(found);
      const indicators = found.values.map((value, i) => ({
        type: found.kinds[i]!,
        value,
        original: found.originals[i] || value,
        count: 1,
      }));
      if (indicators.length === 0) return;
      const answer = await sendToBackground('lookup/values', { indicators: indicators.slice(0, 20_000) });
      if (answer.ok) setStatuses(answer.data.statuses);
      else setProblem(answer.error.message);
    })();
    return () => {
      live = false;
      observer?.disconnect();
      void document?.destroy();
    };
  }, [key]);

  // Marks: every occurrence of a value with a mark kind, measured on the text layer.
  useEffect(() => {
    if (!rendered || !extraction) return;
    void sendToBackground('preferences/get', {}).then((answer) => {
      const preferences = answer.ok ? answer.data : { showNewMarks: false, showBenignMarks: false };
      for (const page of pages) for (const old of page.marks.querySelectorAll('.mark')) old.remove();
      const { hits, values } = extraction;
      for (let i = 0; i < hits.length; i += 4) {
        const page = pages[hits[i]!];
        const value = values[hits[i + 1]!]!;
        const kind = markKind(statuses[value], preferences);
        if (!page || !kind) continue;
        drawBoxes(page, boxesOf(page, hits[i + 2]!, hits[i + 3]!), markClass(kind), value);
      }
    });
  }, [rendered, extraction, statuses]);

  // Find in document: highlights, and the current one scrolled into view.
  const matches = useMemo(
    () =>
      pages.flatMap((page, p) =>
        findAll(page.assembled.text, query).map(([start, end]) => ({ p, start, end })),
      ),
    [pages, query, rendered],
  );
  useEffect(() => {
    for (const page of pages) for (const old of page.marks.querySelectorAll('.find')) old.remove();
    matches.forEach(({ p, start, end }, i) => {
      const page = pages[p]!;
      const boxes = drawBoxes(page, boxesOf(page, start, end), i === findIndex ? 'find current' : 'find');
      if (i === findIndex) boxes[0]?.scrollIntoView({ block: 'center' });
    });
  }, [matches, findIndex]);

  const indicators = useMemo<Indicator[]>(() => {
    if (!extraction) return [];
    const counts = new Array<number>(extraction.values.length).fill(0);
    for (let i = 1; i < extraction.hits.length; i += 4) counts[extraction.hits[i]!]! += 1;
    return extraction.values.map((value, i) => ({ value, type: extraction.kinds[i]!, count: counts[i]! }));
  }, [extraction]);

  const openCard = (value: string, x: number, y: number) => {
    clearTimeout(closeTimer.current);
    setCard({ value, x, y });
  };
  const scheduleClose = () => {
    clearTimeout(closeTimer.current);
    closeTimer.current = setTimeout(() => setCard(undefined), CLOSE_DELAY_MS);
  };
  const onPointer = (event: MouseEvent) => {
    // Marks let the pointer through to the text (selection works): found by their boxes instead.
    const mark = [...(pagesRef.current?.querySelectorAll<HTMLElement>('.mark') ?? [])].find((element) => {
      const box = element.getBoundingClientRect();
      return (
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom
      );
    });
    clearTimeout(hoverTimer.current);
    const value = mark?.dataset.value;
    if (value) {
      const box = mark.getBoundingClientRect();
      if (card?.value === value) clearTimeout(closeTimer.current);
      else hoverTimer.current = setTimeout(() => openCard(value, box.left, box.bottom), HOVER_DELAY_MS);
    } else if (card) scheduleClose();
  };
  const showIndicator = (value: string) => {
    const mark = pagesRef.current?.querySelector<HTMLElement>(`.mark[data-value="${CSS.escape(value)}"]`);
    mark?.scrollIntoView({ block: 'center' });
    const box = mark?.getBoundingClientRect();
    // From the list (keyboard or click): the card takes the focus, Escape gives it back.
    clearTimeout(closeTimer.current);
    setCard({ value, x: box?.left ?? 16, y: box?.bottom ?? 16, focus: true });
  };

  /** Closes the card; when it had the focus, the focus goes back to the list entry it came from. */
  const closeCard = () => {
    setCard((open) => {
      // (A card opened from the list had the focus; its content is gone by now, so the flag tells.)
      if (open?.focus)
        document.querySelector<HTMLElement>(`button[aria-label="Show ${CSS.escape(open.value)}"]`)?.focus();
      return undefined;
    });
  };

  // The card stays open while the pointer is in it, and closes a moment after it leaves.
  const cardOpen = card !== undefined;
  useEffect(() => {
    const element = cardRef.current;
    if (!cardOpen || !element) return;
    const stay = () => clearTimeout(closeTimer.current);
    element.addEventListener('mouseenter', stay);
    element.addEventListener('mouseleave', scheduleClose);
    return () => {
      element.removeEventListener('mouseenter', stay);
      element.removeEventListener('mouseleave', scheduleClose);
    };
  }, [cardOpen]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeCard();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return (
    <div class="sl-reader">
      <nav class="sl-reader-side" aria-label="Pages">
        <h1 class="sl-reader-name">{name || 'Sightline reader'}</h1>
        <search class="sl-reader-find">
          <input
            type="search"
            aria-label="Find in document"
            placeholder="Find in document"
            value={query}
            onInput={(event) => {
              setQuery(event.currentTarget.value);
              setFindIndex(0);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && matches.length > 0)
                setFindIndex((i) => (i + (event.shiftKey ? matches.length - 1 : 1)) % matches.length);
            }}
          />
          <p role="status" class="hint">
            {query.trim() ? `${matches.length === 0 ? 0 : findIndex + 1} of ${matches.length}` : ''}
          </p>
        </search>
        <ol class="sl-reader-pagelist">
          {pages.map((_, i) => (
            <li key={i}>
              <a href={`#page-${i + 1}`}>{`Page ${i + 1}`}</a>
            </li>
          ))}
        </ol>
      </nav>
      <main
        class="sl-reader-main"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the pages scroll, so the keyboard must reach them (arrow keys, Page Down).
        tabIndex={0}
        aria-label={name || 'Document'}
        onMouseMove={onPointer}
        onMouseLeave={scheduleClose}
      >
        {problem && (
          <p role="alert" class="status-error">
            {problem}
          </p>
        )}
        {!rendered && !problem && (
          <p role="status" class="hint">
            Drawing the PDF…
          </p>
        )}
        <div ref={pagesRef} class="sl-reader-pages" />
      </main>
      <aside class="sl-reader-side" aria-label="Indicators">
        <h2>Indicators in this document</h2>
        <ul aria-label="Indicators in this document" class="sl-reader-indicators">
          {indicators.map((indicator) => (
            <li key={indicator.value}>
              <button
                type="button"
                onClick={() => showIndicator(indicator.value)}
                aria-label={`Show ${indicator.value}`}
              >
                <span class="sl-value">{indicator.value}</span>
              </button>{' '}
              <span class={`sl-status sl-status-${statuses[indicator.value]?.status ?? 'pending'}`}>
                {statuses[indicator.value] ? statusText(statuses[indicator.value]!) : 'Checking…'}
              </span>
              {indicator.count > 1 && <span class="hint">{` ×${indicator.count}`}</span>}
            </li>
          ))}
        </ul>
      </aside>
      {card && (
        <div class="sl-reader-card" ref={cardRef}>
          <ReaderCard
            value={card.value}
            x={card.x}
            y={card.y}
            focus={card.focus ?? false}
            tabId={tabId}
            onClose={closeCard}
          />
        </div>
      )}
    </div>
  );
}
