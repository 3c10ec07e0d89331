import { useEffect, useRef } from 'preact/hooks';
import { CardController } from '../../card/controller';
import type { MessageType, RequestOf } from '../../messages';
import { sendToBackground } from '../../runtime';

/**
 * The hover card in the reader: the page layer's own card (lib/card), with its actions table, its
 * guard and its undo, drawn in an open shadow root of the reader page (an extension page: no page
 * script shares it). Sightings name the PDF's tab as their source.
 */
export function ReaderCard({
  value,
  x,
  y,
  focus = false,
  tabId,
  onClose,
}: {
  value: string;
  x: number;
  y: number;
  /** Opened from the keyboard (the indicator list): the card takes the focus. */
  focus?: boolean;
  tabId?: number;
  onClose(): void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<CardController>();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const lifetime = new AbortController();
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const withTab = <T extends MessageType>(type: T, payload: RequestOf<T>): RequestOf<T> =>
      type === 'sightings/record' && tabId !== undefined ? { ...payload, tabId } : payload;
    controllerRef.current = new CardController(
      {
        root,
        host,
        signal: lifetime.signal,
        anchorRect: () => undefined,
        pointerInCard: () => {},
        closed: () => {
          if (!lifetime.signal.aborted) onCloseRef.current();
        },
      },
      {
        ask: (type, payload) => sendToBackground(type, withTab(type, payload)),
        copy: (text) => navigator.clipboard.writeText(text),
      },
    );
    return () => lifetime.abort();
  }, [tabId]);

  useEffect(() => {
    void controllerRef.current?.open({ value, anchor: { x, y }, focus });
  }, [value, x, y, focus, tabId]);

  return <div ref={hostRef} />;
}
