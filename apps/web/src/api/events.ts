import { useEffect, useRef } from 'react';

const RETRY_AFTER_REFUSAL_MS = 15_000;

/**
 * Listens to server-sent events at url (same origin, so the session cookie goes along); null: not now.
 * EventSource reconnects by itself after a dropped connection, but gives up for good when the
 * server refuses the stream (401, 404), so that case is retried here after a pause. Events sent
 * while disconnected are lost: onResync runs after every reconnection so the caller can refetch.
 */
export function useEventStream(url: string | null, onEvent: (data: string) => void, onResync: () => void) {
  const handlers = useRef({ onEvent, onResync });
  useEffect(() => {
    handlers.current = { onEvent, onResync };
  });
  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retry: number | undefined;
    let dropped = false;
    const connect = () => {
      const current = new EventSource(url);
      source = current;
      current.onopen = () => {
        if (!dropped) return;
        dropped = false;
        handlers.current.onResync();
      };
      current.onmessage = (event: MessageEvent<string>) => handlers.current.onEvent(event.data);
      current.onerror = () => {
        dropped = true;
        if (current.readyState === EventSource.CLOSED) {
          current.close();
          retry = window.setTimeout(connect, RETRY_AFTER_REFUSAL_MS);
        }
      };
    };
    connect();
    return () => {
      window.clearTimeout(retry);
      source?.close();
    };
  }, [url]);
}
